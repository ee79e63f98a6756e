namespace TradeAnalyzer.Core.Reference;

/// <summary>Risk of a jurisdiction (spec 1.3 `jurisdictions`).</summary>
public enum JurisdictionRisk
{
    High,
    Monitored,
    Hub,
}

public sealed record Jurisdiction(string Country, JurisdictionRisk Risk, string Reason, DateOnly? AsOf);

/// <summary>High-risk, monitored and re-export-hub jurisdictions by ISO alpha-2 code.</summary>
public sealed class JurisdictionList
{
    private readonly Dictionary<string, Jurisdiction> _byCountry;

    public JurisdictionList(IEnumerable<Jurisdiction> entries) =>
        _byCountry = entries.GroupBy(e => e.Country, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Last(), StringComparer.OrdinalIgnoreCase);

    public static JurisdictionList Empty { get; } = new([]);

    public IReadOnlyCollection<Jurisdiction> Entries => _byCountry.Values;

    public Jurisdiction? Find(string? country) =>
        country is not null && _byCountry.TryGetValue(country, out var j) ? j : null;
}
