using System.Numerics;

namespace TradeAnalyzer.Ingestion;

/// <summary>The first size of the read's open-addressing tables (<see cref="CellPartCache{T}"/>, <see cref="PartInterner{T, TShape}"/>).</summary>
internal static class TableSizes
{
    /// <summary>
    /// <paramref name="slots"/> rounded up to a power of two, from <paramref name="least"/> to twice
    /// <paramref name="capacity"/> (the size that holds <paramref name="capacity"/> entries half full, past which a table
    /// never grows).
    /// </summary>
    public static int Start(int slots, int least, int capacity)
    {
        var most = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(capacity, least / 2, 1 << 29) * 2);
        return (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(slots, least, most));
    }
}
