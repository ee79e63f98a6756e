namespace TradeAnalyzer.Core.Reference;

/// <summary>One sanctioned party with its aliases (OFAC SDN.CSV + ALT.CSV, or the plain name,country,program,source list).</summary>
public sealed record SanctionsEntry(
    string Id,
    string Name,
    IReadOnlyList<string> Aliases,
    string? Country,
    string Program,
    string Source);

/// <summary>The sanctions list used for SANCTIONED_PARTY screening.</summary>
public sealed class SanctionsList
{
    public SanctionsList(IEnumerable<SanctionsEntry> entries) => Entries = entries.ToList();

    public static SanctionsList Empty { get; } = new([]);

    public IReadOnlyList<SanctionsEntry> Entries { get; }
}
