using System.Runtime.CompilerServices;
using TradeAnalyzer.Storage.Local;

namespace TradeAnalyzer.Storage;

/// <summary>Table half of the local folder store.</summary>
public sealed partial class LocalFolderStore
{
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
        var path = EntityPath(table, partitionKey, rowKey);
        var bytes = await TryReadAllBytesAsync(path, ct).ConfigureAwait(false);
        return bytes is null ? null : EntityFile.Read(bytes);
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
        catch (StorageException ex) when (ex.Status == 404 && ex.ErrorCode == "ResourceNotFound")
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
        var partitionDir = Path.Combine(tableDir, LocalPaths.EncodeSegment(partitionKey));
        var marker = continuation is null ? null : DecodeToken(continuation);
        var candidates = new List<(string RowKey, string Path)>();
        if (Directory.Exists(partitionDir))
        {
            foreach (var file in Directory.EnumerateFiles(partitionDir, "*.json", SearchOption.TopDirectoryOnly))
            {
                var rowKey = LocalPaths.DecodeSegment(Path.GetFileNameWithoutExtension(file));
                if (rowKey is null)
                {
                    var bytes = await TryReadAllBytesAsync(file, ct).ConfigureAwait(false);
                    if (bytes is null)
                    {
                        continue;
                    }

                    var stored = EntityFile.Read(bytes);
                    if (stored.PartitionKey != partitionKey)
                    {
                        continue;
                    }

                    rowKey = stored.RowKey;
                }

                if ((rowKeyFrom is null || string.CompareOrdinal(rowKey, rowKeyFrom) >= 0)
                    && (rowKeyTo is null || string.CompareOrdinal(rowKey, rowKeyTo) < 0)
                    && (marker is null || string.CompareOrdinal(rowKey, marker) > 0))
                {
                    candidates.Add((rowKey, file));
                }
            }
        }

        candidates.Sort((a, b) => string.CompareOrdinal(a.RowKey, b.RowKey));
        var items = new List<TableEntity>(Math.Min(pageSize, candidates.Count));
        var index = 0;
        for (; index < candidates.Count && items.Count < pageSize; index++)
        {
            var bytes = await TryReadAllBytesAsync(candidates[index].Path, ct).ConfigureAwait(false);
            if (bytes is not null)
            {
                items.Add(EntityFile.Read(bytes));
            }
        }

        var next = index < candidates.Count && items.Count > 0 ? EncodeToken(items[^1].RowKey) : null;
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
                var first = Directory.EnumerateFiles(dir, "*.json").FirstOrDefault();
                var bytes = first is null ? null : await TryReadAllBytesAsync(first, ct).ConfigureAwait(false);
                if (bytes is null)
                {
                    continue;
                }

                pk = EntityFile.Read(bytes).PartitionKey;
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
    /// Applies operations on one partition under the partition's lock: every condition is checked first,
    /// then the new files are written to temp files and renamed into place, so a failed condition applies nothing.
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

        using var gate = await LockAsync("partition", table + "\n" + partitionKey, ct).ConfigureAwait(false);
        var now = Now;
        var plans = new (string Path, byte[]? Bytes)[operations.Count];
        var etags = new string[operations.Count];
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i];
            var path = Path.Combine(tableDir, LocalPaths.EncodeSegment(op.Entity.PartitionKey), LocalPaths.EncodeSegment(op.Entity.RowKey) + ".json");
            var existingBytes = await TryReadAllBytesAsync(path, ct).ConfigureAwait(false);
            var existing = existingBytes is null ? null : EntityFile.Read(existingBytes);
            var prefix = operations.Count > 1 ? $"{i}:" : string.Empty;
            var ifMatch = op.IfMatch ?? "*";
            switch (op.Kind)
            {
                case TableOperationKind.Insert when existing is not null:
                    throw new StorageConflictException(409, "EntityAlreadyExists", $"{prefix}The entity already exists.");
                case TableOperationKind.Update or TableOperationKind.Merge or TableOperationKind.Delete when existing is null:
                    throw new StorageException(404, "ResourceNotFound", $"{prefix}The entity does not exist.");
                case TableOperationKind.Update or TableOperationKind.Merge or TableOperationKind.Delete when ifMatch != "*" && ifMatch != existing!.ETag:
                    throw new StorageConflictException(412, "UpdateConditionNotSatisfied", $"{prefix}The entity changed since it was read.");
            }

            if (op.Kind == TableOperationKind.Delete)
            {
                plans[i] = (path, null);
                continue;
            }

            var target = op.Kind == TableOperationKind.Merge ? existing!.Clone() : new TableEntity(op.Entity.PartitionKey, op.Entity.RowKey);
            foreach (var (name, value) in op.Entity.Properties)
            {
                if (value is null)
                {
                    target.Properties.Remove(name);
                }
                else
                {
                    target.Properties[name] = value is byte[] b ? (byte[])b.Clone() : value;
                }
            }

            etags[i] = "W/\"datetime'" + Uri.EscapeDataString(now.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture)) + "'-" + Guid.NewGuid().ToString("N")[..8] + "\"";
            plans[i] = (path, EntityFile.Write(target, etags[i], now));
        }

        var temps = new string?[plans.Length];
        try
        {
            for (var i = 0; i < plans.Length; i++)
            {
                if (plans[i].Bytes is { } bytes)
                {
                    temps[i] = NewTempPath();
                    await File.WriteAllBytesAsync(temps[i]!, bytes, ct).ConfigureAwait(false);
                }
            }

            for (var i = 0; i < plans.Length; i++)
            {
                if (temps[i] is { } temp)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(plans[i].Path)!);
                    File.Move(temp, plans[i].Path, overwrite: true);
                    temps[i] = null;
                }
                else
                {
                    TryDelete(plans[i].Path);
                }
            }
        }
        finally
        {
            foreach (var temp in temps)
            {
                if (temp is not null)
                {
                    TryDelete(temp);
                }
            }
        }

        return etags;
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

    private string EntityPath(string table, string partitionKey, string rowKey)
    {
        StorageNames.ValidateKey(partitionKey, nameof(partitionKey));
        StorageNames.ValidateKey(rowKey, nameof(rowKey));
        var tableDir = TableDir(table);
        return LocalPaths.EnsureInside(tableDir, Path.Combine(tableDir, LocalPaths.EncodeSegment(partitionKey), LocalPaths.EncodeSegment(rowKey) + ".json"));
    }
}
