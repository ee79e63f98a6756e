namespace TradeAnalyzer.Core.Detection.Invoices;

/// <summary>
/// Whether two party mentions name the same trader: equal tax ids, equal normalised names
/// (<see cref="Text.PartyNames.Normalize"/>), or the shorter normalised name (two tokens or more) contained
/// token by token in the longer ("QUIMICA DELTA" and "GRUPO QUIMICA DELTA").
/// </summary>
public static class PartyMatch
{
    /// <summary>True when the two normalised names (and optional ids) designate the same party.</summary>
    public static bool Same(string normA, string? idA, string normB, string? idB) =>
        SameName(normA, normB) || SameIds(idA, idB);

    /// <summary>The id half of <see cref="Same"/>: both ids given and equal (letters and digits, case aside). Callers
    /// that test <see cref="SameName"/> first read the ids (in the records' parts) only when the names differ.</summary>
    internal static bool SameIds(string? idA, string? idB) =>
        !string.IsNullOrWhiteSpace(idA) && !string.IsNullOrWhiteSpace(idB) && SameId(idA, idB);

    /// <summary>The name half of <see cref="Same"/>, tried first: the normalised names are few and shared by many lines
    /// (so usually cached), the ids sit in each record's parties part.</summary>
    internal static bool SameName(string normA, string normB)
    {
        if (string.Equals(normA, normB, StringComparison.Ordinal))
        {
            return normA.Length > 0;
        }

        if (normA.Length == 0 || normB.Length == 0)
        {
            return false;
        }

        var (shorter, longer) = normA.Length <= normB.Length ? (normA, normB) : (normB, normA);
        if (!shorter.Contains(' ', StringComparison.Ordinal))
        {
            return false; // one token only
        }

        // Every space-separated token of the shorter name (empty ones included, as string.Split would give them)
        // must be a token of the longer name; compared as spans so no token array or string is allocated.
        var rest = shorter.AsSpan();
        while (true)
        {
            var cut = rest.IndexOf(' ');
            var token = cut < 0 ? rest : rest[..cut];
            if (!HasToken(longer, token))
            {
                return false;
            }

            if (cut < 0)
            {
                return true;
            }

            rest = rest[(cut + 1)..];
        }
    }

    /// <summary>True when <paramref name="token"/> is one of the space-separated tokens of <paramref name="text"/>.</summary>
    private static bool HasToken(string text, ReadOnlySpan<char> token)
    {
        var rest = text.AsSpan();
        while (true)
        {
            var cut = rest.IndexOf(' ');
            var candidate = cut < 0 ? rest : rest[..cut];
            if (candidate.SequenceEqual(token))
            {
                return true;
            }

            if (cut < 0)
            {
                return false;
            }

            rest = rest[(cut + 1)..];
        }
    }

    private static bool SameId(string a, string b)
    {
        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return true; // the walk below would pair every character with itself
        }

        int i = 0, j = 0;
        while (true)
        {
            while (i < a.Length && !char.IsLetterOrDigit(a[i]))
            {
                i++;
            }

            while (j < b.Length && !char.IsLetterOrDigit(b[j]))
            {
                j++;
            }

            if (i == a.Length || j == b.Length)
            {
                return i == a.Length && j == b.Length;
            }

            if (char.ToUpperInvariant(a[i]) != char.ToUpperInvariant(b[j]))
            {
                return false;
            }

            i++;
            j++;
        }
    }
}
