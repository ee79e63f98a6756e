namespace TradeAnalyzer.Storage;

/// <summary>One page of a table query.</summary>
/// <param name="Items">The entities of this page in key order.</param>
/// <param name="Continuation">Opaque token for the next page; null when the query is complete.</param>
public sealed record TablePage(IReadOnlyList<TableEntity> Items, string? Continuation);
