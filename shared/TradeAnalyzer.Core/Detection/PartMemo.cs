using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Detection;

/// <summary>
/// A value worked out once per shared record part (by reference: a part never changes once a record holds it) instead
/// of once per line, for one thread of one detector run: a route verdict per route part, an exporter key per parties
/// part. The last part asked for is remembered (lines of one declaration share their parts). Bounded: records that
/// share no parts stop being remembered after <see cref="MaxRemembered"/> parts and are worked out each time.
/// </summary>
internal sealed class PartMemo<TPart, TValue>(Func<DeclarationLine, TValue> compute)
    where TPart : class
{
    private const int MaxRemembered = 1 << 16;
    private readonly ReferenceIds<TPart> _parts = new(1024);
    private readonly List<TValue> _values = [];
    private TPart? _last;
    private TValue _lastValue = default!;

    /// <summary>The value for <paramref name="line"/>, whose part (the one the value depends on) is <paramref name="part"/>.</summary>
    public TValue Of(TPart part, DeclarationLine line)
    {
        if (ReferenceEquals(part, _last))
        {
            return _lastValue;
        }

        TValue value;
        if (_parts.TryGetId(part, out var id))
        {
            value = _values[id];
        }
        else
        {
            value = compute(line);
            if (_parts.Count < MaxRemembered)
            {
                _parts.IdOf(part, out _);
                _values.Add(value);
            }
        }

        _last = part;
        _lastValue = value;
        return value;
    }
}
