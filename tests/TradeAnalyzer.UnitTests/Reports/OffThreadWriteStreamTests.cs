using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.UnitTests.Reports;

public sealed class OffThreadWriteStreamTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(300_000)]
    public void Inner_stream_receives_exactly_the_bytes_written_in_order(int maxPiece)
    {
        var random = new Random(maxPiece);
        var expected = new byte[(5 * OffThreadWriteStream.ChunkSize) + 12_345];
        random.NextBytes(expected);
        var inner = new MemoryStream();
        using (var stream = new OffThreadWriteStream(inner, leaveOpen: true))
        {
            var at = 0;
            while (at < expected.Length)
            {
                var n = Math.Min(expected.Length - at, random.Next(1, maxPiece + 1));
                if (n == 1 && random.Next(2) == 0)
                {
                    stream.WriteByte(expected[at]);
                }
                else
                {
                    stream.Write(expected, at, n);
                }

                at += n;
                Assert.Equal(at, stream.Position);
            }
        }

        Assert.Equal(expected, inner.ToArray());
    }

    [Fact]
    public void Flush_waits_for_the_bytes_so_far_and_dispose_closes_the_inner_stream()
    {
        var inner = new SlowStream(delayMs: 5);
        var stream = new OffThreadWriteStream(inner);
        var data = new byte[OffThreadWriteStream.ChunkSize + 10];
        data.AsSpan().Fill(42);
        stream.Write(data);
        stream.Flush();
        Assert.Equal(data.Length, inner.Received);
        Assert.False(inner.Disposed);
        stream.Write([1, 2, 3]);
        stream.Dispose();
        Assert.Equal(data.Length + 3, inner.Received);
        Assert.True(inner.Disposed);
        Assert.Throws<ObjectDisposedException>(() => stream.Write([1]));
    }

    [Fact]
    public void A_failing_inner_stream_fails_the_writer_instead_of_losing_bytes()
    {
        var inner = new SlowStream(delayMs: 0) { FailAfter = OffThreadWriteStream.ChunkSize };
        var stream = new OffThreadWriteStream(inner);
        var chunk = new byte[OffThreadWriteStream.ChunkSize];
        var error = Record.Exception(() =>
        {
            // The second chunk fails on the thread; a later hand-over or the dispose reports it.
            for (var i = 0; i < 8; i++)
            {
                stream.Write(chunk);
            }

            stream.Dispose();
        });
        Assert.IsType<IOException>(error);
        Assert.Contains("disk full", error.Message, StringComparison.Ordinal);
        Assert.True(inner.Disposed || Record.Exception(stream.Dispose) is IOException);
    }

    [Fact]
    public async Task A_blocked_inner_stream_holds_the_writer_back_after_a_few_chunks()
    {
        using var gate = new ManualResetEventSlim(false);
        var inner = new SlowStream(delayMs: 0) { Gate = gate };
        var stream = new OffThreadWriteStream(inner);
        var chunk = new byte[OffThreadWriteStream.ChunkSize];
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                stream.Write(chunk);
            }
        });

        // With the inner stream blocked, at most MaxChunks chunks can be filled: the writer must wait.
        var first = await Task.WhenAny(writer, Task.Delay(300));
        Assert.NotSame(writer, first);
        gate.Set();
        await writer.WaitAsync(TimeSpan.FromSeconds(30));
        stream.Dispose();
        Assert.Equal(10L * OffThreadWriteStream.ChunkSize, inner.Received);
    }

    private sealed class SlowStream(int delayMs) : Stream
    {
        public long Received { get; private set; }

        public long FailAfter { get; init; } = long.MaxValue;

        public ManualResetEventSlim? Gate { get; init; }

        public bool Disposed { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Received;

        public override long Position { get => Received; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Gate?.Wait();
            if (delayMs > 0)
            {
                Thread.Sleep(delayMs);
            }

            if (Received + count > FailAfter)
            {
                throw new IOException("disk full");
            }

            Received += count;
        }

        public override void Flush() => throw new InvalidOperationException("the inner stream must not be flushed");

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
