namespace TradeAnalyzer.Storage;

/// <summary>How <see cref="ITableStore.UpdateAsync"/> treats properties not given.</summary>
public enum TableUpdateMode
{
    /// <summary>The entity becomes exactly the given properties.</summary>
    Replace = 0,

    /// <summary>Given properties overwrite, others are kept.</summary>
    Merge = 1,
}
