using System.Globalization;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// Allocation-free parsers for cell text: numbers with decimal comma or point and thousands separators, dates in ISO,
/// slashed and dotted forms (and Excel serial numbers), ISO country and currency codes.
/// </summary>
public static class FieldParsers
{
    /// <summary>
    /// Parses "1234.56", "1,234.56", "1.234,56", "1 234,56", "-3", "1e3". Returns false for anything else, and for
    /// NaN, infinities and values that overflow a double.
    /// </summary>
    public static bool TryParseNumber(ReadOnlySpan<char> text, DecimalStyle style, out double value)
    {
        value = 0;
        var t = text.Trim();
        if (t.IsEmpty || t.Length > 64)
        {
            return false;
        }

        // Fastest path, most cells: "-123.45" (at most 15 digits, one point) where a point is a decimal point; the same
        // value the general path below gives such text (it would end in the same parse), without its separator scans.
        if (style != DecimalStyle.Comma && TryParseShortDecimal(t, out value))
        {
            return true;
        }

        // Fast path: plain invariant digits with an optional '.' decimal.
        var lastDot = t.LastIndexOf('.');
        var lastComma = t.LastIndexOf(',');
        if (lastComma < 0 && style != DecimalStyle.Comma && t.IndexOfAny(' ', '\u00A0', '\u202F') < 0 && t.IndexOf('\'') < 0 &&
            (lastDot < 0 || t.IndexOf('.') == lastDot))
        {
            return Finish(t, out value);
        }

        var decimalSep = DecideDecimal(t, style, lastDot, lastComma);
        Span<char> buf = stackalloc char[64];
        var n = 0;
        foreach (var c in t)
        {
            if (c == decimalSep)
            {
                buf[n++] = '.';
            }
            else if (c is '.' or ',' or ' ' or '\u00A0' or '\u202F' or '\'')
            {
                // thousands separator: dropped
            }
            else
            {
                buf[n++] = c;
            }
        }

        return Finish(buf[..n], out value);
    }

    private static char DecideDecimal(ReadOnlySpan<char> t, DecimalStyle style, int lastDot, int lastComma)
    {
        if (lastDot >= 0 && lastComma >= 0)
        {
            return lastDot > lastComma ? '.' : ',';
        }

        var sep = lastDot >= 0 ? '.' : ',';
        var pos = lastDot >= 0 ? lastDot : lastComma;
        if (pos < 0)
        {
            return '.';
        }

        var occurrences = t.Count(sep);
        if (occurrences > 1)
        {
            return sep == '.' ? ',' : '.'; // repeated: it groups thousands
        }

        if (style == DecimalStyle.Comma)
        {
            return sep == ',' || !ThreeDigitsAfter(t, pos) ? sep : ',';
        }

        if (style == DecimalStyle.Point)
        {
            return sep == '.' || !ThreeDigitsAfter(t, pos) ? sep : '.';
        }

        // Auto: a lone '.' is decimal; a lone ',' is decimal unless exactly three digits follow ("1,234").
        return sep == '.' ? '.' : ThreeDigitsAfter(t, pos) ? '.' : ',';
    }

    private static bool ThreeDigitsAfter(ReadOnlySpan<char> t, int pos)
    {
        var rest = t[(pos + 1)..];
        return rest.Length == 3 && char.IsAsciiDigit(rest[0]) && char.IsAsciiDigit(rest[1]) && char.IsAsciiDigit(rest[2]);
    }

    private static ReadOnlySpan<double> PowersOfTen =>
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    private static bool Finish(ReadOnlySpan<char> s, out double value)
    {
        if (TryParseShortDecimal(s, out value))
        {
            return true;
        }

        foreach (var c in s)
        {
            if (!(char.IsAsciiDigit(c) || c is '.' or '-' or '+' or 'e' or 'E'))
            {
                value = 0;
                return false;
            }
        }

        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    // "-123.45": an optional minus, at most 15 digits and one point. The digits as an integer and the power of ten are
    // both exact doubles, so their quotient is the correctly rounded value: the same double as double.Parse gives.
    private static bool TryParseShortDecimal(ReadOnlySpan<char> s, out double value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (s.Length > 0 && s[0] == '-')
        {
            negative = true;
            i = 1;
        }

        ulong mantissa = 0;
        var digits = 0;
        var point = -1;
        for (; i < s.Length; i++)
        {
            var d = (uint)(s[i] - '0');
            if (d <= 9)
            {
                if (++digits > 15)
                {
                    return false;
                }

                mantissa = (mantissa * 10) + d;
            }
            else if (s[i] == '.' && point < 0)
            {
                point = digits;
            }
            else
            {
                return false;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        var v = point < 0 ? mantissa : mantissa / PowersOfTen[digits - point];
        value = negative ? -v : v;
        return true;
    }

    /// <summary>
    /// Parses a date: yyyy-mm-dd (also with '/', '.', or a time part), yyyymmdd, dd/mm/yyyy or mm/dd/yyyy (by
    /// <paramref name="order"/>, or when one part is above 12), dd.mm.yyyy, and Excel serial numbers (32874-73050).
    /// Years outside 1990-2100 and impossible days fail. <paramref name="ambiguous"/> is set when only the order was missing.
    /// </summary>
    public static bool TryParseDate(ReadOnlySpan<char> text, DateOrder order, out DateOnly date, out bool ambiguous)
    {
        date = default;
        ambiguous = false;

        // Fastest path, nearly every cell: "yyyy-mm-dd" exactly, what the general path below ends in for such text
        // (a trim, two scans for a time part and a separator, a split and three digit checks) without them.
        if (text.Length == 10 && text[4] == '-' && text[7] == '-')
        {
            uint y0 = (uint)(text[0] - '0'), y1 = (uint)(text[1] - '0'), y2 = (uint)(text[2] - '0'), y3 = (uint)(text[3] - '0');
            uint m0 = (uint)(text[5] - '0'), m1 = (uint)(text[6] - '0'), d0 = (uint)(text[8] - '0'), d1 = (uint)(text[9] - '0');
            if (y0 <= 9 && y1 <= 9 && y2 <= 9 && y3 <= 9 && m0 <= 9 && m1 <= 9 && d0 <= 9 && d1 <= 9)
            {
                return Make((int)((y0 * 1000) + (y1 * 100) + (y2 * 10) + y3), (int)((m0 * 10) + m1), (int)((d0 * 10) + d1), out date);
            }
        }

        var t = text.Trim();
        var cut = t.IndexOfAny('T', ' ');
        if (cut > 0)
        {
            t = t[..cut];
        }

        if (t.Length is < 5 or > 10)
        {
            return false;
        }

        if (t.Length == 8 && IsDigits(t))
        {
            return Make(Int(t[..4]), Int(t[4..6]), Int(t[6..8]), out date);
        }

        if (t.Length == 5 && IsDigits(t))
        {
            var serial = Int(t);
            if (serial is < 32874 or > 73050)
            {
                return false;
            }

            date = DateOnly.FromDateTime(new DateTime(1899, 12, 30).AddDays(serial));
            return true;
        }

        Span<Range> parts = stackalloc Range[4];
        var sep = t.IndexOfAny('-', '/', '.');
        if (sep < 0)
        {
            return false;
        }

        var count = t.Split(parts, t[sep]);
        if (count != 3)
        {
            return false;
        }

        var a = t[parts[0]];
        var b = t[parts[1]];
        var c = t[parts[2]];
        if (!IsDigits(a) || !IsDigits(b) || !IsDigits(c) || b.Length > 2)
        {
            return false;
        }

        if (a.Length == 4)
        {
            return c.Length <= 2 && Make(Int(a), Int(b), Int(c), out date);
        }

        if (c.Length != 4 || a.Length > 2)
        {
            return false;
        }

        int first = Int(a), second = Int(b), year = Int(c);
        var dayFirst = order switch
        {
            DateOrder.DayFirst => true,
            DateOrder.MonthFirst => false,
            _ => first > 12 ? true : second > 12 ? false : (bool?)null,
        };
        if (dayFirst is null)
        {
            if (first == second)
            {
                return Make(year, first, second, out date);
            }

            ambiguous = true;
            return false;
        }

        return dayFirst.Value ? Make(year, second, first, out date) : Make(year, first, second, out date);
    }

    private static bool Make(int year, int month, int day, out DateOnly date)
    {
        date = default;
        if (year is < 1990 or > 2100 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }

    private static bool IsDigits(ReadOnlySpan<char> s) => !s.IsEmpty && !s.ContainsAnyExceptInRange('0', '9');

    private static int Int(ReadOnlySpan<char> s)
    {
        var v = 0;
        foreach (var c in s)
        {
            v = (v * 10) + (c - '0');
        }

        return v;
    }

    /// <summary>Parses a positive integer of up to 9 digits (line numbers).</summary>
    public static bool TryParseLineNo(ReadOnlySpan<char> text, out int value)
    {
        var t = text.Trim();
        if (t.EndsWith(".0", StringComparison.Ordinal))
        {
            t = t[..^2];
        }

        value = 0;
        if (t.Length is 0 or > 9 || !IsDigits(t))
        {
            return false;
        }

        value = Int(t);
        return value > 0;
    }
}
