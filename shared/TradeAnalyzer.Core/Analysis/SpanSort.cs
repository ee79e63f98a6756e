using System.Runtime.CompilerServices;

namespace TradeAnalyzer.Core.Analysis;

/// <summary>
/// The runtime's introspective sort (the same pivots, partitions, insertion-sort threshold and heap-sort fallback as
/// <c>ArraySortHelper</c>, so the same permutation for the same comparisons) over a comparer that is a struct type
/// parameter, compiled once per item type with the comparison inlined.
/// Why: under Native AOT the runtime sorts every <c>Span&lt;T&gt;.Sort()</c> and <c>Array.Sort(T[])</c> through
/// <c>Comparer&lt;T&gt;.Default</c>, two calls per comparison (the JIT runtime instantiates a specialised helper for
/// <see cref="IComparable{T}"/> types by reflection, which an AOT executable does not do). A profile of the AOT build
/// found those calls in the score stage's sorts and the weight detector's (docs/benchmarks.md, twenty-fourth pass).
/// </summary>
internal static class SpanSort
{
    /// <summary>Partitions of this many items or fewer are insertion-sorted (the runtime's threshold).</summary>
    private const int InsertionThreshold = 16;

    /// <summary>Sorts <paramref name="keys"/> by their own order (<see cref="IComparable{T}.CompareTo"/>; value types
    /// only, where the runtime's sort would also order nulls).</summary>
    public static void Sort<T>(Span<T> keys)
        where T : struct, IComparable<T> => Sort(keys, default(OwnOrder<T>));

    /// <summary>Sorts <paramref name="keys"/> by <paramref name="order"/>.</summary>
    public static void Sort<T, TOrder>(Span<T> keys, TOrder order)
        where TOrder : struct, IComparer<T> =>
        Sort(keys, order, 2 * (System.Numerics.BitOperations.Log2((uint)keys.Length) + 1));

    /// <summary>As <see cref="Sort{T, TOrder}(Span{T}, TOrder)"/> with the depth at which the sort turns to heap sort
    /// given (0: heap sort at once), for tests of that path, which random input never reaches.</summary>
    internal static void Sort<T, TOrder>(Span<T> keys, TOrder order, int depthLimit)
        where TOrder : struct, IComparer<T>
    {
        if (keys.Length > 1)
        {
            IntroSort(keys, depthLimit, order);
        }
    }

    /// <summary>A type's own order as a comparer the compiler can inline.</summary>
    private readonly struct OwnOrder<T> : IComparer<T>
        where T : struct, IComparable<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Compare(T x, T y) => x.CompareTo(y);
    }

    private static void IntroSort<T, TOrder>(Span<T> keys, int depthLimit, TOrder order)
        where TOrder : struct, IComparer<T>
    {
        var partitionSize = keys.Length;
        while (partitionSize > 1)
        {
            if (partitionSize <= InsertionThreshold)
            {
                if (partitionSize == 2)
                {
                    SwapIfGreater(keys, order, 0, 1);
                    return;
                }

                if (partitionSize == 3)
                {
                    SwapIfGreater(keys, order, 0, 1);
                    SwapIfGreater(keys, order, 0, 2);
                    SwapIfGreater(keys, order, 1, 2);
                    return;
                }

                InsertionSort(keys[..partitionSize], order);
                return;
            }

            if (depthLimit == 0)
            {
                HeapSort(keys[..partitionSize], order);
                return;
            }

            depthLimit--;
            var p = PickPivotAndPartition(keys[..partitionSize], order);
            IntroSort(keys[(p + 1)..partitionSize], depthLimit, order);
            partitionSize = p;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SwapIfGreater<T, TOrder>(Span<T> keys, TOrder order, int i, int j)
        where TOrder : struct, IComparer<T>
    {
        if (order.Compare(keys[i], keys[j]) > 0)
        {
            (keys[i], keys[j]) = (keys[j], keys[i]);
        }
    }

    private static int PickPivotAndPartition<T, TOrder>(Span<T> keys, TOrder order)
        where TOrder : struct, IComparer<T>
    {
        var hi = keys.Length - 1;
        var middle = hi >> 1;
        SwapIfGreater(keys, order, 0, middle);
        SwapIfGreater(keys, order, 0, hi);
        SwapIfGreater(keys, order, middle, hi);

        var pivot = keys[middle];
        (keys[middle], keys[hi - 1]) = (keys[hi - 1], keys[middle]);
        int left = 0, right = hi - 1;
        while (left < right)
        {
            while (order.Compare(keys[++left], pivot) < 0)
            {
            }

            while (order.Compare(pivot, keys[--right]) < 0)
            {
            }

            if (left >= right)
            {
                break;
            }

            (keys[left], keys[right]) = (keys[right], keys[left]);
        }

        if (left != hi - 1)
        {
            (keys[left], keys[hi - 1]) = (keys[hi - 1], keys[left]);
        }

        return left;
    }

    private static void HeapSort<T, TOrder>(Span<T> keys, TOrder order)
        where TOrder : struct, IComparer<T>
    {
        var n = keys.Length;
        for (var i = n >> 1; i >= 1; i--)
        {
            DownHeap(keys, i, n, order);
        }

        for (var i = n; i > 1; i--)
        {
            (keys[0], keys[i - 1]) = (keys[i - 1], keys[0]);
            DownHeap(keys, 1, i - 1, order);
        }
    }

    private static void DownHeap<T, TOrder>(Span<T> keys, int i, int n, TOrder order)
        where TOrder : struct, IComparer<T>
    {
        var d = keys[i - 1];
        while (i <= n >> 1)
        {
            var child = 2 * i;
            if (child < n && order.Compare(keys[child - 1], keys[child]) < 0)
            {
                child++;
            }

            if (!(order.Compare(d, keys[child - 1]) < 0))
            {
                break;
            }

            keys[i - 1] = keys[child - 1];
            i = child;
        }

        keys[i - 1] = d;
    }

    private static void InsertionSort<T, TOrder>(Span<T> keys, TOrder order)
        where TOrder : struct, IComparer<T>
    {
        for (var i = 0; i < keys.Length - 1; i++)
        {
            var t = keys[i + 1];
            var j = i;
            while (j >= 0 && order.Compare(t, keys[j]) < 0)
            {
                keys[j + 1] = keys[j];
                j--;
            }

            keys[j + 1] = t;
        }
    }
}
