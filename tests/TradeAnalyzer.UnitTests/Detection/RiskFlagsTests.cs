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

    // 60 shared invoice parties parts over 9 seller names, some with ids (in two spellings) and some with a blank one:
    // many parts per seller, so a memo by part and a memo by seller are both exercised.
    private static InvoiceParties[] SharedSellerParts()
    {
        var parts = new InvoiceParties[60];
        for (var k = 0; k < parts.Length; k++)
        {
            parts[k] = new InvoiceParties
            {
                Shared = true,
                SellerName = $"Química {k % 9} S.A. de C.V.",
                BuyerName = "Distribuidora Norte",
                SellerId = k % 3 == 0 ? $"rfc-{k % 5}" : k % 7 == 0 ? " - " : null,
                PayerName = $"Payer {k}",
            };
        }

        return parts;
    }

    [Fact]
    public void Invoice_exporter_keys_kept_by_parties_part_are_the_keys_of_the_sellers()
    {
        var random = new Random(5);
        var parts = SharedSellerParts();

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
    public void Seller_keys_remembered_by_seller_are_the_keys_of_the_sellers_also_after_the_memo_is_cleared()
    {
        var random = new Random(11);
        var parts = SharedSellerParts();

        var keys = new RiskFlags.SellerKeys();
        void Check(InvoiceLine line) => Assert.Equal(TradeAnalyzer.Core.Text.PartyNames.Key(line.SellerName, line.SellerId), keys.Of(line));

        // Shared parts in runs and scattered; parts of their own whose sellers repeat the shared parts' names with other
        // ids (same name, other key) or none.
        for (var i = 0; i < 6_000; i++)
        {
            var k = random.Next(parts.Length);
            var part = random.Next(3) == 0
                ? new InvoiceParties { SellerName = parts[k].SellerName, BuyerName = "B", SellerId = random.Next(3) switch { 0 => null, 1 => parts[k].SellerId, _ => $"O{random.Next(4)}" } }
                : parts[random.Next(3) == 0 ? i % 2 : k];
            Check(new InvoiceLine(i, part, InvoiceTerms.Empty, GoodsPart.Empty) { InvoiceNumber = $"F{i}" });
        }

        // More distinct sellers than the memo keeps (it is cleared when full), then the first ones again.
        for (var i = 0; i < RiskFlags.SellerKeys.MaxSellers + 500; i++)
        {
            Check(new InvoiceLine(i, new InvoiceParties { SellerName = $"Seller {i}", BuyerName = "B", SellerId = i % 2 == 0 ? $"id-{i}" : null }, InvoiceTerms.Empty, GoodsPart.Empty) { InvoiceNumber = $"G{i}" });
        }

        foreach (var part in parts)
        {
            Check(new InvoiceLine(0, part, InvoiceTerms.Empty, GoodsPart.Empty) { InvoiceNumber = "H" });
        }
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(12, true)]
    [InlineData(0, false)]
    [InlineData(-3, false)]
    [InlineData(-3, true)]
    public void A_precursor_invoice_flag_texts_are_the_invoice_words_followed_by_the_finding(int lineNo, bool spanish)
    {
        var random = new Random(lineNo + 100);
        double[] figures = [0, 0.005, 0.015, 1, 12.345, 999.995, 1_234_567.891, -4_321.5, 1e15, 123_456_789_012.345, double.NaN];
        string[] tails = [" matches the precursor watchlist: x.", ": la descripción nombra éfedrina (CAS 299-42-3).", "\ud800 lone", string.Empty];
        for (var i = 0; i < 200; i++)
        {
            var quantity = i < figures.Length ? figures[i] : Math.Round(random.NextDouble() * Math.Pow(10, random.Next(9)), random.Next(5));
            var value = i < figures.Length ? figures[figures.Length - 1 - i] : random.NextDouble() * 1e7;
            var inv = new InvoiceLine
            {
                Source = new SourceRef("invoices.csv", 2),
                InvoiceNumber = i % 3 == 0 ? $"CI-{i}/ñ" : $"F{i}",
                LineNo = lineNo,
                InvoiceDate = new DateOnly(2026, 11, 18),
                SellerName = "S",
                BuyerName = "B",
                Quantity = quantity,
                QuantityUnit = i % 2 == 0 ? "kg" : "l",
                NormQuantity = 1,
                Unit = BaseUnit.Kg,
                LineTotal = value,
                Currency = "USD",
                ValueUsd = value,
                FobUsd = value,
            };
            var tail = tails[i % tails.Length];
            var what = spanish
                ? $"La factura {inv.InvoiceNumber} línea {inv.LineNo} ({RiskFlags.N2(inv.Quantity)} {inv.QuantityUnit}, {RiskFlags.N2(inv.ValueUsd)} USD)"
                : $"Invoice {inv.InvoiceNumber} line {inv.LineNo} ({RiskFlags.N2(inv.Quantity)} {inv.QuantityUnit}, {RiskFlags.N2(inv.ValueUsd)} USD)";
            Assert.Equal(what + tail, PrecursorDetector.InvoiceText(inv, tail, spanish));
            var expected = i % 2 == 0 ? null : "HS 2939.41";
            var observed = i % 4 == 1 ? null : "ephedrine; HS 2939.41.01";
            var texts = PrecursorDetector.InvoiceTexts(inv, tail, expected, observed, spanish);
            Assert.Equal(what + tail, texts.Text(FlagTexts.Explanation));
            Assert.Equal(expected, texts.Text(FlagTexts.Expected));
            Assert.Equal(observed, texts.Text(FlagTexts.Observed));
            Assert.Equal(FlagTexts.Encode(what + tail, expected, observed), texts);
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
