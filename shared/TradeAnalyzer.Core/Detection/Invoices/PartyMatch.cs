namespace TradeAnalyzer.Core.Detection.Invoices;

/// <summary>
/// Whether two party mentions name the same trader: equal tax ids, equal normalised names
/// (<see cref="Text.PartyNames.Normalize"/>), or the shorter normalised name (two tokens or more) contained
/// token by token in the longer ("QUIMICA DELTA" and "GRUPO QUIMICA DELTA").
/// </summary>
public static class PartyMatch
{
    /// <summary>True when the two normalised names (and optional ids) designate the same party.</summary>
    public static bool Same(string normA, string? idA, string normB, string? idB)
    {
        if (!string.IsNullOrWhiteSpace(idA) && !string.IsNullOrWhiteSpace(idB) && SameId(idA, idB))
        {
            return true;
        }

        if (string.Equals(normA, normB, StringComparison.Ordinal))
        {
            return normA.Length > 0;
        }

        if (normA.Length == 0 || normB.Length == 0)
        {
            return false;
        }

        var (shorter, longer) = normA.Length <= normB.Length ? (normA, normB) : (normB, normA);
        var shortTokens = shorter.Split(' ');
        if (shortTokens.Length < 2)
        {
            return false;
        }

        var longTokens = longer.Split(' ');
        foreach (var t in shortTokens)
        {
            if (Array.IndexOf(longTokens, t) < 0)
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameId(string a, string b)
    {
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
