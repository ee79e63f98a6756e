namespace TradeAnalyzer.Ingestion;

/// <summary>
/// Shares string instances for repeated cell values (party names, units, ports) so millions of rows keep one copy of
/// each. Bounded: past <see cref="Capacity"/> distinct values it stops pooling and just allocates.
/// </summary>
internal sealed class StringPool
{
    private readonly Dictionary<string, string> _pool = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public StringPool(int capacity = 200_000)
    {
        Capacity = capacity;
        _lookup = _pool.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Capacity { get; }

    public string Get(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return string.Empty;
        }

        if (_lookup.TryGetValue(text, out var s))
        {
            return s;
        }

        s = new string(text);
        if (_pool.Count < Capacity)
        {
            _pool[s] = s;
        }

        return s;
    }

    /// <summary>Forgets the pooled strings (their entries are a large array of references once the pool is big).</summary>
    public void Clear() => _pool.Clear();

    public string? GetOrNull(ReadOnlySpan<char> text) => text.IsEmpty ? null : Get(text);
}
