using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;
using TradeAnalyzer.Core.Baselines;

namespace TradeAnalyzer.UnitTests.Baselines;

public class LogHistogramTests
{
    private static readonly double[] OneToEleven = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

    [Fact]
    public void Small_group_quartiles_follow_definition_7_hand_computed()
    {
        // n = 11: h = 10p. Median at rank 5 -> 6; Q1 at 2.5 -> 3.5; Q3 at 7.5 -> 8.5.
        var h = LogHistogram.FromValues([11, 3, 7, 1, 9, 5, 2, 10, 4, 8, 6]);
        Assert.True(h.IsExact);
        Assert.Equal(6, h.Median, 12);
        Assert.Equal(3.5, h.Q1, 12);
        Assert.Equal(8.5, h.Q3, 12);
        Assert.Equal(1, h.Quantile(0), 12);
        Assert.Equal(11, h.Quantile(1), 12);
    }

    [Fact]
    public void Small_group_quantiles_equal_mathnet_r7_and_differ_from_its_default_r8()
    {
        double[] values = [0.3, 1.7, 2.2, 2.9, 4.1, 5.5, 7.9];
        var h = LogHistogram.FromValues(values);
        var sorted = values.Order().ToArray();
        foreach (var p in new[] { 0.1, 0.25, 0.5, 0.75, 0.9 })
        {
            Assert.Equal(SortedArrayStatistics.QuantileCustom(sorted, p, QuantileDefinition.R7), h.Quantile(p), 12);
        }

        // R7: h = 6 x 0.25 = 1.5 -> 1.7 + 0.5 x 0.5 = 1.95. MathNet's default R8 gives 1.7 + (1/6) x 0.5 = 1.783.
        Assert.Equal(1.95, h.Q1, 12);
        Assert.NotEqual(SortedArrayStatistics.Quantile(sorted, 0.25), h.Q1, 6);
    }

    [Fact]
    public void Mad_and_mean_absolute_deviation_hand_computed()
    {
        // median 3; |x - 3| = 2, 1, 0, 1, 97 -> sorted 0, 1, 1, 2, 97 -> MAD 1; mean 101 / 5.
        var h = LogHistogram.FromValues([1, 2, 3, 4, 100]);
        Assert.Equal(1, h.Mad(), 12);
        Assert.Equal(101.0 / 5, h.MeanAbsoluteDeviation(), 12);
    }

    [Fact]
    public void Leaving_one_value_out_matches_the_group_without_it()
    {
        var h = LogHistogram.FromValues(OneToEleven);
        var without = LogHistogram.FromValues([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        foreach (var p in new[] { 0.0, 0.25, 0.5, 0.75, 1.0 })
        {
            Assert.Equal(without.Quantile(p), h.Quantile(p, 11), 12);
        }

        Assert.Equal(5.5, h.Quantile(0.5, 11), 12);
        Assert.Equal(without.Mad(), h.Mad(11), 12);
        Assert.Equal(10, h.CountExcluding(11));
        Assert.Equal(11, h.CountExcluding(double.NaN));
        Assert.Equal(6, h.Median, 12); // the histogram itself is unchanged
    }

    [Fact]
    public void Large_group_is_binned_and_quantiles_stay_within_a_bin_of_exact()
    {
        var values = NormalSample(20_000, 2.5, 0.4, seed: 7);
        var h = LogHistogram.FromValues(values);
        Assert.False(h.IsExact);
        Assert.Equal(20_000, h.Count);
        var sorted = values.Order().ToArray();
        foreach (var p in new[] { 0.01, 0.025, 0.25, 0.5, 0.75, 0.975, 0.99 })
        {
            var exact = SortedArrayStatistics.QuantileCustom(sorted, p, QuantileDefinition.R7);
            Assert.InRange(h.Quantile(p), exact - LogHistogram.BinWidth, exact + LogHistogram.BinWidth);
        }

        var median = SortedArrayStatistics.QuantileCustom(sorted, 0.5, QuantileDefinition.R7);
        var deviations = sorted.Select(x => Math.Abs(x - median)).Order().ToArray();
        var mad = SortedArrayStatistics.QuantileCustom(deviations, 0.5, QuantileDefinition.R7);
        Assert.InRange(h.Mad(), mad - (2 * LogHistogram.BinWidth), mad + (2 * LogHistogram.BinWidth));
        Assert.InRange(h.Mad(), 0.4 * 0.6745 * 0.95, 0.4 * 0.6745 * 1.05);
    }

    [Fact]
    public void Large_group_leave_one_out_stays_within_a_bin_of_exact()
    {
        var values = NormalSample(500, 0, 1, seed: 3);
        var h = LogHistogram.FromValues(values);
        var removed = values.Max();
        var rest = values.Order().SkipLast(1).ToArray();
        foreach (var p in new[] { 0.25, 0.5, 0.75, 0.975 })
        {
            var exact = SortedArrayStatistics.QuantileCustom(rest, p, QuantileDefinition.R7);
            Assert.InRange(h.Quantile(p, removed), exact - LogHistogram.BinWidth, exact + LogHistogram.BinWidth);
        }

        Assert.Equal(499, h.CountExcluding(removed));
        Assert.True(h.Quantile(1, removed) < removed - LogHistogram.BinWidth);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(3000)]
    public void Adding_one_by_one_equals_building_at_once(int n)
    {
        var values = NormalSample(n, 1, 0.5, seed: n);
        var incremental = new LogHistogram();
        foreach (var x in values)
        {
            incremental.Add(x);
        }

        var batch = LogHistogram.FromValues(values);
        Assert.True(incremental.ContentEquals(batch));
        Assert.Equal(n <= LogHistogram.ExactLimit, batch.IsExact);
        Assert.Equal(batch.Median, incremental.Median, 12);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(12)]
    [InlineData(64)]
    [InlineData(5000)]
    public void Bytes_round_trip(int n)
    {
        var h = LogHistogram.FromValues(NormalSample(n, -1, 2, seed: 11));
        var bytes = h.ToBytes();
        var back = LogHistogram.FromBytes(bytes);
        Assert.True(h.ContentEquals(back));
        if (n == 5000)
        {
            Assert.True(bytes.Length < n, $"binned form should be compact, was {bytes.Length} bytes");
        }
    }

    [Fact]
    public void Unknown_version_is_rejected()
    {
        var bytes = LogHistogram.FromValues([1, 2, 3]).ToBytes();
        bytes[0] = 99;
        Assert.Throws<FormatException>(() => LogHistogram.FromBytes(bytes));
    }

    [Fact]
    public void Merging_crosses_into_bins_like_a_batch_build()
    {
        var a = NormalSample(40, 0, 1, seed: 1);
        var b = NormalSample(40, 0, 1, seed: 2);
        var ha = LogHistogram.FromValues(a);
        ha.Merge(LogHistogram.FromValues(b));
        Assert.False(ha.IsExact);
        Assert.True(ha.ContentEquals(LogHistogram.FromValues([.. a, .. b])));
    }

    public static TheoryData<string> StatsShapes => ["exact", "exact-ties", "dense", "sparse", "mad-zero", "one-bin", "one"];

    [Theory]
    [MemberData(nameof(StatsShapes))]
    public void Leave_one_out_stats_equal_the_figures_asked_one_by_one(string shape)
    {
        // The fused statistics (one exclusion, one median, the mean absolute deviation only when the MAD is not above 0)
        // must give the same figures, to the bit, as the separate queries PriceStats used to make.
        var values = StatsSample(shape);
        var h = LogHistogram.FromValues(values);
        var asked = values.Concat([double.NaN, values.Min() - 1, values.Max() + 0.0123, 1e-9]).Distinct().ToArray();
        foreach (var k in new[] { 1.5, 3.0 })
        {
            foreach (var x in asked)
            {
                var expected = PriceStats.From(
                    h.CountExcluding(x), h.Quantile(0.5, x), h.Quantile(0.25, x), h.Quantile(0.75, x), h.Mad(x), h.MeanAbsoluteDeviation(x), k);
                var actual = PriceStats.FromHistogram(h, x, k);
                Assert.Equal(expected, actual);
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected.Sigma), BitConverter.DoubleToInt64Bits(actual.Sigma));
            }
        }

        if (shape == "mad-zero")
        {
            // The case the mean absolute deviation is read for: most values equal.
            Assert.Equal(0, h.Mad());
            Assert.True(PriceStats.FromHistogram(h, double.NaN, 1.5).Sigma > PriceStats.SigmaFloor);
        }
    }

    [Theory]
    [InlineData("dense")]
    [InlineData("sparse")]
    [InlineData("one-bin")]
    public void Bin_positions_equal_a_binary_search_of_the_bins(string shape)
    {
        var values = StatsSample(shape);
        var h = LogHistogram.FromValues(values);
        Assert.False(h.IsExact);
        var keys = values.Select(LogHistogram.BinOf).Distinct().Order().ToArray();
        for (long b = keys[0] - 5; b <= keys[^1] + 5; b++)
        {
            Assert.Equal(Array.BinarySearch(keys, (int)b), h.FindBin((int)b));
        }

        foreach (var b in new[] { int.MinValue, int.MaxValue, 0, -1 })
        {
            Assert.Equal(Array.BinarySearch(keys, b), h.FindBin(b));
        }
    }

    private static double[] StatsSample(string shape) => shape switch
    {
        "exact" => NormalSample(40, 1, 0.5, seed: 11),
        "exact-ties" => [1, 1, 1, 2, 2, 3, 5, 8, 8, 13],
        // Bins close together: the dense position table.
        "dense" => NormalSample(3_000, 2, 0.3, seed: 12),
        // A few far outliers: too sparse for the table, the binary search.
        "sparse" => [.. NormalSample(300, 0, 0.2, seed: 13), -40, 35, 60],
        // Most values equal (exact form; a binned MAD is never quite 0): the MAD is 0, the scale comes from the mean
        // absolute deviation.
        "mad-zero" => [.. Enumerable.Repeat(1.5, 30), .. NormalSample(20, 1, 0.5, seed: 14)],
        // Three quarters of the values in one bin.
        "one-bin" => [.. Enumerable.Repeat(1.0001, 300), .. NormalSample(100, 1, 0.5, seed: 15)],
        _ => [4.2],
    };

    internal static double[] NormalSample(int n, double mean, double sd, int seed)
    {
        var rng = new Random(seed);
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = Normal.Sample(rng, mean, sd);
        }

        return values;
    }
}
