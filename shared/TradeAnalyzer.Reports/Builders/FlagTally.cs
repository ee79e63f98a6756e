using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Reports.Builders;

/// <summary>
/// What the upload workbook needs from its flags before writing them, from one pass over them: the flags in score
/// order, the records they point at (<see cref="FlaggedRecords.Keys"/>), each exporter's first flag, counts by code and
/// severity, and the price flags' value at risk by HS digits. The flags are 270,000 objects in score order, scattered in
/// memory: each separate pass (the order check, the record keys, the first flags, the counts, the price groups) paid a
/// cache miss per flag.
/// </summary>
internal sealed class FlagTally
{
    /// <summary>
    /// How many flags ahead the record key's table slot is fetched: nearer than <see cref="FlagPrefetch.Near"/>, whose
    /// prefetch of the flag's strings (the id among them) has then arrived for the key's hash.
    /// </summary>
    private const int KeyAhead = 4;

    private readonly Dictionary<string, string> _digitsOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _groupOf = new(StringComparer.Ordinal);

    private FlagTally(IReadOnlyList<Flag> flags)
    {
        Flags = flags;
        Records = new FlaggedRecords.Keys(flags.Count);
    }

    /// <summary>The flags, highest score first (as given when they already are; else a stable sort by score).</summary>
    public IReadOnlyList<Flag> Flags { get; }

    /// <summary>The declaration lines and invoices the flags point at.</summary>
    public FlaggedRecords.Keys Records { get; }

    /// <summary>Index in <see cref="Flags"/> of the first flag of each exporter key (or name, for flags without a key).</summary>
    public Dictionary<string, int> FirstFlag { get; } = new(StringComparer.Ordinal);

    /// <summary>Flags per <see cref="FlagCode"/> value.</summary>
    public int[] ByCode { get; } = new int[FlagCodes.All.Count];

    /// <summary>Flags per <see cref="Severity"/> value.</summary>
    public int[] BySeverity { get; } = new int[4];

    /// <summary>HS digits of the price flags, in first-seen order (<see cref="PriceHistogram.Digits"/> of the flag's HS code).</summary>
    public List<string> PriceGroups { get; } = [];

    /// <summary>Value at risk of each price group's flags, summed in flag order.</summary>
    public List<double> PriceSums { get; } = [];

    /// <summary>Price flags per group.</summary>
    public List<int> PriceCounts { get; } = [];

    /// <summary>Tallies <paramref name="flags"/>, sorting them first when they are not in score order.</summary>
    public static FlagTally Of(IReadOnlyList<Flag> flags)
    {
        var tally = new FlagTally(flags);
        var previous = double.PositiveInfinity;
        for (var i = 0; i < flags.Count; i++)
        {
            FlagPrefetch.Ahead(flags, i);
            if (i + KeyAhead < flags.Count)
            {
                tally.Records.Prefetch(flags[i + KeyAhead], i + KeyAhead);
            }

            var f = flags[i];
            var score = f.Score;
            if (score > previous)
            {
                // Not in score order (a result made otherwise than by the analysis): start again on the sorted flags.
                return Of(flags.OrderByDescending(x => x.Score).ToList());
            }

            previous = score;
            tally.Add(f, i);
        }

        return tally;
    }

    private void Add(Flag f, int index)
    {
        Records.Add(f, index);
        var key = f.ExporterKey ?? f.ExporterName;
        if (key is not null)
        {
            FirstFlag.TryAdd(key, index);
        }

        var code = f.Code;
        ByCode[(int)code]++;
        BySeverity[(int)f.Severity]++;

        // Price flags grouped by HS digits (first-seen order, sums in flag order), each distinct HS text converted once.
        if (code is not (FlagCode.PriceAboveBaseline or FlagCode.PriceBelowBaseline) || f.HsCode is not { } hs)
        {
            return;
        }

        if (!_digitsOf.TryGetValue(hs, out var digits))
        {
            digits = PriceHistogram.Digits(hs);
            _digitsOf.Add(hs, digits);
        }

        if (!_groupOf.TryGetValue(digits, out var g))
        {
            g = PriceGroups.Count;
            _groupOf.Add(digits, g);
            PriceGroups.Add(digits);
            PriceSums.Add(0);
            PriceCounts.Add(0);
        }

        PriceSums[g] += f.ValueAtRiskUsd ?? 0;
        PriceCounts[g]++;
    }
}
