namespace TradeAnalyzer.Storage;

/// <summary>A blob's system properties and user metadata.</summary>
/// <param name="Name">The blob name within its container.</param>
/// <param name="Length">Size in bytes.</param>
/// <param name="ETag">Current version tag (opaque).</param>
/// <param name="LastModified">Last write time.</param>
/// <param name="ContentType">Stored MIME type.</param>
/// <param name="Metadata">User metadata (case-insensitive names).</param>
public sealed record BlobProperties(
    string Name,
    long Length,
    string ETag,
    DateTimeOffset LastModified,
    string ContentType,
    IReadOnlyDictionary<string, string> Metadata);
