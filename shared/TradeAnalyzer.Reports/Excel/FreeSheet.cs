using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;

namespace TradeAnalyzer.Reports.Excel;

/// <summary>
/// A small laid-out sheet (Summary, About, Profile): rows of key/value pairs and small blocks, kept in memory, plus
/// charts placed to the right of the content. Widths come from the content; titles and notes do not widen columns.
/// </summary>
internal sealed class FreeSheet
{
    /// <summary>The column (zero-based) where charts start: one empty column right of the widest content row.</summary>
    public int ChartColumn => Math.Max(3, _rows.Count == 0 ? 0 : _rows.Max(r => r.Length) + 1);

    /// <summary>Rows each chart occupies.</summary>
    public const int ChartRows = 18;

    private readonly List<FreeCell[]> _rows = [];

    /// <summary>Creates a sheet called <paramref name="name"/>.</summary>
    public FreeSheet(string name) => Name = name;

    /// <summary>The sheet's name.</summary>
    public string Name { get; }

    /// <summary>The charts of this sheet, in placement order.</summary>
    public List<ChartSpec> Charts { get; } = [];

    /// <summary>The one-based number the next row will have.</summary>
    public int NextRow => _rows.Count + 1;

    /// <summary>Number of rows.</summary>
    public int RowCount => _rows.Count;

    /// <summary>Adds a row; returns its one-based number.</summary>
    public int Row(params FreeCell[] cells)
    {
        _rows.Add(cells);
        return _rows.Count;
    }

    /// <summary>Adds an empty row.</summary>
    public void Blank() => _rows.Add([]);

    /// <summary>Adds a title row.</summary>
    public void Title(string text) => Row(FreeCell.Of(text, StyleId.Title));

    /// <summary>Adds a "key: value" row.</summary>
    public int Pair(string key, string? value) => Row(FreeCell.Of(key, StyleId.Bold), FreeCell.Of(value));

    /// <summary>Adds a "key: number" row.</summary>
    public int Pair(string key, double? value, StyleId style) => Row(FreeCell.Of(key, StyleId.Bold), FreeCell.Of(value, style));

    /// <summary>Adds a header row of a small block.</summary>
    public int HeaderRow(params string[] headers) => Row(headers.Select(h => FreeCell.Of(h, StyleId.Header)).ToArray());

    /// <summary>Adds a chart (anchored to the right of the content, one below the other).</summary>
    public void Chart(ChartSpec spec) => Charts.Add(spec);

    /// <summary>Writes the sheet; <paramref name="drawingRelationshipId"/> is set when the sheet has charts.</summary>
    public void Write(Stream output, string? drawingRelationshipId, bool selected)
    {
        var columnCount = _rows.Count == 0 ? 1 : _rows.Max(r => r.Length);
        var widths = new double[Math.Max(1, columnCount)];
        foreach (var row in _rows)
        {
            for (var c = 0; c < row.Length; c++)
            {
                var cell = row[c];
                if (cell.Style is StyleId.Title or StyleId.Note)
                {
                    continue;
                }

                var length = cell.Text is not null ? CellText.Safe(cell.Text).Length : cell.Number is { } n ? NumberLength(n, cell.Style) : 0;
                widths[c] = Math.Max(widths[c], length);
            }
        }

        using var writer = OpenXmlWriter.Create(output);
        writer.WriteStartDocument(true);
        writer.WriteStartElement(new Worksheet(), [], [new KeyValuePair<string, string>("r", WorkbookWriter.RelationshipNamespace)]);
        writer.WriteElement(new SheetProperties(new PageSetupProperties { FitToPage = true }));
        writer.WriteElement(new SheetViews(new SheetView { WorkbookViewId = 0, TabSelected = selected ? true : null, ShowGridLines = false }));
        writer.WriteElement(new SheetFormatProperties { DefaultRowHeight = 15 });
        var cols = new Columns();
        for (var c = 0; c < widths.Length; c++)
        {
            cols.Append(new Column { Min = (uint)(c + 1), Max = (uint)(c + 1), Width = ColumnWidths.Fit(0, widths[c], c == 0 ? 45 : 60), CustomWidth = true });
        }

        writer.WriteElement(cols);
        writer.WriteStartElement(new SheetData());
        var links = new List<KeyValuePair<string, string>>();
        for (var r = 0; r < _rows.Count; r++)
        {
            var rowNumber = r + 1;
            writer.WriteStartElement(new Row { RowIndex = (uint)rowNumber });
            var row = _rows[r];
            for (var c = 0; c < row.Length; c++)
            {
                var cell = row[c];
                var reference = CellRef.Of(c, rowNumber);
                if (cell.Text is not null)
                {
                    writer.WriteElement(new Cell(new InlineString(new Text(CellText.Safe(cell.Text)) { Space = SpaceProcessingModeValues.Preserve }))
                    {
                        CellReference = reference,
                        DataType = CellValues.InlineString,
                        StyleIndex = cell.Style == StyleId.Default ? null : (uint)cell.Style,
                    });
                    if (cell.Link is not null)
                    {
                        links.Add(new KeyValuePair<string, string>(reference, cell.Link));
                    }
                }
                else if (cell.Number is { } number && double.IsFinite(number))
                {
                    writer.WriteElement(new Cell(new CellValue(number.ToString("R", CultureInfo.InvariantCulture)))
                    {
                        CellReference = reference,
                        StyleIndex = cell.Style == StyleId.Default ? null : (uint)cell.Style,
                    });
                }
            }

            writer.WriteEndElement();
        }

        writer.WriteEndElement();
        if (links.Count > 0)
        {
            writer.WriteStartElement(new Hyperlinks());
            foreach (var link in links)
            {
                writer.WriteElement(new Hyperlink { Reference = link.Key, Location = link.Value });
            }

            writer.WriteEndElement();
        }

        writer.WriteElement(new PageMargins { Left = 0.5, Right = 0.5, Top = 0.6, Bottom = 0.6, Header = 0.3, Footer = 0.3 });
        writer.WriteElement(new PageSetup { Orientation = OrientationValues.Landscape, FitToWidth = 1, FitToHeight = 0 });
        if (drawingRelationshipId is not null)
        {
            writer.WriteElement(new Drawing { Id = drawingRelationshipId });
        }

        writer.WriteEndElement();
        writer.Close();
    }

    private static int NumberLength(double value, StyleId style)
    {
        var format = style switch
        {
            StyleId.Integer => "#,##0",
            StyleId.Percent => "0.0%",
            StyleId.Date => "0000000000",
            StyleId.DateTime => "0000000000000000",
            _ => "#,##0.00",
        };
        return value.ToString(format, CultureInfo.InvariantCulture).Length + (style == StyleId.Money ? 4 : 0);
    }
}
