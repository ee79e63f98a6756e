namespace TradeAnalyzer.Reports.Excel;

/// <summary>
/// A data sheet rendered ahead by <see cref="WorkbookWriter.Render{T}"/>: its XML in temporary files (deleted when
/// disposed), one per sheet part, with each part's last row for its table range.
/// </summary>
internal sealed class RenderedTable(IReadOnlyList<ColumnSpec> columns) : IDisposable
{
    /// <summary>The table's columns.</summary>
    public IReadOnlyList<ColumnSpec> Columns { get; } = columns;

    /// <summary>Each sheet part's XML and last row.</summary>
    public List<(FileStream Xml, long LastRow)> Parts { get; } = [];

    /// <summary>Closes (and so deletes) the temporary files.</summary>
    public void Dispose()
    {
        foreach (var (xml, _) in Parts)
        {
            xml.Dispose();
        }

        Parts.Clear();
    }
}
