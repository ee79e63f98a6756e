using System.Runtime.InteropServices;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Scoring;

/// <summary>One group of flags in a breakdown (a flag code, a corridor, a commodity, a week).</summary>
/// <param name="Key">What the flags share.</param>
/// <param name="Flags">How many flags the group has (every level: record, shipment and exporter flags).</param>
/// <param name="ValueAtRiskUsd">The group's value at risk, each shipment counted once (<see cref="ShipmentRisk"/>).</param>
/// <param name="ValueUsd">The declared value of the group's flagged records, each record counted once however many flags it has.</param>
public sealed record RiskGroup<TKey>(TKey Key, int Flags, double ValueAtRiskUsd, double ValueUsd);

/// <summary>
/// Flags broken down by a key with the same value at risk the analysis total uses: within a group, a shipment seen by
/// both customs or flagged by several detectors counts once (at its largest view), and a record's value counts once,
/// not once per flag. A shipment in two groups (two flag codes, say) counts in each: groups are views, not shares of
/// the total.
/// </summary>
public static class RiskBreakdown
{
    /// <summary>
    /// The groups of <paramref name="flags"/> by <paramref name="keyOf"/> (flags whose key is null are left out), in the
    /// order their first flag came.
    /// </summary>
    public static List<RiskGroup<TKey>> By<TKey>(IEnumerable<Flag> flags, Func<Flag, TKey?> keyOf, IEqualityComparer<TKey>? comparer = null)
        where TKey : notnull =>
        [.. Group(flags, keyOf, comparer).Select(g => new RiskGroup<TKey>(g.Key, g.Flags.Count, ShipmentRisk.ValueAtRisk(g.Flags), RecordValue(g.Flags)))];

    /// <summary>
    /// As <see cref="By"/> without the records' value (<see cref="RiskGroup{TKey}.ValueUsd"/> is 0): for charts of the
    /// value at risk, where reaching every record's value again would be wasted.
    /// </summary>
    public static List<RiskGroup<TKey>> ValueAtRiskBy<TKey>(IEnumerable<Flag> flags, Func<Flag, TKey?> keyOf, IEqualityComparer<TKey>? comparer = null)
        where TKey : notnull =>
        [.. Group(flags, keyOf, comparer).Select(g => new RiskGroup<TKey>(g.Key, g.Flags.Count, ShipmentRisk.ValueAtRisk(g.Flags), 0))];

    private static List<(TKey Key, List<Flag> Flags)> Group<TKey>(IEnumerable<Flag> flags, Func<Flag, TKey?> keyOf, IEqualityComparer<TKey>? comparer)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(flags);
        ArgumentNullException.ThrowIfNull(keyOf);
        var index = new Dictionary<TKey, int>(comparer);
        var groups = new List<(TKey Key, List<Flag> Flags)>();
        foreach (var f in flags)
        {
            if (keyOf(f) is not { } key)
            {
                continue;
            }

            ref var g = ref CollectionsMarshal.GetValueRefOrAddDefault(index, key, out var known);
            if (!known)
            {
                g = groups.Count;
                groups.Add((key, []));
            }

            groups[g].Flags.Add(f);
        }

        return groups;
    }

    /// <summary>
    /// The declared value of the flagged records, each record once (at the largest value its flags give: a mirror
    /// record's flags may state the shipment's two sides); exporter- and corridor-level flags name no record and add
    /// nothing. Summed smallest first, so the total does not depend on the flags' order.
    /// </summary>
    public static double RecordValue(IEnumerable<Flag> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        var largest = new Dictionary<RecordRef, double>(RecordRef.TypedComparer.Instance);
        foreach (var f in flags)
        {
            if (f.ValueUsd is not (> 0 and var v) || !RecordRef.TryOf(f, out var record))
            {
                continue;
            }

            ref var have = ref CollectionsMarshal.GetValueRefOrAddDefault(largest, record, out _);
            have = Math.Max(have, v);
        }

        return RecordScorer.SumSmallestFirst([.. largest.Values]);
    }
}
