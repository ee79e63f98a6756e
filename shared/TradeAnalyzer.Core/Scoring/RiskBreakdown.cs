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
        Breakdown(flags, keyOf, comparer, withValue: true);

    /// <summary>
    /// As <see cref="By"/> without the records' value (<see cref="RiskGroup{TKey}.ValueUsd"/> is 0): for charts of the
    /// value at risk, where reaching every record's value again would be wasted.
    /// </summary>
    public static List<RiskGroup<TKey>> ValueAtRiskBy<TKey>(IEnumerable<Flag> flags, Func<Flag, TKey?> keyOf, IEqualityComparer<TKey>? comparer = null)
        where TKey : notnull =>
        Breakdown(flags, keyOf, comparer, withValue: false);

    private static List<RiskGroup<TKey>> Breakdown<TKey>(IEnumerable<Flag> flags, Func<Flag, TKey?> keyOf, IEqualityComparer<TKey>? comparer, bool withValue)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(flags);
        ArgumentNullException.ThrowIfNull(keyOf);

        // A record's shipment and view are settled over all its flags (ShipmentRef.Earlier), as for the total: a record
        // belongs to one shipment whichever of its flags a group holds.
        var records = new Dictionary<RecordRef, int>(RecordRef.TypedComparer.Instance);
        var shipments = new List<(ShipmentRef Shipment, ShipmentRef View)>();
        var index = new Dictionary<TKey, int>(comparer);
        var groups = new List<(TKey Key, List<(int Record, Flag Flag)> Flags)>();
        foreach (var f in flags)
        {
            var record = -1;
            if (RecordRef.TryOf(f, out var r) && ShipmentRef.TryOf(f, out var shipment, out var view))
            {
                ref var at = ref CollectionsMarshal.GetValueRefOrAddDefault(records, r, out var seen);
                if (!seen)
                {
                    at = shipments.Count;
                    shipments.Add((shipment, view));
                }
                else
                {
                    shipments[at] = ShipmentRef.Earlier(shipments[at], (shipment, view));
                }

                record = at;
            }

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

            groups[g].Flags.Add((record, f));
        }

        var result = new List<RiskGroup<TKey>>(groups.Count);
        foreach (var (key, members) in groups)
        {
            // Each record once, at its largest figure and its largest value within the group (a mirror record's flags
            // may state the shipment's two sides); then each shipment once (ShipmentRisk.Total). Flags of no record
            // (exporter, corridor) add nothing.
            var largest = new Dictionary<int, (double AtRisk, double Value)>();
            foreach (var (record, f) in members)
            {
                if (record >= 0)
                {
                    ref var m = ref CollectionsMarshal.GetValueRefOrAddDefault(largest, record, out _);
                    if (f.ValueAtRiskUsd is > 0 and var v)
                    {
                        m.AtRisk = Math.Max(m.AtRisk, v);
                    }

                    if (withValue && f.ValueUsd is > 0 and var u)
                    {
                        m.Value = Math.Max(m.Value, u);
                    }
                }
            }

            var atRisk = new List<(ShipmentRef Shipment, ShipmentRef View, double Largest)>(largest.Count);
            var values = new List<double>(withValue ? largest.Count : 0);
            foreach (var (record, figures) in largest)
            {
                if (figures.AtRisk > 0)
                {
                    atRisk.Add((shipments[record].Shipment, shipments[record].View, figures.AtRisk));
                }

                if (figures.Value > 0)
                {
                    values.Add(figures.Value);
                }
            }

            // Summed smallest first, so neither figure depends on the flags' order.
            result.Add(new RiskGroup<TKey>(key, members.Count, ShipmentRisk.Total(atRisk), RecordScorer.SumSmallestFirst(values)));
        }

        return result;
    }
}
