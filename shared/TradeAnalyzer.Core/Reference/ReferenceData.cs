namespace TradeAnalyzer.Core.Reference;

/// <summary>All reference data one analysis uses. Each part has an embedded default and can be replaced from a file.</summary>
public sealed class ReferenceData
{
    public FxTable Fx { get; init; } = FxTable.Empty;

    public Watchlist Watchlist { get; init; } = Watchlist.Empty;

    public JurisdictionList Jurisdictions { get; init; } = JurisdictionList.Empty;

    public SanctionsList Sanctions { get; init; } = SanctionsList.Empty;

    public IReadOnlyList<ExternalBaseline> ExternalBaselines { get; init; } = [];
}
