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

    /// <summary>
    /// Digests one exporter's record flags with one thread's <paramref name="scratch"/> (reused exporter after exporter:
    /// the profile digests ~1,900 exporters, and a dictionary and four lists sized per exporter were ~20 MiB of the
    /// profile stage's ~107 MiB on perf650).
    /// </summary>
    internal static ExporterFlagDigest Of(ReadOnlySpan<Flag> flags, Scratch scratch)
    {
        var byCode = new Dictionary<FlagCode, int>();
        var index = scratch.Records;
        index.Reset(flags.Length);
        var records = scratch.Shipments;
        records.Clear();
        var keep = scratch.Keep;
        keep.Clear();
        var kinds = scratch.Kinds;
        kinds.Clear();
        foreach (var f in flags)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(byCode, f.Code, out _)++;
            if (!RecordRef.TryOf(f, out var record) || !ShipmentRef.TryOf(f, out var shipment, out var view))
            {
                continue;
            }

            var figure = f.ValueAtRiskUsd is > 0 and var v ? v : 0;
            var g = index.GroupOf(record, out var known);
            if (!known)
            {
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

    /// <summary>One thread's buffers for digesting exporters one after the other.</summary>
    internal sealed class Scratch
    {
        public RecordGroups Records { get; } = new();

        public List<(ShipmentRef Shipment, ShipmentRef View, double Largest)> Shipments { get; } = [];

        public List<double> Keep { get; } = [];

        public List<byte> Kinds { get; } = [];
    }

    /// <summary>
    /// Records numbered in order of first appearance (<see cref="RecordRef.TypedComparer"/>'s equality and hash), in an
    /// open-addressing table of (stamp, hash, group) slots emptied for the next exporter by a new stamp (no clearing),
    /// so one table serves every exporter of a thread.
    /// </summary>
    internal sealed class RecordGroups
    {
        private readonly List<RecordRef> _records = [];
        private Slot[] _slots = new Slot[16];
        private int _stamp = 1;

        /// <summary>Forgets every record; room for <paramref name="expected"/> at most half full.</summary>
        public void Reset(int expected)
        {
            _records.Clear();
            if (_slots.Length < expected * 2)
            {
                _slots = new Slot[System.Numerics.BitOperations.RoundUpToPowerOf2((uint)expected * 2)];
                _stamp = 1;
            }
            else if (++_stamp == int.MaxValue)
            {
                Array.Clear(_slots);
                _stamp = 1;
            }
        }

        /// <summary>The group of <paramref name="record"/>; the next number (<paramref name="known"/> false) when new.</summary>
        public int GroupOf(in RecordRef record, out bool known)
        {
            if ((_records.Count + 1) * 2 > _slots.Length)
            {
                Grow();
            }

            var hash = RecordRef.TypedComparer.Instance.GetHashCode(record);
            var mask = _slots.Length - 1;
            for (var i = Home(hash, mask); ; i = (i + 1) & mask)
            {
                ref var slot = ref _slots[i];
                if (slot.Stamp != _stamp)
                {
                    slot = new Slot(_stamp, hash, _records.Count);
                    _records.Add(record);
                    known = false;
                    return slot.Group;
                }

                if (slot.Hash == hash && RecordRef.TypedComparer.Instance.Equals(_records[slot.Group], record))
                {
                    known = true;
                    return slot.Group;
                }
            }
        }

        private static int Home(int hash, int mask) => (int)(((uint)hash * 0x9E3779B9u) >> 7) & mask;

        /// <summary>A table twice as large holding the current records (called before a probe, never during one).</summary>
        private void Grow()
        {
            var old = _slots;
            var stamp = _stamp;
            _slots = new Slot[old.Length * 2];
            _stamp = 1;
            var mask = _slots.Length - 1;
            foreach (var slot in old)
            {
                if (slot.Stamp != stamp)
                {
                    continue;
                }

                var i = Home(slot.Hash, mask);
                while (_slots[i].Stamp == _stamp)
                {
                    i = (i + 1) & mask;
                }

                _slots[i] = new Slot(_stamp, slot.Hash, slot.Group);
            }
        }

        private readonly record struct Slot(int Stamp, int Hash, int Group);
    }
}
