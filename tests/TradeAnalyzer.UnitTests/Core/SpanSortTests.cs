using TradeAnalyzer.Core.Analysis;

namespace TradeAnalyzer.UnitTests.Core;

public class SpanSortTests
{
    /// <summary>An item ordered by its key alone: items of equal keys are told apart by their tag, which the order
    /// ignores, so a sort's exact permutation shows.</summary>
    private readonly record struct Tagged(int Key, int Tag) : IComparable<Tagged>
    {
        public int CompareTo(Tagged other) => Key.CompareTo(other.Key);
    }

    private readonly struct ByKeyDescending : IComparer<Tagged>
    {
        public int Compare(Tagged x, Tagged y) => y.Key.CompareTo(x.Key);
    }

    private static Tagged[] RandomTagged(Random random, int n, int distinctKeys)
    {
        var items = new Tagged[n];
        for (var i = 0; i < n; i++)
        {
            items[i] = new Tagged(random.Next(distinctKeys), i);
        }

        return items;
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 5)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(16, 4)]
    [InlineData(17, 4)]
    [InlineData(100, 3)]
    [InlineData(5_000, 50)]
    [InlineData(5_000, 5_000_000)]
    public void Gives_the_runtimes_permutation_even_among_equal_keys(int n, int distinctKeys)
    {
        var random = new Random(n * 31 + distinctKeys);
        for (var round = 0; round < 20; round++)
        {
            var ours = RandomTagged(random, n, distinctKeys);
            var runtime = (Tagged[])ours.Clone();

            SpanSort.Sort(ours.AsSpan());
            // The comparer-based helper: the algorithm SpanSort follows (and the one the AOT runtime uses for every sort).
            Array.Sort(runtime, (x, y) => x.CompareTo(y));

            Assert.Equal(runtime, ours);
        }
    }

    [Fact]
    public void Sorts_by_a_struct_comparer_as_the_runtime_does_with_it()
    {
        var random = new Random(7);
        var ours = RandomTagged(random, 3_000, 40);
        var runtime = (Tagged[])ours.Clone();

        SpanSort.Sort(ours.AsSpan(), default(ByKeyDescending));
        Array.Sort(runtime, (x, y) => default(ByKeyDescending).Compare(x, y));

        Assert.Equal(runtime, ours);
        Assert.True(ours.Zip(ours.Skip(1)).All(p => p.First.Key >= p.Second.Key));
    }

    private static double[] RandomDoubles(int seed, bool withNan) =>
        Enumerable.Range(0, 4_000).Select(i => (i % 97) switch
        {
            0 when withNan => double.NaN,
            1 => double.NegativeInfinity,
            2 => -0.0,
            3 => 0.0,
            _ => Math.Round(new Random(seed + i).NextDouble() * 200 - 100, 1),
        }).ToArray();

    [Fact]
    public void Sorts_doubles_as_the_runtimes_comparer_sort_does_nan_first_negative_zero_equal_to_zero()
    {
        var values = RandomDoubles(11, withNan: true);
        var runtime = (double[])values.Clone();

        SpanSort.Sort(values.AsSpan());
        Array.Sort(runtime, (x, y) => x.CompareTo(y));

        // Bit for bit: NaN first, and -0 and 0 where the runtime's comparer-based sort leaves them. (The JIT runtime's
        // own Array.Sort(double[]) moves NaNs to the front first, which can leave -0 and 0 the other way round.)
        Assert.Equal(runtime.Select(BitConverter.DoubleToInt64Bits), values.Select(BitConverter.DoubleToInt64Bits));
        Assert.True(double.IsNaN(values[0]));
    }

    [Fact]
    public void Without_nan_sorts_doubles_bit_for_bit_as_array_sort()
    {
        // What the weight detector sorts (logs of positive finite ratios): the same bits as the runtime's Array.Sort.
        var values = RandomDoubles(13, withNan: false);
        var runtime = (double[])values.Clone();

        SpanSort.Sort(values.AsSpan());
        Array.Sort(runtime);

        Assert.Equal(runtime.Select(BitConverter.DoubleToInt64Bits), values.Select(BitConverter.DoubleToInt64Bits));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void The_heap_sort_fallback_sorts_too(int depthLimit)
    {
        var random = new Random(depthLimit + 3);
        foreach (var n in new[] { 2, 3, 17, 18, 1_000, 4_097 })
        {
            var items = RandomTagged(random, n, n / 3 + 1);
            var expected = items.Select(t => t.Key).Order().ToArray();

            SpanSort.Sort(items.AsSpan(), default(ByKeyAscending), depthLimit);

            Assert.Equal(expected, items.Select(t => t.Key));
            Assert.Equal(Enumerable.Range(0, n), items.Select(t => t.Tag).Order());
        }
    }

    [Fact]
    public void Sorted_reversed_and_constant_inputs_come_out_sorted()
    {
        foreach (var input in new[]
                 {
                     Enumerable.Range(0, 10_000).ToArray(),
                     Enumerable.Range(0, 10_000).Reverse().ToArray(),
                     Enumerable.Repeat(42, 10_000).ToArray(),
                     Enumerable.Range(0, 10_000).Select(i => i % 2 == 0 ? i : 10_000 - i).ToArray(),
                 })
        {
            var ours = (int[])input.Clone();
            SpanSort.Sort(ours.AsSpan());
            Assert.Equal(input.Order(), ours);
        }
    }

    private readonly struct ByKeyAscending : IComparer<Tagged>
    {
        public int Compare(Tagged x, Tagged y) => x.Key.CompareTo(y.Key);
    }
}
