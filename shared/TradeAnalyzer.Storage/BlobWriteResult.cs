namespace TradeAnalyzer.Storage;

/// <summary>The version written by <see cref="IBlobStore.PutAsync"/>.</summary>
/// <param name="ETag">The new ETag (opaque, compare with ordinal equality).</param>
/// <param name="LastModified">When the blob was written.</param>
public sealed record BlobWriteResult(string ETag, DateTimeOffset LastModified);
