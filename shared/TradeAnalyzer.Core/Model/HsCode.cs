namespace TradeAnalyzer.Core.Model;

/// <summary>
/// A Harmonized System code as digits only (6 to 10 of them): "2933.39.99" becomes "29333999".
/// Levels: HS2 chapter, HS4 heading, HS6 subheading (international), HS8 and the full national line.
/// </summary>
public readonly record struct HsCode
{
    private HsCode(string digits) => Digits = digits;

    /// <summary>The code's digits, 6 to 10 of them.</summary>
    public string Digits { get; }

    public string Chapter => Digits[..2];

    public string Hs4 => Digits[..4];

    public string Hs6 => Digits[..6];

    /// <summary>The first 8 digits, or null when the code has fewer.</summary>
    public string? Hs8 => Digits.Length >= 8 ? Digits[..8] : null;

    /// <summary>Formats the code the way analysts write it: 2933.39 or 2933.39.99.</summary>
    public string Display => Digits.Length switch
    {
        6 => $"{Digits[..4]}.{Digits[4..6]}",
        _ => $"{Digits[..4]}.{Digits[4..6]}.{Digits[6..]}",
    };

    /// <summary>True when this code starts with <paramref name="prefixDigits"/> (digits only, e.g. "293339").</summary>
    public bool StartsWith(string prefixDigits) => Digits.StartsWith(prefixDigits, StringComparison.Ordinal);

    /// <summary>Parses a code written with optional dots, spaces or dashes. Needs 6 to 10 digits and nothing else.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out HsCode code)
    {
        code = default;
        Span<char> buffer = stackalloc char[10];
        var n = 0;
        foreach (var c in text)
        {
            if (c is >= '0' and <= '9')
            {
                if (n == 10)
                {
                    return false;
                }

                buffer[n++] = c;
            }
            else if (c is not ('.' or ' ' or '-' or '\u00A0'))
            {
                return false;
            }
        }

        if (n < 6)
        {
            return false;
        }

        code = new HsCode(new string(buffer[..n]));
        return true;
    }

    public static HsCode Parse(string text) =>
        TryParse(text, out var code) ? code : throw new FormatException($"'{text}' is not an HS code of 6 to 10 digits.");

    public override string ToString() => Display;
}
