using System.Diagnostics;
using System.Globalization;
using TradeAnalyzer.Handlers.Analysis;
using TradeAnalyzer.Handlers.Outputs;
using TradeAnalyzer.Reports;

namespace TradeAnalyzer.Benchmarks;

/// <summary>
/// The whole `analyze` of a sample folder (declarations + invoices, every detector, every output), as the command
/// runs it, with each stage's time and rows/s and the process's peak memory.
/// </summary>
internal static class EndToEndBenchmark
{
    public static void Run(string dir, string? outDir)
    {
        string P(string f) => Path.Combine(dir, f);
        var request = new AnalysisRequest
        {
            Files = [InputFile.FromPath(P("declarations.csv")), InputFile.FromPath(P("invoices.csv"))],
            FxFiles = [InputFile.FromPath(P("fx.csv"))],
            SanctionsFiles = [InputFile.FromPath(P("sanctions.csv"))],
        };
        using var gcLog = GcEventLog.StartIfAsked();
        using var jitLog = JitEventLog.StartIfAsked();
        var total = Stopwatch.StartNew();
        using var cores = new CoreUseSampler();
        var run = new AnalysisPipeline().Run(request);
        var analyzed = total.Elapsed.TotalMilliseconds;
        var analysisCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var analysisPeak = Program.PeakMiB();
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var sw = Stopwatch.StartNew();
        UploadOutputs.WriteToDirectory(run, outDir ?? Path.Combine(Path.GetTempPath(), "tradeanalyzer-e2e"));
        var outputs = sw.Elapsed.TotalMilliseconds;
        var outputsCpu = (Process.GetCurrentProcess().TotalProcessorTime - analysisCpu).TotalMilliseconds;
        var outputsAllocated = (GC.GetTotalAllocatedBytes() - allocatedBefore) / 1048576.0;
        var seconds = total.Elapsed.TotalSeconds;
        cores.Dispose();

        var rows = run.RowsRead;
        Console.WriteLine($"input: {run.Declarations.Count:N0} declaration lines + {run.Invoices.Count:N0} invoice lines ({rows:N0} rows read, {run.RowsRejected:N0} rejected)");
        foreach (var (stage, ms) in run.TimingsMs.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {stage,-28} {ms,10:N0} ms {rows / Math.Max(ms, 0.001) * 1000,14:N0} rows/s");
        }

        Console.WriteLine($"  {"outputs",-28} {outputs,10:N0} ms {run.Result.Flags.Count,14:N0} flags (cpu {outputsCpu:N0} ms, allocated {outputsAllocated:N0} MiB)");
        Console.WriteLine($"analysis cpu: {analysisCpu.TotalSeconds:N2} s (reference, read, detectors, profile, score; process user+sys), peak memory before outputs {analysisPeak:N0} MiB");
        var cpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        Console.WriteLine($"cpu: {cpu:N2} s (process user+sys), allocated {GC.GetTotalAllocatedBytes() / 1048576.0:N0} MiB, GC pauses {GC.GetTotalPauseDuration().TotalMilliseconds:N0} ms, GCs {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, {(System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? $"JIT {System.Runtime.JitInfo.GetCompiledMethodCount():N0} methods in {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:N0} ms" : "compiled ahead of time (Native AOT)")}");
        // The collector's settings in effect (the AOT build embeds a larger gen0 budget, Directory.Build.props).
        var gc = GC.GetConfigurationVariables();
        Console.WriteLine($"gc settings: gen0 budget up to {Convert.ToInt64(gc.GetValueOrDefault("GCGen0MaxBudget", 0L), CultureInfo.InvariantCulture) / 1048576.0:N0} MiB, conserve memory {gc.GetValueOrDefault("GCConserveMem", 0L)}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, concurrent {gc.GetValueOrDefault("ConcurrentGC", false)}");
        // The pipeline's stages run one after the other: reference, read, analyze (detectors, profile, score), then outputs.
        double[] marks =
        [
            run.TimingsMs.GetValueOrDefault("reference"),
            run.TimingsMs.GetValueOrDefault("reference") + run.TimingsMs.GetValueOrDefault("read"),
            analyzed,
        ];
        Console.WriteLine($"cores busy per 250 ms ('.' < 0.5, '-' < 1, '=' < 1.5, '#' >= 1.5; '|' = read, analyze, outputs start): {cores.Strip(250, marks)}");
        Console.WriteLine($"core use: read {cores.IdleBetween(marks[0], marks[1])}; analyze {cores.IdleBetween(marks[1], marks[2])}; outputs {cores.IdleBetween(analyzed, analyzed + outputs)}");
        if (gcLog is not null)
        {
            Console.Write(gcLog.Text());
        }

        if (jitLog is not null)
        {
            Console.Write(jitLog.Text());
        }

        Console.WriteLine($"total: {seconds:N2} s ({analyzed:N0} ms analysis), {rows / seconds:N0} rows/s, {run.Result.Flags.Count:N0} flags, peak memory {Program.PeakMiB():N0} MiB");
        Console.WriteLine($"RESULT e2e seconds={seconds:F2} rows={rows} peak_mib={Program.PeakMiB():F0} cpu_seconds={cpu:F2}");
        if (int.TryParse(Environment.GetEnvironmentVariable("OUTPUTS_REPEAT"), out var repeat) && repeat > 0)
        {
            RepeatOutputs(run, repeat);
        }
    }

    /// <summary>
    /// OUTPUTS_REPEAT=N: writes the outputs N more times after the run (to a scratch folder, deleted): each big file
    /// alone (flags.csv, flags.json, both in one pass, report.xlsx: CPU of one thread, allocation), then all of them as
    /// `analyze` does.
    /// Prints the best CPU of each, the figures to compare between builds.
    /// </summary>
    private static void RepeatOutputs(AnalysisRun run, int repeat)
    {
        var scratch = Path.Combine(Path.GetTempPath(), $"tradeanalyzer-outputs-{Environment.ProcessId}");
        Directory.CreateDirectory(scratch);
        var model = UploadOutputs.Model(run);
        (string Name, Action Write)[] writers =
        [
            ("flags.csv", () => { using var s = File.Create(Path.Combine(scratch, "flags.csv")); AnalysisOutputs.WriteFlagsCsv(s, model.Result.Flags); }),
            ("flags.json", () => { using var s = File.Create(Path.Combine(scratch, "flags.json")); AnalysisOutputs.WriteFlagsJson(s, model.Result.Flags); }),
            ("flags.csv+json, one pass", () =>
            {
                using var csv = File.Create(Path.Combine(scratch, "flags.csv"));
                using var json = File.Create(Path.Combine(scratch, "flags.json"));
                AnalysisOutputs.WriteFlags(csv, json, model.Result.Flags);
            }),
            ("report.xlsx", () => { using var s = AnalysisOutputs.CreateWorkbookFile(Path.Combine(scratch, "report.xlsx")); UploadReport.Write(s, model); }),
            ("all outputs", () => AnalysisOutputs.Write(scratch, model)),
        ];
        try
        {
            foreach (var (name, write) in writers)
            {
                var best = double.MaxValue;
                var bestWall = double.MaxValue;
                var allocated = 0.0;
                for (var i = 0; i < repeat; i++)
                {
                    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                    var allocatedBefore = GC.GetTotalAllocatedBytes();
                    var watch = Stopwatch.StartNew();
                    write();
                    bestWall = Math.Min(bestWall, watch.Elapsed.TotalMilliseconds);
                    best = Math.Min(best, (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds);
                    allocated = (GC.GetTotalAllocatedBytes() - allocatedBefore) / 1048576.0;
                }

                Console.WriteLine($"  repeat {name,-22} best cpu {best,8:N0} ms, best wall {bestWall,8:N0} ms, allocated {allocated,6:N0} MiB ({repeat} runs)");
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
