using TradeAnalyzer.Core.Analysis;
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
}
