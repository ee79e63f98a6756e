namespace TradeAnalyzer.Core.Baselines;

/// <summary>
/// The figures one price comparison uses, all in ln USD per unit: the centre and quartiles of the comparable lines
/// (the record itself left out), the robust scale and the Tukey fences.
/// </summary>
/// <param name="Count">Comparable values (the record itself not counted).</param>
/// <param name="LnMedian">Median of ln unit price.</param>
/// <param name="LnQ1">First quartile.</param>
/// <param name="LnQ3">Third quartile.</param>
/// <param name="Sigma">Robust scale: 1.4826 x MAD, or 1.2533 x mean absolute deviation when MAD is 0, at least the floor.</param>
/// <param name="LowerFence">ln Q1 - k x max(IQR, IQR floor).</param>
/// <param name="UpperFence">ln Q3 + k x max(IQR, IQR floor).</param>
public readonly record struct PriceStats(
    long Count, double LnMedian, double LnQ1, double LnQ3, double Sigma, double LowerFence, double UpperFence)
{
    /// <summary>Smallest IQR used for fences, in ln units (0.1, about 10% in price), so tight groups do not flag noise.</summary>
    public const double IqrFloor = 0.1;

    /// <summary>Smallest robust scale, the normal-equivalent of the IQR floor (0.1 / 1.349).</summary>
    public const double SigmaFloor = IqrFloor / 1.349;

    /// <summary>The robust z-score of an ln price against this baseline.</summary>
    public double Z(double lnPrice) => (lnPrice - LnMedian) / Sigma;

    /// <summary>Fences and scale from quartiles, median and the two deviation measures.</summary>
    public static PriceStats From(long count, double median, double q1, double q3, double mad, double meanAbsDev, double k)
    {
        var iqr = Math.Max(q3 - q1, IqrFloor);
        var sigma = mad > 0 ? 1.4826 * mad : 1.2533 * meanAbsDev;
        sigma = Math.Max(double.IsFinite(sigma) ? sigma : 0, SigmaFloor);
        return new PriceStats(count, median, q1, q3, sigma, q1 - (k * iqr), q3 + (k * iqr));
    }

    /// <summary>Statistics of a histogram with one value left out (NaN: none).</summary>
    public static PriceStats FromHistogram(LogHistogram h, double excludedLnValue, double k)
    {
        ArgumentNullException.ThrowIfNull(h);
        return h.LeaveOneOutStats(excludedLnValue, k);
    }

    /// <summary>
    /// Score 0-100 from |z|, piecewise linear through (0, 0), (2, 40), (3, 60), (5, 85), then 5 points per unit of z,
    /// capped at 100 (|z| 8).
    /// </summary>
    public static double ScoreFromZ(double z)
    {
        var a = Math.Abs(z);
        var s = a switch
        {
            <= 2 => 20 * a,
            <= 3 => 40 + (20 * (a - 2)),
            <= 5 => 60 + (12.5 * (a - 3)),
            _ => 85 + (5 * (a - 5)),
        };
        return Math.Round(Math.Min(100, s), 1);
    }
}
