using System.Runtime.InteropServices;

namespace TradeAnalyzer.SampleData;

/// <summary>
/// Price noise per commodity from a golden-ratio (low-discrepancy) sequence mapped through the inverse normal CDF and
/// truncated at +/- <see cref="Catalogue.PriceNoiseLimit"/> sigma. Each commodity's sample of clean prices is then close
/// to lognormal in every sample size: its quartiles sit where the theory puts them, so clean records stay inside Tukey
/// fences whatever the seed, while planted prices (4-8x) fall far outside.
/// </summary>
internal sealed class PriceNoise
{
    private const double Golden = 0.6180339887498949;

    // Standard normal CDF at -2.3 and +2.3 (the truncation of Catalogue.PriceNoiseLimit).
    private const double LowerTail = 0.010724110021675;
    private const double UpperTail = 0.989275889978325;

    private readonly Dictionary<Commodity, (double Offset, long Count)> _state = new(ReferenceEqualityComparer.Instance);
    private readonly Rng _rng;

    public PriceNoise(Rng rng) => _rng = rng;

    /// <summary>The next z (in sigmas) for the commodity.</summary>
    public double Next(Commodity commodity)
    {
        ref var s = ref CollectionsMarshal.GetValueRefOrAddDefault(_state, commodity, out var exists);
        if (!exists)
        {
            s.Offset = _rng.NextDouble();
        }

        var u = s.Offset + (s.Count++ * Golden);
        u -= Math.Floor(u);
        return InverseNormal(LowerTail + (u * (UpperTail - LowerTail)));
    }

    /// <summary>Acklam's rational approximation of the inverse standard normal CDF (relative error below 1.2e-9).</summary>
    public static double InverseNormal(double p)
    {
        ReadOnlySpan<double> a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        ReadOnlySpan<double> b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        ReadOnlySpan<double> c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        ReadOnlySpan<double> d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double Low = 0.02425;
        if (p < Low)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            return (((((((((c[0] * q) + c[1]) * q) + c[2]) * q) + c[3]) * q) + c[4]) * q + c[5]) / ((((((((d[0] * q) + d[1]) * q) + d[2]) * q) + d[3]) * q) + 1);
        }

        if (p > 1 - Low)
        {
            var q = Math.Sqrt(-2 * Math.Log(1 - p));
            return -(((((((((c[0] * q) + c[1]) * q) + c[2]) * q) + c[3]) * q) + c[4]) * q + c[5]) / ((((((((d[0] * q) + d[1]) * q) + d[2]) * q) + d[3]) * q) + 1);
        }

        var x = p - 0.5;
        var r = x * x;
        return (((((((((a[0] * r) + a[1]) * r) + a[2]) * r) + a[3]) * r) + a[4]) * r + a[5]) * x / (((((((((b[0] * r) + b[1]) * r) + b[2]) * r) + b[3]) * r) + b[4]) * r + 1);
    }
}
