namespace TradeAnalyzer.Core.Reference;

/// <summary>One watchlisted precursor chemical or machine (spec 1.3 `watchlist`).</summary>
public sealed record WatchlistEntry(
    string Name,
    IReadOnlyList<string> Synonyms,
    IReadOnlyList<string> CasNumbers,
    IReadOnlyList<string> HsCodes,
    string Control,
    string Source);

/// <summary>The precursor watchlist. The default is ../shared/reference/precursors.csv, embedded in the build.</summary>
public sealed class Watchlist
{
    public Watchlist(IEnumerable<WatchlistEntry> entries) => Entries = entries.ToList();

    public static Watchlist Empty { get; } = new([]);

    public IReadOnlyList<WatchlistEntry> Entries { get; }
}
