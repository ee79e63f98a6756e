using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Xml;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// The rows of a UTF-8 worksheet read by <see cref="Utf8XmlScanner"/>, with the same meaning as the
/// <see cref="XmlReader"/> path in XlsxTabularSource.cs (unit tests read the same workbooks both ways and compare every
/// cell): a cell's text is decoded once into the scanner's chars and handed out as a span; a shared string is handed out
/// as a span of the <see cref="SharedStringChars"/>.
/// </summary>
internal sealed partial class XlsxTabularSource
{
    private enum CellType : byte
    {
        Number,
        Shared,
        Inline,
        Boolean,
        Text,
        Date,
    }

    private bool ScanRow(Utf8XmlScanner s)
    {
        try
        {
            while (s.Next(out var isStart))
            {
                if (!isStart || !Is(s.LocalName, "row"u8))
                {
                    continue;
                }

                _fCount = 0;
                _error = null;
                s.CharCount = 0;
                _rowNumber = s.TryGetAttribute("r"u8, out var raw) && TryParseLong(raw, out var rn) ? rn : _rowNumber + 1;
                if (s.IsEmptyElement)
                {
                    continue;
                }

                ScanRowCells(s);
                if (_error is null && IsBlankScanned())
                {
                    continue;
                }

                return true;
            }
        }
        catch (XmlException ex)
        {
            throw new InvalidDataException($"the worksheet is malformed near row {_rowNumber + 1:N0}: {ex.Message}", ex);
        }

        _fCount = 0;
        _sharedStrings.WaitComplete(); // see Read: the shared strings' failure after the last one used still counts
        return false;
    }

    private bool IsBlankScanned()
    {
        for (var i = 0; i < _fCount; i++)
        {
            if (!GetSpan(i).IsWhiteSpace())
            {
                return false;
            }
        }

        return true;
    }

    private void ScanRowCells(Utf8XmlScanner s)
    {
        var rowDepth = s.Depth;
        var inCell = false;
        var inRph = false;
        var col = 0;
        var type = CellType.Number;
        var style = -1;
        int valueStart = 0, valueLength = -1; // -1: no value
        int textStart = 0, textLength = -1;   // -1: no inline text
        var capture = 0; // 0 none, 1 value, 2 text
        while (s.Next(out var isStart))
        {
            var name = s.LocalName;
            if (isStart)
            {
                if (capture != 0)
                {
                    throw new XmlException("A cell's value or text holds an element.");
                }

                if (Is(name, "c"u8))
                {
                    if (inCell)
                    {
                        CommitScanned(s, col, type, style, valueStart, valueLength, textStart, textLength);
                    }

                    col = s.TryGetAttribute("r"u8, out var r) ? ColumnIndex(r, _fCount) : _fCount;
                    type = s.TryGetAttribute("t"u8, out var t) ? TypeOf(t) : CellType.Number;
                    style = s.TryGetAttribute("s"u8, out var st) && TryParseInt(st, out var si) ? si : -1;
                    valueLength = -1;
                    textLength = -1;
                    inCell = !s.IsEmptyElement;
                    if (!inCell)
                    {
                        CommitScanned(s, col, type, style, 0, -1, 0, -1);
                    }
                    else if (s.TryReadValueCell(_maxField + 1, out var vs, out var vl))
                    {
                        CommitScanned(s, col, type, style, vs, vl, 0, -1);
                        inCell = false;
                    }
                }
                else if (Is(name, "v"u8))
                {
                    if (!s.IsEmptyElement)
                    {
                        valueStart = s.CharCount;
                        s.CaptureLimit = valueStart + _maxField + 1;
                        s.Capturing = true;
                        capture = 1;
                    }
                }
                else if (Is(name, "t"u8))
                {
                    if (!s.IsEmptyElement && !inRph)
                    {
                        if (textLength < 0)
                        {
                            textStart = s.CharCount;
                            textLength = 0;
                        }
                        else if (textStart + textLength != s.CharCount)
                        {
                            // Something else was captured since this cell's last run: move the runs to the end.
                            var moved = s.CharCount;
                            s.EnsureChars(moved + textLength);
                            s.Chars.AsSpan(textStart, textLength).CopyTo(s.Chars.AsSpan(moved));
                            textStart = moved;
                            s.CharCount = moved + textLength;
                        }

                        s.CaptureLimit = textStart + _maxField + 1;
                        s.Capturing = true;
                        capture = 2;
                    }
                }
                else if (Is(name, "rPh"u8))
                {
                    inRph = !s.IsEmptyElement;
                }

                continue;
            }

            if (s.Depth == rowDepth)
            {
                break;
            }

            if (capture != 0)
            {
                if (capture == 1)
                {
                    valueLength = s.CharCount - valueStart;
                }
                else
                {
                    textLength = s.CharCount - textStart;
                }

                s.Capturing = false;
                s.CaptureLimit = int.MaxValue;
                capture = 0;
            }
            else if (Is(name, "c"u8) && inCell)
            {
                CommitScanned(s, col, type, style, valueStart, valueLength, textStart, textLength);
                inCell = false;
            }
            else if (Is(name, "rPh"u8))
            {
                inRph = false;
            }
        }

        if (inCell)
        {
            CommitScanned(s, col, type, style, valueStart, valueLength, textStart, textLength);
        }
    }

    private void CommitScanned(Utf8XmlScanner s, int col, CellType type, int style, int valueStart, int valueLength, int textStart, int textLength)
    {
        if (col >= _maxFields)
        {
            _error ??= string.Create(CultureInfo.InvariantCulture, $"the row has more than {_maxFields:N0} columns");
            return;
        }

        string? str = null;
        int start = 0, length = 0;
        var value = valueLength < 0 ? default : s.Chars.AsSpan(valueStart, valueLength);
        switch (type)
        {
            case CellType.Shared:
                if (TryParseInt(value, out var i) && _sharedStrings.Has(i))
                {
                    (start, length) = (~i, _sharedStrings[i].Length);
                }
                else
                {
                    str = string.Empty;
                }

                break;
            case CellType.Inline:
                (start, length) = textLength < 0 ? (0, 0) : (textStart, textLength);
                break;
            case CellType.Boolean:
                str = value.SequenceEqual("1") ? "TRUE" : value.SequenceEqual("0") ? "FALSE" : null;
                (start, length) = (valueStart, Math.Max(valueLength, 0));
                break;
            case CellType.Text:
                (start, length) = (valueStart, Math.Max(valueLength, 0));
                break;
            case CellType.Date:
                (start, length) = (valueStart, Math.Min(Math.Max(valueLength, 0), valueLength >= 10 ? 10 : int.MaxValue));
                break;
            default:
                if (textLength >= 0 && valueLength < 0)
                {
                    (start, length) = (textStart, textLength);
                }
                else if (valueLength >= 0)
                {
                    (start, length) = (valueStart, valueLength);
                    if ((uint)style < (uint)_dateStyles.Length && _dateStyles[style])
                    {
                        // The value is taken again after EnsureChars, which may move the buffer.
                        var at = s.CharCount;
                        s.EnsureChars(at + 10);
                        if (TryFormatDateSerial(s.Chars.AsSpan(valueStart, valueLength), s.Chars.AsSpan(at, 10), out var written))
                        {
                            (start, length) = (at, written);
                            s.CharCount = at + written;
                        }
                    }
                }

                break;
        }

        if ((str?.Length ?? length) > _maxField)
        {
            _error ??= string.Create(CultureInfo.InvariantCulture, $"a field is longer than {_maxField:N0} characters");
            str = string.Empty;
        }

        if (col >= _fStr.Length)
        {
            var n = Math.Max(col + 1, _fStr.Length * 2);
            Array.Resize(ref _fStr, n);
            Array.Resize(ref _fStart, n);
            Array.Resize(ref _fLen, n);
        }

        while (_fCount < col)
        {
            _fStr[_fCount++] = string.Empty;
        }

        _fStr[col] = str;
        _fStart[col] = start;
        _fLen[col] = length;
        if (col == _fCount)
        {
            _fCount++;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Is(ReadOnlySpan<byte> name, ReadOnlySpan<byte> expected) =>
        name.Length == expected.Length && name[0] == expected[0] && (name.Length == 1 || name.SequenceEqual(expected));

    private static CellType TypeOf(ReadOnlySpan<byte> raw)
    {
        if (raw.Length == 1)
        {
            return raw[0] switch
            {
                (byte)'s' => CellType.Shared,
                (byte)'b' => CellType.Boolean,
                (byte)'e' => CellType.Text,
                (byte)'d' => CellType.Date,
                _ => CellType.Number,
            };
        }

        return DecodedTypeOf(raw);
    }

    // The slow paths below decode the attribute (entities, spaces) first; kept apart so that the fast paths' frames do
    // not zero a stack buffer on every cell.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static CellType DecodedTypeOf(ReadOnlySpan<byte> raw)
    {
        return Decoded(raw, stackalloc char[16]) switch
        {
            "s" => CellType.Shared,
            "inlineStr" => CellType.Inline,
            "b" => CellType.Boolean,
            "str" or "e" => CellType.Text,
            "d" => CellType.Date,
            _ => CellType.Number,
        };
    }

    private static int ColumnIndex(ReadOnlySpan<byte> raw, int fallback)
    {
        if (raw.Length is > 0 and <= 16 && raw.IndexOf((byte)'&') < 0)
        {
            var c = 0;
            var k = 0;
            for (; k < raw.Length && raw[k] is >= (byte)'A' and <= (byte)'Z'; k++)
            {
                c = (c * 26) + (raw[k] - 'A' + 1);
            }

            return k == 0 ? fallback : c > 1_000_000 ? int.MaxValue : c - 1;
        }

        return DecodedColumnIndex(raw, fallback);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int DecodedColumnIndex(ReadOnlySpan<byte> raw, int fallback) => ColumnIndex(Decoded(raw, stackalloc char[64]), fallback);

    // An attribute's value decoded into the buffer, or into a new array when it is longer.
    private static ReadOnlySpan<char> Decoded(ReadOnlySpan<byte> raw, Span<char> buffer)
    {
        var dest = raw.Length <= buffer.Length ? buffer : new char[raw.Length];
        return dest[..Math.Max(Utf8XmlScanner.DecodeAttribute(raw, dest), 0)];
    }

    private static bool TryParseInt(ReadOnlySpan<byte> raw, out int value) =>
        TryDigits(raw, out value) || DecodedTryParseInt(raw, out value);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool DecodedTryParseInt(ReadOnlySpan<byte> raw, out int value) =>
        int.TryParse(Decoded(raw, stackalloc char[64]), NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    private static bool TryParseInt(ReadOnlySpan<char> text, out int value) =>
        TryDigits(text, out value) || int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    // The usual spelling of a style, row or shared-string index: 1 to 9 digits, nothing else (no sign, no spaces).
    private static bool TryDigits<T>(ReadOnlySpan<T> digits, out int value)
        where T : unmanaged, IBinaryInteger<T>
    {
        value = 0;
        if (digits.Length is 0 or > 9)
        {
            return false;
        }

        foreach (var d in digits)
        {
            var x = int.CreateTruncating(d) - '0';
            if ((uint)x > 9)
            {
                value = 0;
                return false;
            }

            value = (value * 10) + x;
        }

        return true;
    }

    private static readonly int DateSerialZero = new DateOnly(1899, 12, 30).DayNumber;

    /// <summary>
    /// A date-styled number written as the day it stands for, <c>yyyy-MM-dd</c> (a time of day dropped, as
    /// <see cref="DateTime.FromOADate"/> then the date). A whole serial, the usual date cell, is counted in days and
    /// written digit by digit; any other spelling (a fraction, an exponent, spaces) goes through
    /// <see cref="DateTime.FromOADate"/>. False, and nothing written, when the text is not a number in Excel's date
    /// range (1 to 2,958,465: 1899-12-31 to 9999-12-31). <paramref name="destination"/> holds at least 10 characters.
    /// </summary>
    internal static bool TryFormatDateSerial(ReadOnlySpan<char> value, Span<char> destination, out int written)
    {
        if (TryDigits(value, out var days))
        {
            if (days is < 1 or >= 2958466)
            {
                written = 0;
                return false;
            }

            var (y, m, d) = DateOnly.FromDayNumber(DateSerialZero + days);
            destination[0] = (char)('0' + (y / 1000));
            destination[1] = (char)('0' + (y / 100 % 10));
            destination[2] = (char)('0' + (y / 10 % 10));
            destination[3] = (char)('0' + (y % 10));
            destination[4] = '-';
            destination[5] = (char)('0' + (m / 10));
            destination[6] = (char)('0' + (m % 10));
            destination[7] = '-';
            destination[8] = (char)('0' + (d / 10));
            destination[9] = (char)('0' + (d % 10));
            written = 10;
            return true;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var serial) && serial is >= 1 and < 2958466)
        {
            return DateTime.FromOADate(serial).TryFormat(destination, out written, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        written = 0;
        return false;
    }

    private static bool TryParseLong(ReadOnlySpan<byte> raw, out long value)
    {
        if (TryParseInt(raw, out var small))
        {
            value = small;
            return true;
        }

        return DecodedTryParseLong(raw, out value);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool DecodedTryParseLong(ReadOnlySpan<byte> raw, out long value) =>
        long.TryParse(Decoded(raw, stackalloc char[64]), NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    private static void ScanSharedStrings(Utf8XmlScanner s, SharedStringChars table, int maxField, CancellationToken stop = default)
    {
        var inRph = false;
        try
        {
            while (s.Next(out var isStart))
            {
                var name = s.LocalName;
                if (isStart)
                {
                    if (s.Capturing)
                    {
                        throw new XmlException("A shared string's text holds an element.");
                    }

                    if (Is(name, "si"u8))
                    {
                        s.CharCount = 0;
                        if (s.IsEmptyElement)
                        {
                            table.Add([]);
                        }
                    }
                    else if (Is(name, "rPh"u8))
                    {
                        inRph = !s.IsEmptyElement;
                    }
                    else if (Is(name, "t"u8) && !s.IsEmptyElement && !inRph)
                    {
                        s.CaptureLimit = maxField + 1;
                        s.Capturing = true;
                    }
                }
                else if (s.Capturing)
                {
                    s.Capturing = false;
                }
                else if (Is(name, "si"u8))
                {
                    table.Add(s.Chars.AsSpan(0, s.CharCount));
                    stop.ThrowIfCancellationRequested();
                }
                else if (Is(name, "rPh"u8))
                {
                    inRph = false;
                }
            }
        }
        catch (XmlException ex)
        {
            throw new InvalidDataException($"the shared strings of the workbook are malformed: {ex.Message}", ex);
        }
    }
}
