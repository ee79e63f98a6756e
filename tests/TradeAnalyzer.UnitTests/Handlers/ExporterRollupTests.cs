using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Handlers.History;

namespace TradeAnalyzer.UnitTests.Handlers;

public sealed class ExporterRollupTests
{
    private static ExporterProfile Part(int shipments, double value, DateOnly first, DateOnly last, double score, int flags, double round) => new()
    {
        Key = "ID:EIN1",
        Name = $"Acme {score}",
        Shipments = shipments,
        ValueUsd = value,
        FirstSeen = first,
        LastSeen = last,
        FlaggedShipments = flags,
        FlagsByCode = new Dictionary<FlagCode, int> { [FlagCode.PriceAboveBaseline] = flags },
        ValueAtRiskUsd = flags * 1000,
        RoundValueShare = round,
        Score = score,
        Commodities = ["293339", "291736"],
        Reasons = [$"reason {score}"],
    };

    [Fact]
    public void Counts_add_up_dates_widen_and_the_riskiest_upload_sets_the_score()
    {
        var a = Part(10, 1000, new(2026, 1, 5), new(2026, 2, 1), 35, 1, 0.5);
        var b = Part(30, 5000, new(2025, 12, 1), new(2026, 1, 20), 72, 6, 0.1);
        var r = ExporterRollup.Combine([a, b]);
        Assert.Equal(40, r.Shipments);
        Assert.Equal(6000, r.ValueUsd);
        Assert.Equal(new DateOnly(2025, 12, 1), r.FirstSeen);
        Assert.Equal(new DateOnly(2026, 2, 1), r.LastSeen);
        Assert.Equal(7, r.FlaggedShipments);
        Assert.Equal(7, r.FlagsByCode[FlagCode.PriceAboveBaseline]);
        Assert.Equal(7000, r.ValueAtRiskUsd);
        Assert.Equal(72, r.Score);
        Assert.Equal(RiskTier.High, r.Tier);
        Assert.Equal(["reason 72"], r.Reasons);
        Assert.Equal((0.5 * 10 + 0.1 * 30) / 40, r.RoundValueShare, 10);
        Assert.Equal(["293339", "291736"], r.Commodities);
        Assert.Equal("Acme 35", r.Name); // the name as last seen
    }

    [Fact]
    public void Combining_is_independent_of_order()
    {
        var parts = new[]
        {
            Part(1, 10, new(2026, 3, 1), new(2026, 3, 2), 10, 0, 0),
            Part(2, 20, new(2026, 1, 1), new(2026, 1, 2), 90, 2, 1),
            Part(3, 30, new(2026, 2, 1), new(2026, 2, 2), 50, 1, 0),
        };
        var x = ExporterRollup.Combine(parts);
        var y = ExporterRollup.Combine([.. parts.Reverse()]);
        Assert.Equal((x.Shipments, x.ValueUsd, x.FirstSeen, x.LastSeen, x.Score), (y.Shipments, y.ValueUsd, y.FirstSeen, y.LastSeen, y.Score));
    }
}
