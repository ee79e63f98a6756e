using System.Buffers.Binary;

namespace TradeAnalyzer.Core.Baselines;

/// <summary>
/// A mergeable distribution of log unit prices (ln USD per unit). Up to <see cref="ExactLimit"/> values are kept
/// exactly; beyond that every value is folded into a fixed-width bin of <see cref="BinWidth"/> ln units (about 0.5% in
/// price), so merging two histograms gives exactly what one built from all values would give, in any order.
/// </summary>
/// <remarks>
/// Quantiles use Hyndman-Fan definition 7 (linear interpolation between order statistics, h = (n - 1) p: the default
/// of Excel, NumPy and R). In binned form the c values of a bin are taken as spread evenly inside it, the k-th (0-based)
/// at lo + (k + 0.5) / c x width, so a binned quantile is within one bin width of the exact one. Every query can leave
/// one value out (leave-one-out) without copying: the counts are read as if that value's bin held one value less.
/// </remarks>
public sealed class LogHistogram
{
    /// <summary>Width of a bin in ln units: 0.005, about 0.5% in price.</summary>
    public const double BinWidth = 0.005;

    /// <summary>Largest count kept as exact values; the next value folds everything into bins.</summary>
    public const int ExactLimit = 64;

    private const byte FormatVersion = 1;

    // Exact form: _exact[0.._count) (unsorted until a query sorts it). Binned form: _bins.
    private double[]? _exact;
    private Dictionary<int, long>? _bins;
    private long _count;
    private View? _view;

    /// <summary>An empty histogram.</summary>
    public LogHistogram()
    {
        _exact = new double[4];
    }

    /// <summary>How many values the histogram holds.</summary>
    public long Count => _count;

    /// <summary>True while values are kept exactly (count up to <see cref="ExactLimit"/>).</summary>
    public bool IsExact => _bins is null;

    /// <summary>The median (definition 7).</summary>
    public double Median => Quantile(0.5);

    /// <summary>The first quartile (definition 7).</summary>
    public double Q1 => Quantile(0.25);

    /// <summary>The third quartile (definition 7).</summary>
    public double Q3 => Quantile(0.75);

    /// <summary>Builds a histogram from ln values in one go (same result as adding them one by one).</summary>
    public static LogHistogram FromValues(ReadOnlySpan<double> lnValues)
    {
        var h = new LogHistogram();
        if (lnValues.Length <= ExactLimit)
        {
            h._exact = lnValues.ToArray();
            if (h._exact.Length == 0)
            {
                h._exact = new double[4];
            }
        }
        else
        {
            h._exact = null;
            h._bins = new Dictionary<int, long>();
            foreach (var x in lnValues)
            {
                CollectionsIncrement(h._bins, BinOf(x), 1);
            }
        }

        h._count = lnValues.Length;
        return h;
    }

    /// <summary>One histogram holding the values of all <paramref name="parts"/> (same as merging them one by one).</summary>
    public static LogHistogram MergeAll(IReadOnlyList<LogHistogram> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        long total = 0;
        foreach (var part in parts)
        {
            total += part._count;
        }

        if (total <= ExactLimit)
        {
            var values = new double[total];
            var k = 0;
            foreach (var part in parts)
            {
                part._exact.AsSpan(0, (int)part._count).CopyTo(values.AsSpan(k));
                k += (int)part._count;
            }

            return FromValues(values);
        }

        var bins = new Dictionary<int, long>();
        foreach (var part in parts)
        {
            if (part._bins is null)
            {
                for (var i = 0; i < part._count; i++)
                {
                    CollectionsIncrement(bins, BinOf(part._exact![i]), 1);
                }
            }
            else
            {
                foreach (var (bin, c) in part._bins)
                {
                    CollectionsIncrement(bins, bin, c);
                }
            }
        }

        return new LogHistogram { _exact = null, _bins = bins, _count = total };
    }

    /// <summary>The bin index of an ln value.</summary>
    public static int BinOf(double lnValue) => (int)Math.Floor(lnValue / BinWidth);

    /// <summary>Adds one ln value.</summary>
    public void Add(double lnValue)
    {
        if (!double.IsFinite(lnValue))
        {
            throw new ArgumentOutOfRangeException(nameof(lnValue), "A log price must be finite.");
        }

        _view = null;
        if (_bins is null)
        {
            if (_count < ExactLimit)
            {
                if (_count == _exact!.Length)
                {
                    Array.Resize(ref _exact, Math.Min(ExactLimit, _exact.Length * 2));
                }

                _exact[_count++] = lnValue;
                return;
            }

            Fold();
        }

        CollectionsIncrement(_bins!, BinOf(lnValue), 1);
        _count++;
    }

    /// <summary>Adds every value of <paramref name="other"/> to this histogram.</summary>
    public void Merge(LogHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._count == 0)
        {
            return;
        }

        _view = null;
        if (other._bins is null)
        {
            // Snapshot first: other may be this.
            var values = other._exact!.AsSpan(0, (int)other._count).ToArray();
            foreach (var x in values)
            {
                Add(x);
            }

            return;
        }

        if (ReferenceEquals(other, this))
        {
            foreach (var key in _bins!.Keys.ToArray())
            {
                _bins[key] *= 2;
            }

            _count *= 2;
            return;
        }

        if (_bins is null)
        {
            Fold();
        }

        foreach (var (bin, c) in other._bins)
        {
            CollectionsIncrement(_bins!, bin, c);
        }

        _count += other._count;
    }

    /// <summary>A copy that shares nothing with this histogram.</summary>
    public LogHistogram Clone()
    {
        // The query view is immutable and describes the same values, so the copy shares it until it changes.
        if (_bins is not null)
        {
            return new LogHistogram { _exact = null, _bins = new Dictionary<int, long>(_bins), _count = _count, _view = _view };
        }

        var exact = new double[Math.Max(4, _count)];
        _exact.AsSpan(0, (int)_count).CopyTo(exact);
        return new LogHistogram { _exact = exact, _count = _count, _view = _view };
    }

    /// <summary>The p-quantile (0 &lt;= p &lt;= 1) by definition 7; NaN when empty.</summary>
    public double Quantile(double p) => Quantile(p, double.NaN);

    /// <summary>
    /// The p-quantile with one value <paramref name="excludedLnValue"/> left out (NaN: nothing left out). The value
    /// should be one the histogram holds; in binned form it is removed from its bin.
    /// </summary>
    public double Quantile(double p, double excludedLnValue)
    {
        var v = GetView();
        var ex = v.Exclusion(excludedLnValue);
        return QuantileOf(v, ex, _count - (ex.Active ? 1 : 0), p);
    }

    /// <summary>
    /// The statistics a price comparison uses (<see cref="PriceStats.FromHistogram"/>) with <paramref name="excludedLnValue"/>
    /// left out: the same figures as asking <see cref="CountExcluding"/>, <see cref="Quantile(double, double)"/> (median,
    /// quartiles), <see cref="Mad"/> and <see cref="MeanAbsoluteDeviation"/> one by one, to the last bit, but with the
    /// left-out value found and the median worked out once (each of those asks found both again), and the mean absolute
    /// deviation (a pass over every bin) only when <see cref="PriceStats.From"/> reads it: when the MAD is not above 0.
    /// </summary>
    internal PriceStats LeaveOneOutStats(double excludedLnValue, double k)
    {
        var v = GetView();
        var ex = v.Exclusion(excludedLnValue);
        var n = _count - (ex.Active ? 1 : 0);
        var median = QuantileOf(v, ex, n, 0.5);
        var q1 = QuantileOf(v, ex, n, 0.25);
        var q3 = QuantileOf(v, ex, n, 0.75);
        var mad = MadOf(v, ex, n, median);
        var meanAbsDev = mad > 0 ? 0 : MeanAbsoluteDeviationOf(v, ex, n, median);
        return PriceStats.From(n, median, q1, q3, mad, meanAbsDev, k);
    }

    private static double QuantileOf(View v, Excluded ex, long n, double p)
    {
        if (n <= 0)
        {
            return double.NaN;
        }

        p = Math.Clamp(p, 0, 1);
        var h = (n - 1) * p;
        var lo = (long)Math.Floor(h);
        var frac = h - lo;
        var a = v.OrderStatistic(lo, ex);
        if (frac <= 0 || lo + 1 >= n)
        {
            return a;
        }

        var b = v.OrderStatistic(lo + 1, ex);
        return a + (frac * (b - a));
    }

    /// <summary>
    /// The k-th smallest value (0-based, 0 &lt;= k &lt; <see cref="Count"/>); in binned form the position the k-th value
    /// takes when the values of its bin are spread evenly inside it.
    /// </summary>
    public double OrderStatistic(long k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, _count);
        return GetView().OrderStatistic(k, default);
    }

    /// <summary>Number of bins in binned form (0 in exact form): the range of <see cref="BinSlotOf"/>.</summary>
    internal int BinCount => _bins?.Count ?? 0;

    /// <summary>
    /// The position (0 to <see cref="BinCount"/> - 1, in bin order) of the bin holding <paramref name="lnValue"/>, or -1
    /// when the histogram is exact or that bin is empty. Every leave-one-out query of a binned histogram depends on the
    /// left-out value only through this position, so per-value results can be kept by it.
    /// </summary>
    internal int BinSlotOf(double lnValue)
    {
        if (_bins is null || double.IsNaN(lnValue))
        {
            return -1;
        }

        var j = GetView().Find(BinOf(lnValue));
        return j >= 0 ? j : -1;
    }

    /// <summary>The position of bin <paramref name="bin"/> among the bins, as <see cref="Array.BinarySearch(Array, object)"/>
    /// over them gives it (binned form; for tests of the dense look-up).</summary>
    internal int FindBin(int bin) => GetView().Find(bin);

    /// <summary>Count of values left after leaving <paramref name="excludedLnValue"/> out (NaN: none left out).</summary>
    public long CountExcluding(double excludedLnValue) =>
        _count - (GetView().Exclusion(excludedLnValue).Active ? 1 : 0);

    /// <summary>
    /// Median absolute deviation from the median (unscaled), optionally leaving one value out. Exact form: the median
    /// of |x - median|. Binned form: solved from the interpolated distribution (within a bin width).
    /// </summary>
    public double Mad(double excludedLnValue = double.NaN)
    {
        var v = GetView();
        var ex = v.Exclusion(excludedLnValue);
        var n = _count - (ex.Active ? 1 : 0);
        return MadOf(v, ex, n, QuantileOf(v, ex, n, 0.5));
    }

    /// <summary><see cref="Mad"/> of <paramref name="n"/> values left by <paramref name="ex"/>, whose median is <paramref name="m"/>.</summary>
    private static double MadOf(View v, Excluded ex, long n, double m)
    {
        if (n <= 0)
        {
            return double.NaN;
        }

        if (v.Sorted is not null)
        {
            Span<double> dev = stackalloc double[ExactLimit];
            var k = 0;
            for (var i = 0; i < v.Sorted.Length; i++)
            {
                if (ex.Active && i == ex.Index)
                {
                    continue;
                }

                dev[k++] = Math.Abs(v.Sorted[i] - m);
            }

            var d = dev[..k];
            d.Sort();
            var h = (k - 1) * 0.5;
            var lo = (int)Math.Floor(h);
            return lo + 1 < k ? d[lo] + ((h - lo) * (d[lo + 1] - d[lo])) : d[lo];
        }

        // Find d with (values within [m - d, m + d]) = n / 2, by bisection on the interpolated counts.
        var target = n / 2.0;
        double low = 0, high = Math.Max(v.Max - m, m - v.Min) + BinWidth;
        for (var iter = 0; iter < 40 && high - low > 1e-7; iter++)
        {
            var mid = (low + high) / 2;
            var inside = v.CountAtOrBelow(m + mid, ex) - v.CountAtOrBelow(m - mid, ex);
            if (inside >= target)
            {
                high = mid;
            }
            else
            {
                low = mid;
            }
        }

        return high;
    }

    /// <summary>Mean absolute deviation from the median, optionally leaving one value out (bin centres when binned).</summary>
    public double MeanAbsoluteDeviation(double excludedLnValue = double.NaN)
    {
        var v = GetView();
        var ex = v.Exclusion(excludedLnValue);
        var n = _count - (ex.Active ? 1 : 0);
        return MeanAbsoluteDeviationOf(v, ex, n, QuantileOf(v, ex, n, 0.5));
    }

    /// <summary><see cref="MeanAbsoluteDeviation"/> of <paramref name="n"/> values left by <paramref name="ex"/>, whose median is <paramref name="m"/>.</summary>
    private static double MeanAbsoluteDeviationOf(View v, Excluded ex, long n, double m)
    {
        if (n <= 0)
        {
            return double.NaN;
        }

        double sum = 0;
        if (v.Sorted is not null)
        {
            for (var i = 0; i < v.Sorted.Length; i++)
            {
                if (!(ex.Active && i == ex.Index))
                {
                    sum += Math.Abs(v.Sorted[i] - m);
                }
            }
        }
        else
        {
            for (var i = 0; i < v.Keys!.Length; i++)
            {
                var c = v.Counts![i] - (ex.Active && i == ex.Index ? 1 : 0);
                sum += c * Math.Abs(((v.Keys[i] + 0.5) * BinWidth) - m);
            }
        }

        return sum / n;
    }

    /// <summary>True when both histograms hold the same values (exact form) or the same bin counts (binned form).</summary>
    public bool ContentEquals(LogHistogram? other)
    {
        if (other is null || other._count != _count || other.IsExact != IsExact)
        {
            return false;
        }

        if (IsExact)
        {
            return GetView().Sorted!.AsSpan().SequenceEqual(other.GetView().Sorted);
        }

        if (_bins!.Count != other._bins!.Count)
        {
            return false;
        }

        foreach (var (bin, c) in _bins)
        {
            if (!other._bins.TryGetValue(bin, out var oc) || oc != c)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Compact, versioned bytes: version, form, count (varint); then the exact values (8 bytes each, sorted) or the
    /// bins as (zigzag delta of bin index, count) varint pairs in bin order.
    /// </summary>
    public byte[] ToBytes()
    {
        var v = GetView();
        var buffer = new byte[2 + 10 + (v.Sorted is not null ? v.Sorted.Length * 8 : (v.Keys!.Length * 15) + 10)];
        var pos = 0;
        buffer[pos++] = FormatVersion;
        buffer[pos++] = (byte)(v.Sorted is not null ? 0 : 1);
        pos += WriteVarint(buffer.AsSpan(pos), (ulong)_count);
        if (v.Sorted is not null)
        {
            foreach (var x in v.Sorted)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(buffer.AsSpan(pos), x);
                pos += 8;
            }
        }
        else
        {
            pos += WriteVarint(buffer.AsSpan(pos), (ulong)v.Keys!.Length);
            long previous = 0;
            for (var i = 0; i < v.Keys.Length; i++)
            {
                var delta = v.Keys[i] - previous;
                previous = v.Keys[i];
                pos += WriteVarint(buffer.AsSpan(pos), (ulong)((delta << 1) ^ (delta >> 63)));
                pos += WriteVarint(buffer.AsSpan(pos), (ulong)v.Counts![i]);
            }
        }

        return buffer.AsSpan(0, pos).ToArray();
    }

    /// <summary>Reads the bytes of <see cref="ToBytes"/>.</summary>
    /// <exception cref="FormatException">Unknown version or damaged data.</exception>
    public static LogHistogram FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 3 || bytes[0] != FormatVersion)
        {
            throw new FormatException("Not a version 1 log histogram.");
        }

        var binned = bytes[1] == 1;
        var pos = 2;
        var count = (long)ReadVarint(bytes, ref pos);
        var h = new LogHistogram();
        if (!binned)
        {
            if (count > ExactLimit || bytes.Length < pos + (count * 8))
            {
                throw new FormatException("Damaged exact histogram.");
            }

            h._exact = new double[Math.Max(4, count)];
            for (var i = 0; i < count; i++)
            {
                h._exact[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[pos..]);
                pos += 8;
            }

            h._count = count;
            return h;
        }

        var bins = (int)ReadVarint(bytes, ref pos);
        h._exact = null;
        h._bins = new Dictionary<int, long>(bins);
        long key = 0, total = 0;
        for (var i = 0; i < bins; i++)
        {
            var z = ReadVarint(bytes, ref pos);
            key += (long)(z >> 1) ^ -(long)(z & 1);
            var c = (long)ReadVarint(bytes, ref pos);
            h._bins[(int)key] = c;
            total += c;
        }

        if (total != count)
        {
            throw new FormatException("Damaged binned histogram: counts do not add up.");
        }

        h._count = count;
        return h;
    }

    private void Fold()
    {
        var bins = new Dictionary<int, long>();
        for (var i = 0; i < _count; i++)
        {
            CollectionsIncrement(bins, BinOf(_exact![i]), 1);
        }

        _bins = bins;
        _exact = null;
    }

    private static void CollectionsIncrement(Dictionary<int, long> bins, int bin, long by)
    {
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(bins, bin, out _);
        slot += by;
    }

    private View GetView()
    {
        var v = _view;
        if (v is not null)
        {
            return v;
        }

        if (_bins is null)
        {
            var sorted = _exact!.AsSpan(0, (int)_count).ToArray();
            Array.Sort(sorted);
            v = new View(sorted, null, null, null);
        }
        else
        {
            var keys = new int[_bins.Count];
            _bins.Keys.CopyTo(keys, 0);
            Array.Sort(keys);
            var counts = new long[keys.Length];
            var cum = new long[keys.Length];
            long running = 0;
            for (var i = 0; i < keys.Length; i++)
            {
                counts[i] = _bins[keys[i]];
                running += counts[i];
                cum[i] = running;
            }

            v = new View(null, keys, counts, cum);
        }

        _view = v;
        return v;
    }

    private static int WriteVarint(Span<byte> span, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        return i;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int pos)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (pos >= span.Length)
            {
                throw new FormatException("Truncated histogram.");
            }

            var b = span[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("Damaged varint in histogram.");
    }

    /// <summary>Which value a query leaves out: an index into the sorted values (exact) or into the bins (binned).</summary>
    private readonly record struct Excluded(bool Active, int Index, int Bin);

    /// <summary>An immutable, sorted snapshot for queries (rebuilt after a change; safe to share between threads).</summary>
    private sealed class View(double[]? sorted, int[]? keys, long[]? counts, long[]? cum)
    {
        public double[]? Sorted { get; } = sorted;

        public int[]? Keys { get; } = keys;

        public long[]? Counts { get; } = counts;

        public long[]? Cum { get; } = cum;

        /// <summary>
        /// Binned form, when the bins are dense enough: for each bin index from <c>Keys[0]</c> to <c>Keys[^1]</c>, the
        /// position of the first key at or above it, so that <see cref="Find"/> is one read instead of a binary search (a
        /// leave-one-out MAD asks it twice per bisection step, up to 40 steps per bin of a price group). Null when the
        /// range is more than four times the bins (a few far outliers): the binary search then.
        /// </summary>
        private readonly int[]? _firstAtOrAbove = DenseIndex(keys);

        /// <summary>As <see cref="Array.BinarySearch(Array, object)"/> over <see cref="Keys"/> (sorted, distinct): the
        /// position of <paramref name="bin"/>, or the complement of the position of the first key above it.</summary>
        public int Find(int bin)
        {
            var dense = _firstAtOrAbove;
            if (dense is null)
            {
                return Array.BinarySearch(Keys!, bin);
            }

            var keys = Keys!;
            var offset = (long)bin - keys[0];
            if (offset < 0)
            {
                return ~0;
            }

            if (offset >= dense.Length)
            {
                return ~keys.Length;
            }

            var i = dense[offset];
            return keys[i] == bin ? i : ~i;
        }

        private static int[]? DenseIndex(int[]? keys)
        {
            if (keys is null || keys.Length == 0)
            {
                return null;
            }

            var range = (long)keys[^1] - keys[0] + 1;
            if (range > (4L * keys.Length) + 64)
            {
                return null;
            }

            var dense = new int[range];
            var i = 0;
            for (var b = 0; b < range; b++)
            {
                if (keys[0] + b > keys[i])
                {
                    i++;
                }

                dense[b] = i;
            }

            return dense;
        }

        public double Min => Sorted is not null ? Sorted[0] : Keys![0] * BinWidth;

        public double Max => Sorted is not null ? Sorted[^1] : (Keys![^1] + 1) * BinWidth;

        public Excluded Exclusion(double x)
        {
            if (double.IsNaN(x))
            {
                return default;
            }

            if (Sorted is not null)
            {
                var i = Array.BinarySearch(Sorted, x);
                return i >= 0 ? new Excluded(true, i, 0) : default;
            }

            var bin = BinOf(x);
            var j = Find(bin);
            return j >= 0 ? new Excluded(true, j, bin) : default;
        }

        /// <summary>The k-th smallest value (0-based) with the exclusion applied.</summary>
        public double OrderStatistic(long k, Excluded ex)
        {
            if (Sorted is not null)
            {
                var i = ex.Active && k >= ex.Index ? k + 1 : k;
                return Sorted[Math.Min(i, Sorted.Length - 1)];
            }

            // First bin whose (adjusted) cumulative count exceeds k.
            int lo = 0, hi = Keys!.Length - 1;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (AdjustedCum(mid, ex) > k)
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }

            var c = Counts![lo] - (ex.Active && lo == ex.Index ? 1 : 0);
            var before = lo == 0 ? 0 : AdjustedCum(lo - 1, ex);
            var within = k - before;
            return (Keys[lo] + ((within + 0.5) / c)) * BinWidth;
        }

        /// <summary>How many values lie at or below y (interpolated within a bin in binned form).</summary>
        public double CountAtOrBelow(double y, Excluded ex)
        {
            var bin = BinOf(y);
            var j = Find(bin);
            if (j < 0)
            {
                var next = ~j;
                return next == 0 ? 0 : AdjustedCum(next - 1, ex);
            }

            var c = Counts![j] - (ex.Active && j == ex.Index ? 1 : 0);
            var before = j == 0 ? 0 : AdjustedCum(j - 1, ex);
            var fraction = (y / BinWidth) - Keys![j];
            return before + (c * Math.Clamp(fraction, 0, 1));
        }

        private long AdjustedCum(int i, Excluded ex) => Cum![i] - (ex.Active && i >= ex.Index ? 1 : 0);
    }
}
