namespace TradeAnalyzer.Core.Reference;

/// <summary>A sanctions entry a screened name matched: the entry, which of its names (primary or alias), and how closely (0-1).</summary>
public sealed record SanctionsMatch(SanctionsEntry Entry, string MatchedName, bool IsAlias, double Similarity);
