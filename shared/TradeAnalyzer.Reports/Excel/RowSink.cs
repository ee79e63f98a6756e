using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Reports.Excel;

/// <summary>
/// Receives one data row's cells, left to right. The same row-writing code runs twice: first against a measuring
/// sink (column widths from content, character counts only) and then against a writing sink that streams cells
/// with <see cref="OpenXmlWriter"/>. Every text goes through <see cref="CellText.Safe"/>; no cell is ever a formula.
/// </summary>
internal sealed class RowSink
{
    /// <summary>Excel keeps at most 65,530 hyperlinks per worksheet; later rows (lowest scores) get plain text.</summary>
    public const int MaxHyperlinksPerSheet = 65_530;

    private static readonly DateOnly OaEpoch = new(1899, 12, 30);
    private static readonly string[] StyleText = Enum.GetValues<StyleId>().Select(s => ((uint)s).ToString(CultureInfo.InvariantCulture)).ToArray();

    private readonly OpenXmlWriter? _writer;
    private readonly IReadOnlyList<ColumnSpec> _columns;
    private readonly double[] _widths;
    private readonly List<KeyValuePair<string, string>>? _links;
    private readonly List<OpenXmlAttribute> _attributes = new(3);
    private readonly Cell _cell = new();
    private readonly CellValue _value = new();
    private readonly InlineString _inline = new();
    private readonly Text _text = new();
    private readonly Row _rowElement = new();
    private readonly List<OpenXmlAttribute> _rowAttributes = new(3);
    private readonly OpenXmlAttribute[] _preserve = [new("xml", "space", "http://www.w3.org/XML/1998/namespace", "preserve")];
    private readonly char[] _format = new char[64];
    private string _rowText = "1";
    private bool _rowPending;
    private int _column;

    private RowSink(OpenXmlWriter? writer, IReadOnlyList<ColumnSpec> columns, double[] widths, List<KeyValuePair<string, string>>? links)
    {
        _writer = writer;
        _columns = columns;
        _widths = widths;
        _links = links;
    }

    /// <summary>A sink that only measures content widths into <paramref name="widths"/>.</summary>
    public static RowSink Measuring(IReadOnlyList<ColumnSpec> columns, double[] widths) => new(null, columns, widths, null);

    /// <summary>
    /// A sink that writes cells and collects internal hyperlinks (cell reference, location). <paramref name="widths"/>
    /// are the final column widths: a row whose first cell is wrapped text gets a height for its lines (LibreOffice
    /// does not fit row heights on load).
    /// </summary>
    public static RowSink Writing(OpenXmlWriter writer, IReadOnlyList<ColumnSpec> columns, double[] widths, List<KeyValuePair<string, string>> links) =>
        new(writer, columns, widths, links);

    /// <summary>Starts row <paramref name="row"/> (one-based).</summary>
    public void BeginRow(long row)
    {
        _column = 0;
        if (_writer is not null)
        {
            _rowText = row.ToString(CultureInfo.InvariantCulture);
            _rowPending = true;
        }
    }

    /// <summary>Ends the current row.</summary>
    public void EndRow()
    {
        if (_writer is not null)
        {
            EnsureRow(1);
            _writer.WriteEndElement();
        }
    }

    /// <summary>Lines a wrapped text needs in a column <paramref name="width"/> characters wide (prose is about 0.9 of a digit wide).</summary>
    internal static int WrappedLines(string text, double width)
    {
        var perLine = Math.Max(1, width - 1.5);
        var lines = 0;
        var current = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n' || (c == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
            {
                lines += Math.Max(1, (int)Math.Ceiling(current * 0.9 / perLine));
                current = 0;
            }
            else if (c != '\r')
            {
                current++;
            }
        }

        lines += Math.Max(1, (int)Math.Ceiling(current * 0.9 / perLine));
        return Math.Min(lines, 15);
    }

    private void EnsureRow(int lines)
    {
        if (!_rowPending)
        {
            return;
        }

        _rowPending = false;
        _rowAttributes.Clear();
        _rowAttributes.Add(new OpenXmlAttribute("r", string.Empty, _rowText));
        if (lines > 1)
        {
            _rowAttributes.Add(new OpenXmlAttribute("ht", string.Empty, (lines * 15).ToString(CultureInfo.InvariantCulture)));
            _rowAttributes.Add(new OpenXmlAttribute("customHeight", string.Empty, "1"));
        }

        _writer!.WriteStartElement(_rowElement, _rowAttributes);
    }

    /// <summary>Writes header cells (bold, filled).</summary>
    public void Header(string text) => WriteText(text, StyleId.Header, measure: false);

    /// <summary>A text cell (formula-safe); the column's style (wrapped for <see cref="ColumnKind.Wrap"/>).</summary>
    public void Text(string? value)
    {
        var style = _column < _columns.Count && _columns[_column].Kind == ColumnKind.Wrap ? StyleId.Wrap : StyleId.Default;
        WriteText(value, style, measure: true);
    }

    /// <summary>
    /// False once this sheet holds <see cref="MaxHyperlinksPerSheet"/> links: <see cref="Link"/> then writes plain
    /// text, so callers may skip building the location.
    /// </summary>
    public bool AcceptsLinks => _links is null || _links.Count < MaxHyperlinksPerSheet;

    /// <summary>A text cell that links to <paramref name="location"/> in this workbook (e.g. 'Shipments'!A5); plain text when null.</summary>
    public void Link(string? value, string? location)
    {
        if (location is not null && !string.IsNullOrEmpty(value) && AcceptsLinks)
        {
            _links?.Add(new KeyValuePair<string, string>(CellRef.Of(_column, _rowText), location));
            WriteText(value, StyleId.Link, measure: true);
        }
        else
        {
            WriteText(value, StyleId.Default, measure: true);
        }
    }

    /// <summary>A severity cell: its name, filled with the severity's colour.</summary>
    public void Severity(Severity severity, string text) => WriteText(text, Styles.ForSeverity(severity), measure: true);

    /// <summary>A number cell in the column's number style; nothing for null, NaN or infinity.</summary>
    public void Number(double? value)
    {
        var style = _column < _columns.Count ? _columns[_column].NumberStyle : StyleId.Decimal;
        if (value is not { } v || !double.IsFinite(v))
        {
            Skip();
            return;
        }

        if (_writer is null)
        {
            var format = style switch
            {
                StyleId.Integer => "#,##0",
                StyleId.Percent => "0.0%",
                StyleId.Score => "0.0",
                _ => "#,##0.00",
            };
            var length = v.TryFormat(_format, out var n, format, CultureInfo.InvariantCulture) ? n : 12;
            Observe(length + (style == StyleId.Money ? 4 : 0));
            _column++;
            return;
        }

        StartCell(style, null);
        _writer.WriteStartElement(_value);
        _writer.WriteString(v.ToString("R", CultureInfo.InvariantCulture));
        _writer.WriteEndElement();
        _writer.WriteEndElement();
        _column++;
    }

    /// <summary>A date cell (Excel serial number, yyyy-mm-dd format).</summary>
    public void Date(DateOnly? value)
    {
        if (value is not { } d)
        {
            Skip();
            return;
        }

        if (_writer is null)
        {
            Observe(10);
            _column++;
            return;
        }

        StartCell(StyleId.Date, null);
        _writer.WriteStartElement(_value);
        _writer.WriteString((d.DayNumber - OaEpoch.DayNumber).ToString(CultureInfo.InvariantCulture));
        _writer.WriteEndElement();
        _writer.WriteEndElement();
        _column++;
    }

    /// <summary>Leaves the current cell empty.</summary>
    public void Skip() => _column++;

    private void WriteText(string? value, StyleId style, bool measure)
    {
        if (string.IsNullOrEmpty(value))
        {
            _column++;
            return;
        }

        var safe = CellText.Safe(value);
        if (_writer is null)
        {
            if (measure)
            {
                Observe(LongestLine(safe));
            }

            _column++;
            return;
        }

        if (_rowPending)
        {
            EnsureRow(style == StyleId.Wrap && _column < _widths.Length ? WrappedLines(safe, _widths[_column]) : 1);
        }

        StartCell(style, "inlineStr");
        _writer.WriteStartElement(_inline);
        if (safe.Length > 0 && (char.IsWhiteSpace(safe[0]) || char.IsWhiteSpace(safe[^1])))
        {
            _writer.WriteStartElement(_text, _preserve);
        }
        else
        {
            _writer.WriteStartElement(_text);
        }

        _writer.WriteString(safe);
        _writer.WriteEndElement();
        _writer.WriteEndElement();
        _writer.WriteEndElement();
        _column++;
    }

    private void StartCell(StyleId style, string? type)
    {
        EnsureRow(1);
        _attributes.Clear();
        _attributes.Add(new OpenXmlAttribute("r", string.Empty, CellRef.Of(_column, _rowText)));
        if (style != StyleId.Default)
        {
            _attributes.Add(new OpenXmlAttribute("s", string.Empty, StyleText[(int)style]));
        }

        if (type is not null)
        {
            _attributes.Add(new OpenXmlAttribute("t", string.Empty, type));
        }

        _writer!.WriteStartElement(_cell, _attributes);
    }

    private void Observe(int characters)
    {
        if (_column < _widths.Length && characters > _widths[_column])
        {
            _widths[_column] = characters;
        }
    }

    private static int LongestLine(string text)
    {
        var longest = 0;
        var current = 0;
        foreach (var c in text)
        {
            if (c is '\n' or '\r')
            {
                current = 0;
                continue;
            }

            current++;
            if (current > longest)
            {
                longest = current;
            }
        }

        return longest;
    }
}
