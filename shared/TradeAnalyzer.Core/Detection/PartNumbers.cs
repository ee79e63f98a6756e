namespace TradeAnalyzer.Core.Detection;

/// <summary>
/// Numbers shared record parts (route, goods, parties) by reference, 0, 1, 2... in order of first appearance, and keeps
/// them in that order (<see cref="Parts"/>[n] is part n). The last part asked for is remembered: lines of one declaration,
/// and runs of lines in a file, share their parts, so most look-ups are the previous one and cost one comparison.
/// </summary>
internal sealed class PartNumbers<T>(int expected)
    where T : class
{
    private readonly ReferenceIds<T> _ids = new(expected);
    private readonly List<T> _parts = [];
    private T? _last;
    private int _lastNumber;

    /// <summary>The parts in number order.</summary>
    public IReadOnlyList<T> Parts => _parts;

    /// <summary>Number of distinct parts.</summary>
    public int Count => _parts.Count;

    /// <summary>The number of <paramref name="part"/>; <paramref name="added"/> is true the first time it is seen.</summary>
    public int Number(T part, out bool added)
    {
        added = false;
        if (!ReferenceEquals(part, _last))
        {
            _lastNumber = _ids.IdOf(part, out added);
            if (added)
            {
                _parts.Add(part);
            }

            _last = part;
        }

        return _lastNumber;
    }
}
