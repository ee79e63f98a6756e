using System.IO.Compression;
using System.Text;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.UnitTests.Reports;

public sealed class ZipPackageWriterTests
{
    [Fact]
    public void Reference_crc_matches_the_standard_check_value()
    {
        Assert.Equal(0xCBF43926u, ReferenceCrc32("123456789"u8));
        Assert.Equal(0u, ReferenceCrc32([]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Combined_crc_of_two_runs_is_the_crc_of_both(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 200; i++)
        {
            var data = new byte[random.Next(0, 5_000)];
            random.NextBytes(data);
            var split = random.Next(0, data.Length + 1);
            var a = ReferenceCrc32(data.AsSpan(0, split));
            var b = ReferenceCrc32(data.AsSpan(split));
            Assert.Equal(ReferenceCrc32(data), Crc32Combine.Combine(a, b, data.Length - split));
        }
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(4_095, 2)]
    [InlineData(4_096, 2)]
    [InlineData(4_097, 2)]
    [InlineData(123_457, 1)]
    [InlineData(123_457, 2)]
    [InlineData(123_457, 3)]
    public void Parallel_deflate_is_one_deflate_stream_of_the_bytes_with_their_crc(int length, int workers)
    {
        var random = new Random(length + workers);
        var data = XmlLike(random, length);
        var output = new MemoryStream();
        var deflate = new ParallelDeflateStream(output, workers, blockSize: 4_096);
        var at = 0;
        while (at < data.Length)
        {
            var n = Math.Min(data.Length - at, random.Next(1, 10_000));
            deflate.Write(data, at, n);
            at += n;
            Assert.Equal(at, deflate.Length);
        }

        deflate.Dispose();
        Assert.Equal(output.Length, deflate.CompressedLength);
        Assert.Equal(ReferenceCrc32(data), deflate.Crc32);
        Assert.Equal(data, Inflate(output.ToArray()));
    }

    [Fact]
    public void Parallel_deflate_ends_with_a_final_block()
    {
        // Inflating a stream cut before its final block still yields the bytes, so check the last block's header bits:
        // the compressor's final empty block for an empty last block is 03 00 (BFINAL=1, fixed codes, end of block).
        var output = new MemoryStream();
        using (var deflate = new ParallelDeflateStream(output, 2, blockSize: 1_000))
        {
            deflate.Write(new byte[3_000]);
        }

        var bytes = output.ToArray();
        Assert.Equal(new byte[] { 0x03, 0x00 }, bytes[^2..]);
        Assert.Equal(new byte[] { 0x00, 0x00, 0xFF, 0xFF }, bytes[^6..^2]); // the sync flush ending the blocks before
    }

    [Fact]
    public void A_failing_output_fails_the_deflate_stream()
    {
        var output = new FailingStream(failAfter: 10_000);
        var deflate = new ParallelDeflateStream(output, 2, blockSize: 4_096);
        var data = new byte[4_096];
        var random = new Random(5);
        var thrown = Record.Exception(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                random.NextBytes(data);
                deflate.Write(data);
            }
        });
        Assert.True(thrown is null or IOException, thrown?.ToString()); // a write that hands a block over may report it first
        // Disposing stops the workers and reports the failure (again, if a write already did).
        Assert.Throws<IOException>(deflate.Dispose);
        Assert.Throws<ObjectDisposedException>(() => deflate.Write([1]));
    }

    [Theory]
    [InlineData(uint.MaxValue)]
    [InlineData(100)]
    public void Package_reads_back_with_every_entry_its_bytes_and_crc(long zip64Threshold)
    {
        var random = new Random(7);
        var entries = new List<(string Name, byte[] Data, bool Large)>
        {
            ("[Content_Types].xml", XmlLike(random, 500), false),
            ("xl/worksheets/sheet1.xml", XmlLike(random, 300_001), true),
            ("xl/empty.xml", [], false),
            ("xl/worksheets/sheet2.xml", [], true),
            ("docProps/naïve ü.xml", XmlLike(random, 50), false),
            ("xl/sharedStrings.xml", XmlLike(random, 8_192), true),
            ("xl/random.bin", RandomBytes(random, 20_000), true),
        };
        var output = new MemoryStream();
        using (var zip = new ZipPackageWriter(output, new DateTime(2026, 12, 3, 9, 15, 42), 2, zip64Threshold))
        {
            foreach (var (name, data, large) in entries)
            {
                using var stream = large ? zip.CreateLarge(name, blockSize: 4_096) : zip.Create(name);
                stream.Write(data);
                Assert.Throws<InvalidOperationException>(() => zip.Create("second.xml"));
            }
        }

        output.Position = 0;
        using var archive = new ZipArchive(output, ZipArchiveMode.Read);
        Assert.Equal(entries.Select(e => e.Name), archive.Entries.Select(e => e.FullName));
        foreach (var (name, data, _) in entries)
        {
            var entry = archive.GetEntry(name)!;
            Assert.Equal(data.Length, entry.Length);
            Assert.Equal(ReferenceCrc32(data), entry.Crc32);
            Assert.Equal(new DateTime(2026, 12, 3, 9, 15, 42), entry.LastWriteTime.DateTime);
            using var read = entry.Open();
            var copy = new MemoryStream();
            read.CopyTo(copy);
            Assert.Equal(data, copy.ToArray());
        }
    }

    [Fact]
    public void Finishing_with_an_entry_open_or_writing_after_finishing_fails()
    {
        var zip = new ZipPackageWriter(new MemoryStream(), DateTime.Now, 1);
        var open = zip.Create("a.xml");
        Assert.Throws<InvalidOperationException>(zip.Finish);
        open.Dispose();
        zip.Finish();
        Assert.Throws<InvalidOperationException>(() => zip.Create("b.xml"));
    }

    private static byte[] XmlLike(Random random, int length)
    {
        var text = new StringBuilder(length + 64);
        while (text.Length < length)
        {
            text.Append("<c r=\"B").Append(random.Next(1, 100_000)).Append("\" s=\"3\"><v>").Append(random.Next(0, 1_000)).Append("</v></c>");
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Inflate(byte[] deflated)
    {
        using var inflate = new DeflateStream(new MemoryStream(deflated), CompressionMode.Decompress);
        var copy = new MemoryStream();
        inflate.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Bit-at-a-time CRC-32 (reflected 0xEDB88320), the definition the fast code is checked against.</summary>
    private static uint ReferenceCrc32(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }

    private sealed class FailingStream(long failAfter) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Length + count > failAfter)
            {
                throw new IOException("disk full");
            }

            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (Length + buffer.Length > failAfter)
            {
                throw new IOException("disk full");
            }

            base.Write(buffer);
        }
    }
}
