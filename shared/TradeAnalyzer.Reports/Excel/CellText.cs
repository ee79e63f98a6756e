namespace TradeAnalyzer.Reports.Excel;

/// <summary>
/// Makes text from input data safe for spreadsheets (OWASP CSV-injection guidance): text starting with
/// = + - @ tab or carriage return gets a leading apostrophe so no spreadsheet reads it as a formula; characters XML
/// cannot hold are replaced and over-long text is cut to Excel's cell limit.
/// </summary>
public static class CellText
{
    /// <summary>Excel's limit on the characters of one cell.</summary>
    public const int MaxLength = 32_767;

    /// <summary>True when <paramref name="value"/> starts with a character a spreadsheet may read as a formula.</summary>
    public static bool NeedsQuotePrefix(string? value) =>
        value is { Length: > 0 } && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';

    /// <summary>The text as a cell or CSV field should hold it: quote-prefixed when hostile, XML-clean, at most <see cref="MaxLength"/> characters.</summary>
    public static string Safe(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var text = NeedsQuotePrefix(value) ? "'" + value : value;
        text = CleanXml(text);
        return text.Length > MaxLength ? text[..MaxLength] : text;
    }

    /// <summary>Replaces characters XML 1.0 cannot carry (control characters other than tab, CR, LF; lone surrogates) with U+FFFD.</summary>
    public static string CleanXml(string text)
    {
        // Vectorised first pass: text made only of U+0020..U+D7FF (almost all of it) needs no per-character check.
        var first = text.AsSpan().IndexOfAnyExceptInRange('\u0020', '\uD7FF');
        if (first < 0)
        {
            return text;
        }

        var bad = -1;
        for (var i = first; i < text.Length; i++)
        {
            if (!IsXmlChar(text, i))
            {
                bad = i;
                break;
            }
        }

        if (bad < 0)
        {
            return text;
        }

        var chars = text.ToCharArray();
        for (var i = bad; i < chars.Length; i++)
        {
            if (!IsXmlChar(text, i))
            {
                chars[i] = '\uFFFD';
            }
            else if (char.IsHighSurrogate(chars[i]))
            {
                i++;
            }
        }

        return new string(chars);
    }

    private static bool IsXmlChar(string text, int i)
    {
        var c = text[i];
        if (c < 0x20)
        {
            return c is '\t' or '\n' or '\r';
        }

        if (char.IsHighSurrogate(c))
        {
            return i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
        }

        if (char.IsLowSurrogate(c))
        {
            return i > 0 && char.IsHighSurrogate(text[i - 1]);
        }

        return c is not ('\uFFFE' or '\uFFFF');
    }
}
