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
                using var sink = new CountingStream();
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
}
