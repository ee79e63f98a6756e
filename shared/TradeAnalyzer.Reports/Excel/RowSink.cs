using System.Globalization;
using System.Runtime.CompilerServices;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Reports.Excel;

/// <summary>
/// Receives one data row's cells, left to right. The same row-writing code runs twice: first against a measuring
/// sink (column widths from content, character counts only) and then against a writing sink that streams cells as
/// UTF-8 bytes through <see cref="XmlByteWriter"/> (default SpreadsheetML namespace). Texts that repeat become
/// references into the workbook's <see cref="SharedStrings"/> (t="s"), the others inline strings. Every text goes
/// through <see cref="CellText.Safe"/>; no cell is ever a formula.
/// </summary>
internal sealed class RowSink
{
    /// <summary>Excel keeps at most 65,530 hyperlinks per worksheet; later rows (lowest scores) get plain text.</summary>
    public const int MaxHyperlinksPerSheet = 65_530;

    private static readonly DateOnly OaEpoch = new(1899, 12, 30);

    /// <summary>
    /// What follows a cell's row number, per cell kind and style, as UTF-8: the closing quote of r, the style (none
    /// for the default) and the type and start of the content, e.g. `" s="3" t="s"&gt;&lt;v&gt;`: one copy per cell.
    /// </summary>
    private static readonly PaddedBytes[][] CellTails =
    [
        Tails("><v>"),
        Tails(" t=\"s\"><v>"),
        Tails(" t=\"inlineStr\"><is><t>"),
        Tails(" t=\"inlineStr\"><is><t xml:space=\"preserve\">"),
    ];

    private readonly XmlByteWriter? _writer;
    private readonly double[] _widths;
    private readonly List<KeyValuePair<string, string>>? _links;
    private readonly PaddedBytes[] _cellOpen;
    private readonly StyleId[] _textStyles;
    private readonly StyleId[] _numberStyles;
    private readonly SharedStrings? _shared;
    private readonly SharedStrings.ColumnState[] _sharing;
    private readonly byte[] _rowDigits = new byte[PaddedBytes.Size];
    private readonly char[] _format = new char[64];
    private char[] _chars = new char[512];
    private PaddedBytes _rowText;
    private long _row = 1;
    private bool _rowPending;
    private int _column;

    private RowSink(XmlByteWriter? writer, IReadOnlyList<ColumnSpec> columns, double[] widths, List<KeyValuePair<string, string>>? links, SharedStrings? shared)
    {
        _writer = writer;
        _shared = shared;
        _sharing = shared is null ? [] : new SharedStrings.ColumnState[columns.Count];
        _widths = widths;
        _links = links;
        _cellOpen = writer is null ? [] : Enumerable.Range(0, columns.Count).Select(c => PaddedBytes.Ascii("<c r=\"" + CellRef.Column(c))).ToArray();

        // Per column, looked up per cell: an array read instead of an interface call on the column list and a switch.
        _textStyles = new StyleId[columns.Count];
        _numberStyles = new StyleId[columns.Count];
        for (var c = 0; c < columns.Count; c++)
        {
            _textStyles[c] = columns[c].Kind == ColumnKind.Wrap ? StyleId.Wrap : StyleId.Default;
            _numberStyles[c] = columns[c].NumberStyle;
        }
    }

    /// <summary>The kinds of cell content, indexing <see cref="CellTails"/>.</summary>
    private enum CellKind
    {
        Value,
        Shared,
        Inline,
        InlinePreserve,
    }

    /// <summary>A sink that only measures content widths into <paramref name="widths"/>.</summary>
    public static RowSink Measuring(IReadOnlyList<ColumnSpec> columns, double[] widths) => new(null, columns, widths, null, null);

    /// <summary>
    /// A sink that writes cells and collects internal hyperlinks (cell reference, location). <paramref name="widths"/>
    /// are the final column widths: a row whose first cell is wrapped text gets a height for its lines (LibreOffice
    /// does not fit row heights on load). Repeating texts go into <paramref name="shared"/> when given.
    /// </summary>
    public static RowSink Writing(XmlByteWriter writer, IReadOnlyList<ColumnSpec> columns, double[] widths, List<KeyValuePair<string, string>> links, SharedStrings? shared = null) =>
        new(writer, columns, widths, links, shared);

    /// <summary>Starts row <paramref name="row"/> (one-based).</summary>
    public void BeginRow(long row)
    {
        _column = 0;
        if (_writer is not null)
        {
            _row = row;
            row.TryFormat(_rowDigits, out var digits, default, CultureInfo.InvariantCulture);
            _rowText = new PaddedBytes(_rowDigits, digits);
            _rowPending = true;
        }
    }

    /// <summary>Ends the current row.</summary>
    public void EndRow()
    {
        if (_writer is not null)
        {
            EnsureRow(1);
            _writer.Raw("</row>"u8);
        }
    }

    /// <summary>Lines a wrapped text needs in a column <paramref name="width"/> characters wide (prose is about 0.9 of a digit wide).</summary>
    internal static int WrappedLines(ReadOnlySpan<char> text, double width)
    {
        var perLine = Math.Max(1, width - 1.5);
        if (!text.ContainsAny('\r', '\n'))
        {
            // One paragraph (explanations, almost always): the loop below would count every character.
            return Math.Min(Math.Max(1, (int)Math.Ceiling(text.Length * 0.9 / perLine)), 15);
        }

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
        var w = _writer!;
        w.Raw("<row r=\""u8);
        w.Raw(_rowText);
        if (lines > 1)
        {
            w.Raw("\" ht=\""u8);
            w.Integer(lines * 15);
            w.Raw("\" customHeight=\"1\">"u8);
        }
        else
        {
            w.Raw("\">"u8);
        }
    }

    /// <summary>Writes header cells (bold, filled).</summary>
    public void Header(string text) => WriteText(text, StyleId.Header, measure: false);

    /// <summary>A text cell (formula-safe); the column's style (wrapped for <see cref="ColumnKind.Wrap"/>).</summary>
    public void Text(string? value) => WriteText(value, ColumnTextStyle(), measure: true);

    /// <summary>
    /// A flag text cell, as <see cref="Text(string?)"/> writes it. Kept as UTF-8 (<see cref="FlagTexts.IsUtf8"/>), a text
    /// that cannot be a shared string (an explanation: longer than <see cref="SharedStrings.MaxSharedLength"/>) and needs
    /// no change to be safe is decoded into a buffer and written from there, not made a string; any other goes through
    /// <see cref="Text(string?)"/> (the shared table, the quote prefix, cleaning), so the cells are the same.
    /// </summary>
    public void Text(FlagTexts texts, int slot)
    {
        if (_writer is null || !texts.TryUtf8(slot, out var utf8, out _))
        {
            Text(texts.Text(slot));
            return;
        }

        if (utf8.IsEmpty)
        {
            _column++;
            return;
        }

        if (_chars.Length < utf8.Length)
        {
            _chars = new char[Math.Max(utf8.Length, _chars.Length * 2)];
        }

        var text = _chars.AsSpan(0, System.Text.Encoding.UTF8.GetChars(utf8, _chars));
        var shares = _shared is not null && _column < _sharing.Length && !_sharing[_column].Inline && text.Length <= SharedStrings.MaxSharedLength;
        if (shares || text.Length > CellText.MaxLength || text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' || text.IndexOfAnyExceptInRange('\u0020', '\uD7FF') >= 0)
        {
            Text(text.ToString());
            return;
        }

        // Safe as it is (CellText.Safe would return it unchanged): the span path of WriteText.
        WritePlainText(text, ColumnTextStyle(), plain: XmlByteWriter.IsPlain(text));
    }

    /// <summary>An HS code cell in its display form (2933.39 or 2933.39.99); nothing when <paramref name="code"/> has no digits.</summary>
    public void Hs(HsCode? code)
    {
        var digits = code?.Digits;
        if (string.IsNullOrEmpty(digits))
        {
            _column++;
            return;
        }

        if (digits.Length < 6)
        {
            Text(code!.Value.Display);
            return;
        }

        var length = digits.Length + (digits.Length == 6 ? 1 : 2);
        if (_writer is null)
        {
            Observe(length);
            _column++;
            return;
        }

        Span<char> display = stackalloc char[length];
        digits.AsSpan(0, 4).CopyTo(display);
        display[4] = '.';
        digits.AsSpan(4, 2).CopyTo(display[5..]);
        if (digits.Length > 6)
        {
            display[7] = '.';
            digits.AsSpan(6).CopyTo(display[8..]);
        }

        // Digits and dots only (HsCode holds 6 to 10 digits): plain.
        WritePlainText(display, ColumnTextStyle(), plain: true);
    }

    /// <summary>A source cell ("file:row", as <see cref="SourceRef.ToString"/> writes it) without building the string.</summary>
    public void Source(SourceRef? source)
    {
        if (source is not { } s)
        {
            _column++;
            return;
        }

        var file = s.File;
        if (string.IsNullOrEmpty(file) || CellText.NeedsQuotePrefix(file) || file.Length > 4_096 || !ReferenceEquals(CellText.CleanXml(file), file))
        {
            Text(s.ToString());
            return;
        }

        Span<char> text = stackalloc char[file.Length + 21];
        file.AsSpan().CopyTo(text);
        text[file.Length] = ':';
        s.Row.TryFormat(text[(file.Length + 1)..], out var digits, default, CultureInfo.InvariantCulture);
        text = text[..(file.Length + 1 + digits)];
        if (_writer is null)
        {
            Observe(text.Length);
            _column++;
            return;
        }

        WritePlainText(text, ColumnTextStyle());
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
            _links?.Add(new KeyValuePair<string, string>(CellRef.Of(_column, _row), location));
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
        var style = _column < _numberStyles.Length ? _numberStyles[_column] : StyleId.Decimal;
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

        if (v is >= 0 and <= uint.MaxValue && v == Math.Truncate(v) && !double.IsNegative(v))
        {
            // A whole number (a count, a line number): the digits XmlByteWriter.Number writes for it, in one call.
            ValueCell(style, (uint)v);
            return;
        }

        StartCell(style, CellKind.Value);
        _writer.Number(v);
        _writer.Raw("</v></c>"u8);
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

        var serial = d.DayNumber - OaEpoch.DayNumber;
        if (serial >= 0)
        {
            ValueCell(StyleId.Date, (uint)serial);
            return;
        }

        StartCell(StyleId.Date, CellKind.Value);
        _writer.Integer(serial);
        _writer.Raw("</v></c>"u8);
        _column++;
    }

    /// <summary>Leaves the current cell empty.</summary>
    public void Skip() => _column++;

    private StyleId ColumnTextStyle() => _column < _textStyles.Length ? _textStyles[_column] : StyleId.Default;

    private void WriteText(string? value, StyleId style, bool measure)
    {
        if (string.IsNullOrEmpty(value))
        {
            _column++;
            return;
        }

        if (_writer is null)
        {
            if (measure)
            {
                Observe(LongestLine(CellText.Safe(value)));
            }

            _column++;
            return;
        }

        // A text whose very instance the shared table holds was made safe before (CellText.Safe returns its argument
        // when nothing changes, else a new string that no record holds): no need to clean and check it again.
        if (_shared is not null && _column < _sharing.Length && _shared.TryIndexOfInstance(value, ref _sharing[_column], out var known))
        {
            StartRowFor(value, style);
            SharedCell(style, known);
            return;
        }

        // Printable ASCII without & < > (most texts): one scan instead of cleaning, escaping and encoding separately.
        var plain = XmlByteWriter.IsPlain(value);
        var safe = plain && value.Length <= CellText.MaxLength && !CellText.NeedsQuotePrefix(value) ? value : CellText.Safe(value);
        WritePlainText(safe, style, safe, plain);
    }

    /// <summary>
    /// Writes a text cell of text already made safe (<see cref="CellText.Safe"/>): a shared-string reference when the
    /// column shares (<paramref name="instance"/> is the same text as a string, if there is one), else an inline string.
    /// </summary>
    private void WritePlainText(ReadOnlySpan<char> safe, StyleId style, string? instance = null, bool plain = false)
    {
        StartRowFor(safe, style);
        var w = _writer!;
        if (_shared is not null && _column < _sharing.Length)
        {
            var index = instance is not null ? _shared.Index(instance, ref _sharing[_column]) : _shared.Index(safe, ref _sharing[_column]);
            if (index >= 0)
            {
                SharedCell(style, index);
                return;
            }
        }

        var kind = SharedStrings.NeedsPreserve(safe) ? CellKind.InlinePreserve : CellKind.Inline;
        if (plain)
        {
            // The row is started (StartRowFor above): the whole cell in one call.
            w.PlainTextCell(CellOpen(), _rowText, CellTails[(int)kind][(int)style], safe);
            _column++;
            return;
        }

        StartCell(style, kind);
        w.Text(safe);
        w.Raw("</t></is></c>"u8);
        _column++;
    }

    /// <summary>Starts a pending row, tall enough for <paramref name="text"/> when it wraps in the current column.</summary>
    private void StartRowFor(ReadOnlySpan<char> text, StyleId style)
    {
        if (_rowPending)
        {
            EnsureRow(style == StyleId.Wrap && _column < _widths.Length ? WrappedLines(text, _widths[_column]) : 1);
        }
    }

    /// <summary>Writes a reference to shared string <paramref name="index"/> in the current cell.</summary>
    private void SharedCell(StyleId style, int index) => ValueCell(style, (uint)index, CellKind.Shared);

    /// <summary>Writes a whole cell of kind <paramref name="kind"/> (a number, or a shared string's index) holding
    /// <paramref name="value"/>.</summary>
    private void ValueCell(StyleId style, uint value, CellKind kind = CellKind.Value)
    {
        EnsureRow(1);
        _writer!.ValueCell(CellOpen(), _rowText, CellTails[(int)kind][(int)style], value);
        _column++;
    }

    /// <summary>`&lt;c r="AB` for the current column; inlined into each cell writer (a call of its own in the profile).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private PaddedBytes CellOpen() => _column < _cellOpen.Length ? _cellOpen[_column] : CellOpenBeyondColumns(_column);

    /// <summary>A column past the sheet's declared ones (none of the report's sheets writes one): built when asked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static PaddedBytes CellOpenBeyondColumns(int column) => PaddedBytes.Ascii("<c r=\"" + CellRef.Column(column));

    /// <summary>Writes `&lt;c r="B7" s="3" t="s"&gt;&lt;v&gt;` (or the start of another kind of content).</summary>
    private void StartCell(StyleId style, CellKind kind)
    {
        EnsureRow(1);
        _writer!.Raw(CellOpen(), _rowText, CellTails[(int)kind][(int)style]);
    }

    private static PaddedBytes[] Tails(string content) => Enum.GetValues<StyleId>()
        .Select(s => PaddedBytes.Ascii(
            "\"" + (s == StyleId.Default ? string.Empty : $" s=\"{((uint)s).ToString(CultureInfo.InvariantCulture)}\"") + content))
        .ToArray();

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
