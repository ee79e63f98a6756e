using TradeAnalyzer.Core.Detection.Mirror;
using TradeAnalyzer.Core.Model;
using static TradeAnalyzer.UnitTests.Detection.ReconciliationFixtures;

namespace TradeAnalyzer.UnitTests.Detection;

public class ComtradeMirrorDetectorTests
{
    private static readonly ComtradeMirrorDetector Detector = new();

    private static List<Flag> RunRows(params ComtradeRow[] rows) => Run(Detector, [], comtrade: rows);

    [Fact]
    public void Corridor_value_gap_is_flagged_with_corridor_and_period()
    {
        var flags = RunRows(
            Comtrade("US", "MX", TradeFlow.Export, 1_000_000),
            Comtrade("MX", "US", TradeFlow.Import, 2_200_000));

        var flag = Assert.Single(flags);
        Assert.Equal(FlagCode.MirrorValueGap, flag.Code);
        Assert.Equal(RecordType.Corridor, flag.RecordType);
        Assert.Equal("US", flag.OriginCountry);
        Assert.Equal("MX", flag.DestinationCountry);
        Assert.Equal("2933.39", flag.HsCode);
        Assert.Equal("2025", flag.Period);
        Assert.Equal(1_000_000, flag.ValueAtRiskUsd!.Value, 1); // 2,200,000 / 1.10 - 1,000,000
        Assert.Contains("2,200,000.00 USD CIF", flag.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Normal_cif_fob_spread_between_corridor_sides_is_not_flagged()
    {
        var flags = RunRows(
            Comtrade("US", "MX", TradeFlow.Export, 1_000_000, weightKg: 50_000),
            Comtrade("MX", "US", TradeFlow.Import, 1_150_000, weightKg: 52_000));

        Assert.Empty(flags);
    }

    [Fact]
    public void Re_export_hub_corridors_are_down_weighted_and_explained()
    {
        var direct = Assert.Single(RunRows(Comtrade("CN", "MX", TradeFlow.Export, 1_000_000), Comtrade("MX", "CN", TradeFlow.Import, 3_000_000)));
        var hub = Assert.Single(RunRows(Comtrade("HK", "MX", TradeFlow.Export, 1_000_000), Comtrade("MX", "HK", TradeFlow.Import, 3_000_000)));

        Assert.Equal(direct.Score / 2, hub.Score, 1);
        Assert.Contains("HK is a re-export hub", hub.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("re-export hub", direct.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Corridor_weight_gap_is_a_quantity_gap()
    {
        var flags = RunRows(
            Comtrade("IN", "MX", TradeFlow.Export, 1_000_000, weightKg: 100_000),
            Comtrade("MX", "IN", TradeFlow.Import, 1_100_000, weightKg: 40_000));

        var flag = Assert.Single(flags);
        Assert.Equal(FlagCode.MirrorQuantityGap, flag.Code);
        Assert.Contains("100,000.00 kg", flag.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_side_is_flagged_only_when_the_partner_reported_that_period()
    {
        var reported = RunRows(
            Comtrade("US", "MX", TradeFlow.Export, 500_000, code: "293339"),
            Comtrade("MX", "US", TradeFlow.Import, 100_000, code: "280110"),
            Comtrade("US", "MX", TradeFlow.Export, 95_000, code: "280110"));
        var notReported = RunRows(
            Comtrade("US", "MX", TradeFlow.Export, 500_000, code: "293339"),
            Comtrade("MX", "US", TradeFlow.Import, 100_000, code: "280110", period: "2024"));

        var flag = Assert.Single(reported, f => f.Code == FlagCode.MirrorMissing);
        Assert.Equal("2933.39", flag.HsCode);
        Assert.Contains("did report imports from US", flag.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain(notReported, f => f.Code == FlagCode.MirrorMissing && f.Period == "2025");
    }

    [Fact]
    public void Periods_are_compared_separately()
    {
        var flags = RunRows(
            Comtrade("US", "MX", TradeFlow.Export, 1_000_000, period: "202501"),
            Comtrade("MX", "US", TradeFlow.Import, 1_100_000, period: "202501"),
            Comtrade("US", "MX", TradeFlow.Export, 1_000_000, period: "202502"),
            Comtrade("MX", "US", TradeFlow.Import, 3_300_000, period: "202502"));

        var flag = Assert.Single(flags);
        Assert.Equal("202502", flag.Period);
    }
}
