using System.Runtime.InteropServices;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Scoring;

namespace TradeAnalyzer.Core.Profiles;

/// <summary>
/// Everything an exporter profile needs from the exporter's record flags, from one grouping of the flags by record
/// (instead of one hash set or dictionary of records per figure): flags by code in order of first appearance, distinct
/// flagged, precursor and trade-anomaly shipments (of declaration and shipment records, each shipment counted once
/// however many customs declared it: <see cref="ShipmentRef"/>), the value at risk
/// (<see cref="ShipmentRisk.ValueAtRisk"/>) and the highest record scores (<see cref="RecordScorer.Score"/>), with the
/// same groups and the same order of arithmetic as those, so the same figures.
/// </summary>
internal sealed class ExporterFlagDigest
{
    private const byte DeclarationOrShipment = 1;
    private const byte Precursor = 2;
    private const byte Anomaly = 4;

    private ExporterFlagDigest()
    {
    }

    /// <summary>Flag count per code, in the order the codes first appear among the flags.</summary>
    public required Dictionary<FlagCode, int> ByCode { get; init; }

    /// <summary>Distinct shipments with a flag on a declaration or shipment record.</summary>
    public int FlaggedShipments { get; private init; }

    /// <summary>Distinct shipments with a precursor flag on a declaration or shipment record.</summary>
    public int PrecursorShipments { get; private init; }

    /// <summary>Distinct shipments with a trade anomaly (<see cref="ExporterProfiler.IsTradeAnomaly"/>) on a declaration or shipment record.</summary>
    public int AnomalyShipments { get; private init; }

    /// <summary>The value at risk over the flags: each record at its largest figure, each shipment once (<see cref="ShipmentRisk"/>).</summary>
    public double ValueAtRisk { get; private init; }

    /// <summary>The three highest record scores, highest first (fewer when fewer records are flagged).</summary>
    public required double[] TopScores { get; init; }

    /// <summary>Digests one exporter's record flags.</summary>
    public static ExporterFlagDigest Of(List<Flag> flags) => Of(CollectionsMarshal.AsSpan(flags));

    /// <summary>Digests one exporter's record flags.</summary>
    public static ExporterFlagDigest Of(ReadOnlySpan<Flag> flags)
    {
        var byCode = new Dictionary<FlagCode, int>();
        var index = new Dictionary<RecordRef, int>(flags.Length, RecordRef.TypedComparer.Instance);
        var records = new List<(ShipmentRef Shipment, ShipmentRef View, double Largest)>(flags.Length);
        var keep = new List<double>(flags.Length);
        var kinds = new List<byte>(flags.Length);
        foreach (var f in flags)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(byCode, f.Code, out _)++;
            if (!RecordRef.TryOf(f, out var record) || !ShipmentRef.TryOf(f, out var shipment, out var view))
            {
                continue;
            }

            var figure = f.ValueAtRiskUsd is > 0 and var v ? v : 0;
            ref var g = ref CollectionsMarshal.GetValueRefOrAddDefault(index, record, out var known);
            if (!known)
            {
                g = records.Count;
                records.Add((shipment, view, figure));
                keep.Add(1.0);
                kinds.Add(f.RecordType is RecordType.Declaration or RecordType.Shipment ? DeclarationOrShipment : (byte)0);
            }
            else
            {
                records[g] = ShipmentRef.Fold(records[g], shipment, view, figure);
            }

            keep[g] *= RecordScorer.Keep(f.Score);

            if ((kinds[g] & DeclarationOrShipment) != 0)
            {
                kinds[g] |= (byte)((f.Code is FlagCode.PrecursorChemical or FlagCode.PrecursorMisdeclared ? Precursor : 0)
                    | (ExporterProfiler.IsTradeAnomaly(f.Code) ? Anomaly : 0));
            }
        }

        // Scores first (per record, in any order); then the records grouped by shipment (and document, for the value at
        // risk), which the shipment counts and the value at risk sweep.
        var topScores = RecordScorer.TopOfKeeps(CollectionsMarshal.AsSpan(keep), 3);
        var span = CollectionsMarshal.AsSpan(records);
        var byShipment = ShipmentRisk.GroupOrder(span);
        int flagged = 0, precursor = 0, anomaly = 0;
        for (var i = 0; i < byShipment.Length;)
        {
            var shipment = span[byShipment[i]].Shipment;
            byte k = 0;
            for (; i < byShipment.Length && span[byShipment[i]].Shipment == shipment; i++)
            {
                k |= kinds[byShipment[i]];
            }

            if (k != 0)
            {
                flagged++;
                precursor += (k & Precursor) != 0 ? 1 : 0;
                anomaly += (k & Anomaly) != 0 ? 1 : 0;
            }
        }

        return new ExporterFlagDigest
        {
            ByCode = byCode,
            FlaggedShipments = flagged,
            PrecursorShipments = precursor,
            AnomalyShipments = anomaly,
            ValueAtRisk = ShipmentRisk.Total(span, byShipment),
            TopScores = topScores,
        };
    }
}
