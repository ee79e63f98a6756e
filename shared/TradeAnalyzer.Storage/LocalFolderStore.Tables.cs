using System.Runtime.CompilerServices;
using TradeAnalyzer.Storage.Local;

namespace TradeAnalyzer.Storage;

/// <summary>Table half of the local folder store.</summary>
public sealed partial class LocalFolderStore
{
    /// <summary>How many partitions keep their parsed entities between calls.</summary>
    private const int MaxCachedPartitions = 4096;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, PartitionLog> partitions = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task CreateTableIfNotExistsAsync(string table, CancellationToken ct = default)
    {
        StorageNames.ValidateTable(table);
        Directory.CreateDirectory(Path.Combine(tablesRoot, table));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<TableEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken ct = default)
    {
        StorageNames.ValidateTable(table);
        StorageNames.ValidateKey(partitionKey, nameof(partitionKey));
        StorageNames.ValidateKey(rowKey, nameof(rowKey));
        var tableDir = Path.Combine(tablesRoot, table);
        if (!Directory.Exists(tableDir))
        {
            return null;
        }

        return await Partition(tableDir, partitionKey).GetAsync(rowKey, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<string> InsertAsync(string table, TableEntity entity, CancellationToken ct = default)
    {
        var results = await ApplyAsync(table, [new TableOperation(TableOperationKind.Insert, entity)], ct).ConfigureAwait(false);
        return results[0];
    }

    /// <inheritdoc />
    public async Task<string> UpsertAsync(string table, TableEntity entity, CancellationToken ct = default)
    {
        var results = await ApplyAsync(table, [new TableOperation(TableOperationKind.Upsert, entity)], ct).ConfigureAwait(false);
        return results[0];
    }

    /// <inheritdoc />
    public async Task<string> UpdateAsync(string table, TableEntity entity, string ifMatch, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        var kind = mode == TableUpdateMode.Merge ? TableOperationKind.Merge : TableOperationKind.Update;
        var results = await ApplyAsync(table, [new TableOperation(kind, entity, ifMatch)], ct).ConfigureAwait(false);
        return results[0];
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string table, string partitionKey, string rowKey, string ifMatch = "*", CancellationToken ct = default)
    {
        try
        {
            await ApplyAsync(table, [new TableOperation(TableOperationKind.Delete, new TableEntity(partitionKey, rowKey), ifMatch)], ct).ConfigureAwait(false);
            return true;
        }
        catch (StorageException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task SubmitBatchAsync(string table, IReadOnlyList<TableOperation> operations, CancellationToken ct = default)
    {
        TableBatchRules.Validate(operations);
        await ApplyAsync(table, operations, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<TablePage> QueryPageAsync(string table, string partitionKey, string? rowKeyFrom, string? rowKeyTo, string? continuation, int pageSize = 1000, CancellationToken ct = default)
    {
        StorageNames.ValidateTable(table);
        StorageNames.ValidateKey(partitionKey, nameof(partitionKey));
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, 1000);
        var tableDir = TableDir(table);
        var marker = continuation is null ? null : DecodeToken(continuation);
        var (items, more) = await Partition(tableDir, partitionKey).PageAsync(rowKeyFrom, rowKeyTo, marker, pageSize, ct).ConfigureAwait(false);
        var next = more && items.Count > 0 ? EncodeToken(items[^1].RowKey) : null;
        return new TablePage(items, next);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<TableEntity> QueryAsync(string table, string partitionKey, string? rowKeyFrom = null, string? rowKeyTo = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        string? continuation = null;
        do
        {
            var page = await QueryPageAsync(table, partitionKey, rowKeyFrom, rowKeyTo, continuation, 1000, ct).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                yield return item;
            }

            continuation = page.Continuation;
        }
        while (continuation is not null);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<TableEntity> QueryAllAsync(string table, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var tableDir = TableDir(table);
        var partitions = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories(tableDir))
        {
            var encoded = Path.GetFileName(dir);
            var pk = LocalPaths.DecodeSegment(encoded);
            if (pk is null)
            {
                // A long key's folder is named by its hash: the key is in the entities.
                pk = await PartitionAt(dir).AnyPartitionKeyAsync(ct).ConfigureAwait(false);
                if (pk is null)
                {
                    continue;
                }
            }

            partitions.Add(pk);
        }

        partitions.Sort(StringComparer.Ordinal);
        foreach (var pk in partitions)
        {
            await foreach (var entity in QueryAsync(table, pk, null, null, ct).ConfigureAwait(false))
            {
                yield return entity;
            }
        }
    }

    /// <summary>
    /// Applies operations on one partition under the partition's lock: every condition is checked first, then one
    /// record holding all of them is appended to the partition's log, so a failed condition applies nothing and a
    /// crash mid-write applies nothing either.
    /// </summary>
    private async Task<string[]> ApplyAsync(string table, IReadOnlyList<TableOperation> operations, CancellationToken ct)
    {
        var tableDir = TableDir(table);
        var partitionKey = operations[0].Entity.PartitionKey;
        foreach (var op in operations)
        {
            ArgumentNullException.ThrowIfNull(op);
            ArgumentNullException.ThrowIfNull(op.Entity);
            StorageNames.ValidateKey(op.Entity.PartitionKey, "PartitionKey");
            StorageNames.ValidateKey(op.Entity.RowKey, "RowKey");
            if (op.Kind != TableOperationKind.Delete)
            {
                foreach (var (name, value) in op.Entity.Properties)
                {
                    StorageNames.ValidatePropertyName(name);
                    StorageNames.ValidatePropertyValue(name, value);
                }
            }
        }

        var partition = Partition(tableDir, partitionKey);
        using var gate = await LockAsync("partition", table + "\n" + partitionKey, ct).ConfigureAwait(false);
        return await partition.ApplyAsync(operations, Now, ct).ConfigureAwait(false);
    }

    /// <summary>The (cached) log of a partition.</summary>
    private PartitionLog Partition(string tableDir, string partitionKey) =>
        PartitionAt(LocalPaths.EnsureInside(tableDir, Path.Combine(tableDir, LocalPaths.EncodeSegment(partitionKey))));

    private PartitionLog PartitionAt(string directory)
    {
        if (partitions.TryGetValue(directory, out var log))
        {
            return log;
        }

        if (partitions.Count >= MaxCachedPartitions)
        {
            // Bounded memory on a long-lived host: forget the parsed partitions (they are read again when needed).
            partitions.Clear();
        }

        return partitions.GetOrAdd(directory, d => new PartitionLog(d, tempRoot));
    }

    private string TableDir(string table)
    {
        StorageNames.ValidateTable(table);
        var dir = Path.Combine(tablesRoot, table);
        if (!Directory.Exists(dir))
        {
            throw new StorageException(404, "TableNotFound", $"Table {table} does not exist.");
        }

        return dir;
    }
}
