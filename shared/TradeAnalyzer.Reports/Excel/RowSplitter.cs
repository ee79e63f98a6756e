namespace TradeAnalyzer.Reports.Excel;

/// <summary>
/// Splits a long list of rows over several sheets when it exceeds what one sheet holds (Excel: 1,048,576 rows, one
/// of them the header): "Flags", "Flags (2)", ... and finds the sheet and row of any item.
/// </summary>
public static class RowSplitter
{
    /// <summary>Data rows one Excel sheet holds below its header row.</summary>
    public const int ExcelMaxDataRows = 1_048_575;

    /// <summary>How many sheets <paramref name="count"/> rows need (at least one, so an empty list still has its sheet).</summary>
    public static int SheetCount(long count, int maxDataRows = ExcelMaxDataRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDataRows, 1);
        return count <= 0 ? 1 : (int)((count + maxDataRows - 1) / maxDataRows);
    }

    /// <summary>The name of part <paramref name="part"/> (zero-based) of a split sheet: the base name, then "Name (2)", ...</summary>
    public static string SheetName(string baseName, int part) =>
        part == 0 ? baseName : $"{baseName} ({part + 1})";

    /// <summary>Where item <paramref name="index"/> (zero-based) lands: its sheet part and its one-based row (the header is row 1).</summary>
    public static (int Part, long Row) Locate(long index, int maxDataRows = ExcelMaxDataRows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return ((int)(index / maxDataRows), (index % maxDataRows) + 2);
    }
}
