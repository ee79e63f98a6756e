using TradeAnalyzer.Core.Detection.Mirror;

namespace TradeAnalyzer.Core.Detection.Invoices;

/// <summary>
/// <see cref="NameCache"/> looked up by string instance first: ingestion pools the names of a file (one instance per
/// distinct name), so a name seen before is found by a reference hash instead of hashing its characters, and the
/// previous name is found without any hash. A new instance falls back to the by-value cache, so equal names in
/// different instances get the same normalised name and id.
/// </summary>
internal sealed class InstanceNames
{
    private readonly NameCache _byValue = new();
    private readonly ReferenceIds<string> _instances = new();
    private readonly List<(string Norm, int Id)> _byInstance = [];
    private string? _last;
    private (string Norm, int Id) _lastEntry = (string.Empty, 0);

    /// <summary><see cref="Text.PartyNames.Normalize"/> of <paramref name="name"/> (empty for null or empty).</summary>
    public string Normalize(string? name) => Normalize(name, out _);

    /// <summary>As <see cref="Normalize(string?)"/>, with the normalised name's id (0 for the empty name; equal ids exactly for equal normalised names).</summary>
    public string Normalize(string? name, out int id)
    {
        if (name is null)
        {
            id = 0;
            return string.Empty;
        }

        if (!ReferenceEquals(name, _last))
        {
            var number = _instances.IdOf(name, out var added);
            if (added)
            {
                var norm = _byValue.Normalize(name, out var normId);
                _byInstance.Add((norm, normId));
            }

            _last = name;
            _lastEntry = _byInstance[number];
        }

        id = _lastEntry.Id;
        return _lastEntry.Norm;
    }
}
