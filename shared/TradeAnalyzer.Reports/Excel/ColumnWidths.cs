namespace TradeAnalyzer.Reports.Excel;

/// <summary>Column widths from character counts (no font measuring): content plus padding, room for the filter button, capped.</summary>
internal static class ColumnWidths
{
    /// <summary>Rows sampled for widths; beyond them the widths are already representative.</summary>
    public const int SampleRows = 2_000;

    /// <summary>The width (in Excel character units) of a column whose header and longest sampled content are given.</summary>
    public static double Fit(int headerLength, double contentLength, double maxWidth)
    {
        var width = Math.Max(headerLength + 4, contentLength + 2);
        return Math.Round(Math.Clamp(width, 6, maxWidth), 1);
    }
}
