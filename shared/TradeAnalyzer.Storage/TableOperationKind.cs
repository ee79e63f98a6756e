namespace TradeAnalyzer.Storage;

/// <summary>The kind of one operation in a batch (<see cref="ITableStore.SubmitBatchAsync"/>).</summary>
public enum TableOperationKind
{
    /// <summary>Insert; fails when the entity exists.</summary>
    Insert = 0,

    /// <summary>Insert or replace unconditionally.</summary>
    Upsert = 1,

    /// <summary>Replace an existing entity, conditional on <see cref="TableOperation.IfMatch"/> (default "*").</summary>
    Update = 2,

    /// <summary>Delete an existing entity, conditional on <see cref="TableOperation.IfMatch"/> (default "*"); fails when missing.</summary>
    Delete = 3,

    /// <summary>Merge into an existing entity, conditional on <see cref="TableOperation.IfMatch"/> (default "*").</summary>
    Merge = 4,
}
