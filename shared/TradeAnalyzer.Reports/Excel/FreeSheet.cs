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
    /// <remarks>
    /// Written as bytes, exactly as the SDK's writer serialises the same elements (<see cref="WriteElements"/>): building
    /// them compiled about 220 methods of the SDK on the first workbook of a process (about 0.2 s of CPU on the
    /// Summary's thread, beside the flag files and the Flags sheet). A sheet with a text outside U+0020..U+D7FF (control
    /// characters, surrogates) or an empty text, whose escapes and empty elements the SDK's writer decides, is written
    /// by the SDK.
    /// </remarks>
    public void Write(Stream output, string? drawingRelationshipId, bool selected)
    {
        var texts = new string[_rows.Sum(r => r.Length)];
        var count = 0;
        foreach (var row in _rows)
        {
            foreach (var cell in row)
            {
                if (cell.Text is null)
                {
                    continue;
                }

                var safe = CellText.Safe(cell.Text);
                if (safe.Length == 0 || !ChartXml.Plain(safe) || (cell.Link is not null && !ChartXml.Plain(cell.Link)))
                {
                    WriteElements(output, drawingRelationshipId, selected);
                    return;
                }

                texts[count++] = safe;
            }
        }

        var widths = Widths();
        using var w = new XmlByteWriter(output);
        w.Raw("\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?><x:worksheet xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><x:sheetPr><x:pageSetUpPr fitToPage=\"1\" /></x:sheetPr><x:sheetViews><x:sheetView showGridLines=\"0\""u8);
        w.Raw(selected ? " tabSelected=\"1\" workbookViewId=\"0\" /></x:sheetViews>"u8 : " workbookViewId=\"0\" /></x:sheetViews>"u8);
        w.Raw("<x:sheetFormatPr defaultRowHeight=\"15\" /><x:cols>"u8);
        for (var c = 0; c < widths.Length; c++)
        {
            w.Raw("<x:col min=\""u8);
            w.Integer(c + 1);
            w.Raw("\" max=\""u8);
            w.Integer(c + 1);
            w.Raw("\" width=\""u8);
            w.Chars(ColumnWidths.Fit(0, widths[c], c == 0 ? 45 : 60).ToString("R", CultureInfo.InvariantCulture));
            w.Raw("\" customWidth=\"1\" />"u8);
        }

        w.Raw(_rows.Count == 0 ? "</x:cols><x:sheetData />"u8 : "</x:cols><x:sheetData>"u8);
        var links = new List<KeyValuePair<string, string>>();
        var text = 0;
        for (var r = 0; r < _rows.Count; r++)
        {
            var rowNumber = r + 1;
            var row = _rows[r];
            w.Raw("<x:row r=\""u8);
            w.Integer(rowNumber);
            var open = false;
            for (var c = 0; c < row.Length; c++)
            {
                var cell = row[c];
                var isText = cell.Text is not null;
                if (!isText && (cell.Number is not { } number || !double.IsFinite(number)))
                {
                    continue;
                }

                if (!open)
                {
                    w.Raw("\">"u8);
                    open = true;
                }

                var reference = CellRef.Of(c, rowNumber);
                w.Raw("<x:c r=\""u8);
                w.Chars(reference);
                w.Raw("\""u8);
                if (cell.Style != StyleId.Default)
                {
                    w.Raw(" s=\""u8);
                    w.Integer((uint)cell.Style);
                    w.Raw("\""u8);
                }

                if (isText)
                {
                    w.Raw(" t=\"inlineStr\"><x:is><x:t xml:space=\"preserve\">"u8);
                    w.Text(texts[text++]);
                    w.Raw("</x:t></x:is></x:c>"u8);
                    if (cell.Link is not null)
                    {
                        links.Add(new KeyValuePair<string, string>(reference, cell.Link));
                    }
                }
                else
                {
                    w.Raw("><x:v>"u8);
                    w.Chars(cell.Number!.Value.ToString("R", CultureInfo.InvariantCulture));
                    w.Raw("</x:v></x:c>"u8);
                }
            }

            w.Raw(open ? "</x:row>"u8 : "\" />"u8);
        }

        if (_rows.Count > 0)
        {
            w.Raw("</x:sheetData>"u8);
        }

        if (links.Count > 0)
        {
            w.Raw("<x:hyperlinks>"u8);
            foreach (var link in links)
            {
                w.Raw("<x:hyperlink ref=\""u8);
                w.Attribute(link.Key);
                w.Raw("\" location=\""u8);
                w.Attribute(link.Value);
                w.Raw("\" />"u8);
            }

            w.Raw("</x:hyperlinks>"u8);
        }

        w.Raw("<x:pageMargins left=\"0.5\" right=\"0.5\" top=\"0.6\" bottom=\"0.6\" header=\"0.3\" footer=\"0.3\" /><x:pageSetup fitToWidth=\"1\" fitToHeight=\"0\" orientation=\"landscape\" />"u8);
        if (drawingRelationshipId is not null)
        {
            w.Raw("<x:drawing r:id=\""u8);
            w.Attribute(drawingRelationshipId);
            w.Raw("\" />"u8);
        }

        w.Raw("</x:worksheet>"u8);
    }

    /// <summary>
    /// The sheet as the SDK's writer serialises it (elements with the x prefix, a byte order mark): what
    /// <see cref="Write"/> writes as bytes, and writes this way for texts it leaves to the SDK.
    /// </summary>
    internal void WriteElements(Stream output, string? drawingRelationshipId, bool selected)
    {
        GC.KeepAlive(AotEnumArrays);
        var widths = Widths();
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

    /// <summary>Column widths from the content (titles and notes do not widen columns).</summary>
    private double[] Widths()
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

        return widths;
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

    // Native AOT: the Open XML SDK 2.20 looks an enum's names up with Enum.GetValues when it writes a typed enum
    // attribute (Cell.DataType, Text.Space, ...), which needs the enum's array type compiled into the executable; these
    // arrays make the compiler include the ones this sheet's SDK path writes (`tradeanalyzer fuzz` on the AOT build
    // stopped on SpaceProcessingModeValues[] and CellValues[] before).
    private static readonly Array[] AotEnumArrays = [new CellValues[1], new SpaceProcessingModeValues[1], new OrientationValues[1]];
}
