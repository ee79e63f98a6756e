namespace TradeAnalyzer.Storage;

/// <summary>
/// Table storage as the analyzer uses it: entities addressed by partition and row key, ETag optimistic
/// concurrency, partition/row-range queries with continuation and atomic single-partition batches.
/// </summary>
public interface ITableStore
{
    /// <summary>Creates the table when it does not exist yet (no error when it does).</summary>
    Task CreateTableIfNotExistsAsync(string table, CancellationToken ct = default);

    /// <summary>Reads one entity; null when it does not exist.</summary>
    Task<TableEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken ct = default);

    /// <summary>Inserts a new entity and returns its ETag.</summary>
    /// <exception cref="StorageConflictException">The entity already exists (409).</exception>
    Task<string> InsertAsync(string table, TableEntity entity, CancellationToken ct = default);

    /// <summary>Inserts or replaces an entity unconditionally and returns its ETag.</summary>
    Task<string> UpsertAsync(string table, TableEntity entity, CancellationToken ct = default);

    /// <summary>
    /// Updates an existing entity when its ETag still equals <paramref name="ifMatch"/> ("*" matches any);
    /// Replace swaps every property, Merge keeps properties not given. Returns the new ETag.
    /// </summary>
    /// <exception cref="StorageConflictException">The entity changed since it was read (412).</exception>
    /// <exception cref="StorageException">The entity does not exist (404).</exception>
    Task<string> UpdateAsync(string table, TableEntity entity, string ifMatch, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken ct = default);

    /// <summary>Deletes an entity; false when it did not exist.</summary>
    /// <exception cref="StorageConflictException">The ETag did not match (412).</exception>
    Task<bool> DeleteAsync(string table, string partitionKey, string rowKey, string ifMatch = "*", CancellationToken ct = default);

    /// <summary>
    /// Queries one page of a partition in row-key order, from <paramref name="rowKeyFrom"/> (inclusive)
    /// to <paramref name="rowKeyTo"/> (exclusive); pass the continuation back for the next page.
    /// </summary>
    Task<TablePage> QueryPageAsync(string table, string partitionKey, string? rowKeyFrom, string? rowKeyTo, string? continuation, int pageSize = 1000, CancellationToken ct = default);

    /// <summary>Queries every entity of a partition in the row-key range, paging through transparently.</summary>
    IAsyncEnumerable<TableEntity> QueryAsync(string table, string partitionKey, string? rowKeyFrom = null, string? rowKeyTo = null, CancellationToken ct = default);

    /// <summary>Reads every entity of the table (partition then row-key order).</summary>
    IAsyncEnumerable<TableEntity> QueryAllAsync(string table, CancellationToken ct = default);

    /// <summary>
    /// Applies up to 100 operations on one partition atomically: either all succeed or none is applied.
    /// </summary>
    /// <exception cref="StorageConflictException">An operation's condition failed; nothing was applied.</exception>
    /// <exception cref="ArgumentException">Empty, more than 100 operations, mixed partitions or duplicate row keys.</exception>
    Task SubmitBatchAsync(string table, IReadOnlyList<TableOperation> operations, CancellationToken ct = default);
}
