using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace TradeAnalyzer.Core.Detection;

/// <summary>
/// The records of an analysis as a span, and a prefetch of the objects a loop will read a few records later. A loop
/// that reads one field of each record and of a part it points to spends most of its time waiting for those two cache
/// misses in turn; prefetched ahead, the misses of several records overlap.
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

    /// <summary>
    /// Asks the processor to bring the start of <paramref name="item"/> into the caches. Only a hint: a prefetch never
    /// faults, so an address made stale by a collection moving the object costs nothing but the wasted prefetch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Prefetch(object? item)
    {
        if (Sse.IsSupported && item is not null)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.As<RawData>(item).Data));
        }
    }

    /// <summary>The layout of any object's first field, to take its address.</summary>
    private sealed class RawData
    {
        // Never written or instantiated: only its address within another object is taken.
#pragma warning disable CS0649
        public byte Data;
#pragma warning restore CS0649
    }
}
