using System.Globalization;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.Reports.Builders;

/// <summary>Small "label, number..." blocks on laid-out sheets with a chart over them.</summary>
internal static class SummaryBlocks
{
    /// <summary>Chart colours: blue, orange, grey, red, green.</summary>
    public const string Blue = "4472C4";

    /// <summary>Orange.</summary>
    public const string Orange = "ED7D31";

    /// <summary>Red.</summary>
    public const string Red = "C00000";

    /// <summary>Green.</summary>
    public const string Green = "70AD47";

    /// <summary>
    /// Writes a block (header, then one row per category with its values) and adds a chart of the chosen value
    /// columns. Returns nothing when there are no rows (no empty chart is drawn).
    /// </summary>
    public static void WithChart(
        FreeSheet sheet,
        ChartKind kind,
        string title,
        string[] headers,
        IReadOnlyList<string> categories,
        IReadOnlyList<double[]> values,
        StyleId[] styles,
        int[] charted,
        string[] colors,
        string valueFormat = "#,##0")
    {
        sheet.HeaderRow(headers);
        if (categories.Count == 0)
        {
            sheet.Blank();
            return;
        }

        var first = sheet.NextRow;
        for (var i = 0; i < categories.Count; i++)
        {
            var cells = new FreeCell[1 + values.Count];
            cells[0] = FreeCell.Of(categories[i]);
            for (var v = 0; v < values.Count; v++)
            {
                cells[v + 1] = FreeCell.Of(values[v][i], styles[v]);
            }

            sheet.Row(cells);
        }

        var last = sheet.NextRow - 1;
        var series = new List<ChartSeries>();
        for (var s = 0; s < charted.Length; s++)
        {
            var v = charted[s];
            series.Add(new ChartSeries(headers[v + 1], CellRef.Range(sheet.Name, v + 1, first, last), values[v], colors[s % colors.Length]));
        }

        sheet.Chart(new ChartSpec(kind, title, CellRef.Range(sheet.Name, 0, first, last), categories, series, valueFormat));
        sheet.Blank();
    }

    /// <summary>Formats a number with thousands separators and 2 decimals.</summary>
    public static string N2(double value) => value.ToString("#,##0.00", CultureInfo.InvariantCulture);
}
