using TradeAnalyzer.Storage;

namespace TradeAnalyzer.IntegrationTests.Handlers;

/// <summary>
/// Gives each test its own containers and tables inside one shared Azurite account: container `incoming` becomes
/// `{prefix}-incoming` and table `Uploads` becomes `{Prefix}Uploads`. Everything else passes through unchanged.
/// </summary>
internal sealed class PrefixedBlobStore(IBlobStore inner, string prefix) : IBlobStore
{
    private string C(string container) => prefix + "-" + container;

    public Task CreateContainerIfNotExistsAsync(string container, CancellationToken ct = default) => inner.CreateContainerIfNotExistsAsync(C(container), ct);

    public Task<BlobWriteResult> PutAsync(string container, string name, Stream content, BlobPutOptions? options = null, CancellationToken ct = default) => inner.PutAsync(C(container), name, content, options, ct);

    public Task<BlobDownload?> GetAsync(string container, string name, CancellationToken ct = default) => inner.GetAsync(C(container), name, ct);

    public Task<BlobProperties?> GetPropertiesAsync(string container, string name, CancellationToken ct = default) => inner.GetPropertiesAsync(C(container), name, ct);

    public Task<BlobPage> ListPageAsync(string container, string? prefix, string? continuation, int pageSize = 1000, CancellationToken ct = default) => inner.ListPageAsync(C(container), prefix, continuation, pageSize, ct);

    public IAsyncEnumerable<BlobProperties> ListAsync(string container, string? prefix = null, CancellationToken ct = default) => inner.ListAsync(C(container), prefix, ct);

    public Task<bool> DeleteAsync(string container, string name, string? ifMatch = null, CancellationToken ct = default) => inner.DeleteAsync(C(container), name, ifMatch, ct);

    public Task SetMetadataAsync(string container, string name, IReadOnlyDictionary<string, string> metadata, string? ifMatch = null, CancellationToken ct = default) => inner.SetMetadataAsync(C(container), name, metadata, ifMatch, ct);

    public Task<string?> TryAcquireLeaseAsync(string container, string name, TimeSpan duration, CancellationToken ct = default) => inner.TryAcquireLeaseAsync(C(container), name, duration, ct);

    public Task RenewLeaseAsync(string container, string name, string leaseId, CancellationToken ct = default) => inner.RenewLeaseAsync(C(container), name, leaseId, ct);

    public Task ReleaseLeaseAsync(string container, string name, string leaseId, CancellationToken ct = default) => inner.ReleaseLeaseAsync(C(container), name, leaseId, ct);
}

/// <summary>The table side of <see cref="PrefixedBlobStore"/>.</summary>
internal sealed class PrefixedTableStore(ITableStore inner, string prefix) : ITableStore
{
    private string T(string table) => prefix + table;

    public Task CreateTableIfNotExistsAsync(string table, CancellationToken ct = default) => inner.CreateTableIfNotExistsAsync(T(table), ct);

    public Task<TableEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken ct = default) => inner.GetAsync(T(table), partitionKey, rowKey, ct);

    public Task<string> InsertAsync(string table, TableEntity entity, CancellationToken ct = default) => inner.InsertAsync(T(table), entity, ct);

    public Task<string> UpsertAsync(string table, TableEntity entity, CancellationToken ct = default) => inner.UpsertAsync(T(table), entity, ct);

    public Task<string> UpdateAsync(string table, TableEntity entity, string ifMatch, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken ct = default) => inner.UpdateAsync(T(table), entity, ifMatch, mode, ct);

    public Task<bool> DeleteAsync(string table, string partitionKey, string rowKey, string ifMatch = "*", CancellationToken ct = default) => inner.DeleteAsync(T(table), partitionKey, rowKey, ifMatch, ct);

    public Task<TablePage> QueryPageAsync(string table, string partitionKey, string? rowKeyFrom, string? rowKeyTo, string? continuation, int pageSize = 1000, CancellationToken ct = default) => inner.QueryPageAsync(T(table), partitionKey, rowKeyFrom, rowKeyTo, continuation, pageSize, ct);

    public IAsyncEnumerable<TableEntity> QueryAsync(string table, string partitionKey, string? rowKeyFrom = null, string? rowKeyTo = null, CancellationToken ct = default) => inner.QueryAsync(T(table), partitionKey, rowKeyFrom, rowKeyTo, ct);

    public IAsyncEnumerable<TableEntity> QueryAllAsync(string table, CancellationToken ct = default) => inner.QueryAllAsync(T(table), ct);

    public Task SubmitBatchAsync(string table, IReadOnlyList<TableOperation> operations, CancellationToken ct = default) => inner.SubmitBatchAsync(T(table), operations, ct);
}
