namespace TradeAnalyzer.Storage;

/// <summary>Optional settings and conditions of <see cref="IBlobStore.PutAsync"/>.</summary>
public sealed class BlobPutOptions
{
    /// <summary>MIME type stored with the blob (default application/octet-stream).</summary>
    public string? ContentType { get; init; }

    /// <summary>Metadata stored with the blob (names must be valid C# identifiers; values ASCII).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Write only when the current blob has this ETag ("*" = only when it exists).</summary>
    public string? IfMatch { get; init; }

    /// <summary>"*" = write only when the blob does not exist yet (create only).</summary>
    public string? IfNoneMatch { get; init; }

    /// <summary>The lease id to present when the blob is leased.</summary>
    public string? LeaseId { get; init; }

    /// <summary>Options that create the blob only when it does not exist.</summary>
    public static BlobPutOptions CreateOnly(string? contentType = null) => new() { IfNoneMatch = "*", ContentType = contentType };
}
