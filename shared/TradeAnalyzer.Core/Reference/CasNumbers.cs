namespace TradeAnalyzer.Core.Reference;

/// <summary>
/// CAS registry numbers: 2 to 7 digits, a dash, 2 digits, a dash, and a check digit equal to the sum of the other
/// digits weighted 1, 2, 3... from the right, modulo 10 (7732-18-5: 8x1 + 1x2 + 2x3 + 3x4 + 7x5 + 7x6 = 105).
/// </summary>
public static class CasNumbers
{
    /// <summary>True when <paramref name="cas"/> (trimmed) has the CAS shape and a correct check digit.</summary>
    public static bool IsValid(string? cas)
    {
        if (cas is null)
        {
            return false;
        }

        var s = cas.AsSpan().Trim();
        return TryMatchAt(s, 0, out var length) && length == s.Length;
    }

    /// <summary>The valid CAS numbers written in <paramref name="text"/>, in order, each once; numbers with a wrong check digit are skipped.</summary>
    public static IEnumerable<string> FindIn(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.IndexOf('-', StringComparison.Ordinal) < 0)
        {
            return [];
        }

        List<string>? found = null;
        var s = text.AsSpan();
        var i = 0;
        while (i < s.Length)
        {
            if (char.IsAsciiDigit(s[i]) && (i == 0 || !IsCasChar(s[i - 1])) && TryMatchAt(s, i, out var length)
                && (i + length == s.Length || !IsTrailingContinuation(s, i + length)))
            {
                var cas = s.Slice(i, length).ToString();
                found ??= [];
                if (!found.Contains(cas))
                {
                    found.Add(cas);
                }

                i += length;
                continue;
            }

            // Skip the rest of this run of digits and dashes: a CAS number never starts inside one.
            if (char.IsAsciiDigit(s[i]))
            {
                while (i < s.Length && IsCasChar(s[i]))
                {
                    i++;
                }

                continue;
            }

            i++;
        }

        return found ?? (IEnumerable<string>)[];
    }

    private static bool IsCasChar(char c) => char.IsAsciiDigit(c) || c == '-';

    // "103-79-7" followed by a digit, or by "-" and a digit, is part of a longer number, not a CAS number.
    private static bool IsTrailingContinuation(ReadOnlySpan<char> s, int at) =>
        char.IsAsciiDigit(s[at]) || (s[at] == '-' && at + 1 < s.Length && char.IsAsciiDigit(s[at + 1]));

    /// <summary>Matches the CAS shape at <paramref name="start"/> and checks the check digit.</summary>
    private static bool TryMatchAt(ReadOnlySpan<char> s, int start, out int length)
    {
        length = 0;
        var i = start;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        var firstLength = i - start;
        if (firstLength is < 2 or > 7 || i + 5 > s.Length || s[i] != '-' || !char.IsAsciiDigit(s[i + 1])
            || !char.IsAsciiDigit(s[i + 2]) || s[i + 3] != '-' || !char.IsAsciiDigit(s[i + 4]))
        {
            return false;
        }

        if (i + 5 < s.Length && char.IsAsciiDigit(s[i + 5]))
        {
            return false;
        }

        var sum = 0;
        var weight = 1;
        // Digits right to left, skipping the check digit: the two middle digits, then the first group.
        sum += (s[i + 2] - '0') * weight++;
        sum += (s[i + 1] - '0') * weight++;
        for (var j = i - 1; j >= start; j--)
        {
            sum += (s[j] - '0') * weight++;
        }

        if (sum % 10 != s[i + 4] - '0')
        {
            return false;
        }

        length = i + 5 - start;
        return true;
    }
}
