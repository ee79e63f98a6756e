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
    private readonly int[] _start;
    private readonly int[] _items;
    private readonly int[] _groupOf;

    /// <summary>Groups items 0..count-1 by <paramref name="keyOf"/> (compared with <paramref name="comparer"/> when given) (items whose key is null,
    /// or that <paramref name="include"/> refuses, are left out); within a group, items are ordered by <paramref name="orderOf"/> when given, else by position.</summary>
    public Buckets(int count, Func<int, TKey?> keyOf, Func<int, int>? orderOf = null, IEqualityComparer<TKey>? comparer = null, Func<int, bool>? include = null)
    {
        _groups = new Dictionary<TKey, int>(Math.Min(count, 1 << 20), comparer);
        var groupOf = _groupOf = new int[count];

        // Group sizes indexed by group number (at most one group per item): one hash look-up per item.
        var sizes = new int[count];
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
            sizes[g]++;
        }

        (_start, _items) = Layout(groupOf, _groups.Count, sizes, orderOf);
    }

    /// <summary>The items laid out group after group (<paramref name="groupOf"/>: each item's group, -1 for none;
    /// <paramref name="sizes"/>: each group's size), each group ordered by <paramref name="orderOf"/> when given, else
    /// by position: the groups' starts (and the end) and the items.</summary>
    internal static (int[] Start, int[] Items) Layout(int[] groupOf, int groups, int[] sizes, Func<int, int>? orderOf)
    {
        var start = new int[groups + 1];
        for (var g = 0; g < groups; g++)
        {
            start[g + 1] = start[g] + sizes[g];
        }

        var items = new int[start[^1]];
        var cursor = new int[groups];
        Array.Copy(start, cursor, groups);
        for (var i = 0; i < groupOf.Length; i++)
        {
            if (groupOf[i] >= 0)
            {
                items[cursor[groupOf[i]]++] = i;
            }
        }

        if (orderOf is not null)
        {
            var keys = new int[items.Length];
            for (var k = 0; k < keys.Length; k++)
            {
                keys[k] = orderOf(items[k]);
            }

            for (var g = 0; g < groups; g++)
            {
                if (sizes[g] > 1)
                {
                    Array.Sort(keys, items, start[g], sizes[g]);
                }
            }
        }

        return (start, items);
    }

    /// <summary>Every grouped item, group after group (each group in its order): <see cref="Start"/> and
    /// <see cref="Get(TKey)"/> are ranges of it, so per-item facts laid out in this order are read sequentially.</summary>
    public ReadOnlySpan<int> Items => _items;

    /// <summary>The items of <paramref name="key"/> (empty when none).</summary>
    public ReadOnlySpan<int> Get(TKey key) =>
        _groups.TryGetValue(key, out var g) ? Group(g) : [];

    /// <summary>The group number of <paramref name="key"/> (0 to the number of keys - 1), or -1 when no item has it.</summary>
    public int GroupOfKey(TKey key) => _groups.TryGetValue(key, out var g) ? g : -1;

    /// <summary>The group number of item <paramref name="item"/>, or -1 when its key was null.</summary>
    public int GroupOfItem(int item) => _groupOf[item];

    /// <summary>The items of group <paramref name="group"/> (empty when it is negative).</summary>
    public ReadOnlySpan<int> Group(int group) =>
        group < 0 ? [] : _items.AsSpan(_start[group], _start[group + 1] - _start[group]);

    /// <summary>Where the items of group <paramref name="group"/> begin in <see cref="Items"/>.</summary>
    public int Start(int group) => _start[group];
}

/// <summary>
/// <see cref="Buckets{TKey}"/> for keys that are already small dense numbers (0 to a known bound, e.g. the shipment
/// index's shipment-id numbers): key to group through an array, no hashing.
/// </summary>
internal sealed class DenseBuckets
{
    private readonly int[] _groupOfKey;
    private readonly int[] _start;
    private readonly int[] _items;
    private readonly int[] _groupOf;

    /// <summary>Groups items 0..keys.Length-1 by <paramref name="keys"/> (0 to <paramref name="keyCount"/> - 1;
    /// negative: left out), groups numbered in order of first appearance; within a group, items are ordered by
    /// <paramref name="orderOf"/> when given, else by position.</summary>
    public DenseBuckets(int[] keys, int keyCount, Func<int, int>? orderOf = null)
    {
        var groupOfKey = _groupOfKey = new int[keyCount];
        groupOfKey.AsSpan().Fill(-1);
        var count = keys.Length;
        var groupOf = _groupOf = new int[count];
        var sizes = new int[Math.Min(count, keyCount)];
        var groups = 0;
        for (var i = 0; i < count; i++)
        {
            var key = keys[i];
            if (key < 0)
            {
                groupOf[i] = -1;
                continue;
            }

            ref var g = ref groupOfKey[key];
            if (g < 0)
            {
                g = groups++;
            }

            groupOf[i] = g;
            sizes[g]++;
        }

        (_start, _items) = Buckets<int>.Layout(groupOf, groups, sizes, orderOf);
    }

    /// <summary>Every grouped item, group after group (see <see cref="Buckets{TKey}.Items"/>).</summary>
    public ReadOnlySpan<int> Items => _items;

    /// <summary>The group number of <paramref name="key"/>, or -1 when no item has it (or it is negative).</summary>
    public int GroupOfKey(int key) => (uint)key < (uint)_groupOfKey.Length ? _groupOfKey[key] : -1;

    /// <summary>The group number of item <paramref name="item"/>, or -1 when it was left out.</summary>
    public int GroupOfItem(int item) => _groupOf[item];

    /// <summary>The items of group <paramref name="group"/> (empty when it is negative).</summary>
    public ReadOnlySpan<int> Group(int group) =>
        group < 0 ? [] : _items.AsSpan(_start[group], _start[group + 1] - _start[group]);

    /// <summary>Where the items of group <paramref name="group"/> begin in <see cref="Items"/>.</summary>
    public int Start(int group) => _start[group];
}

/// <summary>
/// Equality of <see cref="long"/> keys with a mixed hash: <see cref="long.GetHashCode"/> XORs the two halves, so keys
/// made of two small ids (<c>(a &lt;&lt; 32) | b</c>, e.g. exporter and importer name ids) collide massively.
/// </summary>
internal sealed class MixedLongComparer : IEqualityComparer<long>
{
    public static MixedLongComparer Instance { get; } = new();

    public bool Equals(long x, long y) => x == y;

    public int GetHashCode(long obj) => (int)(((ulong)obj * 0x9E3779B97F4A7C15UL) >> 32);
}
