using System.Collections.Concurrent;
using System.Diagnostics;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection;
using TradeAnalyzer.Core.Detection.Invoices;
using TradeAnalyzer.Core.Detection.Mirror;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Scoring;
using TradeAnalyzer.Handlers.Analysis;

namespace TradeAnalyzer.Benchmarks;

/// <summary>
/// The profile behind the end-to-end figures: the same analysis run one stage at a time on one thread (reading, each
/// detector, the profiler), printing each stage's wall time, CPU time of the process, bytes allocated and GC counts, so
/// the costs can be compared on a loaded machine where wall time is noise.
/// </summary>
internal static class StagedBenchmark
{
    public static void Run(string dir)
    {
        string P(string f) => Path.Combine(dir, f);
        var request = new AnalysisRequest
        {
            Files = [InputFile.FromPath(P("declarations.csv")), InputFile.FromPath(P("invoices.csv"))],
            FxFiles = [InputFile.FromPath(P("fx.csv"))],
            SanctionsFiles = [InputFile.FromPath(P("sanctions.csv"))],
        };
        var pipeline = new AnalysisPipeline();

        // STAGES_ONLY=read [STAGES_REPEAT=N]: only the read, N times (best-of-N CPU of the reader), then stop.
        if (Environment.GetEnvironmentVariable("STAGES_ONLY") == "read")
        {
            var times = int.TryParse(Environment.GetEnvironmentVariable("STAGES_REPEAT"), out var n) && n > 0 ? n : 1;
            // STAGES_SWITCH=NAME: the repeats set the environment variable NAME to 0 and 1 in turn (an A/B of one switch in one
            // process, so both sides run under the same load).
            var toggle = Environment.GetEnvironmentVariable("STAGES_SWITCH");
            using var allocations = AllocTypeLog.StartIfAsked("INGEST_ALLOCS"); // INGEST_ALLOCS=N: what the reads allocate, by type
            for (var r = 0; r < times; r++)
            {
                var side = string.Empty;
                if (!string.IsNullOrEmpty(toggle))
                {
                    Environment.SetEnvironmentVariable(toggle, (r & 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    side = $" {toggle}={r & 1}";
                }

                GC.Collect();
                var s = Stage.Start();
                var read = pipeline.Read(request);
                s.Print("read (files in parallel)" + side, read.Files.Sum(f => f.RowsRead));

                // What the analysis's first collections do after a read (gen0, then gen1: each marks every new record and
                // id string, with the other core idle): their pause is the read's cost that the read's line does not show.
                var c = Stage.Start();
                GC.Collect(0, GCCollectionMode.Forced, blocking: true);
                GC.Collect(1, GCCollectionMode.Forced, blocking: true);
                c.Print("gen0 + gen1 after the read" + side, read.Files.Sum(f => f.RowsRead));
                GC.KeepAlive(read);
            }

            Console.Write(allocations?.TakeText());
            return;
        }

        var stage = Stage.Start();
        var inputs = pipeline.Read(request);
        var rows = inputs.Files.Sum(f => f.RowsRead);
        stage.Print("read (files in parallel)", rows);
        GC.Collect();
        Console.WriteLine($"  retained after read: {GC.GetTotalMemory(true) / 1048576.0:N0} MiB for {inputs.Declarations.Count + inputs.Invoices.Count:N0} records");

        PauseIfAsked("read");

        var context = new AnalysisContext
        {
            Declarations = inputs.Declarations,
            Invoices = inputs.Invoices,
            Comtrade = inputs.Comtrade,
            Reference = inputs.Reference,
            Options = inputs.Request.Options,
            ExporterFirstSeen = new Dictionary<string, DateOnly>(),
        };
        var sink = new Sink();
        // E2E_GCLOG=1: each detector's collections after its line (which of them promote what into gen2).
        using var gcLog = GcEventLog.StartIfAsked();
        // STAGES_ALLOCLOG=N: the N types each stage allocated most of (from here on).
        using var allocLog = AllocTypeLog.StartIfAsked("STAGES_ALLOCLOG");
        foreach (var detector in DetectorCatalog.CreateDefault())
        {
            stage = Stage.Start();
            var logged = gcLog?.Count ?? 0;
            detector.Detect(context, sink);
            stage.Print("detect." + detector.Name, rows);
            Thread.Sleep(gcLog is null ? 0 : 200); // the runtime's events arrive late
            Console.Write(gcLog?.Text(logged));
            Console.Write(allocLog?.TakeText());
        }

        PauseIfAsked("detectors");

        // STAGES_REPEAT=N [STAGES_ONLY=mirror,invoice]: run detectors N more times each on a fresh context (so shared
        // indexes are rebuilt), to compare CPU on a loaded machine by the best of several runs. With STAGES_SHARED=1 the
        // repeats of a detector share one context whose shipment and invoice indexes are built beforehand (not timed):
        // the detector's own work, without the index builds.
        if (int.TryParse(Environment.GetEnvironmentVariable("STAGES_REPEAT"), out var repeat) && repeat > 0)
        {
            var only = Environment.GetEnvironmentVariable("STAGES_ONLY")?.Split(',', StringSplitOptions.RemoveEmptyEntries);
            var shared = Environment.GetEnvironmentVariable("STAGES_SHARED") == "1";
            foreach (var detector in DetectorCatalog.CreateDefault())
            {
                if (only is not null && !only.Contains(detector.Name, StringComparer.Ordinal))
                {
                    continue;
                }

                AnalysisContext? built = null;
                if (shared)
                {
                    built = Fresh(context);
                    ShipmentIndex.For(built);
                    InvoiceIndex.For(built);
                }

                for (var r = 0; r < repeat; r++)
                {
                    var fresh = built ?? Fresh(context);
                    stage = Stage.Start();
                    detector.Detect(fresh, new Sink());
                    stage.Print($"detect.{detector.Name} ({(shared ? "indexes built, " : string.Empty)}repeat {r + 1})", rows);
                    Console.Write(allocLog?.TakeText());
                }
            }
        }

        var profiler = DetectorCatalog.CreateProfiler();
        if (profiler is not null)
        {
            stage = Stage.Start();
            var recordFlags = sink.ToList();
            profiler.Profile(context, recordFlags, sink);
            stage.Print("profile", rows);
            Console.Write(allocLog?.TakeText());

            // STAGES_REPEAT=N STAGES_ONLY=profile: the profile (roll-up included) N more times on fresh contexts.
            var onlyProfile = Environment.GetEnvironmentVariable("STAGES_ONLY")?.Split(',').Contains("profile", StringComparer.Ordinal) == true;
            for (var r = 0; onlyProfile && r < repeat; r++)
            {
                var fresh = Fresh(context);
                stage = Stage.Start();
                profiler.Profile(fresh, recordFlags, new Sink());
                stage.Print($"profile (repeat {r + 1})", rows);
                Console.Write(allocLog?.TakeText());
            }

            // Then N more with the flags' grouping made beforehand and shared, as the analyzer shares the score stage's
            // grouping with the profile (the grouping is in the score stage's figures).
            for (var r = 0; onlyProfile && r < repeat; r++)
            {
                var fresh = Fresh(context);
                fresh.Artifacts.RecordFlagGroups = Task.FromResult(FlagGroups.Of(recordFlags));
                stage = Stage.Start();
                profiler.Profile(fresh, recordFlags, new Sink());
                stage.Print($"profile, grouping shared (repeat {r + 1})", rows);
                Console.Write(allocLog?.TakeText());
            }
        }

        // As the analyzer ends: every flag in output order, then one score per record and the value at risk.
        stage = Stage.Start();
        var (_, scores, valueAtRisk, _) = RecordScorer.SortAndScore(sink.ToList());
        stage.Print("score", rows);
        Console.Write(allocLog?.TakeText());
        Console.WriteLine($"  {scores.Count:N0} records scored, {valueAtRisk:N0} USD at risk");

        // STAGES_REPEAT=N STAGES_ONLY=score: the score stage N more times on the same flags.
        var onlyScore = Environment.GetEnvironmentVariable("STAGES_ONLY")?.Split(',').Contains("score", StringComparer.Ordinal) == true;
        for (var r = 0; onlyScore && r < repeat; r++)
        {
            var all = sink.ToList();
            stage = Stage.Start();
            _ = RecordScorer.SortAndScore(all);
            stage.Print($"score (repeat {r + 1})", rows);
            Console.Write(allocLog?.TakeText());
        }

        Console.WriteLine($"flags: {sink.Count:N0}; process CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:N2} s, peak {Program.PeakMiB():N0} MiB");
    }

    /// <summary>A context over the same records and options without the shared indexes and artifacts built so far.</summary>
    private static AnalysisContext Fresh(AnalysisContext context) => new()
    {
        Declarations = context.Declarations,
        Invoices = context.Invoices,
        Comtrade = context.Comtrade,
        Reference = context.Reference,
        Options = context.Options,
        ExporterFirstSeen = context.ExporterFirstSeen,
    };

    /// <summary>STAGES_PAUSE=read or =detectors: wait 40 s after that stage (the heap as it stands then), printing the
    /// process id, for `dotnet-gcdump collect -p PID` (objects by type: what the read and the detectors keep).</summary>
    private static void PauseIfAsked(string after)
    {
        if (Environment.GetEnvironmentVariable("STAGES_PAUSE") == after)
        {
            Console.WriteLine($"  pid {Environment.ProcessId}: pausing 40 s after the {after}");
            Thread.Sleep(40_000);
        }
    }

    private sealed class Sink : IFlagSink
    {
        private readonly ConcurrentQueue<Flag> _flags = new();

        public int Count => _flags.Count;

        public void Add(Flag flag) => _flags.Enqueue(flag);

        public List<Flag> ToList() => [.. _flags];
    }

    private readonly record struct Stage(Stopwatch Wall, TimeSpan Cpu, long Allocated, int Gen0, int Gen1, int Gen2, TimeSpan Paused)
    {
        public static Stage Start() => new(
            Stopwatch.StartNew(), Process.GetCurrentProcess().TotalProcessorTime, GC.GetTotalAllocatedBytes(true),
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

        public void Print(string name, long rows)
        {
            var wall = Wall.Elapsed.TotalMilliseconds;
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - Cpu).TotalMilliseconds;
            var mib = (GC.GetTotalAllocatedBytes(true) - Allocated) / 1048576.0;
            var pause = (GC.GetTotalPauseDuration() - Paused).TotalMilliseconds;
            Console.WriteLine(
                $"  {name,-30} wall {wall,8:N0} ms  cpu {cpu,8:N0} ms  {rows / Math.Max(cpu, 0.001) * 1000,12:N0} rows/cpu-s  alloc {mib,8:N0} MiB  " +
                $"gc {GC.CollectionCount(0) - Gen0}/{GC.CollectionCount(1) - Gen1}/{GC.CollectionCount(2) - Gen2} pause {pause,6:N0} ms");
            Console.WriteLine($"RESULT stage={name} wall_ms={wall:F0} cpu_ms={cpu:F0} alloc_mib={mib:F0}");
        }
    }
}
