using System.Collections.Concurrent;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Scoring;

/// <summary>
/// The flags' <see cref="Flag.Key"/> texts after the code ("code|" is left out: flags of different codes are told apart
/// by the code before the key), written once each into character blocks of exactly the size needed (one per range of
/// flags), with each flag's score and code: what <see cref="FlagOrder"/> compares, for <see cref="KeyedSort"/>.
/// </summary>
internal readonly struct FlagKeys : KeyedSort.IKeys
{
    private readonly Slice[] _slices;

    private FlagKeys(Slice[] slices) => _slices = slices;

    public ReadOnlySpan<char> Key(int index)
    {
        var s = _slices[index];
        return s.Block.AsSpan(s.Start, s.Length);
    }

    /// <summary>
    /// The positions of <paramref name="flags"/> in <see cref="FlagOrder"/> (<c>flags[result[0]]</c> first): score
    /// descending, code, key; two different flags of equal score, code and key (which the detectors never make) by position.
    /// </summary>
    public static int[] Order(IReadOnlyList<Flag> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        var n = flags.Count;
        var slices = new Slice[n];
        var scores = new double[n];
        var codes = new byte[n];
        // Writing the keys is most of the reading of the flags: on every core (a list shorter than one range stays on
        // this thread). Each thread writes into its own scratch block (sized for a range of keys of typical length, or for
        // all of a few flags; grown when needed), copied into a block of the range's exact size. The loop's workers end
        // and are replaced every few ranges (each calls the local init again), so the scratch blocks are handed on
        // through a pool instead of one new 2 MiB block per worker (perf650's score stage allocated ~10 of them).
        var pool = new ConcurrentBag<char[]>();
        Parallel.ForEach(Ranges.Of(n), () => pool.TryTake(out var reused) ? reused : new char[(Math.Min(n, 16_384) * 64) + 64], (range, _, scratch) =>
        {
            var used = 0;
            for (var i = range.Item1; i < range.Item2; i++)
            {
                var f = flags[i];
                if ((uint)f.Code > byte.MaxValue)
                {
                    throw new InvalidOperationException($"Flag code {f.Code} out of range.");
                }

                var start = used;
                Write(f, ref scratch, ref used);
                slices[i] = new Slice(null!, start, used - start);
                scores[i] = f.Score;
                codes[i] = (byte)f.Code;
            }

            var block = scratch.AsSpan(0, used).ToArray();
            for (var i = range.Item1; i < range.Item2; i++)
            {
                slices[i] = slices[i] with { Block = block };
            }

            return scratch;
        }, pool.Add);

        return KeyedSort.Order(scores, codes, new FlagKeys(slices));
    }

    /// <summary><see cref="Flag.Key"/> after the code and its separator (for tests).</summary>
    internal static string KeyAfterCode(Flag flag)
    {
        ArgumentNullException.ThrowIfNull(flag);
        var block = new char[16];
        var used = 0;
        Write(flag, ref block, ref used);
        return new string(block, 0, used);
    }

    /// <summary>Appends <see cref="Flag.Key"/> without "code|" to <paramref name="block"/> (grown when full) at <paramref name="used"/>.</summary>
    private static void Write(Flag f, ref char[] block, ref int used)
    {
        // As the interpolated string of Flag.Key writes it: null texts write nothing, the line number as an int with no
        // format and the current culture.
        Append(f.RecordType.ToText(), ref block, ref used);
        Append('|', ref block, ref used);
        Append(f.DeclarationId, ref block, ref used);
        Append('|', ref block, ref used);
        if (f.LineNo is { } lineNo)
        {
            int written;
            while (!lineNo.TryFormat(block.AsSpan(used), out written, default, null))
            {
                Grow(ref block, used, 16);
            }

            used += written;
        }

        Append('|', ref block, ref used);
        Append(f.InvoiceNumber, ref block, ref used);
        Append('|', ref block, ref used);
        Append(f.ShipmentId, ref block, ref used);
        Append('|', ref block, ref used);
        if (f.RecordType is RecordType.Exporter or RecordType.Corridor)
        {
            Append(f.ExporterKey ?? f.ExporterName, ref block, ref used);
        }

        Append('|', ref block, ref used);
        if (f.RecordType == RecordType.Corridor)
        {
            Append(f.OriginCountry, ref block, ref used);
            Append('-', ref block, ref used);
            Append(f.DestinationCountry, ref block, ref used);
            Append('-', ref block, ref used);
            Append(f.HsCode, ref block, ref used);
            Append('-', ref block, ref used);
            Append(f.Period, ref block, ref used);
        }
    }

    private static void Append(string? text, ref char[] block, ref int used)
    {
        if (text is null)
        {
            return;
        }

        if (block.Length - used < text.Length)
        {
            Grow(ref block, used, text.Length);
        }

        text.CopyTo(block.AsSpan(used));
        used += text.Length;
    }

    private static void Append(char c, ref char[] block, ref int used)
    {
        if (used == block.Length)
        {
            Grow(ref block, used, 1);
        }

        block[used++] = c;
    }

    /// <summary>A bigger block holding the <paramref name="used"/> characters written so far and room for <paramref name="more"/>.</summary>
    private static void Grow(ref char[] block, int used, int more)
    {
        var bigger = new char[Math.Max(block.Length * 2, used + more)];
        block.AsSpan(0, used).CopyTo(bigger);
        block = bigger;
    }

    /// <summary>Where one flag's key is: its range's block, start and length.</summary>
    private readonly record struct Slice(char[] Block, int Start, int Length);
}
