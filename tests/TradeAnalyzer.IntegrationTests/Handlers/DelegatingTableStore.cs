using TradeAnalyzer.Storage;

namespace TradeAnalyzer.IntegrationTests.Handlers;

/// <summary>
/// A table store that passes every call to <paramref name="inner"/>: fault-injecting test stores derive from it and
/// override only the batch write they interfere with.
/// </summary>
internal abstract class DelegatingTableStore(ITableStore inner) : ITableStore
{
    /// <summary>The store calls are passed to.</summary>
    protected ITableStore Inner => inner;

    public virtual Task SubmitBatchAsync(string table, IReadOnlyList<TableOperation> operations, CancellationToken ct = default) => inner.SubmitBatchAsync(table, operations, ct);

    public Task CreateTableIfNotExistsAsync(string table, CancellationToken ct = default) => inner.CreateTableIfNotExistsAsync(table, ct);

    public Task<TableEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken ct = default) => inner.GetAsync(table, partitionKey, rowKey, ct);

    public Task<string> InsertAsync(string table, TableEntity entity, CancellationToken ct = default) => inner.InsertAsync(table, entity, ct);

    public Task<string> UpsertAsync(string table, TableEntity entity, CancellationToken ct = default) => inner.UpsertAsync(table, entity, ct);

    public Task<string> UpdateAsync(string table, TableEntity entity, string ifMatch, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken ct = default) => inner.UpdateAsync(table, entity, ifMatch, mode, ct);

    public Task<bool> DeleteAsync(string table, string partitionKey, string rowKey, string ifMatch = "*", CancellationToken ct = default) => inner.DeleteAsync(table, partitionKey, rowKey, ifMatch, ct);

    public Task<TablePage> QueryPageAsync(string table, string partitionKey, string? rowKeyFrom, string? rowKeyTo, string? continuation, int pageSize = 1000, CancellationToken ct = default) => inner.QueryPageAsync(table, partitionKey, rowKeyFrom, rowKeyTo, continuation, pageSize, ct);

    public IAsyncEnumerable<TableEntity> QueryAsync(string table, string partitionKey, string? rowKeyFrom = null, string? rowKeyTo = null, CancellationToken ct = default) => inner.QueryAsync(table, partitionKey, rowKeyFrom, rowKeyTo, ct);

    public IAsyncEnumerable<TableEntity> QueryAllAsync(string table, CancellationToken ct = default) => inner.QueryAllAsync(table, ct);
}
