namespace TradeAnalyzer.SampleData;

/// <summary>
/// The generator's own PRNG (xoshiro256** seeded by SplitMix64), so output does not depend on System.Random's
/// unspecified algorithm. Not thread-safe; one per generation run.
/// </summary>
internal sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;

    public Rng(long seed)
    {
        var x = unchecked((ulong)seed);
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n).</summary>
    public int Next(int n) => n <= 1 ? 0 : (int)((NextUInt64() >> 33) % (ulong)n);

    /// <summary>Uniform integer in [min, max] inclusive.</summary>
    public int Between(int min, int max) => min + Next(max - min + 1);

    /// <summary>Uniform in [min, max).</summary>
    public double Uniform(double min, double max) => min + ((max - min) * NextDouble());

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Standard normal (Marsaglia polar method), truncated to |z| &lt;= limit by rejection.</summary>
    public double Normal(double limit = 10)
    {
        while (true)
        {
            double u, v, s;
            do
            {
                u = (2 * NextDouble()) - 1;
                v = (2 * NextDouble()) - 1;
                s = (u * u) + (v * v);
            }
            while (s >= 1 || s == 0);

            var z = u * Math.Sqrt(-2 * Math.Log(s) / s);
            if (Math.Abs(z) <= limit)
            {
                return z;
            }
        }
    }

    /// <summary>Index drawn with probability proportional to the weights.</summary>
    public int Weighted(double[] cumulative)
    {
        var r = NextDouble() * cumulative[^1];
        var lo = 0;
        var hi = cumulative.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (r < cumulative[mid])
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    public static double[] Cumulate(IReadOnlyList<double> weights)
    {
        var c = new double[weights.Count];
        var sum = 0.0;
        for (var i = 0; i < c.Length; i++)
        {
            sum += weights[i];
            c[i] = sum;
        }

        return c;
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
