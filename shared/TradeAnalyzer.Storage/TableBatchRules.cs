namespace TradeAnalyzer.Storage;

/// <summary>Entity group transaction rules shared by every store.</summary>
internal static class TableBatchRules
{
    /// <summary>Maximum operations in one batch.</summary>
    public const int MaxOperations = 100;

    /// <summary>Throws unless the batch has 1-100 operations on one partition with distinct row keys.</summary>
    public static void Validate(IReadOnlyList<TableOperation> operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (operations.Count is 0 or > MaxOperations)
        {
            throw new ArgumentException($"A batch holds 1 to {MaxOperations} operations.", nameof(operations));
        }

        var partition = operations[0]?.Entity?.PartitionKey;
        var rows = new HashSet<string>(StringComparer.Ordinal);
        foreach (var op in operations)
        {
            ArgumentNullException.ThrowIfNull(op, nameof(operations));
            ArgumentNullException.ThrowIfNull(op.Entity, nameof(operations));
            if (!string.Equals(op.Entity.PartitionKey, partition, StringComparison.Ordinal))
            {
                throw new ArgumentException("Every operation of a batch must target the same partition.", nameof(operations));
            }

            if (!rows.Add(op.Entity.RowKey))
            {
                throw new ArgumentException("A batch may touch each entity only once.", nameof(operations));
            }
        }
    }
}
