namespace TradeAnalyzer.Storage;

/// <summary>One operation of an atomic batch.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="Entity">The entity (only keys are used for deletes).</param>
/// <param name="IfMatch">ETag condition for Update/Merge/Delete; null means "*".</param>
public sealed record TableOperation(TableOperationKind Kind, TableEntity Entity, string? IfMatch = null);
