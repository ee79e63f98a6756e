using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Reports;

/// <summary>
/// Asks the processor to fetch the flags a writer will reach soon. The outputs walk 270,000 flags in score order: the
/// flag objects (184 bytes, three cache lines), their strings and their texts (in 60 KiB chunks) lie scattered over a
/// heap far bigger than the caches, so each flag cost a dozen cache misses taken one after another, and perf put most
/// of the flag writers' own samples (flags.csv + flags.json, the workbook's tally and Flags sheet) on the first read of
/// a flag's field. Fetching the flag <see cref="Far"/> places ahead, and the strings and texts of the one
/// <see cref="Near"/> places ahead (whose object is in cache by then), lets those misses overlap with the formatting.
/// The prefetch itself is Core's <see cref="CacheHint"/> (a hint that never faults; nothing without SSE).
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
            CacheHint.Object(flags[index + Far], lines: 3);
        }

        if (index + Near < count)
        {
            Parts(flags[index + Near]);
        }
    }

    /// <summary>
    /// Writes every flag of <paramref name="flags"/> in order with <paramref name="write"/>; when they are a list (the
    /// analysis's flags in score order, scattered in memory), each later flag is fetched ahead of its turn.
    /// </summary>
    public static void ForEach<TState>(IEnumerable<Flag> flags, TState state, Action<TState, Flag> write)
    {
        if (flags is IReadOnlyList<Flag> list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                Ahead(list, i);
                write(state, list[i]);
            }

            return;
        }

        foreach (var flag in flags)
        {
            write(state, flag);
        }
    }

    /// <summary>The strings and texts <paramref name="flag"/> refers to (its object should be in cache already).</summary>
    private static void Parts(Flag flag)
    {
        CacheHint.Object(flag.DeclarationId, lines: 1);
        CacheHint.Object(flag.InvoiceNumber, lines: 1);
        CacheHint.Object(flag.ShipmentId, lines: 1);
        CacheHint.Object(flag.ExporterName, lines: 1);
        CacheHint.Object(flag.ImporterName, lines: 1);
        CacheHint.Object(flag.HsCode, lines: 1);
        CacheHint.Object(flag.ExporterKey, lines: 1);
        CacheHint.Object(flag.OriginCountry, lines: 1);
        CacheHint.Object(flag.DestinationCountry, lines: 1);
        if (flag.Texts.TryLocate(out var chunk, out var start))
        {
            // The three lengths, then the expected, observed and explanation texts: ~300 bytes for most flags.
            CacheHint.Bytes(chunk, start, lines: 5);
        }
    }
}
