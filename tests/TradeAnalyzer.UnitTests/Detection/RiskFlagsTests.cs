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
}
