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

    /// <summary>Groups items 0..count-1 by <paramref name="keyOf"/> (items whose key is null are left out); within a
    /// group, items are ordered by <paramref name="orderOf"/> when given, else by position.</summary>
    public Buckets(int count, Func<int, TKey?> keyOf, Func<int, int>? orderOf = null)
    {
        _groups = new Dictionary<TKey, int>(Math.Min(count, 1 << 20));
        var groupOf = new int[count];
        var sizes = new List<int>();
        for (var i = 0; i < count; i++)
        {
            var key = keyOf(i);
            if (key is null)
            {
                groupOf[i] = -1;
                continue;
            }

            if (!_groups.TryGetValue(key, out var g))
            {
                g = _groups.Count;
                _groups.Add(key, g);
                sizes.Add(0);
            }

            groupOf[i] = g;
            sizes[g]++;
        }

        _start = new int[sizes.Count + 1];
        for (var g = 0; g < sizes.Count; g++)
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

            for (var g = 0; g < sizes.Count; g++)
            {
                if (sizes[g] > 1)
                {
                    Array.Sort(keys, _items, _start[g], sizes[g]);
                }
            }
        }
    }

    /// <summary>The items of <paramref name="key"/> (empty when none).</summary>
    public ReadOnlySpan<int> Get(TKey key) =>
        _groups.TryGetValue(key, out var g) ? _items.AsSpan(_start[g], _start[g + 1] - _start[g]) : [];
}
