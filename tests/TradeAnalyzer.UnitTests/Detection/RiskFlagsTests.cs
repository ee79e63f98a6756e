using TradeAnalyzer.Core.Detection;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.UnitTests.Detection;

public sealed class RiskFlagsTests
{
    [Fact]
    public void Exporter_keys_kept_by_parties_part_are_the_keys_of_the_lines()
    {
        var random = new Random(3);
        var parts = new DeclarationParties[40];
        for (var k = 0; k < parts.Length; k++)
        {
            parts[k] = new DeclarationParties
            {
                Shared = true,
                ExporterName = $"Acme {k % 7} S.A. de C.V.",
                ImporterName = "Distribuidora Norte",
                ExporterId = k % 3 == 0 ? $"T{k % 5}" : null,
                ExporterKey = k % 4 == 0 ? $"KEY{k}" : string.Empty,
            };
        }

        var keys = new RiskFlags.ExporterKeys();
        for (var i = 0; i < 3000; i++)
        {
            // Lines sharing parts (as ingestion builds them), in runs and scattered, and lines with parts of their own.
            var line = random.Next(5) == 0
                ? RiskRecords.Line(exporter: $"Acme {random.Next(7)} Ltd", exporterId: random.Next(2) == 0 ? "X1" : null, id: $"D{i}")
                : new DeclarationLine(i, parts[random.Next(3) == 0 ? i % 2 : random.Next(parts.Length)], DeclarationRoute.Empty, GoodsPart.Empty) { DeclarationId = $"D{i}" };
            Assert.Equal(RiskFlags.ExporterKeyOf(line), keys.Of(line));
        }
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(12, true)]
    [InlineData(-3, false)]
    [InlineData(-3, true)]
    public void A_precursor_line_text_is_the_line_words_followed_by_the_finding(int lineNo, bool spanish)
    {
        var d = RiskRecords.Line(id: "26 02 3011 6421073", lineNo: lineNo, value: 1_234_567.891);
        const string tail = " matches the precursor watchlist: x.";
        var what = spanish
            ? $"La línea {d.DeclarationId}/{d.LineNo} ({RiskFlags.N2(d.Quantity)} {d.QuantityUnit}, {RiskFlags.N2(d.ValueUsd)} USD)"
            : $"Line {d.DeclarationId}/{d.LineNo} ({RiskFlags.N2(d.Quantity)} {d.QuantityUnit}, {RiskFlags.N2(d.ValueUsd)} USD)";
        Assert.Equal(what + tail, PrecursorDetector.LineText(d, tail, spanish));
    }

    [Fact]
    public void The_hs_text_is_the_display_of_the_code()
    {
        foreach (var code in new[] { "291539", "2915.39.99", "8479.89.99.01", "2915.39.99" })
        {
            var hs = HsCode.Parse(code);
            Assert.Equal(hs.Display, DeclarationFlags.HsText(hs));
        }
    }
    [Fact]
    public void Invoice_exporter_keys_kept_by_parties_part_are_the_keys_of_the_sellers()
    {
        var random = new Random(5);
        var parts = new InvoiceParties[60];
        for (var k = 0; k < parts.Length; k++)
        {
            parts[k] = new InvoiceParties
            {
                Shared = true,
                SellerName = $"Química {k % 9} S.A. de C.V.",
                BuyerName = "Distribuidora Norte",
                SellerId = k % 3 == 0 ? $"rfc-{k % 5}" : k % 7 == 0 ? " - " : null,
            };
        }

        // More parts than the memo keeps (it is cleared when full), lines sharing parts in runs and scattered, and lines
        // with parts of their own (object initializers) whose sellers repeat other lines' names with other ids.
        for (var i = 0; i < 12_000; i++)
        {
            var line = random.Next(4) == 0
                ? new InvoiceLine
                {
                    Source = new SourceRef("invoices.csv", i),
                    InvoiceNumber = $"F{i}",
                    InvoiceDate = new DateOnly(2025, 1, 1),
                    SellerName = $"Química {random.Next(9)} SA de CV",
                    BuyerName = "B",
                    SellerId = random.Next(2) == 0 ? $"RFC{random.Next(3)}" : null,
                    Hs = HsCode.Parse("291539"),
                    Quantity = 1,
                    QuantityUnit = "kg",
                    NormQuantity = 1,
                    Unit = BaseUnit.Kg,
                    LineTotal = 1,
                    Currency = "USD",
                    ValueUsd = 1,
                    FobUsd = 1,
                }
                : new InvoiceLine(i, i % 5 == 0 ? new InvoiceParties { SellerName = $"Own {i % 11}", BuyerName = "B", SellerId = i % 2 == 0 ? $"O{i % 3}" : null } : parts[random.Next(3) == 0 ? i % 2 : random.Next(parts.Length)], InvoiceTerms.Empty, GoodsPart.Empty) { InvoiceNumber = $"F{i}" };
            Assert.Equal(TradeAnalyzer.Core.Text.PartyNames.Key(line.SellerName, line.SellerId), RiskFlags.InvoiceExporterKey(line));
        }
    }

    [Fact]
    public void The_hs_text_of_a_missing_code_is_null_and_of_a_code_its_display()
    {
        Assert.Null(DeclarationFlags.HsText((HsCode?)null));
        HsCode? hs = HsCode.Parse("8479.89.99.01");
        Assert.Equal(hs.Value.Display, DeclarationFlags.HsText(hs));
        Assert.Same(DeclarationFlags.HsText(hs), DeclarationFlags.HsText(HsCode.Parse("84798999.01")));
    }
}
