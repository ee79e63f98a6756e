namespace TradeAnalyzer.Ingestion;

/// <summary>A span-keyed cache of parsed values (HS codes, lists, exporter keys) that stops growing at a fixed size.</summary>
internal sealed class BoundedCache<T>
{
    private readonly Dictionary<string, T> _map = new(StringComparer.Ordinal);
    private readonly Dictionary<string, T>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _capacity;

    public BoundedCache(int capacity = 100_000)
    {
        _capacity = capacity;
        _lookup = _map.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public bool TryGet(ReadOnlySpan<char> key, out T value) => _lookup.TryGetValue(key, out value!);

    /// <summary>Forgets every value.</summary>
    public void Clear() => _map.Clear();

    public void Add(ReadOnlySpan<char> key, T value)
    {
        if (_map.Count < _capacity)
        {
            _lookup.TryAdd(key, value);
        }
    }
}
