using System.Runtime.InteropServices;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Scoring;

namespace TradeAnalyzer.Core.Profiles;

/// <summary>
/// Everything an exporter profile needs from the exporter's record flags, from one grouping of the flags by record
/// (instead of one hash set or dictionary of records per figure): flags by code in order of first appearance, distinct
/// flagged, precursor and trade-anomaly records (declarations and shipments, by record key whatever the type), the value
/// at risk (<see cref="RecordScorer.ValueAtRisk"/>) and the highest record scores (<see cref="RecordScorer.Score"/>),
/// with the same groups and the same order of arithmetic as those, so the same figures.
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

    /// <summary>Distinct declaration and shipment records with any flag.</summary>
    public int FlaggedRecords { get; private init; }

    /// <summary>Distinct declaration and shipment records with a precursor flag.</summary>
    public int PrecursorRecords { get; private init; }

    /// <summary>Distinct declaration and shipment records with a trade anomaly (<see cref="ExporterProfiler.IsTradeAnomaly"/>).</summary>
    public int AnomalyRecords { get; private init; }

    /// <summary>The value at risk over the flags: each record counted once, at its largest figure.</summary>
    public double ValueAtRisk { get; private init; }

    /// <summary>The three highest record scores, highest first (fewer when fewer records are flagged).</summary>
    public required double[] TopScores { get; init; }

    /// <summary>Digests one exporter's record flags.</summary>
    public static ExporterFlagDigest Of(List<Flag> flags)
    {
        var byCode = new Dictionary<FlagCode, int>();
        var index = new Dictionary<RecordRef, int>(flags.Count, RecordRef.TypedComparer.Instance);
        var records = new List<RecordRef>();
        var keep = new List<double>();
        var atRisk = new List<double>();
        var kinds = new List<byte>();
        foreach (var f in flags)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(byCode, f.Code, out _)++;
            if (!RecordRef.TryOf(f, out var record))
            {
                continue;
            }

            ref var g = ref CollectionsMarshal.GetValueRefOrAddDefault(index, record, out var known);
            if (!known)
            {
                g = records.Count;
                records.Add(record);
                keep.Add(1.0);
                atRisk.Add(0);
                kinds.Add(f.RecordType is RecordType.Declaration or RecordType.Shipment ? DeclarationOrShipment : (byte)0);
            }

            keep[g] *= RecordScorer.Keep(f.Score);
            if (f.ValueAtRiskUsd is > 0 and var v)
            {
                atRisk[g] = Math.Max(atRisk[g], v);
            }

            if ((kinds[g] & DeclarationOrShipment) != 0)
            {
                kinds[g] |= (byte)((f.Code is FlagCode.PrecursorChemical or FlagCode.PrecursorMisdeclared ? Precursor : 0)
                    | (ExporterProfiler.IsTradeAnomaly(f.Code) ? Anomaly : 0));
            }
        }

        // Value at risk: the records' largest figures summed smallest first, as RecordScorer.ValueAtRisk does.
        var largest = new List<double>(atRisk.Count);
        foreach (var v in atRisk)
        {
            if (v > 0)
            {
                largest.Add(v);
            }
        }

        return new ExporterFlagDigest
        {
            ByCode = byCode,
            FlaggedRecords = DistinctKeys(records, kinds, DeclarationOrShipment),
            PrecursorRecords = DistinctKeys(records, kinds, DeclarationOrShipment | Precursor),
            AnomalyRecords = DistinctKeys(records, kinds, DeclarationOrShipment | Anomaly),
            ValueAtRisk = RecordScorer.SumSmallestFirst(largest),
            TopScores = RecordScorer.TopOfKeeps(CollectionsMarshal.AsSpan(keep), 3),
        };
    }

    /// <summary>
    /// The number of distinct record keys among the records whose kind has all of <paramref name="mask"/>. Records of
    /// one type are distinct by key already; a declaration and a shipment record can share a key, so a set is built
    /// only when both types are present.
    /// </summary>
    private static int DistinctKeys(List<RecordRef> records, List<byte> kinds, byte mask)
    {
        var count = 0;
        var declarations = false;
        var shipments = false;
        for (var g = 0; g < records.Count; g++)
        {
            if ((kinds[g] & mask) == mask)
            {
                count++;
                declarations |= records[g].Type == RecordType.Declaration;
                shipments |= records[g].Type == RecordType.Shipment;
            }
        }

        if (!(declarations && shipments))
        {
            return count;
        }

        var keys = new HashSet<RecordRef>(count, RecordRef.KeyComparer.Instance);
        for (var g = 0; g < records.Count; g++)
        {
            if ((kinds[g] & mask) == mask)
            {
                keys.Add(records[g]);
            }
        }

        return keys.Count;
    }
}
