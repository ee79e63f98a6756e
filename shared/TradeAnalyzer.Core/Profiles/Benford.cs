namespace TradeAnalyzer.Core.Profiles;

/// <summary>
/// Benford first-digit test (Nigrini): the mean absolute deviation between observed first-digit shares and
/// log10(1 + 1/d). Needs at least <see cref="MinCount"/> values; MAD above <see cref="NonconformingMad"/> is
/// non-conforming.
/// </summary>
public static class Benford
{
    /// <summary>Fewest values the test is run on.</summary>
    public const int MinCount = 50;

    /// <summary>Nigrini's first-digit threshold: MAD above 0.015 is non-conformity.</summary>
    public const double NonconformingMad = 0.015;

    private static readonly double[] Expected = Enumerable.Range(0, 10).Select(d => d == 0 ? 0 : Math.Log10(1 + (1.0 / d))).ToArray();

    /// <summary>The first significant digit (1-9) of a positive finite value, or 0 for zero, negative or non-finite values.</summary>
    public static int FirstDigit(double value)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            return 0;
        }

        // Fast path (the roll-up asks for every one of 1.16M line values): one division by the exact power of ten below
        // the value instead of one division per digit. Both quotients are within 3e-15 (relative) of the exact one, so
        // they have the same integer part unless the quotient is within 1e-13 of an integer (a digit or ten), where the
        // loop below decides, as before.
        if (value >= 1 && value < 1e22)
        {
            var e = (int)((BitConverter.DoubleToInt64Bits(value) >> 52) & 0x7FF) - 1023; // 2^e <= value < 2^(e+1)
            var k = (e * 78913) >> 18; // floor(e log10 2): 10^k <= value < 10^(k+2)
            if (value >= Powers[k + 1])
            {
                k++;
            }

            var q = value / Powers[k];
            var t = (int)q;
            var fraction = q - t;
            if (fraction > 1e-13 && fraction < 1 - 1e-13)
            {
                return Math.Clamp(t, 1, 9);
            }
        }

        return FirstDigitByDivision(value);
    }

    /// <summary>Exact powers of ten, 10^0 to 10^22 (every one a double exactly).</summary>
    private static readonly double[] Powers =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
        1e21, 1e22,
    ];

    /// <summary><see cref="FirstDigit"/> by dividing (or multiplying) by ten until the value is in [1, 10): the definition
    /// the fast path agrees with.</summary>
    internal static int FirstDigitByDivision(double value)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            return 0;
        }

        var v = value;
        while (v >= 10)
        {
            v /= 10;
        }

        while (v < 1)
        {
            v *= 10;
        }

        return Math.Clamp((int)v, 1, 9);
    }

    /// <summary>MAD of first-digit counts (index 1-9) from Benford's shares; null when fewer than <see cref="MinCount"/> values.</summary>
    public static double? Mad(ReadOnlySpan<int> digitCounts)
    {
        long n = 0;
        for (var d = 1; d <= 9 && d < digitCounts.Length; d++)
        {
            n += digitCounts[d];
        }

        if (n < MinCount)
        {
            return null;
        }

        var sum = 0.0;
        for (var d = 1; d <= 9; d++)
        {
            var observed = d < digitCounts.Length ? (double)digitCounts[d] / n : 0;
            sum += Math.Abs(observed - Expected[d]);
        }

        return sum / 9;
    }

    /// <summary>True for a round declared value: a multiple of 1,000, or of 100 when under 1,000.</summary>
    public static bool IsRound(double value)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            return false;
        }

        var unit = value >= 1000 ? 1000.0 : 100.0;
        var q = value / unit;
        return Math.Abs(q - Math.Round(q)) < 1e-9 * Math.Max(1, q);
    }
}
