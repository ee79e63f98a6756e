using System.Runtime.CompilerServices;
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

    /// <summary>The records of <paramref name="records"/> as a span: in place when it is a list or an array (what ingestion
    /// gives), otherwise copied once.</summary>
    public static ReadOnlySpan<T> InPlaceOrCopy<T>(IReadOnlyList<T> records) => Of(records, out var span) ? span : records.ToArray();

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

    /// <summary>
    /// Runs <paramref name="pass"/> over every record in order. When the records are a list or an array, each record is
    /// prefetched <see cref="RecordAhead"/> records ahead and the part it points to (<see cref="IRecordPass{T}.PartOf"/>)
    /// <see cref="PartAhead"/> ahead, so that a pass with little work per record overlaps its cache misses; any other
    /// collection is simply enumerated. The pass is a struct so that both calls inline.
    /// </summary>
    public static void Run<T, TPass>(IReadOnlyList<T> records, ref TPass pass)
        where T : class
        where TPass : struct, IRecordPass<T>
    {
        if (!Of(records, out var span))
        {
            foreach (var record in records)
            {
                pass.Visit(record);
            }

            return;
        }

        for (var i = 0; i < span.Length; i++)
        {
            if (Ahead(span, i) is { } near)
            {
                Analysis.CacheHint.Object(pass.PartOf(near));
            }

            pass.Visit(span[i]);
        }
    }

    /// <summary>
    /// For a loop at record <paramref name="i"/> of <paramref name="span"/>: prefetches the record
    /// <see cref="RecordAhead"/> ahead, and gives the one <see cref="PartAhead"/> ahead (null past the end), whose part
    /// the caller prefetches. A loop over part of the records passes the span cut at the part's end. A loop that reads
    /// fields beyond the record's first cache line asks for <paramref name="recordLines"/> lines of it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T? Ahead<T>(ReadOnlySpan<T> span, int i, int recordLines = 1)
        where T : class
    {
        if (i + RecordAhead < span.Length)
        {
            Analysis.CacheHint.Object(span[i + RecordAhead], recordLines);
        }

        return i + PartAhead < span.Length ? span[i + PartAhead] : null;
    }
}

/// <summary>One pass over the records for <see cref="RecordSpan.Run{T, TPass}"/>: the part of a record to prefetch, and the work per record.</summary>
internal interface IRecordPass<in T>
{
    /// <summary>The object the pass will read through the record (prefetched a few records ahead), or null.</summary>
    object? PartOf(T record);

    /// <summary>The work for one record, in order.</summary>
    void Visit(T record);
}
