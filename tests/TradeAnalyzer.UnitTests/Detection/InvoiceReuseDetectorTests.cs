using TradeAnalyzer.Core.Detection.Invoices;
using TradeAnalyzer.Core.Model;
using static TradeAnalyzer.UnitTests.Detection.ReconciliationFixtures;

namespace TradeAnalyzer.UnitTests.Detection;

public class InvoiceReuseDetectorTests
{
    private static readonly InvoiceReuseDetector Detector = new();

    [Fact]
    public void One_invoice_behind_shipments_with_different_bills_of_lading_flags_every_declaration()
    {
        var flags = Run(Detector,
        [
            Export("E1", 100_000, invoice: "INV-1", shipmentId: "BL-1"),
            Import("P1", 107_000, invoice: "INV-1", shipmentId: "BL-1"),
            Export("E2", 100_000, invoice: "INV-1", shipmentId: "BL-2", date: Day0.AddDays(30)),
        ]);

        Assert.Equal(3, flags.Count);
        Assert.All(flags, f => Assert.Equal(FlagCode.InvoiceReused, f.Code));
        Assert.Equal(["E1", "E2", "P1"], flags.Select(f => f.DeclarationId).Order(StringComparer.Ordinal));
        Assert.Contains("2 distinct shipments", flags[0].Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void The_two_sides_of_one_mirrored_shipment_are_one_shipment()
    {
        var withoutIds = Run(Detector, [Export("E1", 100_000, invoice: "INV-1"), Import("P1", 107_000, invoice: "INV-1", date: Day0.AddDays(20))]);
        var withIds = Run(Detector, [Export("E1", 100_000, invoice: "INV-1", shipmentId: "BL-1"), Import("P1", 107_000, invoice: "INV-1", shipmentId: "BL-1", date: Day0.AddDays(60))]);

        Assert.Empty(withoutIds);
        Assert.Empty(withIds);
    }

    [Fact]
    public void Without_shipment_ids_declarations_months_apart_are_distinct_shipments()
    {
        var flags = Run(Detector, [Export("E1", 100_000, invoice: "INV-1"), Export("E2", 100_000, invoice: "INV-1", date: Day0.AddDays(90))]);

        Assert.Equal(2, flags.Count);
    }

    [Fact]
    public void The_same_invoice_number_of_different_exporters_is_not_reuse()
    {
        var flags = Run(Detector, [Export("E1", 100_000, invoice: "1001", shipmentId: "BL-1"), Export("E2", 100_000, invoice: "1001", shipmentId: "BL-2", exporter: "Another Exporter SA")]);

        Assert.Empty(flags);
    }

    [Theory]
    [InlineData("1001", "1002")] // numbers that pack into a long
    [InlineData("EXP/26-27/0001001", "EXP/26-27/0001002")] // numbers that do not (the index's positions of them)
    public void Exporters_sharing_an_invoice_number_are_grouped_apart_in_any_order(string number, string other)
    {
        // One number, three exporters interleaved (the groups of one number are chained from its first group): A and
        // B each reuse it on two shipments, C once. A shipment joining the wrong exporter's group, or a third group of
        // A or B, changes the flags.
        var flags = Run(Detector,
        [
            Export("E1", 100_000, invoice: number, shipmentId: "BL-1"),
            Export("E2", 100_000, invoice: number, shipmentId: "BL-2", exporter: "Beta Exports SA"),
            Export("E3", 100_000, invoice: number, shipmentId: "BL-3", exporter: "Gamma Trading Ltd"),
            Export("E4", 100_000, invoice: number, shipmentId: "BL-4", exporter: "Beta Exports SA", date: Day0.AddDays(40)),
            Export("E5", 100_000, invoice: number, shipmentId: "BL-5", date: Day0.AddDays(50)),
            Export("E6", 100_000, invoice: other, shipmentId: "BL-6", exporter: "Gamma Trading Ltd"),
        ]);

        Assert.Equal(["E1", "E2", "E4", "E5"], flags.Select(f => f.DeclarationId).Order(StringComparer.Ordinal));
        Assert.All(flags, f => Assert.Contains("2 distinct shipments", f.Explanation, StringComparison.Ordinal));
        Assert.Contains("E5", flags.Single(f => f.DeclarationId == "E1").Explanation, StringComparison.Ordinal);
        Assert.Contains("E4", flags.Single(f => f.DeclarationId == "E2").Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Imports_without_shipment_ids_do_not_chain_two_shipments_into_one()
    {
        // Two exports 17 days apart on one invoice, each with its import (no shipment id on the import side): every
        // import is within the window of both exports, but each side pairs with its closest export only.
        var flags = Run(Detector,
        [
            Export("E1", 100_000, invoice: "INV-1", shipmentId: "MAEU-1"),
            Import("P1", 107_000, invoice: "INV-1", date: Day0.AddDays(9)),
            Export("E2", 100_000, invoice: "INV-1", shipmentId: "MSCU-2", date: Day0.AddDays(17)),
            Import("P2", 107_000, invoice: "INV-1", date: Day0.AddDays(26)),
        ]);

        Assert.Equal(["E1", "E2", "P1", "P2"], flags.Select(f => f.DeclarationId).Order(StringComparer.Ordinal));
        Assert.All(flags, f => Assert.Contains("2 distinct shipments", f.Explanation, StringComparison.Ordinal));
    }

    [Fact]
    public void A_lone_surrogate_in_the_invoice_number_is_kept_as_the_string_path_keeps_it()
    {
        // Texts formatted straight into the chunk: invalid UTF-16 in an untrusted value keeps the strings (FlagTexts.Encode), not U+FFFD.
        var invoice = "INV-\ud800";
        var flags = Run(Detector,
        [
            Export("E1", 100_000, invoice: invoice, shipmentId: "BL-1"),
            Export("E2", 100_000, invoice: invoice, shipmentId: "BL-2", date: Day0.AddDays(30)),
        ]);

        Assert.Equal(2, flags.Count);
        Assert.All(flags, f => Assert.False(f.Texts.IsUtf8));
        Assert.All(flags, f => Assert.StartsWith($"Invoice {invoice} of ", f.Explanation, StringComparison.Ordinal));
        Assert.All(flags, f => Assert.Equal("2 shipments", f.Observed));
    }
}
