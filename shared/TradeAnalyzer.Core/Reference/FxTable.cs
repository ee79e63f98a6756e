namespace TradeAnalyzer.Core.Reference;

/// <summary>
/// USD exchange rates by currency and date. A lookup takes the rate of the date or the nearest earlier one
/// (spec 1.3); USD is always 1. Immutable once built; lookups are allocation-free and thread-safe.
/// </summary>
public sealed class FxTable
{
    private readonly Dictionary<string, (DateOnly[] Dates, double[] Rates)> _series;

    private FxTable(Dictionary<string, (DateOnly[] Dates, double[] Rates)> series) => _series = series;

    public static FxTable Empty { get; } = new(new Dictionary<string, (DateOnly[], double[])>(StringComparer.OrdinalIgnoreCase));

    public IEnumerable<string> Currencies => _series.Keys.Append("USD").Distinct(StringComparer.OrdinalIgnoreCase);

    public int RateCount => _series.Values.Sum(s => s.Rates.Length);

    public bool HasCurrency(string currency) =>
        string.Equals(currency, "USD", StringComparison.OrdinalIgnoreCase) || _series.ContainsKey(currency);

    /// <summary>USD per one unit of <paramref name="currency"/> on <paramref name="date"/> (or the nearest earlier date).</summary>
    public bool TryGetUsdPerUnit(string currency, DateOnly date, out double usdPerUnit)
    {
        if (string.Equals(currency, "USD", StringComparison.OrdinalIgnoreCase))
        {
            usdPerUnit = 1;
            return true;
        }

        usdPerUnit = 0;
        if (!_series.TryGetValue(currency, out var s))
        {
            return false;
        }

        var i = Array.BinarySearch(s.Dates, date);
        if (i < 0)
        {
            i = ~i - 1; // nearest earlier
        }

        if (i < 0)
        {
            return false;
        }

        usdPerUnit = s.Rates[i];
        return true;
    }

    /// <summary>The first date with a rate for the currency, for error messages.</summary>
    public DateOnly? FirstDate(string currency) => _series.TryGetValue(currency, out var s) && s.Dates.Length > 0 ? s.Dates[0] : null;

    /// <summary>A new table with <paramref name="other"/>'s rates laid over this one's (other wins on the same date).</summary>
    public FxTable Overlay(FxTable other)
    {
        var b = new Builder();
        foreach (var (cur, s) in _series)
        {
            for (var i = 0; i < s.Dates.Length; i++)
            {
                b.Add(cur, s.Dates[i], s.Rates[i]);
            }
        }

        foreach (var (cur, s) in other._series)
        {
            for (var i = 0; i < s.Dates.Length; i++)
            {
                b.Add(cur, s.Dates[i], s.Rates[i]);
            }
        }

        return b.Build();
    }

    public sealed class Builder
    {
        private readonly Dictionary<string, SortedDictionary<DateOnly, double>> _rates = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>Adds (or replaces) a rate. The caller validates that the rate is finite and positive.</summary>
        public Builder Add(string currency, DateOnly date, double usdPerUnit)
        {
            if (!(usdPerUnit > 0) || double.IsInfinity(usdPerUnit))
            {
                throw new ArgumentOutOfRangeException(nameof(usdPerUnit), "A rate must be a positive finite number.");
            }

            var key = currency.Trim().ToUpperInvariant();
            if (!_rates.TryGetValue(key, out var series))
            {
                _rates[key] = series = [];
            }

            series[date] = usdPerUnit;
            return this;
        }

        public FxTable Build() => new(_rates.ToDictionary(
            kv => kv.Key,
            kv => (kv.Value.Keys.ToArray(), kv.Value.Values.ToArray()),
            StringComparer.OrdinalIgnoreCase));
    }
}
