using System.Diagnostics;
#if !NO_BENCHMARKDOTNET
using BenchmarkDotNet.Running;
#endif

namespace TradeAnalyzer.Benchmarks;

/// <summary>
/// Benchmarks that print figures (never timed tests):
///   stages DIR         the same analysis one stage at a time: wall, CPU, bytes allocated and GCs per stage
///   e2e DIR            full analyze of a sample folder: rows/s per stage, peak memory (run `tradeanalyzer sample` first)
///   upload [LINES]     one upload of 10,000 lines against stored baselines of LINES (default 10,000,000) history lines
///   report [FLAGS]     the upload workbook with FLAGS flag rows (default 200,000)
///   deflate FILE       the workbook's zip compression of one part at each level: size, CPU
///   ingest FILE        parse, validate and normalise one file: rows/s and peak memory
///   workbook CSV OUT [ROWS]  the CSV's rows as a workbook shaped like Excel's save (the input of `ingest OUT`)
///   gcmodel strings|chars [LINES]  the two collections after a read of LINES records, ids as strings or as characters
///   risk [LINES]       precursor, route and sanctions detectors and the exporter profiler on synthetic lines
///   micro [FILTER]     BenchmarkDotNet micro-benchmarks of hot paths
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: benchmarks e2e DIR | upload [HISTORY_LINES] | report [FLAGS] | ingest FILE | workbook CSV OUT.xlsx [ROWS] | gcmodel strings|chars [LINES] | risk [LINES] | micro [--filter *]");
            return 2;
        }

        switch (args[0])
        {
            case "stages" when args.Length >= 2:
                StagedBenchmark.Run(args[1]);
                return 0;
            case "e2e" when args.Length >= 2:
                EndToEndBenchmark.Run(args[1], args.Length >= 3 ? args[2] : null);
                return 0;
            case "upload":
                await UploadBenchmark.RunAsync(args.Length >= 2 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000_000).ConfigureAwait(false);
                return 0;
            case "report":
                ReportBenchmark.Run(args.Length >= 2 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200_000, Path.GetTempPath());
                return 0;
            case "deflate" when args.Length >= 2:
                DeflateBenchmark.Run(args[1]);
                return 0;
            case "ingest" when args.Length >= 2:
                IngestionBenchmark.Run(args[1]);
                return 0;
            case "workbook" when args.Length >= 3:
                Console.WriteLine(WorkbookInputWriter.Run(args[1], args[2], args.Length >= 4 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 1_048_575));
                return 0;
            case "gcmodel" when args.Length >= 2:
                GcModelBenchmark.Run(args[1], args.Length >= 3 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1_924_107);
                return 0;
            case "risk":
                RiskBenchmark.Run(args.Length >= 2 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000);
                return 0;
#if !NO_BENCHMARKDOTNET
            case "micro":
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..]);
                return 0;
#endif
            default:
                Console.Error.WriteLine($"unknown benchmark '{args[0]}'");
                return 2;
        }
    }

    /// <summary>Peak working set of this process so far, in MiB.</summary>
    public static double PeakMiB()
    {
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return p.PeakWorkingSet64 / 1048576.0;
    }
}
