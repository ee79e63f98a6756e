using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;

namespace TradeAnalyzer.Reports.Excel;

/// <summary>
/// Streams one data sheet: frozen header row, widths from content, the rows, internal hyperlinks, and a reference to
/// its Excel table (autofilter). Sheet data never becomes a DOM: cells go straight to the part's stream.
/// </summary>
internal static class TableSheetWriter
{
    /// <summary>Relationship id of the sheet's table part.</summary>
    public const string TableRelationshipId = "rIdT1";

    /// <summary>Writes rows <paramref name="start"/> .. start+count-1 of <paramref name="rows"/> as a sheet; returns the last row number written.</summary>
    public static long Write<T>(
        Stream output,
        IReadOnlyList<ColumnSpec> columns,
        IReadOnlyList<T> rows,
        int start,
        int count,
        Action<RowSink, T> writeRow,
        bool selected)
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

        using var writer = OpenXmlWriter.Create(output);
        writer.WriteStartDocument(true);
        writer.WriteStartElement(new Worksheet(), [], [new KeyValuePair<string, string>("r", WorkbookWriter.RelationshipNamespace)]);
        writer.WriteElement(new SheetDimension { Reference = $"A1:{lastColumn}{lastRow}" });
        writer.WriteElement(FrozenHeader(selected));
        writer.WriteElement(new SheetFormatProperties { DefaultRowHeight = 15 });

        var cols = new Columns();
        var finalWidths = new double[columns.Count];
        for (var c = 0; c < columns.Count; c++)
        {
            var spec = columns[c];
            finalWidths[c] = ColumnWidths.Fit(spec.Header.Length, widths[c], spec.MaxWidth);
            cols.Append(new Column
            {
                Min = (uint)(c + 1),
                Max = (uint)(c + 1),
                Width = finalWidths[c],
                CustomWidth = true,
            });
        }

        writer.WriteElement(cols);
        writer.WriteStartElement(new SheetData());
        var sink = RowSink.Writing(writer, columns, finalWidths, links);
        sink.BeginRow(1);
        foreach (var spec in columns)
        {
            sink.Header(spec.Header);
        }

        sink.EndRow();
        for (var i = 0; i < count; i++)
        {
            sink.BeginRow(i + 2);
            writeRow(sink, rows[start + i]);
            sink.EndRow();
        }

        writer.WriteEndElement(); // sheetData

        if (links.Count > 0)
        {
            writer.WriteStartElement(new Hyperlinks());
            var hyperlink = new Hyperlink();
            var attributes = new OpenXmlAttribute[2];
            foreach (var link in links)
            {
                attributes[0] = new OpenXmlAttribute("ref", string.Empty, link.Key);
                attributes[1] = new OpenXmlAttribute("location", string.Empty, link.Value);
                writer.WriteStartElement(hyperlink, attributes);
                writer.WriteEndElement();
            }

            writer.WriteEndElement();
        }

        writer.WriteElement(new PageMargins { Left = 0.5, Right = 0.5, Top = 0.6, Bottom = 0.6, Header = 0.3, Footer = 0.3 });
        writer.WriteElement(new PageSetup { Orientation = OrientationValues.Landscape });
        writer.WriteElement(new TableParts(new TablePart { Id = TableRelationshipId }) { Count = 1 });
        writer.WriteEndElement(); // worksheet
        writer.Close();
        return lastRow;
    }

    /// <summary>The table (with autofilter) over a sheet's header and data rows.</summary>
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

    private static SheetViews FrozenHeader(bool selected) =>
        new(new SheetView(
            new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen },
            new Selection { Pane = PaneValues.BottomLeft, ActiveCell = "A2", SequenceOfReferences = new ListValue<StringValue> { InnerText = "A2" } })
        {
            WorkbookViewId = 0,
            TabSelected = selected ? true : null,
        });
}
