using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Scoring;
using static TradeAnalyzer.UnitTests.Core.TestFlags;

namespace TradeAnalyzer.UnitTests.Core;

public sealed class RiskBreakdownTests
{
    [Fact]
    public void A_shipment_counts_once_per_group_and_a_record_value_once_however_many_flags_it_has()
    {
        // One consignment (bill of lading BL1) declared at export (E1) and import (I1); the export line has two flags.
        Flag[] flags =
        [
            F(RecordType.Declaration, "E1", 1, shipment: "BL1", code: FlagCode.PriceAboveBaseline, atRisk: 1_000) with { ValueUsd = 5_000, OriginCountry = "CN", DestinationCountry = "MX" },
            F(RecordType.Declaration, "E1", 1, shipment: "BL1", code: FlagCode.WeightQuantityMismatch, atRisk: 600) with { ValueUsd = 5_000, OriginCountry = "CN", DestinationCountry = "MX" },
            F(RecordType.Declaration, "I1", 1, shipment: "BL1", code: FlagCode.PriceAboveBaseline, atRisk: 800) with { ValueUsd = 5_200, OriginCountry = "CN", DestinationCountry = "MX" },
            F(RecordType.Declaration, "D9", 1, code: FlagCode.PriceAboveBaseline, atRisk: 50) with { ValueUsd = 90, OriginCountry = "IN", DestinationCountry = "MX" },
            F(RecordType.Exporter, code: FlagCode.ExporterProfile, atRisk: 7_777) with { ValueUsd = 99_999, ExporterKey = "X" },
        ];

        var corridors = RiskBreakdown.By(flags, f => f.OriginCountry is null ? null : $"{f.OriginCountry}-{f.DestinationCountry}", StringComparer.Ordinal);

        Assert.Equal(["CN-MX", "IN-MX"], corridors.Select(g => g.Key));
        var cnmx = corridors[0];
        Assert.Equal(3, cnmx.Flags);
        Assert.Equal(1_000, cnmx.ValueAtRiskUsd); // the export view (1,000 at its largest) beats the import view (800); not 2,400
        Assert.Equal(10_200, cnmx.ValueUsd); // two records, each once; not 15,200
        Assert.Equal(new RiskGroup<string>("IN-MX", 1, 50, 90), corridors[1]);

        // By code, the shipment counts in each code it has; the exporter-level flag names no record: counted, no value.
        var codes = RiskBreakdown.By(flags, f => f.Code).ToDictionary(g => g.Key);
        Assert.Equal(1_050, codes[FlagCode.PriceAboveBaseline].ValueAtRiskUsd); // BL1 once (1,000) and D9 (50)
        Assert.Equal(3, codes[FlagCode.PriceAboveBaseline].Flags);
        Assert.Equal(600, codes[FlagCode.WeightQuantityMismatch].ValueAtRiskUsd);
        Assert.Equal(new RiskGroup<FlagCode>(FlagCode.ExporterProfile, 1, 0, 0), codes[FlagCode.ExporterProfile]);

        // The whole set as one group is the analysis total's definition.
        var all = Assert.Single(RiskBreakdown.By(flags, _ => "all"));
        Assert.Equal(ShipmentRisk.ValueAtRisk(flags), all.ValueAtRiskUsd);
        Assert.Equal(1_050, all.ValueAtRiskUsd);
        Assert.Equal(0, Assert.Single(RiskBreakdown.ValueAtRiskBy(flags, _ => "all")).ValueUsd);
        Assert.Equal(1_050, Assert.Single(RiskBreakdown.ValueAtRiskBy(flags, _ => "all")).ValueAtRiskUsd);
    }

    [Fact]
    public void Groups_do_not_depend_on_the_flags_order()
    {
        var random = new Random(7);
        var flags = Enumerable.Range(0, 400).Select(i => F(
            RecordType.Declaration,
            $"D{random.Next(60)}",
            1 + random.Next(3),
            shipment: random.Next(3) == 0 ? null : $"BL{random.Next(40)}",
            code: (FlagCode)random.Next(4),
            atRisk: Math.Round(random.NextDouble() * 1_000, 2)) with { ValueUsd = Math.Round(random.NextDouble() * 5_000, 2) }).ToList();
        var expected = RiskBreakdown.By(flags, f => f.Code).OrderBy(g => g.Key).ToList();
        for (var k = 0; k < 5; k++)
        {
            var shuffled = flags.OrderBy(_ => random.Next()).ToList();
            Assert.Equal(expected, RiskBreakdown.By(shuffled, f => f.Code).OrderBy(g => g.Key));
        }
    }
}
