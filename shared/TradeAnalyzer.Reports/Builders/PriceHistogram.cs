using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Reports.Builders;

/// <summary>Bins unit prices on a log scale and tells which bins lie inside a baseline's fences.</summary>
internal static class PriceHistogram
{
    /// <summary>One bin: its bounds, and how many prices fell in it.</summary>
    public readonly record struct Bin(double Low, double High, int Count)
    {
        /// <summary>The geometric middle of the bin.</summary>
        public double Middle => Math.Sqrt(Low * High);
    }

    /// <summary>Bins positive finite prices into at most <paramref name="bins"/> log-spaced bins.</summary>
    public static IReadOnlyList<Bin> Build(IReadOnlyList<double> prices, int bins = 12)
    {
        var min = double.MaxValue;
        var max = double.MinValue;
        foreach (var p in prices)
        {
            if (p > 0 && double.IsFinite(p))
            {
                min = Math.Min(min, p);
                max = Math.Max(max, p);
            }
        }

        if (min > max)
        {
            return [];
        }

        if (max / min < 1.0001)
        {
            return [new Bin(min, max, prices.Count(p => p > 0 && double.IsFinite(p)))];
        }

        var logMin = Math.Log(min);
        var step = (Math.Log(max) - logMin) / bins;
        var counts = new int[bins];
        foreach (var p in prices)
        {
            if (p > 0 && double.IsFinite(p))
            {
                var i = (int)((Math.Log(p) - logMin) / step);
                counts[Math.Clamp(i, 0, bins - 1)]++;
            }
        }

        var result = new Bin[bins];
        for (var i = 0; i < bins; i++)
        {
            result[i] = new Bin(Math.Exp(logMin + (i * step)), Math.Exp(logMin + ((i + 1) * step)), counts[i]);
        }

        return result;
    }

    /// <summary>The baseline of an HS code and unit: the longest matching prefix.</summary>
    public static BaselineSummary? BaselineFor(IReadOnlyList<BaselineSummary> baselines, string hsDigits, BaseUnit unit)
    {
        BaselineSummary? best = null;
        foreach (var b in baselines)
        {
            var prefix = Digits(b.HsPrefix);
            if (b.Unit == unit && hsDigits.StartsWith(prefix, StringComparison.Ordinal) && (best is null || prefix.Length > Digits(best.HsPrefix).Length))
            {
                best = b;
            }
        }

        return best;
    }

    /// <summary>The digits of an HS code as displayed.</summary>
    public static string Digits(string? hs) => hs is null ? string.Empty : new string(hs.Where(char.IsAsciiDigit).ToArray());
}
