using System.Runtime.CompilerServices;

namespace TradeAnalyzer.Core.Detection.Mirror;

/// <summary>
/// Sorts the mirror's candidates into <see cref="MirrorDetector.CandidateOrder"/> (best score first, then export, then
/// import position) without a comparer: the matching adds candidates export by export, so each export's candidates
/// are put in import order (a few each, by insertion), and a stable radix sort on the score's bits (least significant
/// byte first, bytes that every candidate shares skipped) then orders them by score, keeping that (export, import)
/// order among equal scores. About a million comparer calls on 16-byte structs become a few sequential passes.
/// </summary>
internal static class CandidateSort
{
    /// <summary>Sorts <paramref name="items"/> into <see cref="MirrorDetector.CandidateOrder"/>;
    /// <paramref name="scratch"/>: at least as long as <paramref name="items"/> (its contents are overwritten).
    /// Items not grouped by ascending export are sorted with the comparer (same order).</summary>
    public static void Sort(Span<MirrorDetector.Candidate> items, Span<MirrorDetector.Candidate> scratch)
    {
        var n = items.Length;
        if (n < 2)
        {
            return;
        }

        if (scratch.Length < n)
        {
            throw new ArgumentException("The scratch buffer is shorter than the items.", nameof(scratch));
        }

        // Each export's run in import order (insertion: runs are short, at most a few dozen candidates).
        var runStart = 0;
        for (var k = 1; k <= n; k++)
        {
            if (k < n && items[k].Export == items[runStart].Export)
            {
                continue;
            }

            if (k < n && items[k].Export < items[runStart].Export)
            {
                items.Sort(default(MirrorDetector.CandidateOrder));
                return;
            }

            for (var j = runStart + 1; j < k; j++)
            {
                var item = items[j];
                var at = j;
                while (at > runStart && items[at - 1].Import > item.Import)
                {
                    items[at] = items[at - 1];
                    at--;
                }

                items[at] = item;
            }

            runStart = k;
        }

        // One histogram per byte of the key, counted in one pass; a byte with a single value is skipped.
        Span<int> counts = stackalloc int[8 * 256];
        counts.Clear();
        foreach (var item in items)
        {
            var key = Key(item.Score);
            for (var d = 0; d < 8; d++)
            {
                counts[(d << 8) | (int)((key >> (d * 8)) & 0xFF)]++;
            }
        }

        var source = items;
        var target = scratch[..n];
        for (var d = 0; d < 8; d++)
        {
            var digit = counts.Slice(d << 8, 256);
            var trivial = false;
            var sum = 0;
            for (var b = 0; b < 256; b++)
            {
                var c = digit[b];
                trivial |= c == n;
                digit[b] = sum;
                sum += c;
            }

            if (trivial)
            {
                continue;
            }

            var shift = d * 8;
            foreach (var item in source)
            {
                target[digit[(int)((Key(item.Score) >> shift) & 0xFF)]++] = item;
            }

            var swap = source;
            source = target;
            target = swap;
        }

        if (source != items)
        {
            source.CopyTo(items);
        }
    }

    /// <summary>
    /// A key whose ascending unsigned order is the descending order of <see cref="double.CompareTo(double)"/>: the IEEE
    /// bits with the sign flipped (negatives: all bits flipped), then complemented; -0 as 0 (CompareTo: equal) and NaN
    /// last (CompareTo: below every number).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Key(double score)
    {
        if (double.IsNaN(score))
        {
            return ulong.MaxValue;
        }

        var bits = score == 0 ? 0UL : (ulong)BitConverter.DoubleToInt64Bits(score);
        var ascending = (bits & 0x8000_0000_0000_0000UL) != 0 ? ~bits : bits | 0x8000_0000_0000_0000UL;
        return ~ascending;
    }
}
