using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TradeAnalyzer.Core.Analysis;

namespace TradeAnalyzer.Core.Scoring;

/// <summary>
/// Sorting of many items by a primary figure (descending) and a small number, then by a text key (ordinal), ties by
/// position: the order <see cref="Analysis.FlagOrder"/> gives flags and <see cref="RecordScorer"/> gives record scores,
/// without a text comparison in most comparisons. The items are first put in runs of one (figure, number) by a
/// counting sort (the distinct pairs are few: scores have one decimal). Within a run, the keys share a common prefix
/// (the same record type and id prefix); the 16 characters after it are packed into two integers (<see cref="Pack"/>)
/// and the run is sorted on those, comparing the key texts only where both integers are equal.
/// </summary>
internal static class KeyedSort
{
    /// <summary>Key texts by item position.</summary>
    internal interface IKeys
    {
        ReadOnlySpan<char> Key(int index);
    }

    /// <summary>
    /// The positions 0..n-1 ordered by <paramref name="figure"/> descending (as <see cref="double.CompareTo(double)"/>:
    /// NaN last, -0 equal to 0), then <paramref name="number"/> ascending, then key (ordinal), then position.
    /// </summary>
    public static int[] Order<TKeys>(ReadOnlySpan<double> figure, ReadOnlySpan<byte> number, TKeys keys)
        where TKeys : struct, IKeys
    {
        var n = figure.Length;
        var order = new int[n];
        if (n == 0)
        {
            return order;
        }

        // 1. Runs of one (figure, number): numbered in order of first appearance, then ranked.
        var runOf = new int[n];
        var runIndex = new Dictionary<(long Figure, byte Number), int>();
        var runs = new List<(double Figure, byte Number)>();
        var last = (Figure: 0L, Number: (byte)0);
        var lastRun = -1;
        for (var i = 0; i < n; i++)
        {
            var f = figure[i];
            var bits = double.IsNaN(f) ? long.MinValue : f == 0 ? 0 : BitConverter.DoubleToInt64Bits(f);
            var key = (bits, number[i]);
            if (lastRun < 0 || key != last)
            {
                ref var r = ref CollectionsMarshal.GetValueRefOrAddDefault(runIndex, key, out var known);
                if (!known)
                {
                    r = runs.Count;
                    runs.Add((f, number[i]));
                }

                last = key;
                lastRun = r;
            }

            runOf[i] = lastRun;
        }

        var ranked = new int[runs.Count];
        for (var r = 0; r < ranked.Length; r++)
        {
            ranked[r] = r;
        }

        Array.Sort(ranked, (a, b) =>
        {
            var c = runs[b].Figure.CompareTo(runs[a].Figure);
            return c != 0 ? c : runs[a].Number.CompareTo(runs[b].Number);
        });

        // 2. A counting sort of the positions by run rank (stable: positions ascending within a run).
        var start = new int[runs.Count + 1];
        var rankOf = new int[runs.Count];
        for (var k = 0; k < ranked.Length; k++)
        {
            rankOf[ranked[k]] = k;
        }

        for (var i = 0; i < n; i++)
        {
            start[rankOf[runOf[i]] + 1]++;
        }

        for (var k = 0; k < runs.Count; k++)
        {
            start[k + 1] += start[k];
        }

        var cursor = (int[])start.Clone();
        for (var i = 0; i < n; i++)
        {
            order[cursor[rankOf[runOf[i]]]++] = i;
        }

        // 3. Each run by key.
        var items = new Item[n];
        for (var k = 0; k < runs.Count; k++)
        {
            SortRun(order.AsSpan(start[k], start[k + 1] - start[k]), items.AsSpan(start[k], start[k + 1] - start[k]), keys);
        }

        return order;
    }

    /// <summary>Sorts the positions of <paramref name="run"/> by key (ordinal), ties by position.</summary>
    private static void SortRun<TKeys>(Span<int> run, Span<Item> items, TKeys keys)
        where TKeys : struct, IKeys
    {
        if (run.Length < 2)
        {
            return;
        }

        // The prefix every key of the run shares.
        var first = keys.Key(run[0]);
        var common = first.Length;
        for (var k = 1; k < run.Length && common > 0; k++)
        {
            common = first[..common].CommonPrefixLength(keys.Key(run[k]));
        }

        for (var k = 0; k < run.Length; k++)
        {
            var key = keys.Key(run[k])[common..];
            var high = Pack(key, out var saturated);
            var low = saturated ? ulong.MaxValue : key.Length <= 8 ? 0 : Pack(key[8..], out _);
            items[k] = new Item(high, low, run[k]);
        }

        // By the packed characters and position first, as the items' own order (SpanSort calls CompareTo inlined instead
        // of a comparer through a delegate per comparison); items of equal packed characters (keys that agree on the 16
        // characters after the prefix, or saturated ones) then by their texts, then position: the comparer's order,
        // which is total, so the same permutation as one sort with the comparer.
        SpanSort.Sort(items);
        for (var k = 0; k < items.Length;)
        {
            var end = k + 1;
            while (end < items.Length && items[end].High == items[k].High && items[end].Low == items[k].Low)
            {
                end++;
            }

            if (end - k > 1)
            {
                SpanSort.Sort(items[k..end], new ItemOrder<TKeys>(keys, common));
            }

            k = end;
        }

        for (var k = 0; k < run.Length; k++)
        {
            run[k] = items[k].Index;
        }
    }

    /// <summary>
    /// The first 8 characters of <paramref name="key"/> as one integer whose order is the ordinal order of the texts
    /// wherever two integers differ: each character c below 254 is the byte c + 1, the end of the text 0 (and 0 after
    /// it: a shorter text comes first), and a character of 254 or more 255 with every byte after it 255
    /// (<paramref name="saturated"/>), since such characters are not told apart: texts whose integers are equal are
    /// compared as texts.
    /// </summary>
    internal static ulong Pack(ReadOnlySpan<char> key, out bool saturated)
    {
        ulong packed = 0;
        saturated = false;
        for (var j = 0; j < 8; j++)
        {
            ulong b;
            if (saturated)
            {
                b = 255;
            }
            else if (j >= key.Length)
            {
                b = 0;
            }
            else if (key[j] < 254)
            {
                b = (ulong)key[j] + 1;
            }
            else
            {
                b = 255;
                saturated = true;
            }

            packed = (packed << 8) | b;
        }

        return packed;
    }

    /// <summary>Packed characters after a run's common prefix (<see cref="Pack"/>) and the item's position.</summary>
    private readonly record struct Item(ulong High, ulong Low, int Index) : IComparable<Item>
    {
        /// <summary>By packed characters, then position (the texts are the comparer's: <see cref="ItemOrder{TKeys}"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int CompareTo(Item other)
        {
            if (High != other.High)
            {
                return High < other.High ? -1 : 1;
            }

            if (Low != other.Low)
            {
                return Low < other.Low ? -1 : 1;
            }

            return Index - other.Index; // positions are not negative: no overflow
        }
    }

    /// <summary>By packed characters, then (when both are equal) by the key texts after the common prefix, then position.</summary>
    private readonly struct ItemOrder<TKeys>(TKeys keys, int common) : IComparer<Item>
        where TKeys : struct, IKeys
    {
        public int Compare(Item x, Item y)
        {
            if (x.High != y.High)
            {
                return x.High < y.High ? -1 : 1;
            }

            if (x.Low != y.Low)
            {
                return x.Low < y.Low ? -1 : 1;
            }

            if (x.Index == y.Index)
            {
                return 0;
            }

            var c = keys.Key(x.Index)[common..].SequenceCompareTo(keys.Key(y.Index)[common..]);
            return c != 0 ? c : x.Index.CompareTo(y.Index);
        }
    }
}
