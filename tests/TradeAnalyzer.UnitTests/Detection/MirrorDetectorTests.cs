using TradeAnalyzer.Core.Detection.Mirror;
using TradeAnalyzer.Core.Model;
using static TradeAnalyzer.UnitTests.Detection.ReconciliationFixtures;

namespace TradeAnalyzer.UnitTests.Detection;

public class MirrorDetectorTests
{
    private static readonly MirrorDetector Detector = new();

    [Fact]
    public void Value_gap_beyond_the_allowance_is_flagged_on_the_import_with_the_gap_as_value_at_risk()
    {
        var flags = Run(Detector, [Export("E123", 84_200, shipmentId: "BL-1"), Import("P456", 140_900, shipmentId: "BL-1")]);

        var flag = Assert.Single(flags, f => f.Code == FlagCode.MirrorValueGap);
        Assert.Equal(RecordType.Shipment, flag.RecordType);
        Assert.Equal("P456", flag.DeclarationId);
        Assert.Equal("BL-1", flag.ShipmentId);
        var importFob = 140_900 / 1.07;
        Assert.Equal(importFob - 84_200, flag.ValueAtRiskUsd!.Value, 1);
        Assert.Contains("84,200.00 USD FOB", flag.Explanation, StringComparison.Ordinal);
        Assert.Contains("140,900.00 USD CIF", flag.Explanation, StringComparison.Ordinal);
        Assert.Contains("E123", flag.Expected, StringComparison.Ordinal);
        Assert.Equal(EnumText.SeverityFromScore(flag.Score), flag.Severity);
        Assert.True(flag.Score >= 60);
    }

    [Fact]
    public void Pairs_are_compared_in_export_order_whatever_order_they_were_matched_in()
    {
        // E2/P2 match by shipment id, E1/P1 and E3/P3 by parties and date window only (other parties each): matched
        // best candidate first, their gaps are flagged export by export.
        var flags = Run(Detector,
        [
            Export("E1", 50_000),
            Export("E2", 60_000, shipmentId: "BL-2", exporter: "Zeta Trading Ltd", importer: "Omega Imports SA"),
            Export("E3", 70_000, exporter: "Kappa Chemicals Ltd", importer: "Sigma Distribuciones SA"),
            Import("P3", 210_000, date: Day0.AddDays(20), exporter: "KAPPA CHEMICALS LTD", importer: "SIGMA DISTRIBUCIONES SA"),
            Import("P2", 180_000, shipmentId: "BL-2", exporter: "ZETA TRADING LTD", importer: "OMEGA IMPORTS SA"),
            Import("P1", 150_000, date: Day0.AddDays(20)),
        ]);

        Assert.Equal(["P1", "P2", "P3"], flags.Where(f => f.Code == FlagCode.MirrorValueGap).Select(f => f.DeclarationId));
    }

    [Theory]
    [InlineData(107_000)] // the normal sea CIF/FOB spread
    [InlineData(115_000)] // 7.5% beyond FOB after conversion, inside the 10% allowance
    [InlineData(100_000)] // CIF equal to the export FOB: 6.5% below after conversion
    public void Normal_cif_fob_spread_is_not_a_value_gap(double cif)
    {
        var flags = Run(Detector, [Export("E1", 100_000, shipmentId: "BL-1"), Import("P1", cif, shipmentId: "BL-1")]);

        Assert.Empty(flags);
    }

    [Fact]
    public void Air_shipments_get_a_wider_allowance_than_road()
    {
        // 13% above FOB after conversion: inside air's 15%, outside road's 10% floor.
        var air = Run(Detector, [Export("E1", 100_000, shipmentId: "AWB-1", mode: TransportMode.Air), Import("P1", 113_000 * 1.15, shipmentId: "AWB-1", mode: TransportMode.Air)]);
        var road = Run(Detector, [Export("E1", 100_000, shipmentId: "CMR-1", mode: TransportMode.Road), Import("P1", 113_000 * 1.03, shipmentId: "CMR-1", mode: TransportMode.Road)]);

        Assert.DoesNotContain(air, f => f.Code == FlagCode.MirrorValueGap);
        Assert.Contains(road, f => f.Code == FlagCode.MirrorValueGap);
    }

    [Fact]
    public void Without_shipment_ids_declarations_match_by_parties_hs6_and_date_window()
    {
        // Legal forms and case differ between the two customs; the import comes 20 days later.
        var flags = Run(Detector, [Export("E1", 50_000), Import("P1", 150_000, date: Day0.AddDays(20))]);

        var flag = Assert.Single(flags);
        Assert.Equal(FlagCode.MirrorValueGap, flag.Code);
        Assert.Equal("P1", flag.DeclarationId);
    }

    [Fact]
    public void Matching_uses_the_invoice_number_when_names_differ()
    {
        var flags = Run(Detector, [Export("E1", 50_000, invoice: "INV-77"), Import("P1", 150_000, invoice: "inv 77", exporter: "Unrelated Name", importer: "Another Name")]);

        Assert.Single(flags, f => f.Code == FlagCode.MirrorValueGap);
    }

    [Fact]
    public void Each_import_is_weighed_with_its_own_facts_when_shipments_interleave()
    {
        // Exports and imports interleaved, so an import's position among the imports is not its shipment number: one
        // pair only by shipment id (names and HS chapter differ), one only by invoice number, one only by parties.
        // The import facts a candidate check reads come from both numberings; mixing them up pairs another import.
        var index = ShipmentIndex.Build(
        [
            Export("E1", 20_000, quantity: 2_000, hs: "38089490", shipmentId: "BL-1", exporter: "First Exporter", importer: "First Importer"),
            Import("P3", 10_700, quantity: 1_000, date: Day0.AddDays(12)),
            Export("E2", 30_000, quantity: 3_000, invoice: "INV-2", exporter: "Second Exporter", importer: "Second Importer"),
            Import("P2", 32_100, quantity: 3_000, invoice: "inv 2", exporter: "Second Name", importer: "Other Name", date: Day0.AddDays(9)),
            Export("E3", 10_000, quantity: 1_000),
            Import("P1", 21_400, quantity: 2_000, hs: "85171200", shipmentId: "BL-1", exporter: "Unrelated", importer: "Unrelated Too", date: Day0.AddDays(5)),
        ]);

        var pairs = MirrorDetector.Match(index.Exports, index.Imports, 45)
            .Select(p => $"{index.Exports[p.Export].DeclarationId}-{index.Imports[p.Import].DeclarationId}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(["E1-P1", "E2-P2", "E3-P3"], pairs);
    }

    [Fact]
    public void Imports_outside_the_window_are_not_matched()
    {
        var flags = Run(Detector, [Export("E1", 50_000), Import("P1", 150_000, date: Day0.AddDays(60))]);

        Assert.DoesNotContain(flags, f => f.Code == FlagCode.MirrorValueGap);
    }

    [Fact]
    public void Matching_is_one_to_one_best_score_first()
    {
        // Two similar shipments of the same trader pair: each import must pair with its own export (dates and
        // quantities agree), so neither pair shows a gap although a cross pairing would.
        var flags = Run(Detector,
        [
            Export("E1", 10_000, quantity: 1_000, date: Day0),
            Export("E2", 100_000, quantity: 10_000, date: Day0.AddDays(3)),
            Import("P2", 107_000, quantity: 10_000, date: Day0.AddDays(15)),
            Import("P1", 10_700, quantity: 1_000, date: Day0.AddDays(10)),
        ]);

        Assert.Empty(flags);
    }

    [Fact]
    public void Pairs_are_found_among_many_shipments()
    {
        var lines = new List<DeclarationLine>();
        for (var i = 0; i < 500; i++)
        {
            var exporter = $"Exporter {i % 7}";
            var importer = $"Importer {i % 11}";
            lines.Add(Export($"E{i}", 1_000 + i, quantity: 100 + (10 * i), date: Day0.AddDays(i % 30), exporter: exporter, importer: importer));
            lines.Add(Import($"P{i}", (1_000 + i) * 1.07 * (i == 250 ? 3 : 1), quantity: 100 + (10 * i), date: Day0.AddDays((i % 30) + 5), exporter: exporter, importer: importer));
        }

        var flags = Run(Detector, lines);

        var flag = Assert.Single(flags);
        Assert.Equal("P250", flag.DeclarationId);
    }

    [Fact]
    public void Quantity_gap_is_flagged_and_small_differences_are_not()
    {
        var gap = Run(Detector, [Export("E1", 100_000, quantity: 10_000, shipmentId: "BL-1"), Import("P1", 107_000, quantity: 7_000, shipmentId: "BL-1")]);
        var nearMiss = Run(Detector, [Export("E1", 100_000, quantity: 10_000, shipmentId: "BL-1"), Import("P1", 107_000, quantity: 9_800, shipmentId: "BL-1")]);

        var flag = Assert.Single(gap, f => f.Code == FlagCode.MirrorQuantityGap);
        Assert.Equal(3_000 * 10.0, flag.ValueAtRiskUsd!.Value, 1);
        Assert.Contains("10,000.00 kg", flag.Explanation, StringComparison.Ordinal);
        Assert.Empty(nearMiss);
    }

    [Fact]
    public void Quantity_disagreement_down_weights_the_value_gap()
    {
        // Import value 40% above the export, but quantities agree only at 20%: the GFI-weighted gap 0.2 x 40% = 8% is
        // inside the 10% allowance, so the quantity gap is the finding, not the value.
        var weighted = Run(Detector, [Export("E1", 100_000, quantity: 10_000, shipmentId: "BL-1"), Import("P1", 140_000 * 1.07, quantity: 2_000, shipmentId: "BL-1")]);

        Assert.DoesNotContain(weighted, f => f.Code == FlagCode.MirrorValueGap);
        Assert.Contains(weighted, f => f.Code == FlagCode.MirrorQuantityGap);
    }

    [Fact]
    public void Hs_mismatch_in_another_chapter_is_more_severe_than_within_the_chapter()
    {
        var sameChapter = Run(Detector, [Export("E1", 100_000, hs: "29333999", shipmentId: "BL-1"), Import("P1", 107_000, hs: "29339900", shipmentId: "BL-1")]);
        var otherChapter = Run(Detector, [Export("E1", 100_000, hs: "29333999", shipmentId: "BL-1"), Import("P1", 107_000, hs: "38249999", shipmentId: "BL-1")]);

        var same = Assert.Single(sameChapter, f => f.Code == FlagCode.MirrorHsMismatch);
        var other = Assert.Single(otherChapter, f => f.Code == FlagCode.MirrorHsMismatch);
        Assert.True(other.Score > same.Score);
        Assert.Contains("3824.99", other.Explanation, StringComparison.Ordinal);
        Assert.Contains("different chapter", other.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_hs6_with_different_national_digits_is_not_a_mismatch()
    {
        var flags = Run(Detector, [Export("E1", 100_000, hs: "29333999", shipmentId: "BL-1"), Import("P1", 107_000, hs: "29333910", shipmentId: "BL-1")]);

        Assert.Empty(flags);
    }

    [Fact]
    public void Multi_line_declarations_are_compared_as_one_shipment()
    {
        // The export declares two lines, the import one line of the same HS6 with the summed quantity and value.
        var flags = Run(Detector,
        [
            Export("E1", 60_000, quantity: 6_000, shipmentId: "BL-1", lineNo: 1),
            Export("E1", 40_000, quantity: 4_000, shipmentId: "BL-1", lineNo: 2),
            Import("P1", 107_000, quantity: 10_000, shipmentId: "BL-1"),
        ]);

        Assert.Empty(flags);
    }

    [Fact]
    public void Lost_export_is_flagged_only_where_the_partner_reports_that_period()
    {
        var lost = Run(Detector, [.. Background(), Export("E9", 250_000, exporter: "Ghost Exporter", importer: "Ghost Importer")]);
        var noPartnerData = Run(Detector, [Export("BG-E", 5_000, 100, date: Day0.AddDays(95)), Import("BG-I", 5_350, 100, date: Day0.AddDays(100)), Export("E9", 250_000, exporter: "Ghost Exporter", importer: "Ghost Importer")]);

        var flag = Assert.Single(lost, f => f.Code == FlagCode.MirrorMissing);
        Assert.Equal("E9", flag.DeclarationId);
        Assert.Equal(250_000, flag.ValueAtRiskUsd!.Value, 1);
        Assert.Contains("MX import declarations from US", flag.Explanation, StringComparison.Ordinal);
        Assert.Contains("3 MX import", flag.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain(noPartnerData, f => f.Code == FlagCode.MirrorMissing);
    }

    [Fact]
    public void Exports_whose_window_runs_past_the_partner_data_are_not_called_lost()
    {
        // The last MX import in the data is Day0 + 55; an export 20 days before it could still arrive later.
        var flags = Run(Detector, [.. Background(), Export("E9", 250_000, date: Day0.AddDays(35), exporter: "Ghost Exporter", importer: "Ghost Importer")]);

        Assert.DoesNotContain(flags, f => f.Code == FlagCode.MirrorMissing);
    }

    [Fact]
    public void With_enough_pairs_the_observed_arrival_delays_set_how_far_the_data_must_extend()
    {
        // 60 matched shipments all arrive 5 days after export, the last import on Day0 + 64. An export on Day0 + 40
        // (24 days before the data ends) is lost; one on Day0 + 62 could still arrive after the data ends.
        var lines = new List<DeclarationLine>();
        for (var i = 0; i < 60; i++)
        {
            lines.Add(Export($"BG-E{i}", 5_000, 100, date: Day0.AddDays(i), shipmentId: $"BG-BL{i}", exporter: $"Other Exporter {i}", importer: "Other Importer"));
            lines.Add(Import($"BG-I{i}", 5_350, 100, date: Day0.AddDays(i + 5), shipmentId: $"BG-BL{i}", exporter: $"Other Exporter {i}", importer: "Other Importer"));
        }

        var flags = Run(Detector, [.. lines, Export("E40", 250_000, date: Day0.AddDays(40), exporter: "Ghost Exporter"), Export("E62", 250_000, date: Day0.AddDays(62), exporter: "Ghost Exporter")]);

        var flag = Assert.Single(flags, f => f.Code == FlagCode.MirrorMissing);
        Assert.Equal("E40", flag.DeclarationId);
        var index = ShipmentIndex.Build(lines);
        var facts = new MirrorFacts(index.Exports, index.Imports);
        Assert.Equal(7, MirrorDetector.ArrivalHorizon([.. Enumerable.Range(0, 60).Select(i => (i, i))], facts.ExportDay, facts.ImportDay, 45));
    }

    [Theory]
    [InlineData(45, 0, 30, 49)] // under MinPairsForHorizon: the window
    [InlineData(45, 0, 30, 50)]
    [InlineData(45, -10, 60, 1_000)] // delays below the floor, inside the window and beyond it
    [InlineData(45, 20, 40, 999)] // all inside: the percentile itself
    [InlineData(45, -400, 3, 345)] // most below 7: the floor
    [InlineData(45, 50, 900, 200)] // all beyond the window: the window
    [InlineData(7, -3, 12, 500)] // floor and window equal
    [InlineData(3, -5, 10, 500)] // window under 7: the floor is the window
    [InlineData(0, -2, 2, 77)]
    [InlineData(1 << 16, -100, 200_000, 3_000)] // the largest window counted by day
    [InlineData((1 << 16) + 1, -100, 200_000, 3_000)] // sorted
    [InlineData(-4, -10, 10, 100)] // a negative window (sorted, clamped to it)
    public void Arrival_horizon_counted_by_day_is_the_sorted_delays_95th_percentile_clamped(int window, int minDelay, int maxDelay, int count)
    {
        var random = new Random(window ^ count ^ minDelay);
        var exportDay = new int[count];
        var importDay = new int[count];
        var pairs = new List<(int Export, int Import)>(count);
        for (var k = 0; k < count; k++)
        {
            exportDay[k] = 738_000 + random.Next(0, 400);
            pairs.Add((k, count - 1 - k));
        }

        foreach (var (e, i) in pairs)
        {
            importDay[i] = exportDay[e] + random.Next(minDelay, maxDelay + 1);
        }

        // The reading before the count: every delay sorted, the 95th percentile's rank, clamped to [min(7, window), window].
        int expected;
        if (count < 50)
        {
            expected = window;
        }
        else
        {
            var delays = pairs.Select(p => importDay[p.Import] - exportDay[p.Export]).Order().ToArray();
            var p95 = delays[Math.Min(delays.Length - 1, (int)Math.Ceiling(0.95 * delays.Length) - 1)];
            expected = Math.Clamp(p95, Math.Min(7, window), window);
        }

        Assert.Equal(expected, MirrorDetector.ArrivalHorizon(pairs, exportDay, importDay, window));
    }

    [Fact]
    public void Orphaned_import_is_flagged_where_the_partner_reports_exports()
    {
        var flags = Run(Detector, [.. Background(), Import("P9", 300_000, date: Day0.AddDays(50), exporter: "Ghost Exporter", importer: "Ghost Importer")]);

        var flag = Assert.Single(flags, f => f.Code == FlagCode.MirrorMissing);
        Assert.Equal("P9", flag.DeclarationId);
        Assert.Contains("orphaned", flag.Explanation, StringComparison.Ordinal);
        Assert.Contains("US export declarations to MX", flag.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Explanations_are_in_spanish_when_asked()
    {
        var flags = Run(Detector, [Export("E123", 84_200, shipmentId: "BL-1"), Import("P456", 140_900, shipmentId: "BL-1")], spanish: true);

        var flag = Assert.Single(flags);
        Assert.StartsWith("La declaración de exportación E123", flag.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Allowances_follow_the_transport_mode()
    {
        Assert.Equal(1.07, MirrorAllowances.CifFobFactor(TransportMode.Sea));
        Assert.Equal(0.15, MirrorAllowances.ValueTolerance(TransportMode.Air), 6);
        Assert.Equal(0.10, MirrorAllowances.ValueTolerance(TransportMode.Road), 6);
        Assert.Equal(0.5, MirrorAllowances.QuantityAgreement(100, 200), 6);
    }
}

public class MirrorMatchingProperties
{
    [FsCheck.Xunit.Property(MaxTest = 50)]
    public bool Matching_is_one_to_one_and_pairs_only_compatible_declarations(int seed)
    {
        var random = new Random(seed);
        var exports = new List<DeclarationLine>();
        var imports = new List<DeclarationLine>();
        var n = random.Next(1, 60);
        for (var i = 0; i < n; i++)
        {
            var parties = random.Next(3);
            var date = Day0.AddDays(random.Next(60));
            var shipmentId = random.Next(3) == 0 ? $"BL-{random.Next(20)}" : null;
            exports.Add(Export($"E{i}", 1_000 + random.Next(9_000), random.Next(1, 500), date: date, shipmentId: shipmentId, exporter: $"Exp {parties}", importer: $"Imp {parties}"));
            if (random.Next(4) != 0)
            {
                imports.Add(Import($"P{i}", 1_000 + random.Next(9_000), random.Next(1, 500), date: date.AddDays(random.Next(-5, 60)), shipmentId: shipmentId, exporter: $"Exp {random.Next(3)}", importer: $"Imp {parties}", reporter: random.Next(5) == 0 ? "GT" : "MX"));
            }
        }

        var index = ShipmentIndex.Build([.. exports, .. imports]);
        var pairs = MirrorDetector.Match(index.Exports, index.Imports, 45);

        var oneToOne = pairs.Select(p => p.Export).Distinct().Count() == pairs.Count && pairs.Select(p => p.Import).Distinct().Count() == pairs.Count;
        var compatible = pairs.All(p =>
        {
            var ex = index.Exports[p.Export];
            var im = index.Imports[p.Import];
            var days = im.Date.DayNumber - ex.Date.DayNumber;
            return im.Reporter == ex.Main.DestinationCountry && days >= -3 && days <= 90
                && (ex.ShipmentId is null || im.ShipmentId is null || ex.ShipmentId == im.ShipmentId);
        });
        return oneToOne && compatible;
    }
}
