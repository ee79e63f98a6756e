namespace TradeAnalyzer.Core.Reference;

/// <summary>
/// All reference data one analysis uses. Each part has an embedded default and can be replaced from a file: the watchlist
/// and jurisdictions default to the embedded lists; sanctions to an empty list (the SDN list is supplied by the user).
/// </summary>
public sealed class ReferenceData
{
    public FxTable Fx { get; init; } = FxTable.Empty;

    public Watchlist Watchlist { get; init; } = Watchlist.Default;

    public JurisdictionList Jurisdictions { get; init; } = JurisdictionList.Default;

    public SanctionsList Sanctions { get; init; } = SanctionsList.Empty;

    public IReadOnlyList<ExternalBaseline> ExternalBaselines { get; init; } = [];
}
