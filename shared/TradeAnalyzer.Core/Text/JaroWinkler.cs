namespace TradeAnalyzer.Core.Text;

/// <summary>Jaro-Winkler string similarity (0-1), with the usual prefix scale 0.1 over at most 4 characters.</summary>
public static class JaroWinkler
{
    /// <summary>Similarity of two strings, compared ordinally (normalise case before calling).</summary>
    public static double Similarity(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return a.Length == 0 ? 0 : 1;
        }

        if (a.Length == 0 || b.Length == 0)
        {
            return 0;
        }

        if (a.Length > b.Length)
        {
            (a, b) = (b, a);
        }

        var window = Math.Max(0, (b.Length / 2) - 1);
        Span<bool> aMatched = a.Length <= 128 ? stackalloc bool[a.Length] : new bool[a.Length];
        Span<bool> bMatched = b.Length <= 128 ? stackalloc bool[b.Length] : new bool[b.Length];
        var matches = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var lo = Math.Max(0, i - window);
            var hi = Math.Min(b.Length - 1, i + window);
            for (var j = lo; j <= hi; j++)
            {
                if (!bMatched[j] && a[i] == b[j])
                {
                    aMatched[i] = true;
                    bMatched[j] = true;
                    matches++;
                    break;
                }
            }
        }

        if (matches == 0)
        {
            return 0;
        }

        var transpositions = 0;
        var k = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (!aMatched[i])
            {
                continue;
            }

            while (!bMatched[k])
            {
                k++;
            }

            if (a[i] != b[k])
            {
                transpositions++;
            }

            k++;
        }

        double m = matches;
        var jaro = ((m / a.Length) + (m / b.Length) + ((m - (transpositions / 2.0)) / m)) / 3.0;
        var prefix = 0;
        var maxPrefix = Math.Min(4, a.Length);
        while (prefix < maxPrefix && a[prefix] == b[prefix])
        {
            prefix++;
        }

        return jaro + (prefix * 0.1 * (1 - jaro));
    }
}
