using System.Collections.Concurrent;
using System.Diagnostics;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Detection;
using TradeAnalyzer.Core.Scoring;
using Scored = (System.Collections.Generic.List<TradeAnalyzer.Core.Model.Flag> Flags, System.Collections.Generic.IReadOnlyList<TradeAnalyzer.Core.Model.RecordScore> Scores, double ValueAtRisk, System.Collections.Generic.IReadOnlyDictionary<TradeAnalyzer.Core.Model.FlagCode, double> ValueAtRiskByCode);

namespace TradeAnalyzer.Core.Analysis;

/// <summary>
/// Runs the detectors over one context (in parallel: they are independent), then the exporter profiler, then
/// combines each record's flags into one score. Timings are kept per stage.
/// </summary>
public sealed class Analyzer
{
    private readonly IReadOnlyList<IDetector> _detectors;
    private readonly IExporterProfiler? _profiler;

    public Analyzer(IReadOnlyList<IDetector> detectors, IExporterProfiler? profiler = null)
    {
        _detectors = detectors;
        _profiler = profiler;
    }

    /// <summary>The detectors of every flag code, with the default exporter profiler.</summary>
    public static Analyzer CreateDefault() => new(DetectorCatalog.CreateDefault(), DetectorCatalog.CreateProfiler());

    public IReadOnlyList<IDetector> Detectors => _detectors;

    public AnalysisResult Run(AnalysisContext context, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var timings = new ConcurrentDictionary<string, double>(StringComparer.Ordinal);
        var sink = new FlagCollector();
        var options = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount };

        // Longest detectors first, handed out one at a time, so the long poles do not end up last on one core (one that
        // would wait for the shipment index while the mirror builds it is passed over meanwhile); the shared indexes are
        // dropped as soon as the last detector that reads them is done (they are large).
        var ordered = SharedIndexes.LongestFirst(_detectors);
        if (_profiler is not null)
        {
            // The profiler's roll-up of the lines needs no flags: it runs last among the detectors, on the core the short
            // detectors leave free while the long ones finish, instead of after all of them.
            ordered.Add(new ProfilerPrepass(_profiler));
        }

        var indexes = new SharedIndexes(context, ordered);

        // With a profiler, the record flags are sorted and scored as soon as the last detector that makes them is done,
        // while the roll-up (the last work item, about a second on 1.9M lines, started when one core ran out of
        // detectors) is still running on the other core: the score (the longer of the two steps after the detectors)
        // no longer waits for the roll-up, and the profile follows the roll-up. The score runs on a thread of its own
        // (not a pool thread: the detectors and the profiler's parallel loops hold those).
        List<Flag>? recordFlags = null;
        Task<Scored>? scoring = null;
        var flagging = _profiler is null ? -1 : _detectors.Count;
        void StartScoring()
        {
            var flags = sink.ToList();
            recordFlags = flags;
            // The flags' grouping by record serves both the score and the profile's exporter digests, and both wait for it:
            // it is the first step after the detectors, on a thread of its own. As a pool task it waited behind the
            // roll-up's parallel loop for 0.3-0.6 s, and the profile then waited for it after the roll-up.
            var grouping = Task.Factory.StartNew(() => FlagGroups.Of(flags), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            context.Artifacts.RecordFlagGroups = grouping;
            scoring = Task.Factory.StartNew(() => RecordScorer.SortAndScore(flags, grouping), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        if (flagging == 0)
        {
            StartScoring();
        }

        Parallel.ForEach(Partitioner.Create(SharedIndexes.ReadyFirst(ordered, indexes.WaitsForIndex), EnumerablePartitionerOptions.NoBuffering), options, detector =>
        {
            var sw = Stopwatch.StartNew();
            detector.Detect(context, sink);
            timings[detector.Name] = sw.Elapsed.TotalMilliseconds;
            indexes.Done(detector);
            progress?.Report($"{detector.Name}: done in {sw.Elapsed.TotalMilliseconds:N0} ms");
            if (flagging > 0 && detector is not ProfilerPrepass && Interlocked.Decrement(ref flagging) == 0)
            {
                // Every detector's flags are in the sink (the roll-up adds none).
                StartScoring();
            }
        });

        indexes.ReleaseAll();
        recordFlags ??= sink.ToList();
        IReadOnlyList<ExporterProfile> exporters = [];
        List<Flag> flags;
        IReadOnlyList<RecordScore> scores;
        double valueAtRisk;
        IReadOnlyDictionary<FlagCode, double> valueAtRiskByCode;
        if (_profiler is not null)
        {
            // Record scores and the value at risk come from the record flags alone (exporter flags belong to no record):
            // they are sorted and scored on one core while the profiler runs on the other, and the profiler's few
            // exporter flags are merged into the sorted list afterwards (the order is total, so this is the full sort).
            var profileSink = new FlagCollector();
            var sw = Stopwatch.StartNew();
            exporters = _profiler.Profile(context, recordFlags, profileSink);
            timings["profile"] = sw.Elapsed.TotalMilliseconds;

            var scoreWatch = Stopwatch.StartNew();
            var profileFlags = profileSink.ToList();
            var sorted = scoring!.GetAwaiter().GetResult();
            if (profileFlags.TrueForAll(f => !RecordRef.TryOf(f, out _)))
            {
                FlagOrder.Sort(profileFlags);
                (flags, scores, valueAtRisk, valueAtRiskByCode) = (FlagOrder.MergeSorted(sorted.Flags, profileFlags), sorted.Scores, sorted.ValueAtRisk, sorted.ValueAtRiskByCode);
            }
            else
            {
                // A profiler that flags records: score everything together.
                (flags, scores, valueAtRisk, valueAtRiskByCode) = SortAndScore([.. recordFlags, .. profileFlags]);
            }

            timings["score"] = scoreWatch.Elapsed.TotalMilliseconds;
        }
        else
        {
            var scoreWatch = Stopwatch.StartNew();
            (flags, scores, valueAtRisk, valueAtRiskByCode) = SortAndScore(recordFlags);
            timings["score"] = scoreWatch.Elapsed.TotalMilliseconds;
        }

        return new AnalysisResult
        {
            Flags = flags,
            Exporters = exporters,
            RecordScores = scores,
            BaselinesUsed = context.Artifacts.BaselinesUsed
                .OrderBy(b => b.Group, StringComparer.Ordinal).ToList(),
            TimingsMs = new Dictionary<string, double>(timings, StringComparer.Ordinal),
            Counters = new Dictionary<string, long>(context.Artifacts.Counters, StringComparer.Ordinal),
            ValueAtRiskUsd = valueAtRisk,
            ValueAtRiskByCode = valueAtRiskByCode,
        };
    }

    /// <summary>The flags in output order, one score per record and the value at risk.</summary>
    private static Scored SortAndScore(List<Flag> flags) => RecordScorer.SortAndScore(flags);

    /// <summary>Runs <see cref="IExporterProfiler.Prepare"/> as one of the detectors' work items (it adds no flags).</summary>
    private sealed class ProfilerPrepass(IExporterProfiler profiler) : IDetector
    {
        public string Name => "profile.rollup";

        public void Detect(AnalysisContext context, IFlagSink sink) => profiler.Prepare(context);
    }

    private sealed class FlagCollector : IFlagSink
    {
        private readonly ConcurrentQueue<Flag> _flags = new();

        public void Add(Flag flag) => _flags.Enqueue(flag);

        /// <summary>The flags so far (copied segment by segment: enumerating 270,000 flags one by one into a growing
        /// list took 50-200 ms on the analysis's critical path, before the grouping could start).</summary>
        public List<Flag> ToList() => new(_flags.ToArray());
    }
}

/// <summary>Highest score first, then by code and record identity, so output order is deterministic.</summary>
public sealed class FlagOrder : IComparer<Flag>
{
    public static FlagOrder Instance { get; } = new();

    public int Compare(Flag? x, Flag? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return 1;
        }

        if (y is null)
        {
            return -1;
        }

        var c = y.Score.CompareTo(x.Score);
        if (c != 0)
        {
            return c;
        }

        c = x.Code.CompareTo(y.Code);
        return c != 0 ? c : string.CompareOrdinal(x.Key, y.Key);
    }

    /// <summary>
    /// Sorts <paramref name="flags"/> in this order, writing each flag's <see cref="Flag.Key"/> once (the comparer
    /// builds two key strings per comparison): the score stage's <see cref="FlagKeys.Order"/>.
    /// </summary>
    public static void Sort(List<Flag> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        var order = FlagKeys.Order(flags);
        var copy = flags.ToArray();
        for (var i = 0; i < order.Length; i++)
        {
            flags[i] = copy[order[i]];
        }
    }

    /// <summary>
    /// Merges two lists each already in this order into one list in this order (the order is total: two different flags
    /// never compare equal, so the result is what sorting both together gives). Made for many flags and a few.
    /// </summary>
    public static List<Flag> MergeSorted(List<Flag> many, List<Flag> few)
    {
        ArgumentNullException.ThrowIfNull(many);
        ArgumentNullException.ThrowIfNull(few);
        var result = new List<Flag>(many.Count + few.Count);
        var taken = 0;
        foreach (var f in few)
        {
            // The first of the remaining flags that goes after f (binary search: a few comparisons per flag of the few).
            int lo = taken, hi = many.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (Instance.Compare(many[mid], f) <= 0)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            result.AddRange(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(many)[taken..lo]);
            taken = lo;
            result.Add(f);
        }

        result.AddRange(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(many)[taken..]);
        return result;
    }
}
