using System.Text;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.UnitTests.Reports;

/// <summary>
/// The chart and drawing parts written as bytes (<see cref="ChartXml"/>) are exactly the parts the SDK serialises from
/// the same charts' elements (<see cref="Charts.Build"/>, <see cref="Charts.Anchor"/>).
/// </summary>
public sealed class ChartXmlTests
{
    public static TheoryData<int, int, string, string> Cases() => new()
    {
        { (int)ChartKind.Bar, 1, "Value at risk by flag (USD)", "#,##0" },
        { (int)ChartKind.Column, 1, "Flags by severity", "#,##0" },
        { (int)ChartKind.Histogram, 2, "Unit prices of HS 2933.39 (USD/kg); fences 1.50 - 9.25", "#,##0" },
        { (int)ChartKind.Line, 3, "Weekly flags", "0.0%" },
        { (int)ChartKind.Bar, 2, "Escapes & < > \" ' and accents: análisis, 日本", "\"USD\" #,##0.00;[Red]-#,##0" },
        { (int)ChartKind.Line, 0, "No series", "General" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Chart_bytes_are_the_sdk_serialisation(int kind, int series, string title, string format)
    {
        var spec = Spec((ChartKind)kind, series, title, format);

        Assert.True(ChartXml.TryBuild(spec, out var bytes));

        Assert.Equal(Encoding.UTF8.GetString(WorkbookWriter.ChartElementXml(spec)), Encoding.UTF8.GetString(bytes));
    }

    [Theory]
    [InlineData("tab\there")]
    [InlineData("line\nbreak")]
    [InlineData("carriage\rreturn")]
    [InlineData("surrogate \uD83D\uDE00 pair")]
    [InlineData("\uFFFD replacement")]
    public void Texts_outside_the_plain_range_are_left_to_the_sdk(string category)
    {
        var plain = Spec(ChartKind.Column, 1, "t", "#,##0");
        var spec = plain with { Categories = ["a", category] };

        Assert.False(ChartXml.TryBuild(spec, out _));
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(3, 5)]
    [InlineData(12, 11)]
    public void Drawing_bytes_are_the_sdk_serialisation(int charts, int contentColumns)
    {
        var sheet = new FreeSheet("Summary");
        sheet.Row(Enumerable.Range(0, contentColumns).Select(c => FreeCell.Of($"c{c}")).ToArray());
        for (var i = 0; i < charts; i++)
        {
            sheet.Chart(Spec(ChartKind.Column, 1, $"chart {i}", "#,##0"));
        }

        var bytes = ChartXml.Drawing(charts, sheet.ChartColumn, i => $"rIdC{i + 1}");

        Assert.Equal(Encoding.UTF8.GetString(WorkbookWriter.DrawingElementXml(sheet)), Encoding.UTF8.GetString(bytes));
    }

    private static ChartSpec Spec(ChartKind kind, int series, string title, string format)
    {
        string[] categories = ["INVOICE_VALUE_MISMATCH", "a & b", "<c>", "\"quoted\" 'single'", "2,668.33-4,074.26", "Ñandú S.A."];
        double[] values = [2572887023.7500067, 0, -0.0, 1e-7, 123456789012345678, double.NaN, 5.5];
        var list = Enumerable.Range(0, series)
            .Select(s => new ChartSeries($"Series {s} & <co>", $"'Summary'!${(char)('B' + s)}$13:${(char)('B' + s)}$18", values.Skip(s).Take(categories.Length).ToArray(), s % 2 == 0 ? "4472C4" : "ED7D31"))
            .ToList();
        return new ChartSpec(kind, title, "'Summary'!$A$13:$A$18", categories, list, format);
    }
}
