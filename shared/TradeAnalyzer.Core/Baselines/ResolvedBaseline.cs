using System.Collections.Concurrent;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Reference;

namespace TradeAnalyzer.Core.Baselines;

/// <summary>
/// The baseline chosen for a set of records: a group of own data (history merged with this upload) or an external
/// reference value. Thread-safe: records are compared with it in parallel and counted in <see cref="UsedBy"/>.
/// </summary>
public sealed class ResolvedBaseline
{
    /// <summary>
    /// Leave-one-out statistics of a binned histogram by bin position (<see cref="LogHistogram.BinSlotOf"/>), filled as
    /// records need them. Lock-free: two threads may work out the same bin's statistics, which are equal; a
    /// <see cref="ConcurrentDictionary{TKey, TValue}"/> here took a lock per added bin (contended by the price
    /// detector's threads) and a node per entry.
    /// </summary>
    private readonly StatsBox?[]? _byBin;
    private readonly double _k;
    private int _usedBy;
    private string? _keyDescription;

    internal ResolvedBaseline(BaselineKey key, LogHistogram histogram, bool includesRecords, string levelLabel, bool fallback, double k)
    {
        Key = key;
        Histogram = histogram;
        IncludesRecords = includesRecords;
        LevelLabel = levelLabel;
        IsFallback = fallback;
        Source = "data";
        _k = k;
        Full = PriceStats.FromHistogram(histogram, double.NaN, k);
        _byBin = histogram.IsExact ? null : new StatsBox?[histogram.BinCount];
        (SafeLow, SafeHigh) = includesRecords ? SafeRange(histogram, k) : (Full.LowerFence, Full.UpperFence);
    }

    /// <summary>
    /// Bounds within which a record's ln price cannot fall outside the fences computed without it, so the per-record
    /// leave-one-out statistics are skipped. Leaving one value out moves the j-th order statistic to the j-th or
    /// (j+1)-th of the whole group, so with m = n - 1 values left: Q3' &gt;= x(floor((m-1) 0.75)) and
    /// Q1' &lt;= x(ceil((m-1) 0.25) + 1); the fences lie at least k x IQR floor beyond them. In binned form one bin width
    /// is given up for the spread of values inside a bin.
    /// </summary>
    private static (double Low, double High) SafeRange(LogHistogram h, double k)
    {
        var m = h.Count - 1;
        if (m < 2 || k < 0)
        {
            return (double.PositiveInfinity, double.NegativeInfinity);
        }

        var slack = h.IsExact ? 0 : LogHistogram.BinWidth;
        var high = h.OrderStatistic((long)Math.Floor((m - 1) * 0.75)) + (k * PriceStats.IqrFloor) - slack;
        var lowIndex = Math.Min((long)Math.Ceiling((m - 1) * 0.25) + 1, h.Count - 1);
        var low = h.OrderStatistic(lowIndex) - (k * PriceStats.IqrFloor) + slack;
        return (low, high);
    }

    internal ResolvedBaseline(BaselineKey key, ExternalBaseline external, string levelLabel, bool fallback, double k)
    {
        Key = key;
        External = external;
        LevelLabel = levelLabel;
        IsFallback = fallback;
        Source = external.Source;
        _k = k;
        var median = Math.Log(external.MedianUsd);
        var q1 = external.Q1Usd is > 0 ? Math.Log(external.Q1Usd.Value) : median - ExternalHalfSpread;
        var q3 = external.Q3Usd is > 0 ? Math.Log(external.Q3Usd.Value) : median + ExternalHalfSpread;
        var iqr = Math.Max(q3 - q1, PriceStats.IqrFloor);
        Full = PriceStats.From(external.Count, median, q1, q3, iqr / 1.349 / 1.4826, 0, k);
        (SafeLow, SafeHigh) = (Full.LowerFence, Full.UpperFence);
    }

    /// <summary>A record with ln price in [SafeLow, SafeHigh] cannot be flagged (see <see cref="StatsFor"/>): skip it.</summary>
    public double SafeLow { get; }

    /// <summary>Upper end of the range where a record cannot be flagged.</summary>
    public double SafeHigh { get; }

    /// <summary>Half the assumed ln IQR of an external reference that gives a median only (0.25: Q3/Q1 about 1.65).</summary>
    public const double ExternalHalfSpread = 0.25;

    /// <summary>The group compared with (for an external reference: its prefix and unit).</summary>
    public BaselineKey Key { get; }

    /// <summary>The own-data histogram (history and upload), or null for an external reference.</summary>
    public LogHistogram? Histogram { get; }

    /// <summary>The external reference used, or null for own data.</summary>
    public ExternalBaseline? External { get; }

    /// <summary>True when the histogram holds the compared records themselves (so each is left out of its own comparison).</summary>
    public bool IncludesRecords { get; }

    /// <summary>"national line", "HS8", "HS6" or "HS4".</summary>
    public string LevelLabel { get; }

    /// <summary>True when a less specific level than the record's full code was used.</summary>
    public bool IsFallback { get; }

    /// <summary>"data" or the external source's name.</summary>
    public string Source { get; }

    /// <summary>Statistics of the whole group (nothing left out).</summary>
    public PriceStats Full { get; }

    /// <summary><see cref="BaselineKey.Describe"/> of <see cref="Key"/>, built once (every flag against this baseline quotes it).</summary>
    public string KeyDescription => _keyDescription ??= Key.Describe();

    /// <summary>How many records were compared with this baseline.</summary>
    public int UsedBy => Volatile.Read(ref _usedBy);

    /// <summary>Human-readable group, e.g. "HS 2933.39 kg, CN to MX" or "HS 2933 kg (HS4 fallback)".</summary>
    public string Group
    {
        get
        {
            var text = KeyDescription;
            if (External is not null)
            {
                text += $" ({External.Source} reference)";
            }
            else if (IsFallback)
            {
                text += $" ({LevelLabel} fallback)";
            }

            return text;
        }
    }

    /// <summary>Counts records compared with this baseline.</summary>
    public void CountUses(int records) => Interlocked.Add(ref _usedBy, records);

    /// <summary>
    /// Statistics for comparing a record with ln price <paramref name="lnPrice"/>: the record itself is left out when
    /// the group includes it (leave-one-out), so a record never inflates its own baseline.
    /// </summary>
    public PriceStats StatsFor(double lnPrice)
    {
        if (Histogram is null || !IncludesRecords)
        {
            return Full;
        }

        if (_byBin is null)
        {
            return PriceStats.FromHistogram(Histogram, lnPrice, _k);
        }

        // In binned form leaving a value out depends only on its bin. A value whose bin is empty leaves nothing out
        // (not one of the records): worked out each time.
        var slot = Histogram.BinSlotOf(lnPrice);
        if (slot < 0)
        {
            return PriceStats.FromHistogram(Histogram, lnPrice, _k);
        }

        var box = Volatile.Read(ref _byBin[slot]);
        if (box is null)
        {
            box = new StatsBox(PriceStats.FromHistogram(Histogram, lnPrice, _k));
            Volatile.Write(ref _byBin[slot], box);
        }

        return box.Stats;
    }

    /// <summary>One bin's statistics, boxed so that a reference write publishes them whole.</summary>
    private sealed class StatsBox(PriceStats stats)
    {
        public PriceStats Stats { get; } = stats;
    }

    /// <summary>The p-quantile of ln prices of the comparable lines (record left out), or the fence-free reference estimate.</summary>
    public double LnQuantile(double p, double lnPrice)
    {
        if (Histogram is not null)
        {
            return Histogram.Quantile(p, IncludesRecords ? lnPrice : double.NaN);
        }

        // Normal approximation from the reference's quartiles.
        var z = p switch { <= 0.025 => -1.96, >= 0.975 => 1.96, _ => 0 };
        return Full.LnMedian + (z * (Full.LnQ3 - Full.LnQ1) / 1.349);
    }

    /// <summary>The summary a report shows (prices in USD per unit).</summary>
    public BaselineSummary ToSummary() => new()
    {
        Group = Group,
        HsPrefix = Key.HsPrefix,
        Unit = Key.Unit,
        Origin = Key.Origin,
        Destination = Key.Destination,
        Count = Full.Count,
        Median = Math.Exp(Full.LnMedian),
        Q1 = Math.Exp(Full.LnQ1),
        Q3 = Math.Exp(Full.LnQ3),
        LowerFence = Math.Exp(Full.LowerFence),
        UpperFence = Math.Exp(Full.UpperFence),
        Source = Source,
        UsedBy = UsedBy,
    };
}
