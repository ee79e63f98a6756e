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

        var groups = _groups.Count;
        _start = new int[groups + 1];
        for (var g = 0; g < groups; g++)
        {
            _start[g + 1] = _start[g] + sizes[g];
        }

        _items = new int[_start[^1]];
        var cursor = (int[])_start.Clone();
        for (var i = 0; i < count; i++)
        {
            if (groupOf[i] >= 0)
            {
                _items[cursor[groupOf[i]]++] = i;
            }
        }

        if (orderOf is not null)
        {
            var keys = new int[_items.Length];
            for (var k = 0; k < keys.Length; k++)
            {
                keys[k] = orderOf(_items[k]);
            }

            for (var g = 0; g < groups; g++)
            {
                if (sizes[g] > 1)
                {
                    Array.Sort(keys, _items, _start[g], sizes[g]);
                }
            }
        }
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
/// Equality of <see cref="long"/> keys with a mixed hash: <see cref="long.GetHashCode"/> XORs the two halves, so keys
/// made of two small ids (<c>(a &lt;&lt; 32) | b</c>, e.g. exporter and importer name ids) collide massively.
/// </summary>
internal sealed class MixedLongComparer : IEqualityComparer<long>
{
    public static MixedLongComparer Instance { get; } = new();

    public bool Equals(long x, long y) => x == y;

    public int GetHashCode(long obj) => (int)(((ulong)obj * 0x9E3779B97F4A7C15UL) >> 32);
}
