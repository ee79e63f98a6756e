using System.Runtime.InteropServices;

namespace TradeAnalyzer.Core.Detection;

/// <summary>
/// The records of an analysis as a span, and how far ahead a loop over them prefetches (<see cref="Analysis.CacheHint"/>).
/// A loop that reads one field of each record and of a part it points to spends most of its time waiting for those two
/// cache misses in turn; prefetched ahead, the misses of several records overlap.
/// </summary>
internal static class RecordSpan
{
    /// <summary>How many records ahead a loop prefetches the record itself.</summary>
    internal const int RecordAhead = 16;

    /// <summary>How many records ahead a loop prefetches a part the record points to (the record, prefetched earlier, is then in cache).</summary>
    internal const int PartAhead = 8;

    /// <summary>The records of <paramref name="records"/> as a span when it is a list or an array (what ingestion gives); false otherwise.</summary>
    public static bool Of<T>(IReadOnlyList<T> records, out ReadOnlySpan<T> span)
    {
        switch (records)
        {
            case List<T> list:
                span = CollectionsMarshal.AsSpan(list);
                return true;
            case T[] array:
                span = array;
                return true;
            default:
                span = default;
                return false;
        }
    }
}
