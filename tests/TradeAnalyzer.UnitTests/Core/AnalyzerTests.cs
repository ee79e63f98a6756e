using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Profiles;
using TradeAnalyzer.Core.Reference;
using TradeAnalyzer.Core.Scoring;

namespace TradeAnalyzer.UnitTests.Core;

public sealed class AnalyzerTests
{
    [Fact]
    public void Every_default_detector_accepts_an_empty_analysis()
    {
        var context = new AnalysisContext
        {
            Declarations = [],
            Reference = new ReferenceData { Watchlist = Watchlist.Default, Jurisdictions = JurisdictionList.Default },
        };
        var result = Analyzer.CreateDefault().Run(context);
        Assert.Empty(result.Flags);
        Assert.Empty(result.Exporters);
        Assert.Equal(0, result.ValueAtRiskUsd);
        Assert.True(result.TimingsMs.Count >= 10, "every detector reports its time");
    }

    [Fact]
    public void Exporter_profiles_rolled_up_beside_the_detectors_equal_profiles_rolled_up_after_them()
    {
        // The analyzer runs the profiler's Prepare among the detectors; a profiler without it rolls the lines up inside
        // Profile. Same records, same profiles, same flags. Some exporters are new (first seen inside the window).
        var dir = Path.Combine(Path.GetTempPath(), "ta-prepass-" + Guid.NewGuid().ToString("N"));
        try
        {
            TradeAnalyzer.SampleData.SampleGenerator.Write(dir, new TradeAnalyzer.SampleData.SampleOptions { Shipments = 600 });
            var read = new TradeAnalyzer.Handlers.Analysis.AnalysisPipeline().Read(new TradeAnalyzer.Handlers.Analysis.AnalysisRequest
            {
                Files = [.. new[] { "declarations.csv", "invoices.csv" }.Select(f => TradeAnalyzer.Handlers.Analysis.InputFile.FromPath(Path.Combine(dir, f)))],
                FxFiles = [TradeAnalyzer.Handlers.Analysis.InputFile.FromPath(Path.Combine(dir, "fx.csv"))],
                SanctionsFiles = [TradeAnalyzer.Handlers.Analysis.InputFile.FromPath(Path.Combine(dir, "sanctions.csv"))],
            });
            AnalysisContext Context() => new()
            {
                Declarations = read.Declarations,
                Invoices = read.Invoices,
                Reference = read.Reference,
                Options = new AnalysisOptions(),
            };

            var prepared = new Analyzer(DetectorCatalog.CreateDefault(), new ExporterProfiler()).Run(Context());
            var inline = new Analyzer(DetectorCatalog.CreateDefault(), new ProfileOnly(new ExporterProfiler())).Run(Context());
            Assert.True(prepared.TimingsMs.ContainsKey("profile.rollup"));
            Assert.Contains(prepared.Flags, f => f.Code == FlagCode.NewExporter);
            Assert.Equal(inline.Exporters.Count, prepared.Exporters.Count);
            for (var i = 0; i < inline.Exporters.Count; i++)
            {
                var a = inline.Exporters[i];
                var b = prepared.Exporters[i];
                Assert.Equal((a.Key, a.Shipments, a.ValueUsd, a.Score, a.FirstSeen, a.LastSeen, a.ValueAtRiskUsd), (b.Key, b.Shipments, b.ValueUsd, b.Score, b.FirstSeen, b.LastSeen, b.ValueAtRiskUsd));
                Assert.Equal(a.Commodities, b.Commodities);
                Assert.Equal(a.Reasons, b.Reasons);
            }

            Assert.Equal(inline.Flags.Select(f => (f.Code, f.Key, f.Explanation)), prepared.Flags.Select(f => (f.Code, f.Key, f.Explanation)));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(4, false)]
    [InlineData(4, true)]
    public void Record_flags_scored_beside_a_slow_roll_up_give_what_scoring_every_flag_at_once_gives(int detectors, bool profilerFlagsRecords)
    {
        // The record flags are sorted and scored as soon as the last detector is done, while the profiler's roll-up may
        // still run (here it takes a while); the profiler's flags are merged in afterwards (or, when the profiler flags
        // records, everything is scored again together). Either way: what one SortAndScore of every flag gives.
        var random = new Random(7 + detectors);
        var made = new List<List<Flag>>();
        for (var d = 0; d < detectors; d++)
        {
            var flags = new List<Flag>();
            for (var i = 0; i < 400; i++)
            {
                // One code per detector, as the real ones: flags of equal score, code and record then come from one
                // detector, in its order (the sort keeps arrival order for those, and the detectors run in parallel).
                flags.Add(RecordFlag($"D{random.Next(120)}", random.Next(1, 4), (FlagCode)d, random.Next(0, 3) == 0 ? 60 : Math.Round(random.NextDouble() * 100, 1), random.Next(3) == 0 ? null : Math.Round(random.NextDouble() * 1e5, 2)));
            }

            made.Add(flags);
        }

        var profiler = new SlowProfiler(profilerFlagsRecords);
        var result = new Analyzer([.. made.Select((f, d) => (IDetector)new Fixed($"fixed{d}", f))], profiler).Run(new AnalysisContext
        {
            Declarations = [],
            Reference = new ReferenceData { Watchlist = Watchlist.Default, Jurisdictions = JurisdictionList.Default },
        });

        Assert.True(profiler.Prepared);
        var all = made.SelectMany(f => f).Concat(profiler.Made).ToList();
        var (expected, scores, valueAtRisk, byCode) = RecordScorer.SortAndScore(all);
        Assert.Equal(expected, result.Flags);
        Assert.Equal(valueAtRisk, result.ValueAtRiskUsd);
        Assert.Equal(byCode.OrderBy(kv => kv.Key), result.ValueAtRiskByCode!.OrderBy(kv => kv.Key));
        Assert.Equal(scores.Select(r => (r.RecordType, r.RecordKey, r.Score, string.Join(",", r.Codes))), result.RecordScores.Select(r => (r.RecordType, r.RecordKey, r.Score, string.Join(",", r.Codes))));
        if (profilerFlagsRecords)
        {
            Assert.Contains(result.RecordScores, r => r.Codes.Contains(FlagCode.ExporterProfile));
        }
    }

    private static Flag RecordFlag(string declaration, int line, FlagCode code, double score, double? atRisk) => new()
    {
        Code = code,
        Severity = EnumText.SeverityFromScore(score),
        Score = score,
        RecordType = RecordType.Declaration,
        DeclarationId = declaration,
        LineNo = line,
        ExporterKey = "E" + declaration,
        ValueAtRiskUsd = atRisk,
        Explanation = $"{code} on {declaration}#{line}",
    };

    /// <summary>A detector that adds the same flags every time.</summary>
    private sealed class Fixed(string name, List<Flag> flags) : IDetector
    {
        public string Name => name;

        public void Detect(AnalysisContext context, IFlagSink sink)
        {
            foreach (var f in flags)
            {
                sink.Add(f);
            }
        }
    }

    /// <summary>A profiler whose roll-up takes a while and whose profile adds exporter flags (and, if asked, a record flag).</summary>
    private sealed class SlowProfiler(bool flagsRecords) : IExporterProfiler
    {
        public bool Prepared { get; private set; }

        public List<Flag> Made { get; } = [];

        public void Prepare(AnalysisContext context)
        {
            Thread.Sleep(150);
            Prepared = true;
        }

        public IReadOnlyList<ExporterProfile> Profile(AnalysisContext context, IReadOnlyList<Flag> recordFlags, IFlagSink sink)
        {
            Made.Add(new Flag { Code = FlagCode.ExporterProfile, Severity = Severity.High, Score = 70, RecordType = RecordType.Exporter, ExporterKey = "E1", ExporterName = "E1", Explanation = "exporter" });
            Made.Add(new Flag { Code = FlagCode.NewExporter, Severity = Severity.High, Score = 65, RecordType = RecordType.Exporter, ExporterKey = "E2", ExporterName = "E2", Explanation = "new exporter" });
            if (flagsRecords)
            {
                Made.Add(RecordFlag("D1", 1, FlagCode.ExporterProfile, 55, 10));
            }

            foreach (var f in Made)
            {
                sink.Add(f);
            }

            return [];
        }
    }

    /// <summary>A profiler without the roll-up beside the detectors (the interface's default Prepare does nothing).</summary>
    private sealed class ProfileOnly(IExporterProfiler inner) : IExporterProfiler
    {
        public IReadOnlyList<ExporterProfile> Profile(AnalysisContext context, IReadOnlyList<Flag> recordFlags, IFlagSink sink) =>
            inner.Profile(context, recordFlags, sink);
    }
}
