using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Reports;

/// <summary>
/// Asks the processor to fetch the flags a writer will reach soon. The outputs walk 270,000 flags in score order: the
/// flag objects (184 bytes, three cache lines), their strings and their texts (in 60 KiB chunks) lie scattered over a
/// heap far bigger than the caches, so each flag cost a dozen cache misses taken one after another, and perf put most
/// of the flag writers' own samples (flags.csv + flags.json, the workbook's tally and Flags sheet) on the first read of
/// a flag's field. Fetching the flag <see cref="Far"/> places ahead, and the strings and texts of the one
/// <see cref="Near"/> places ahead (whose object is in cache by then), lets those misses overlap with the formatting.
/// A prefetch is only a hint: it never faults and changes nothing (an address the collector has since moved only
/// fetches a useless line), so no pinning is needed. Without SSE (e.g. ARM) nothing is done.
/// </summary>
internal static class FlagPrefetch
{
    /// <summary>How many flags ahead the flag object is fetched.</summary>
    internal const int Far = 16;

    /// <summary>How many flags ahead the flag's strings and texts are fetched.</summary>
    internal const int Near = 8;

    /// <summary>Prefetches for a writer about to write <paramref name="flags"/>[<paramref name="index"/>].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Ahead(IReadOnlyList<Flag> flags, int index)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        var count = flags.Count;
        if (index + Far < count)
        {
            Object(flags[index + Far], lines: 3);
        }

        if (index + Near < count)
        {
            Parts(flags[index + Near]);
        }
    }

    /// <summary>The strings and texts <paramref name="flag"/> refers to (its object should be in cache already).</summary>
    private static void Parts(Flag flag)
    {
        Object(flag.DeclarationId, lines: 1);
        Object(flag.InvoiceNumber, lines: 1);
        Object(flag.ShipmentId, lines: 1);
        Object(flag.ExporterName, lines: 1);
        Object(flag.ImporterName, lines: 1);
        Object(flag.HsCode, lines: 1);
        Object(flag.ExporterKey, lines: 1);
        Object(flag.OriginCountry, lines: 1);
        Object(flag.DestinationCountry, lines: 1);
        if (flag.Texts.TryLocate(out var chunk, out var start))
        {
            // The three lengths, then the expected, observed and explanation texts: ~300 bytes for most flags.
            Element(chunk, start, lines: 5);
        }
    }

    private static unsafe void Object(object? value, int lines)
    {
        if (value is null)
        {
            return;
        }

        var address = (byte*)Unsafe.As<object, nint>(ref value);
        for (var line = 0; line < lines; line++)
        {
            Sse.Prefetch0(address + (line * 64));
        }
    }

    private static unsafe void Element(byte[] array, int start, int lines)
    {
        if ((uint)start >= (uint)array.Length)
        {
            return;
        }

        var address = (byte*)Unsafe.AsPointer(ref array[start]);
        for (var line = 0; line < lines; line++)
        {
            Sse.Prefetch0(address + (line * 64));
        }
    }
}
