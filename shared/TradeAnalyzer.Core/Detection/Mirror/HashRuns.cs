using System.Runtime.CompilerServices;
using TradeAnalyzer.Core.Analysis;

namespace TradeAnalyzer.Core.Detection.Mirror;

/// <summary>
/// Finds equal keys among many items by sorting (hash, item) pairs instead of probing a hash table: a radix sort
/// reads and writes its arrays sequentially, where a table of a million keys costs a cache and a TLB miss per item on
/// this machine (and more per item as the table outgrows the caches: the look-ups grew faster than the input).
/// Items with equal hashes then sit next to each other, in ascending item order when packed in that order.
/// </summary>
internal static class HashRuns
{
    /// <summary>A (hash, item) pair sorted by <see cref="Sort"/>: the hash in the high 32 bits, the item (at least 0) in the low.</summary>
    public static ulong Pack(int hash, int item) => ((ulong)(uint)hash << 32) | (uint)item;

    /// <summary>The hash of a pair made by <see cref="Pack"/>.</summary>
    public static uint HashOf(ulong pair) => (uint)(pair >> 32);

    /// <summary>The item of a pair made by <see cref="Pack"/>.</summary>
    public static int ItemOf(ulong pair) => (int)(uint)pair;

    /// <summary>
    /// Sorts <paramref name="pairs"/> by hash (the high 32 bits), stably: pairs of equal hashes keep their order.
    /// Four passes of 8 bits through <paramref name="scratch"/> (at least as long), the counts of all four taken in one
    /// read; the result ends in <paramref name="pairs"/>.
    /// </summary>
    public static void Sort(Span<ulong> pairs, Span<ulong> scratch)
    {
        if (scratch.Length < pairs.Length)
        {
            throw new ArgumentException("The scratch buffer is shorter than the pairs.", nameof(scratch));
        }

        scratch = scratch[..pairs.Length];
        Span<int> counts = stackalloc int[4 * 256];
        counts.Clear();
        foreach (var p in pairs)
        {
            counts[(int)((p >> 32) & 0xFF)]++;
            counts[256 + (int)((p >> 40) & 0xFF)]++;
            counts[512 + (int)((p >> 48) & 0xFF)]++;
            counts[768 + (int)(p >> 56)]++;
        }

        var from = pairs;
        var to = scratch;
        for (var pass = 0; pass < 4; pass++)
        {
            var shift = 32 + (8 * pass);
            var offsets = counts.Slice(pass * 256, 256);
            var sum = 0;
            for (var b = 0; b < 256; b++)
            {
                var c = offsets[b];
                offsets[b] = sum;
                sum += c;
            }

            foreach (var p in from)
            {
                to[offsets[(int)((p >> shift) & 0xFF)]++] = p;
            }

            var t = from;
            from = to;
            to = t;
        }
    }

    /// <summary>
    /// For pairs sorted by <see cref="Sort"/> from items packed in ascending order, sets <c>first[item]</c> to the first
    /// (smallest) item equal to it by <paramref name="equality"/> (itself when none): within a run of equal hashes the
    /// items ascend, and each is compared with the run's first and then with the first item of each other key met in
    /// the run so far (nearly always none: different keys with one 32-bit hash are rare).
    /// </summary>
    public static void FirstOfEqual<TEquality>(ReadOnlySpan<ulong> sorted, Span<int> first, TEquality equality)
        where TEquality : struct, IItemEquality
    {
        List<int>? firsts = null;
        for (var a = 0; a < sorted.Length;)
        {
            Ahead(sorted, a, first, equality);
            var hash = HashOf(sorted[a]);
            var head = ItemOf(sorted[a]);
            first[head] = head;
            var b = a + 1;
            for (; b < sorted.Length && HashOf(sorted[b]) == hash; b++)
            {
                Ahead(sorted, b, first, equality);
                var item = ItemOf(sorted[b]);
                if (equality.Equal(head, item))
                {
                    first[item] = head;
                    continue;
                }

                var found = item;
                if (firsts is not null)
                {
                    foreach (var f in firsts)
                    {
                        if (equality.Equal(f, item))
                        {
                            found = f;
                            break;
                        }
                    }
                }

                if (found == item)
                {
                    (firsts ??= []).Add(item);
                }

                first[item] = found;
            }

            firsts?.Clear();
            a = b;
        }
    }

    /// <summary>How many pairs ahead <see cref="FirstOfEqual"/> asks for an item's <c>first</c> slot and its key
    /// (<see cref="IItemEquality.Prefetch"/>).</summary>
    internal const int FetchAhead = 16;

    /// <summary>
    /// In hash order the items are scattered: each pair's write of <c>first[item]</c> and its keys' reads (the run's
    /// items compared) are cache misses at a random place of arrays of a million items, waited for one after another.
    /// Asked for <see cref="FetchAhead"/> pairs ahead (the key's second level, e.g. a string behind an array element,
    /// half as far), the misses of several pairs overlap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Ahead<TEquality>(ReadOnlySpan<ulong> sorted, int at, Span<int> first, TEquality equality)
        where TEquality : struct, IItemEquality
    {
        if (at + FetchAhead < sorted.Length)
        {
            var item = ItemOf(sorted[at + FetchAhead]);
            CacheHint.Element(first, item);
            equality.Prefetch(item, near: false);
        }

        if (at + (FetchAhead / 2) < sorted.Length)
        {
            equality.Prefetch(ItemOf(sorted[at + (FetchAhead / 2)]), near: true);
        }
    }

    /// <summary>A 32-bit hash of a pair of numbers (a packed invoice key) for <see cref="Pack"/> (the radix sort reads all
    /// 32 bits): multiply-shift with odd multipliers drawn per process, so that a file can't choose keys whose pairs share
    /// a hash (<see cref="FirstOfEqual"/> compares the distinct keys of one hash with each other).</summary>
    public static int PairHash(int high, long low) =>
        (int)((((ulong)low * PairMultipliers.Low) + ((ulong)(uint)high * PairMultipliers.High)) >> 32);

    /// <summary>The multipliers of <see cref="PairHash"/> (odd; constants to the JIT once read).</summary>
    private static class PairMultipliers
    {
        public static readonly ulong Low = (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue) | 1;
        public static readonly ulong High = (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue) | 1;
    }

    /// <summary>Whether two items (as packed by <see cref="Pack"/>) have equal keys; a struct, so that
    /// <see cref="FirstOfEqual"/> is compiled for each and the comparison inlined.</summary>
    public interface IItemEquality
    {
        bool Equal(int a, int b);

        /// <summary>Asks for item <paramref name="item"/>'s key ahead of <see cref="Equal"/>: its array elements when
        /// <paramref name="near"/> is false, what they point to (if anything) when true (by then the elements are in).</summary>
        void Prefetch(int item, bool near);
    }
}
