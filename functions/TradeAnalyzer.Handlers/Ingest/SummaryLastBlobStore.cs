using TradeAnalyzer.Storage;

namespace TradeAnalyzer.Handlers.Ingest;

/// <summary>
/// A blob store view for writing an upload's report while its flags and exporter profiles are still being recorded:
/// every write passes straight through, except the report's summary.json, which first waits for
/// <paramref name="before"/> (and is not written at all when that fails). A report folder with summary.json therefore
/// always means the flags and exporters of the upload are recorded too.
/// </summary>
internal sealed class SummaryLastBlobStore(IBlobStore inner, string container, string summaryName, Task before) : IBlobStore
{
    public async Task<BlobWriteResult> PutAsync(string containerName, string name, Stream content, BlobPutOptions? options = null, CancellationToken ct = default)
    {
        if (string.Equals(containerName, container, StringComparison.Ordinal) && string.Equals(name, summaryName, StringComparison.Ordinal))
        {
            await before.ConfigureAwait(false);
        }

        return await inner.PutAsync(containerName, name, content, options, ct).ConfigureAwait(false);
    }

    public Task CreateContainerIfNotExistsAsync(string containerName, CancellationToken ct = default) => inner.CreateContainerIfNotExistsAsync(containerName, ct);

    public Task<BlobDownload?> GetAsync(string containerName, string name, CancellationToken ct = default) => inner.GetAsync(containerName, name, ct);

    public Task<BlobProperties?> GetPropertiesAsync(string containerName, string name, CancellationToken ct = default) => inner.GetPropertiesAsync(containerName, name, ct);

    public Task<BlobPage> ListPageAsync(string containerName, string? prefix, string? continuation, int pageSize = 1000, CancellationToken ct = default) => inner.ListPageAsync(containerName, prefix, continuation, pageSize, ct);

    public IAsyncEnumerable<BlobProperties> ListAsync(string containerName, string? prefix = null, CancellationToken ct = default) => inner.ListAsync(containerName, prefix, ct);

    public Task<bool> DeleteAsync(string containerName, string name, string? ifMatch = null, CancellationToken ct = default) => inner.DeleteAsync(containerName, name, ifMatch, ct);

    public Task SetMetadataAsync(string containerName, string name, IReadOnlyDictionary<string, string> metadata, string? ifMatch = null, CancellationToken ct = default) => inner.SetMetadataAsync(containerName, name, metadata, ifMatch, ct);

    public Task<string?> TryAcquireLeaseAsync(string containerName, string name, TimeSpan duration, CancellationToken ct = default) => inner.TryAcquireLeaseAsync(containerName, name, duration, ct);

    public Task RenewLeaseAsync(string containerName, string name, string leaseId, CancellationToken ct = default) => inner.RenewLeaseAsync(containerName, name, leaseId, ct);

    public Task ReleaseLeaseAsync(string containerName, string name, string leaseId, CancellationToken ct = default) => inner.ReleaseLeaseAsync(containerName, name, leaseId, ct);
}
