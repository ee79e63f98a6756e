namespace TradeAnalyzer.SampleData;

/// <summary>A fictitious sanctions entry (plain `name,country,program,source`); an alias is its own row.</summary>
internal sealed record SanctionsEntry(string Name, string Country, string Program, string Source, string? AliasOf);
