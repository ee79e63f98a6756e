using System.Runtime.InteropServices;

namespace TradeAnalyzer.Core.Detection.Mirror;

/// <summary>
/// A read-only multimap from keys to item positions stored as one flat array (compressed rows): one dictionary entry
/// per distinct key and no list per key, so indexing hundreds of thousands of declarations allocates little.
/// </summary>
internal sealed class Buckets<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, int> _groups;
    private readonly KeyRanges _ranges;
    private readonly int[] _groupOf;

    /// <summary>Groups items 0..count-1 by <paramref name="keyOf"/> (compared with <paramref name="comparer"/> when given) (items whose key is null,
    /// or that <paramref name="include"/> refuses, are left out); within a group, items are ordered by <paramref name="orderOf"/> when given, else by position.</summary>
    public Buckets(int count, Func<int, TKey?> keyOf, Func<int, int>? orderOf = null, IEqualityComparer<TKey>? comparer = null, Func<int, bool>? include = null)
    {
        _groups = new Dictionary<TKey, int>(Math.Min(count, 1 << 20), comparer);
        var groupOf = _groupOf = new int[count];

        // One look-up per item gives its group number; the layout is the groups' compressed rows (KeyRanges).
        for (var i = 0; i < count; i++)
        {
            if (include is not null && !include(i))
            {
                groupOf[i] = -1;
                continue;
            }

            var key = keyOf(i);
            if (key is null)
            {
                groupOf[i] = -1;
                continue;
            }

            ref var g = ref CollectionsMarshal.GetValueRefOrAddDefault(_groups, key, out var known);
            if (!known)
            {
                g = _groups.Count - 1;
            }

            groupOf[i] = g;
        }

        int[]? orderBy = null;
        if (orderOf is not null)
        {
            orderBy = new int[count];
            for (var i = 0; i < count; i++)
            {
                orderBy[i] = groupOf[i] >= 0 ? orderOf(i) : 0;
            }
        }

        _ranges = new KeyRanges(groupOf, _groups.Count, orderBy);
    }

    /// <summary>Every grouped item, group after group (each group in its order): <see cref="Start"/> and
    /// <see cref="Get(TKey)"/> are ranges of it, so per-item facts laid out in this order are read sequentially.</summary>
    public ReadOnlySpan<int> Items => _ranges.Items;

    /// <summary>The items of <paramref name="key"/> (empty when none).</summary>
    public ReadOnlySpan<int> Get(TKey key) =>
        _groups.TryGetValue(key, out var g) ? Group(g) : [];

    /// <summary>The group number of <paramref name="key"/> (0 to the number of keys - 1), or -1 when no item has it.</summary>
    public int GroupOfKey(TKey key) => _groups.TryGetValue(key, out var g) ? g : -1;

    /// <summary>The group number of item <paramref name="item"/>, or -1 when its key was null.</summary>
    public int GroupOfItem(int item) => _groupOf[item];

    /// <summary>The items of group <paramref name="group"/> (empty when it is negative).</summary>
    public ReadOnlySpan<int> Group(int group) => _ranges.Of(group);

    /// <summary>Where the items of group <paramref name="group"/> begin in <see cref="Items"/>.</summary>
    public int Start(int group) => _ranges.Start(group);
}

/// <summary>
/// Equality of <see cref="long"/> keys with a mixed hash: <see cref="long.GetHashCode"/> XORs the two halves, so keys
/// made of two small ids (<c>(a &lt;&lt; 32) | b</c>, e.g. exporter and importer name ids) collide massively. Seeded per
/// process, so that a file can't choose which pairs of ids meet to make the keys share a hash.
/// </summary>
internal sealed class MixedLongComparer : IEqualityComparer<long>
{
    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue);

    public static MixedLongComparer Instance { get; } = new();

    public bool Equals(long x, long y) => x == y;

    public int GetHashCode(long obj) => (int)((((ulong)obj ^ Seed) * 0x9E3779B97F4A7C15UL) >> 32);
}

/// <summary>
/// Items grouped by small dense keys (0 to a known bound, e.g. the shipment index's shipment-id numbers) as compressed
/// rows indexed by the key itself: the group of a key is a range of one array found through one array read, with no
/// key-to-group table and no per-item group array (a third of the memory of <see cref="Buckets{TKey}"/>, which keeps its
/// groups in one of these behind a key-to-group table, and one random access fewer per look-up). Within a key, items are
/// in ascending position, then sorted by <c>orderBy</c> when given.
/// </summary>
internal sealed class KeyRanges
{
    private readonly int[] _start;
    private readonly int[] _items;

    /// <summary>Groups items 0..keys.Length-1 by <paramref name="keys"/> (0 to <paramref name="keyCount"/> - 1;
    /// negative: left out); within a key, items by ascending position, then sorted by <paramref name="orderBy"/>
    /// (indexed by item) when given.</summary>
    public KeyRanges(int[] keys, int keyCount, int[]? orderBy = null)
    {
        // Counts at each key's slot, then running ends; the items are placed from the last one down, so that each
        // key's slot ends at its first item and its items stay in ascending order (no cursor array).
        var start = _start = new int[keyCount + 1];
        foreach (var key in keys)
        {
            if (key >= 0)
            {
                start[key]++;
            }
        }

        var sum = 0;
        for (var k = 0; k < keyCount; k++)
        {
            sum += start[k];
            start[k] = sum;
        }

        start[keyCount] = sum;
        var items = _items = GC.AllocateUninitializedArray<int>(sum);
        for (var i = keys.Length - 1; i >= 0; i--)
        {
            var key = keys[i];
            if (key >= 0)
            {
                items[--start[key]] = i;
            }
        }

        if (orderBy is null)
        {
            SortKeys = [];
            return;
        }

        var order = SortKeys = GC.AllocateUninitializedArray<int>(sum);
        for (var k = 0; k < order.Length; k++)
        {
            order[k] = orderBy[items[k]];
        }

        for (var k = 0; k < keyCount; k++)
        {
            var length = start[k + 1] - start[k];
            if (length > 1)
            {
                Array.Sort(order, items, start[k], length);
            }
        }
    }

    /// <summary>Every grouped item, key after key (see <see cref="Buckets{TKey}.Items"/>).</summary>
    public int[] Items => _items;

    /// <summary>The number of keys (keys are 0 to this - 1).</summary>
    public int KeyCount => _start.Length - 1;

    /// <summary>The <c>orderBy</c> value of each of <see cref="Items"/> (empty when no order was given): ascending
    /// within each key.</summary>
    public int[] SortKeys { get; }

    /// <summary>Where the items of <paramref name="key"/> begin in <see cref="Items"/> (0 to the key count).</summary>
    public int Start(int key) => _start[key];

    /// <summary>Where the items of <paramref name="key"/> end in <see cref="Items"/>.</summary>
    public int End(int key) => _start[key + 1];

    /// <summary>The items of <paramref name="key"/> (empty when none has it or it is negative).</summary>
    public ReadOnlySpan<int> Of(int key) =>
        key < 0 ? [] : _items.AsSpan(_start[key], _start[key + 1] - _start[key]);
}
