using TradeAnalyzer.Ingestion;

namespace TradeAnalyzer.UnitTests.Ingestion;

public sealed class OffThreadReadStreamTests
{
    /// <summary>An inner stream that returns at most <paramref name="maxPiece"/> bytes per read, and can fail after some.</summary>
    private sealed class TrickleStream(byte[] data, int maxPiece, int failAfter = int.MaxValue) : Stream
    {
        private int _at;

        public bool Disposed { get; private set; }

        public int Reads { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => data.Length;

        public override long Position { get => _at; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Reads++;
            if (_at >= failAfter)
            {
                throw new InvalidDataException("the zip entry is corrupt");
            }

            var n = Math.Min(Math.Min(count, maxPiece), Math.Min(data.Length, failAfter) - _at);
            data.AsSpan(_at, n).CopyTo(buffer.AsSpan(offset));
            _at += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    private static byte[] Data(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    [Theory]
    [InlineData(1, 1, 5, 20_000)]
    [InlineData(13, 7, 3000, 200_000)]
    [InlineData(1000, 300_000, 1 << 16, 800_001)]
    [InlineData(OffThreadReadStream.ChunkSize, 1 << 20, 1 << 20, (3 * OffThreadReadStream.ChunkSize) + 12_345)]
    public void The_reader_gets_exactly_the_inner_streams_bytes_in_order(int chunkSize, int maxInnerPiece, int maxRead, int length)
    {
        var expected = Data(length, chunkSize);
        var random = new Random(maxRead);
        var got = new MemoryStream();
        using (var stream = new OffThreadReadStream(new TrickleStream(expected, maxInnerPiece), chunkSize: chunkSize))
        {
            var buffer = new byte[maxRead];
            while (true)
            {
                if (random.Next(4) == 0)
                {
                    var b = stream.ReadByte();
                    if (b < 0)
                    {
                        break;
                    }

                    got.WriteByte((byte)b);
                }
                else
                {
                    var n = stream.Read(buffer, 0, random.Next(1, maxRead + 1));
                    if (n == 0)
                    {
                        break;
                    }

                    got.Write(buffer, 0, n);
                }

                Assert.Equal(got.Length, stream.Position);
            }

            Assert.Equal(0, stream.Read(buffer, 0, buffer.Length));
        }

        Assert.Equal(expected, got.ToArray());
    }

    [Fact]
    public void An_empty_inner_stream_reads_as_empty()
    {
        using var stream = new OffThreadReadStream(new TrickleStream([], 10));
        Assert.Equal(0, stream.Read(new byte[10], 0, 10));
        Assert.Equal(-1, stream.ReadByte());
    }

    [Fact]
    public void A_failing_inner_stream_fails_the_reader_after_every_byte_read_before_the_failure()
    {
        var data = Data(100_000, 3);
        using var stream = new OffThreadReadStream(new TrickleStream(data, 4096, failAfter: 70_000), chunkSize: 1000);
        var got = new MemoryStream();
        var buffer = new byte[777];
        var ex = Assert.Throws<InvalidDataException>(() =>
        {
            while (stream.Read(buffer, 0, buffer.Length) is var n and > 0)
            {
                got.Write(buffer, 0, n);
            }
        });
        Assert.Equal("the zip entry is corrupt", ex.Message);
        Assert.Equal(data.AsSpan(0, 70_000).ToArray(), got.ToArray());
        Assert.Throws<InvalidDataException>(() => stream.Read(buffer, 0, buffer.Length));
    }

    /// <summary>
    /// The failure is already known when the reader asks: a read that gathers bytes across chunks returns them (even the
    /// failed chunk's first bytes), and the next read throws. Throwing at once would drop the bytes in hand.
    /// </summary>
    [Fact]
    public void A_failure_met_with_bytes_in_hand_is_thrown_by_the_next_read()
    {
        var data = Data(100_000, 5);
        using var stream = new OffThreadReadStream(new TrickleStream(data, 300, failAfter: 2_500), chunkSize: 1000);
        Thread.Sleep(200); // two full chunks, 500 bytes of the third and the failure, all read ahead
        var buffer = new byte[10_000];
        Assert.Equal(2_500, stream.Read(buffer, 0, buffer.Length));
        Assert.Equal(data.AsSpan(0, 2_500).ToArray(), buffer.AsSpan(0, 2_500).ToArray());
        Assert.Throws<InvalidDataException>(() => stream.Read(buffer, 0, buffer.Length));
    }

    [Fact]
    public void The_thread_reads_at_most_a_bounded_number_of_chunks_ahead_and_dispose_stops_it_and_closes_the_inner_stream()
    {
        var data = Data(10_000_000, 4);
        var inner = new TrickleStream(data, 1 << 20);
        var stream = new OffThreadReadStream(inner, chunkSize: 1000);
        var buffer = new byte[10];
        Assert.Equal(10, stream.Read(buffer, 0, 10));
        Assert.Equal(data.AsSpan(0, 10).ToArray(), buffer);
        Thread.Sleep(200);

        // Four chunks of 1,000 bytes at most exist: the reader's, and three read ahead (each one inner read here).
        Assert.InRange(inner.Position, 1000, OffThreadReadStream.MaxChunks * 1000);
        stream.Dispose();
        Assert.True(inner.Disposed);
        Assert.Throws<ObjectDisposedException>(() => stream.Read(buffer, 0, 1));
    }
}
