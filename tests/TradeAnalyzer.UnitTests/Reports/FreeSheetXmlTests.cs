using System.Text;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.UnitTests.Reports;

/// <summary>A laid-out sheet written as bytes (<see cref="FreeSheet.Write"/>) is exactly what the SDK's writer makes of its elements.</summary>
public sealed class FreeSheetXmlTests
{
    [Theory]
    [InlineData(false, null)]
    [InlineData(true, "rIdD1")]
    public void Bytes_are_the_sdk_serialisation(bool selected, string? drawing)
    {
        var sheet = new FreeSheet("Summary");
        sheet.Title("Trade analysis report");
        sheet.Pair("Generated", "2026-12-02 22:54 UTC");
        sheet.Pair("Files", 4, StyleId.Integer);
        sheet.Pair("Value at risk", 10232349314.53552, StyleId.Money);
        sheet.Pair("Share", 0.125, StyleId.Percent);
        sheet.Pair("Missing", null, StyleId.Integer);
        sheet.Pair("Not a number", double.NaN, StyleId.Decimal);
        sheet.Pair("Negative zero", -0.0, StyleId.Decimal);
        sheet.Row(FreeCell.Of("Flags", StyleId.Bold), FreeCell.Of(270628, StyleId.Integer), FreeCell.LinkTo("see sheet", "'Flags & <co>'!A1"));
        sheet.Blank();
        sheet.Row(FreeCell.Empty, FreeCell.Of(double.PositiveInfinity, StyleId.Decimal));
        sheet.HeaderRow("Exporter", "Score", "Flagged shipments", "Value at risk USD");
        sheet.Row(FreeCell.LinkTo("Ñandú & Hijos <S.A.> \"quoted\" 'single'", "'Flags'!A371"), FreeCell.Of(97.5, StyleId.Score), FreeCell.Of(12, StyleId.Integer), FreeCell.Of(1234.5, StyleId.Money));
        sheet.Row(FreeCell.Of("=SUM(A1:A2)"), FreeCell.Of("+1"), FreeCell.Of("@x"), FreeCell.Of("-3"));
        sheet.Row(FreeCell.Of("  leading and trailing  "), FreeCell.Of("日本語の名前"));
        sheet.Row(FreeCell.Of(new string('w', 200), StyleId.Note));
        for (var i = 0; i < 30; i++)
        {
            sheet.Row(FreeCell.Of($"{i * 1.5:N2}-{i * 2.25:N2}"), FreeCell.Of(i, StyleId.Integer), FreeCell.Of(i * 1000.123, StyleId.Decimal));
        }

        AssertSame(sheet, drawing, selected);
    }

    [Fact]
    public void Empty_sheet_is_the_sdk_serialisation() => AssertSame(new FreeSheet("About"), null, false);

    [Theory]
    [InlineData("")]
    [InlineData("tab\there")]
    [InlineData("two\nlines")]
    [InlineData("crlf\r\nlines")]
    [InlineData("bell\u0007")]
    [InlineData("emoji \uD83D\uDE00")]
    [InlineData("private \uE000 use")]
    public void Texts_the_sdk_decides_on_are_written_by_the_sdk(string text)
    {
        var sheet = new FreeSheet("About");
        sheet.Pair("Error", text);
        sheet.Pair("Count", 3, StyleId.Integer);

        AssertSame(sheet, null, false);
    }

    private static void AssertSame(FreeSheet sheet, string? drawing, bool selected)
    {
        var expected = new MemoryStream();
        sheet.WriteElements(expected, drawing, selected);
        var actual = new MemoryStream();
        sheet.Write(actual, drawing, selected);

        Assert.Equal(Encoding.UTF8.GetString(expected.ToArray()), Encoding.UTF8.GetString(actual.ToArray()));
        Assert.Equal(expected.ToArray(), actual.ToArray());
    }
}
