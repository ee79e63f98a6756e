using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Reference;
using static TradeAnalyzer.UnitTests.Detection.RiskRecords;

namespace TradeAnalyzer.UnitTests.Detection;

public class RiskPipelineTests
{
    [Fact]
    public void Default_analyzer_combines_risk_flags_into_record_scores_and_exporter_profiles()
    {
        var sanctions = SanctionsList.Parse(RiskRecords.Rows("name,country,program,source\nHubei Amarvel Biotech Co Ltd,CN,ILLICIT-DRUGS-EO14059,OFAC SDN\n"));
        var lines = new List<DeclarationLine>
        {
            Line(exporter: "Hubei Amarvel Biotech Co., Ltd.", hs: "2915.39.99", description: "1-boc-4-piperidone", transit: ["HK", "AE"], id: "X1", value: 60_000),
            Line(exporter: "Hubei Amarvel Biotech Co., Ltd.", id: "X2"),
            Line(exporter: "Clean Trading Ltd", id: "C1"),
        };
        var ctx = Context(lines, sanctions: sanctions, options: new AnalysisOptions { AsOf = new DateOnly(2026, 11, 30) });
        var result = new Analyzer(DetectorCatalog.CreateDefault(), DetectorCatalog.CreateProfiler()).Run(ctx);

        var codes = result.Flags.Where(f => f.DeclarationId == "X1").Select(f => f.Code).ToHashSet();
        Assert.Equal(new HashSet<FlagCode> { FlagCode.PrecursorChemical, FlagCode.PrecursorMisdeclared, FlagCode.HighRiskRoute, FlagCode.SanctionedParty }, codes);
        Assert.Equal(["X1#1", "X2#1"], result.RecordScores.Select(r => r.RecordKey)); // X2: same sanctioned exporter
        var record = result.RecordScores[0];
        Assert.Equal(RiskTier.Critical, record.Tier);
        Assert.True(record.Score > result.Flags.Where(f => f.DeclarationId == "X1").Max(f => f.Score));
        Assert.Equal(70_000, result.ValueAtRiskUsd);
        Assert.Equal([FlagCode.SanctionedParty], result.RecordScores[1].Codes);
        Assert.Equal("Hubei Amarvel Biotech Co., Ltd.", result.Exporters[0].Name);
        Assert.True(result.Exporters[0].Score > result.Exporters[1].Score);
        Assert.Contains(result.Flags, f => f.Code == FlagCode.NewExporter && f.ExporterName == "Hubei Amarvel Biotech Co., Ltd.");
        Assert.Contains("precursor", result.TimingsMs.Keys);
        Assert.Contains("profile", result.TimingsMs.Keys);
    }
}
