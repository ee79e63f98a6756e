using System.Runtime.InteropServices;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Scoring;

/// <summary>
/// Value at risk counted once per shipment. Each record counts at its largest figure (as
/// <see cref="RecordScorer.ValueAtRisk"/>), the records seen on one document (a declaration's lines, an invoice, the
/// reconciled shipment record) are added up, and of the documents of one shipment (<see cref="ShipmentRef"/>) the one
/// that puts the most at risk counts: the export declaration, the import declaration and the mirror comparison of the
/// same consignment are three views of the same money, not three sums of money.
/// </summary>
public static class ShipmentRisk
{
    /// <summary>The value at risk of the record-level flags, each shipment counted once (independent of the flags' order).</summary>
    public static double ValueAtRisk(IEnumerable<Flag> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        var count = flags.TryGetNonEnumeratedCount(out var n) ? n : 0;
        var index = new Dictionary<RecordRef, int>(count, RecordRef.TypedComparer.Instance);
        var records = new List<(ShipmentRef Shipment, ShipmentRef View, double Largest)>(count);
        foreach (var f in flags)
        {
            if (f.ValueAtRiskUsd is not (> 0 and var v) || !RecordRef.TryOf(f, out var record) || !ShipmentRef.TryOf(f, out var shipment, out var view))
            {
                continue;
            }

            ref var g = ref CollectionsMarshal.GetValueRefOrAddDefault(index, record, out var known);
            if (known)
            {
                var r = records[g];
                records[g] = r with { Largest = Math.Max(r.Largest, v) };
            }
            else
            {
                g = records.Count;
                records.Add((shipment, view, v));
            }
        }

        return Total(records);
    }

    /// <summary>
    /// The total of the records' largest figures, summed per document and maximised per shipment; every sum is taken
    /// smallest first (<see cref="RecordScorer.SumSmallestFirst"/>) so the total does not depend on the records' order.
    /// </summary>
    internal static double Total(List<(ShipmentRef Shipment, ShipmentRef View, double Largest)> records)
    {
        var views = new Dictionary<(ShipmentRef, ShipmentRef), List<double>>();
        foreach (var (shipment, view, largest) in records)
        {
            if (largest > 0)
            {
                ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(views, (shipment, view), out _);
                (list ??= []).Add(largest);
            }
        }

        var perShipment = new Dictionary<ShipmentRef, double>(views.Count);
        foreach (var ((shipment, _), values) in views)
        {
            var sum = values.Count == 1 ? values[0] : RecordScorer.SumSmallestFirst(values);
            ref var most = ref CollectionsMarshal.GetValueRefOrAddDefault(perShipment, shipment, out _);
            most = Math.Max(most, sum);
        }

        return RecordScorer.SumSmallestFirst([.. perShipment.Values]);
    }
}
