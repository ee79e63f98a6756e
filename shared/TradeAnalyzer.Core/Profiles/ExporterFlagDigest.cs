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
    public static ExporterFlagDigest Of(ReadOnlySpan<Flag> flags) => Of(flags, new Scratch());

    /// <summary>Digests one exporter's record flags with <paramref name="scratch"/> (grouped here; for tests).</summary>
    internal static ExporterFlagDigest Of(ReadOnlySpan<Flag> flags, Scratch scratch)
    {
        var groups = FlagGroups.Of(flags.ToArray());
        var all = new int[flags.Length];
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = i;
        }

        return Of(all, groups, scratch);
    }

    /// <summary>
    /// Digests one exporter's record flags, the flags at <paramref name="positions"/> of <paramref name="groups"/>'s
    /// flags, with one thread's <paramref name="scratch"/> (reused exporter after exporter: the profile digests ~1,900
    /// exporters). The records come numbered from the grouping the score stage made (<see cref="FlagGroups"/>), so no
    /// flag's id texts are read or hashed here: an exporter's records are numbered in order of first appearance through
    /// a stamp per record of the whole grouping, and each record's shipment, view and their hashes are the grouping's
    /// (a record whose flags name different pairs is settled from this exporter's flags alone, as before).
    /// </summary>
    internal static ExporterFlagDigest Of(ReadOnlySpan<int> positions, FlagGroups groups, Scratch scratch)
    {
        var byCode = new Dictionary<FlagCode, int>();
        var facts = groups.Facts;
        var mixed = groups.Mixed;
        var pairs = groups.Shipments;
        var (stamp, local, current) = scratch.Reset(groups.Records.Count);
        var records = scratch.Shipments;
        records.Clear();
        var keep = scratch.Keep;
        keep.Clear();
        var kinds = scratch.Kinds;
        kinds.Clear();
        var groupOf = scratch.Groups;
        groupOf.Clear();
        foreach (var k in positions)
        {
            ref readonly var fact = ref facts[k];
            CollectionsMarshal.GetValueRefOrAddDefault(byCode, (FlagCode)fact.Code, out _)++;
            var g = fact.Group;
            if (g < 0)
            {
                continue;
            }

            var figure = fact.AtRisk > 0 ? fact.AtRisk : 0;
            int r;
            if (stamp[g] != current)
            {
                stamp[g] = current;
                r = local[g] = records.Count;
                var (shipment, view) = mixed[g] ? PairOf(groups.Flags[k]) : pairs[g];
                records.Add((shipment, view, figure));
                keep.Add(1.0);
                kinds.Add(fact.RecordType is RecordType.Declaration or RecordType.Shipment ? DeclarationOrShipment : (byte)0);
                groupOf.Add(g);
            }
            else
            {
                r = local[g];
                if (mixed[g])
                {
                    var (shipment, view) = PairOf(groups.Flags[k]);
                    records[r] = ShipmentRef.Fold(records[r], shipment, view, figure);
                }
                else
                {
                    // The same pair: Fold keeps it and the larger figure.
                    records[r] = records[r] with { Largest = Math.Max(records[r].Largest, figure) };
                }
            }

            keep[r] *= RecordScorer.Keep(fact.Score);

            if ((kinds[r] & DeclarationOrShipment) != 0)
            {
                var code = (FlagCode)fact.Code;
                kinds[r] |= (byte)((code is FlagCode.PrecursorChemical or FlagCode.PrecursorMisdeclared ? Precursor : 0)
                    | (ExporterProfiler.IsTradeAnomaly(code) ? Anomaly : 0));
            }
        }

        // Scores first (per record, in any order); then the records grouped by shipment (and document, for the value at
        // risk), which the shipment counts and the value at risk sweep.
        var topScores = RecordScorer.TopOfKeeps(CollectionsMarshal.AsSpan(keep), 3);
        var span = CollectionsMarshal.AsSpan(records);
        var items = new ShipmentRisk.Item[span.Length];
        for (var r = 0; r < items.Length; r++)
        {
            var g = groupOf[r];
            var hash = mixed[g] ? ShipmentRisk.PairHash(span[r].Shipment, span[r].View) : groups.PairHashes[g];
            items[r] = new ShipmentRisk.Item(hash, span[r].Largest, r);
        }

        var byShipment = ShipmentRisk.GroupOrder(span, items);
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

    /// <summary>The shipment and view of a flag of a record (which has them).</summary>
    private static (ShipmentRef Shipment, ShipmentRef View) PairOf(Flag f)
    {
        _ = ShipmentRef.TryOf(f, out var shipment, out var view);
        return (shipment, view);
    }

    /// <summary>
    /// One thread's buffers for digesting exporters one after the other: the per-record lists, and a stamp and a local
    /// number per record of the grouping (a record is this exporter's when its stamp is the current one: a new stamp
    /// forgets every record without clearing).
    /// </summary>
    internal sealed class Scratch
    {
        private int[] _stamp = [];
        private int[] _local = [];
        private int _current;

        public List<(ShipmentRef Shipment, ShipmentRef View, double Largest)> Shipments { get; } = [];

        public List<double> Keep { get; } = [];

        public List<byte> Kinds { get; } = [];

        /// <summary>Each local record's number in the grouping.</summary>
        public List<int> Groups { get; } = [];

        /// <summary>The stamps and local numbers for a grouping of <paramref name="records"/> records, and the new stamp.</summary>
        public (int[] Stamp, int[] Local, int Current) Reset(int records)
        {
            if (_stamp.Length < records)
            {
                _stamp = new int[records];
                _local = new int[records];
                _current = 0;
            }

            if (++_current == int.MaxValue)
            {
                Array.Clear(_stamp);
                _current = 1;
            }

            return (_stamp, _local, _current);
        }
    }
}
