using System.Diagnostics;
using System.IO.Compression;

namespace TradeAnalyzer.Benchmarks;

/// <summary>
/// How the workbook's zip compression costs on a given part (e.g. a sheet extracted from report.xlsx): writes FILE
/// into a zip entry in memory-sized blocks at each compression level, three times each, and prints the compressed
/// size and the best CPU and wall time. Usage: `deflate FILE`.
/// </summary>
internal static class DeflateBenchmark
{
    public static void Run(string path)
    {
        var data = File.ReadAllBytes(path);
        Console.WriteLine($"{path}: {data.Length / 1e6:N1} MB");
        foreach (var level in new[] { CompressionLevel.Fastest, CompressionLevel.Optimal, CompressionLevel.NoCompression })
        {
            var bestCpu = double.MaxValue;
            var bestWall = double.MaxValue;
            long size = 0;
            for (var run = 0; run < 3; run++)
            {
                using var sink = new CountingSink();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                using (var zip = new ZipArchive(sink, ZipArchiveMode.Create, leaveOpen: true))
                {
                    using var entry = zip.CreateEntry("part.xml", level).Open();
                    for (var offset = 0; offset < data.Length; offset += 1 << 16)
                    {
                        entry.Write(data, offset, Math.Min(1 << 16, data.Length - offset));
                    }
                }

                bestWall = Math.Min(bestWall, watch.Elapsed.TotalMilliseconds);
                bestCpu = Math.Min(bestCpu, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
                size = sink.Count;
            }

            Console.WriteLine($"  {level,-14} {size / 1e6,8:N1} MB  best cpu {bestCpu,7:N0} ms  best wall {bestWall,7:N0} ms  ({data.Length / 1e6 / (bestCpu / 1000):N0} MB/s of input per CPU second)");
        }
    }

    /// <summary>A write-only, non-seekable sink that counts bytes.</summary>
    private sealed class CountingSink : Stream
    {
        public long Count { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Count;

        public override long Position { get => Count; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Count += count;

        public override void Write(ReadOnlySpan<byte> buffer) => Count += buffer.Length;
    }
}
