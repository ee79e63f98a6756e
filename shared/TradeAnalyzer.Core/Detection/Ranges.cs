using System.Collections.Concurrent;

namespace TradeAnalyzer.Core.Detection;

/// <summary>Index ranges for parallel loops over records; an empty input gives no range (Partitioner refuses 0..0).</summary>
internal static class Ranges
{
    public static OrderablePartitioner<Tuple<int, int>> Of(int count, int rangeSize = 16_384) =>
        count > 0 ? Partitioner.Create(0, count, rangeSize) : Partitioner.Create(Array.Empty<Tuple<int, int>>());
}
