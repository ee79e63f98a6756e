using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace TradeAnalyzer.Core.Analysis;

/// <summary>
/// Asks the processor to bring an object, or a stretch of a byte array, into the caches ahead of a loop reaching it.
/// A pass over millions of records (or 270,000 flags in score order) that reads a field of each object and of the
/// objects it points to waits for those cache misses one after another; fetched a few items ahead, the misses of
/// several items overlap with the work. Used by the sanctions scan (<c>Detection/RecordSpan</c>) and the outputs' flag
/// writers (<c>TradeAnalyzer.Reports.FlagPrefetch</c>). A prefetch is only a hint: it never faults and changes nothing,
/// so no pinning is needed (an address the collector has since moved only fetches a useless line). Without SSE (e.g.
/// ARM) nothing is done.
/// </summary>
internal static class CacheHint
{
    private const int LineBytes = 64;

    /// <summary>The first <paramref name="lines"/> cache lines of <paramref name="value"/>, from its header on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Object(object? value, int lines = 1)
    {
        if (!Sse.IsSupported || value is null)
        {
            return;
        }

        var address = (byte*)Unsafe.As<object, nint>(ref value);
        for (var line = 0; line < lines; line++)
        {
            Sse.Prefetch0(address + (line * LineBytes));
        }
    }

    /// <summary><paramref name="lines"/> cache lines of <paramref name="array"/> from <paramref name="start"/> on (nothing when out of range).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Bytes(byte[] array, int start, int lines)
    {
        if (!Sse.IsSupported || (uint)start >= (uint)array.Length)
        {
            return;
        }

        var address = (byte*)Unsafe.AsPointer(ref array[start]);
        for (var line = 0; line < lines; line++)
        {
            Sse.Prefetch0(address + (line * LineBytes));
        }
    }

    /// <summary>Fetches the cache line of <paramref name="array"/>'s element <paramref name="index"/> (nothing when out of range).</summary>
    /// <remarks>For tables of structs probed at a hash's slot (the outputs' flagged-record keys): the slot is asked for
    /// while the items before it are worked on. The array is seen as a span without <c>AsSpan</c>'s covariance check (a
    /// prefetch reads nothing), so that both overloads share one body.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Element<T>(T[] array, int index) =>
        Element(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(array), array.Length), index);

    /// <summary>Fetches the cache line of <paramref name="span"/>'s element <paramref name="index"/> (nothing when out of
    /// range). The span's memory is not pinned: if the collector moves it meanwhile, the hint fetches a useless line.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Element<T>(Span<T> span, int index)
    {
        if (!Sse.IsSupported || (uint)index >= (uint)span.Length)
        {
            return;
        }

        Sse.Prefetch0(Unsafe.AsPointer(ref span[index]));
    }
}
