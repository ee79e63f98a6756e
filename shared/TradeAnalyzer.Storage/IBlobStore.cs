namespace TradeAnalyzer.Storage;

/// <summary>
/// Blob storage as the analyzer uses it: containers of named blobs with metadata, ETag optimistic
/// concurrency and leases. Implemented by <see cref="LocalFolderStore"/> (embedded default) and the
/// Azure Storage REST client (Azure or Azurite); both share the same conditional semantics.
/// </summary>
public interface IBlobStore
{
    /// <summary>Creates the container when it does not exist yet (no error when it does).</summary>
    Task CreateContainerIfNotExistsAsync(string container, CancellationToken ct = default);

    /// <summary>
    /// Writes (creates or replaces) a blob. <see cref="BlobPutOptions.IfNoneMatch"/> "*" creates only;
    /// <see cref="BlobPutOptions.IfMatch"/> replaces only the given version.
    /// </summary>
    /// <exception cref="StorageConflictException">A condition failed (409 or 412).</exception>
    Task<BlobWriteResult> PutAsync(string container, string name, Stream content, BlobPutOptions? options = null, CancellationToken ct = default);

    /// <summary>Opens a blob for reading; null when the blob (or container) does not exist. Dispose the result.</summary>
    Task<BlobDownload?> GetAsync(string container, string name, CancellationToken ct = default);

    /// <summary>Reads a blob's properties and metadata; null when it does not exist.</summary>
    Task<BlobProperties?> GetPropertiesAsync(string container, string name, CancellationToken ct = default);

    /// <summary>
    /// Lists one page of blobs (ordinal name order) whose names start with <paramref name="prefix"/>;
    /// pass the returned continuation back to get the next page (null when finished).
    /// </summary>
    Task<BlobPage> ListPageAsync(string container, string? prefix, string? continuation, int pageSize = 1000, CancellationToken ct = default);

    /// <summary>Lists every blob under the prefix, paging through transparently.</summary>
    IAsyncEnumerable<BlobProperties> ListAsync(string container, string? prefix = null, CancellationToken ct = default);

    /// <summary>Deletes a blob; false when it did not exist.</summary>
    /// <exception cref="StorageConflictException">The ETag did not match or the blob is leased (412/409).</exception>
    Task<bool> DeleteAsync(string container, string name, string? ifMatch = null, CancellationToken ct = default);

    /// <summary>Replaces a blob's metadata (names are case-insensitive C# identifiers, values ASCII).</summary>
    /// <exception cref="StorageConflictException">The ETag did not match (412).</exception>
    /// <exception cref="StorageException">The blob does not exist (404).</exception>
    Task SetMetadataAsync(string container, string name, IReadOnlyDictionary<string, string> metadata, string? ifMatch = null, CancellationToken ct = default);

    /// <summary>
    /// Acquires a lease of 15-60 seconds on an existing blob; returns the lease id, or null when someone
    /// else holds an unexpired lease.
    /// </summary>
    Task<string?> TryAcquireLeaseAsync(string container, string name, TimeSpan duration, CancellationToken ct = default);

    /// <summary>Renews a lease held by <paramref name="leaseId"/>.</summary>
    /// <exception cref="StorageConflictException">The lease is held by someone else or expired and was taken.</exception>
    Task RenewLeaseAsync(string container, string name, string leaseId, CancellationToken ct = default);

    /// <summary>Releases a lease held by <paramref name="leaseId"/>.</summary>
    /// <exception cref="StorageConflictException">The lease id does not match.</exception>
    Task ReleaseLeaseAsync(string container, string name, string leaseId, CancellationToken ct = default);
}
