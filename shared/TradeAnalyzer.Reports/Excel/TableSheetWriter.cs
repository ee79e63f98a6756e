using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Reports.Excel;

/// <summary>
/// Streams one data sheet: frozen header row, widths from content, the rows, internal hyperlinks, and a reference to
/// its Excel table (autofilter). Sheet data never becomes a DOM: cells go straight to the part's stream as UTF-8
/// bytes (<see cref="XmlByteWriter"/>), in the default SpreadsheetML namespace.
/// </summary>
internal static class TableSheetWriter
{
    /// <summary>Relationship id of the sheet's table part.</summary>
    public const string TableRelationshipId = "rIdT1";

    /// <summary>
    /// Writes rows <paramref name="start"/> .. start+count-1 of <paramref name="rows"/> as a sheet (repeating texts as
    /// references into <paramref name="shared"/> when given); returns the last row number written.
    /// </summary>
    public static long Write<T>(
        Stream output,
        IReadOnlyList<ColumnSpec> columns,
        IReadOnlyList<T> rows,
        int start,
        int count,
        Action<RowSink, T> writeRow,
        bool selected,
        SharedStrings? shared = null)
    {
        var widths = new double[columns.Count];
        var measure = RowSink.Measuring(columns, widths);
        var sample = Math.Min(count, ColumnWidths.SampleRows);
        for (var i = 0; i < sample; i++)
        {
            measure.BeginRow(i + 2);
            writeRow(measure, rows[start + i]);
        }

        var lastRow = Math.Max(2, count + 1);
        var lastColumn = CellRef.Column(columns.Count - 1);
        var links = new List<KeyValuePair<string, string>>();

        using var w = new XmlByteWriter(output);
        w.Raw("<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>"u8);
        w.Raw("<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"u8);
        w.Raw("<dimension ref=\"A1:"u8);
        w.Attribute(lastColumn);
        w.Integer(lastRow);
        w.Raw("\"/><sheetViews><sheetView"u8);
        if (selected)
        {
            w.Raw(" tabSelected=\"1\""u8);
        }

        w.Raw(" workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"u8);
        w.Raw("<selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews>"u8);
        w.Raw("<sheetFormatPr defaultRowHeight=\"15\"/><cols>"u8);
        var finalWidths = new double[columns.Count];
        for (var c = 0; c < columns.Count; c++)
        {
            var spec = columns[c];
            finalWidths[c] = ColumnWidths.Fit(spec.Header.Length, widths[c], spec.MaxWidth);
            w.Raw("<col min=\""u8);
            w.Integer(c + 1);
            w.Raw("\" max=\""u8);
            w.Integer(c + 1);
            w.Raw("\" width=\""u8);
            w.Number(finalWidths[c]);
            w.Raw("\" customWidth=\"1\"/>"u8);
        }

        w.Raw("</cols><sheetData>"u8);
        var sink = RowSink.Writing(w, columns, finalWidths, links, shared);
        sink.BeginRow(1);
        foreach (var spec in columns)
        {
            sink.Header(spec.Header);
        }

        sink.EndRow();

        // Flags (scattered in memory, in score order) are fetched ahead of the row that writes them.
        var flags = rows as IReadOnlyList<Flag>;
        for (var i = 0; i < count; i++)
        {
            if (flags is not null)
            {
                FlagPrefetch.Ahead(flags, start + i);
            }

            sink.BeginRow(i + 2);
            writeRow(sink, rows[start + i]);
            sink.EndRow();
        }

        w.Raw("</sheetData>"u8);
        if (links.Count > 0)
        {
            w.Raw("<hyperlinks>"u8);
            foreach (var link in links)
            {
                w.Raw("<hyperlink ref=\""u8);
                w.Attribute(link.Key);
                w.Raw("\" location=\""u8);
                w.Attribute(link.Value);
                w.Raw("\"/>"u8);
            }

            w.Raw("</hyperlinks>"u8);
        }

        w.Raw("<pageMargins left=\"0.5\" right=\"0.5\" top=\"0.6\" bottom=\"0.6\" header=\"0.3\" footer=\"0.3\"/>"u8);
        w.Raw("<pageSetup orientation=\"landscape\"/>"u8);
        w.Raw("<tableParts count=\"1\"><tablePart r:id=\""u8);
        w.Attribute(TableRelationshipId);
        w.Raw("\"/></tableParts></worksheet>"u8);
        return lastRow;
    }

    /// <summary>
    /// The table part (with autofilter) over a sheet's header and data rows as bytes, exactly as the SDK serialises
    /// <see cref="Table"/>: building it from SDK elements compiled the SDK's element and writer code on the workbook's
    /// thread, between the Flags and Shipments sheets. Names outside U+0020..U+D7FF go through the SDK.
    /// </summary>
    public static byte[] TableXml(uint id, string displayName, IReadOnlyList<ColumnSpec> columns, long lastRow)
    {
        if (!ChartXml.Plain(displayName) || columns.Any(c => !ChartXml.Plain(c.Header)))
        {
            return WorkbookWriter.Serialize(Table(id, displayName, columns, lastRow));
        }

        var reference = $"A1:{CellRef.Column(columns.Count - 1)}{lastRow}";
        var stream = new MemoryStream();
        using (var w = new XmlByteWriter(stream))
        {
            w.Raw("<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?><x:table id=\""u8);
            w.Integer(id);
            w.Raw("\" name=\""u8);
            w.Attribute(displayName);
            w.Raw("\" displayName=\""u8);
            w.Attribute(displayName);
            w.Raw("\" ref=\""u8);
            w.Attribute(reference);
            w.Raw("\" totalsRowShown=\"0\" xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><x:autoFilter ref=\""u8);
            w.Attribute(reference);
            w.Raw("\" /><x:tableColumns count=\""u8);
            w.Integer(columns.Count);
            w.Raw("\">"u8);
            for (var c = 0; c < columns.Count; c++)
            {
                w.Raw("<x:tableColumn id=\""u8);
                w.Integer(c + 1);
                w.Raw("\" name=\""u8);
                w.Attribute(columns[c].Header);
                w.Raw("\" />"u8);
            }

            w.Raw("</x:tableColumns><x:tableStyleInfo name=\"TableStyleLight9\" showFirstColumn=\"0\" showLastColumn=\"0\" showRowStripes=\"1\" showColumnStripes=\"0\" /></x:table>"u8);
        }

        return stream.ToArray();
    }

    /// <summary>The table (with autofilter) over a sheet's header and data rows, as SDK elements (see <see cref="TableXml"/>).</summary>
    public static Table Table(uint id, string displayName, IReadOnlyList<ColumnSpec> columns, long lastRow)
    {
        var reference = $"A1:{CellRef.Column(columns.Count - 1)}{lastRow}";
        var tableColumns = new TableColumns { Count = (uint)columns.Count };
        for (var c = 0; c < columns.Count; c++)
        {
            tableColumns.Append(new TableColumn { Id = (uint)(c + 1), Name = columns[c].Header });
        }

        return new Table(
            new AutoFilter { Reference = reference },
            tableColumns,
            new TableStyleInfo { Name = "TableStyleLight9", ShowFirstColumn = false, ShowLastColumn = false, ShowRowStripes = true, ShowColumnStripes = false })
        {
            Id = id,
            Name = displayName,
            DisplayName = displayName,
            Reference = reference,
            TotalsRowShown = false,
        };
    }
}
