using TradeAnalyzer.Core.Detection.Invoices;
using TradeAnalyzer.Core.Model;
using static TradeAnalyzer.UnitTests.Detection.ReconciliationFixtures;

namespace TradeAnalyzer.UnitTests.Detection;

public class InvoiceReconciliationDetectorTests
{
    private static readonly InvoiceReconciliationDetector Detector = new();

    [Fact]
    public void Declared_value_far_from_the_invoice_is_flagged_with_the_difference_at_risk()
    {
        var flags = Run(Detector, [Export("E1", 52_000, invoice: "INV-9")], [Invoice("INV-9", 80_000)]);

        var flag = Assert.Single(flags);
        Assert.Equal(FlagCode.InvoiceValueMismatch, flag.Code);
        Assert.Equal(RecordType.Declaration, flag.RecordType);
        Assert.Equal("E1", flag.DeclarationId);
        Assert.Equal("INV-9", flag.InvoiceNumber);
        Assert.Equal(28_000, flag.ValueAtRiskUsd!.Value, 1);
        Assert.Contains("80,000.00 USD", flag.Explanation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(25)]
    public void Many_shipments_compared_together_flag_as_each_compared_alone(int count)
    {
        // The comparison loop asks for the document of the shipment 8 ahead: around and past that distance, and with
        // shipments whose number has no invoice (no document to ask for), every shipment flags as it does alone.
        var exports = new List<DeclarationLine>();
        var invoices = new List<InvoiceLine>();
        for (var k = 0; k < count; k++)
        {
            exports.Add(Export($"E{k}", 100_000, quantity: k % 3 == 0 ? 6_000 : 10_000, invoice: $"INV-{k}"));
            if (k % 4 != 3)
            {
                invoices.Add(Invoice($"INV-{k}", k % 2 == 0 ? 100_000 : 60_000, quantity: 10_000));
                invoices.Add(Invoice($"INV-{k}", 1_000 + k, quantity: 0));
            }
        }

        var expected = new List<string>();
        for (var k = 0; k < count; k++)
        {
            expected.AddRange(Run(Detector, [exports[k]], invoices).Select(f => $"{f.DeclarationId} {f.Code} {f.ValueAtRiskUsd}"));
        }

        var together = Run(Detector, exports, invoices).Select(f => $"{f.DeclarationId} {f.Code} {f.ValueAtRiskUsd}").ToList();
        Assert.NotEmpty(together);
        Assert.Equal(expected.Order(StringComparer.Ordinal), together.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Cif_declaration_against_fob_invoice_is_compared_after_conversion()
    {
        // The import declares 107,000 CIF by sea = 100,000 FOB-equivalent; the invoice is 100,000 FOB.
        var flags = Run(Detector, [Import("P1", 107_000, invoice: "INV-9")], [Invoice("INV-9", 100_000)]);

        Assert.Empty(flags);
    }

    [Fact]
    public void Small_value_and_quantity_differences_are_tolerated()
    {
        var flags = Run(Detector, [Export("E1", 103_000, quantity: 10_100, invoice: "INV-9")], [Invoice("INV-9", 100_000, quantity: 10_000)]);

        Assert.Empty(flags);
    }

    [Fact]
    public void Quantity_difference_is_flagged()
    {
        var flags = Run(Detector, [Export("E1", 100_000, quantity: 6_000, invoice: "INV-9")], [Invoice("INV-9", 100_000, quantity: 10_000)]);

        var flag = Assert.Single(flags);
        Assert.Equal(FlagCode.InvoiceQuantityMismatch, flag.Code);
        Assert.Equal(40_000, flag.ValueAtRiskUsd!.Value, 1);
    }

    [Fact]
    public void Seller_other_than_the_declared_exporter_is_a_party_mismatch()
    {
        var flags = Run(Detector, [Export("E1", 100_000, invoice: "INV-9")], [Invoice("INV-9", 100_000, seller: "Pacific Trading Ltd")]);

        var flag = Assert.Single(flags);
        Assert.Equal(FlagCode.InvoicePartyMismatch, flag.Code);
        Assert.Contains("Pacific Trading Ltd", flag.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Party_names_written_differently_are_not_a_mismatch()
    {
        var legalForms = Run(Detector, [Export("E1", 100_000, invoice: "INV-9", exporter: "HUBEI CHEM CO LTD", importer: "QUIMICA DELTA SA DE CV")],
            [Invoice("INV-9", 100_000, seller: "Hubei Chem Co., Ltd.", buyer: "Química Delta, S.A. de C.V.")]);

        Assert.Empty(legalForms);
    }

    [Fact]
    public void Invoice_found_by_shipment_id_when_the_declaration_names_none()
    {
        var flags = Run(Detector, [Export("E1", 50_000, shipmentId: "BL-5")], [Invoice("INV-9", 100_000, shipmentId: "BL-5")]);

        Assert.Single(flags, f => f.Code == FlagCode.InvoiceValueMismatch);
    }

    [Fact]
    public void Missing_invoice_is_flagged_only_when_invoices_cover_the_exporter_or_period()
    {
        var covered = Run(Detector, [Export("E1", 100_000, invoice: "INV-1"), Export("E2", 90_000, invoice: "INV-2", date: Day0.AddDays(2))], [Invoice("INV-1", 100_000)]);
        var noInvoices = Run(Detector, [Export("E1", 100_000, invoice: "INV-1"), Export("E2", 90_000, invoice: "INV-2")]);
        var otherTrade = Run(Detector,
            [Export("E2", 90_000, invoice: "INV-2"), Export("X1", 10_000, invoice: "X-1", date: Day0.AddDays(90), exporter: "Other Exporter")],
            [Invoice("X-1", 10_000, seller: "Other Exporter", date: Day0.AddDays(88))]);

        var flag = Assert.Single(covered);
        Assert.Equal(FlagCode.InvoiceMissing, flag.Code);
        Assert.Equal("E2", flag.DeclarationId);
        Assert.Contains("INV-2", flag.Explanation, StringComparison.Ordinal);
        Assert.Empty(noInvoices);
        Assert.Empty(otherTrade);
    }

    [Fact]
    public void Missing_invoice_coverage_is_by_normalised_exporter_or_by_reporter_and_month()
    {
        // Covered exporter: its other declaration's invoice was found (under another seller's name), in another reporter and month.
        var byExporter = Run(Detector,
            [Export("E1", 100_000, invoice: "INV-1"), Export("E2", 90_000, invoice: "INV-2", date: Day0.AddDays(60), reporter: "CA", exporter: "HUBEI CHEM CO LTD")],
            [Invoice("INV-1", 100_000, seller: "Pacific Trading Ltd")]);
        var missing = Assert.Single(byExporter, f => f.Code == FlagCode.InvoiceMissing);
        Assert.Equal("E2", missing.DeclarationId);
        Assert.Equal(55, missing.Score);

        // Covered month: another exporter's declaration of the same reporter and month; a declaration of another
        // reporter in that month, or of the same reporter a month later, is not covered.
        var byMonth = Run(Detector,
        [
            Export("X1", 10_000, invoice: "X-1", exporter: "Other Exporter"),
            Export("E2", 90_000, invoice: "INV-2", date: Day0.AddDays(3)),
            Export("E3", 90_000, invoice: "INV-3", reporter: "CA", exporter: "Third Exporter"),
            Export("E4", 90_000, invoice: "INV-4", date: Day0.AddDays(31), exporter: "Fourth Exporter"),
        ],
        [Invoice("X-1", 10_000, seller: "Other Exporter")]);
        var inMonth = Assert.Single(byMonth);
        Assert.Equal("E2", inMonth.DeclarationId);
        Assert.Equal(45, inMonth.Score);
        Assert.Contains("the invoices of 1 other US declarations of that month were supplied", inMonth.Explanation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2023-12-31", "2024-01-01", false)]
    [InlineData("2024-02-29", "2024-02-01", true)]
    [InlineData("2024-02-29", "2024-03-01", false)]
    [InlineData("2000-02-29", "2000-02-28", true)]
    [InlineData("2100-02-28", "2100-03-01", false)]
    [InlineData("2023-01-31", "2023-01-01", true)]
    public void Missing_invoice_month_coverage_holds_across_month_and_year_ends(string covered, string missingOn, bool flagged)
    {
        var flags = Run(Detector,
        [
            Export("X1", 10_000, invoice: "X-1", date: DateOnly.Parse(covered, System.Globalization.CultureInfo.InvariantCulture), exporter: "Other Exporter"),
            Export("E2", 90_000, invoice: "INV-2", date: DateOnly.Parse(missingOn, System.Globalization.CultureInfo.InvariantCulture)),
        ],
        [Invoice("X-1", 10_000, seller: "Other Exporter")]);

        Assert.Equal(flagged, flags.Any(f => f.Code == FlagCode.InvoiceMissing && f.DeclarationId == "E2"));
    }

    [Fact]
    public void Missing_invoice_month_coverage_is_by_reporter_across_route_parts()
    {
        // The reporter's id is kept per route part (reporter, incoterm, mode): two parts of one reporter are one
        // reporter, and a part of another reporter in between does not cover.
        var flags = Run(Detector,
        [
            Export("X1", 10_000, invoice: "X-1", exporter: "Other Exporter", mode: TransportMode.Air),
            Export("C1", 10_000, invoice: "C-1", reporter: "CA", exporter: "Canadian Exporter"),
            Export("E2", 90_000, invoice: "INV-2", date: Day0.AddDays(3), mode: TransportMode.Sea),
            Export("E3", 90_000, invoice: "INV-3", date: Day0.AddDays(4), reporter: "MX", exporter: "Third Exporter", mode: TransportMode.Air),
        ],
        [Invoice("X-1", 10_000, seller: "Other Exporter"), Invoice("C-1", 10_000, seller: "Canadian Exporter")]);

        var missing = flags.Where(f => f.Code == FlagCode.InvoiceMissing).Select(f => f.DeclarationId).ToList();
        Assert.Equal(["E2"], missing);
    }

    [Fact]
    public void Explanations_are_in_spanish_when_asked()
    {
        var flag = Assert.Single(Run(Detector, [Export("E1", 52_000, invoice: "INV-9")], [Invoice("INV-9", 80_000)], spanish: true));

        Assert.StartsWith("La declaración E1", flag.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantity_difference_in_a_secondary_unit_is_flagged()
    {
        // The declaration's main line is in pieces and agrees; its kg line says 2,000 kg where the invoice bills 1,200 kg.
        var flags = Run(Detector,
        [
            Export("E1", 90_000, quantity: 500, unit: BaseUnit.U, invoice: "INV-9", lineNo: 1),
            Export("E1", 10_000, quantity: 2_000, invoice: "INV-9", lineNo: 2),
        ],
        [Invoice("INV-9", 90_000, quantity: 500, unit: BaseUnit.U), Invoice("INV-9", 10_000, quantity: 1_200)]);

        var flag = Assert.Single(flags);
        Assert.Equal(FlagCode.InvoiceQuantityMismatch, flag.Code);
        Assert.Contains("2,000.00 kg", flag.Explanation, StringComparison.Ordinal);
        Assert.Contains("1,200.00 kg", flag.Explanation, StringComparison.Ordinal);
    }
}
