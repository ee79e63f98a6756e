namespace TradeAnalyzer.SampleData;

/// <summary>Daily USD-per-unit rates for MXN, EUR, CNY and INR: a mean-reverting random walk around realistic levels.</summary>
internal sealed class FxSeries
{
    public static readonly string[] Currencies = ["MXN", "EUR", "CNY", "INR"];

    private static readonly double[] Levels = [0.0545, 1.085, 0.1385, 0.01195];
    private static readonly double[] DailyVolatility = [0.004, 0.003, 0.0012, 0.0015];
    private readonly double[][] _rates;

    public FxSeries(Rng rng, DateOnly first, int days)
    {
        First = first;
        Days = days;
        _rates = new double[Currencies.Length][];
        for (var c = 0; c < Currencies.Length; c++)
        {
            var r = new double[days];
            var x = 0.0;
            for (var d = 0; d < days; d++)
            {
                x = (0.97 * x) + (DailyVolatility[c] * rng.Normal(3));
                r[d] = Math.Round(Levels[c] * Math.Exp(x), 6);
            }

            _rates[c] = r;
        }
    }

    public DateOnly First { get; }

    public int Days { get; }

    /// <summary>USD per unit of the currency on the date (clamped to the series).</summary>
    public double Rate(string currency, DateOnly date)
    {
        var c = Array.IndexOf(Currencies, currency);
        if (c < 0)
        {
            return 1.0;
        }

        var d = Math.Clamp(date.DayNumber - First.DayNumber, 0, Days - 1);
        return _rates[c][d];
    }
}
