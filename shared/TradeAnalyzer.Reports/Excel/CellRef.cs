namespace TradeAnalyzer.Reports.Excel;

/// <summary>A1-style cell references.</summary>
internal static class CellRef
{
    private static readonly string[] Letters = Enumerable.Range(0, 128).Select(Compute).ToArray();

    /// <summary>Column letters of a zero-based column index: 0 is A, 26 is AA.</summary>
    public static string Column(int column) => column < Letters.Length ? Letters[column] : Compute(column);

    /// <summary>Reference of a zero-based column and a row number already formatted as text (hot loops).</summary>
    public static string Of(int column, string rowText) => string.Concat(Column(column), rowText);

    private static string Compute(int column)
    {
        Span<char> buffer = stackalloc char[4];
        var pos = buffer.Length;
        var n = column + 1;
        while (n > 0)
        {
            var rem = (n - 1) % 26;
            buffer[--pos] = (char)('A' + rem);
            n = (n - 1) / 26;
        }

        return new string(buffer[pos..]);
    }

    /// <summary>Reference of a zero-based column and one-based row, e.g. (1, 2) is B2.</summary>
    public static string Of(int column, long row) => Column(column) + row.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Absolute reference to a cell of a sheet, as hyperlinks and charts use it: 'Flags (2)'!$B$7.</summary>
    public static string Absolute(string sheet, int column, long row) =>
        $"{Quote(sheet)}!${Column(column)}${row}";

    /// <summary>Absolute reference to a column range of a sheet: 'Summary'!$B$5:$B$9.</summary>
    public static string Range(string sheet, int column, long firstRow, long lastRow) =>
        $"{Quote(sheet)}!${Column(column)}${firstRow}:${Column(column)}${lastRow}";

    /// <summary>Location of a cell for an internal hyperlink: 'Shipments'!A12.</summary>
    public static string Location(string sheet, int column, long row) => $"{Quote(sheet)}!{Of(column, row)}";

    private static string Quote(string sheet) => "'" + sheet.Replace("'", "''", StringComparison.Ordinal) + "'";
}
