using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Profiles;
using TradeAnalyzer.Core.Reference;

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

    /// <summary>A profiler without the roll-up beside the detectors (the interface's default Prepare does nothing).</summary>
    private sealed class ProfileOnly(IExporterProfiler inner) : IExporterProfiler
    {
        public IReadOnlyList<ExporterProfile> Profile(AnalysisContext context, IReadOnlyList<Flag> recordFlags, IFlagSink sink) =>
            inner.Profile(context, recordFlags, sink);
    }
}
