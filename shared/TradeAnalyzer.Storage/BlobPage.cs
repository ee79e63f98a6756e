namespace TradeAnalyzer.Storage;

/// <summary>One page of a blob listing.</summary>
/// <param name="Items">The blobs of this page in ordinal name order.</param>
/// <param name="Continuation">Opaque token for the next page; null when the listing is complete.</param>
public sealed record BlobPage(IReadOnlyList<BlobProperties> Items, string? Continuation);
