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
            // Every flag of a record takes part in choosing its shipment (ShipmentRef.Earlier), with or without a figure.
            if (!RecordRef.TryOf(f, out var record) || !ShipmentRef.TryOf(f, out var shipment, out var view))
            {
                continue;
            }

            var v = f.ValueAtRiskUsd is > 0 and var figure ? figure : 0;
            ref var g = ref CollectionsMarshal.GetValueRefOrAddDefault(index, record, out var known);
            if (known)
            {
                records[g] = ShipmentRef.Fold(records[g], shipment, view, v);
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
    /// smallest first (as <see cref="RecordScorer.SumSmallestFirst"/>) so the total does not depend on the records'
    /// order. The records are sorted in place by (shipment, document, figure) and swept once: no collection per
    /// document or shipment.
    /// </summary>
    internal static double Total(List<(ShipmentRef Shipment, ShipmentRef View, double Largest)> records)
    {
        var sorted = CollectionsMarshal.AsSpan(records);
        sorted.Sort(static (a, b) =>
        {
            var c = a.Shipment.CompareTo(b.Shipment);
            if (c == 0)
            {
                c = a.View.CompareTo(b.View);
            }

            return c != 0 ? c : a.Largest.CompareTo(b.Largest);
        });

        var perShipment = new List<double>();
        for (var i = 0; i < sorted.Length;)
        {
            var shipment = sorted[i].Shipment;
            var most = 0.0;
            while (i < sorted.Length && sorted[i].Shipment == shipment)
            {
                var view = sorted[i].View;
                var sum = 0.0;
                for (; i < sorted.Length && sorted[i].Shipment == shipment && sorted[i].View == view; i++)
                {
                    sum += Math.Max(0, sorted[i].Largest);
                }

                most = Math.Max(most, sum);
            }

            if (most > 0)
            {
                perShipment.Add(most);
            }
        }

        return RecordScorer.SumSmallestFirst(perShipment);
    }
}
