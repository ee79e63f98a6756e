namespace TradeAnalyzer.Reports.Excel;

/// <summary>
/// A laid-out sheet serialised ahead of its place in the package (<see cref="WorkbookWriter.Prepare"/>): the
/// worksheet part, each chart's part in placement order and the drawing that anchors them (null without charts).
/// </summary>
internal sealed class PreparedSheet(byte[] sheet, IReadOnlyList<byte[]> charts, byte[]? drawing)
{
    /// <summary>The worksheet part (XML, UTF-8).</summary>
    public byte[] Sheet { get; } = sheet;

    /// <summary>The charts' parts, in placement order.</summary>
    public IReadOnlyList<byte[]> Charts { get; } = charts;

    /// <summary>The drawing part anchoring the charts; null when the sheet has none.</summary>
    public byte[]? Drawing { get; } = drawing;
}
