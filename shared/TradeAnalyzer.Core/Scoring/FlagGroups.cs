using TradeAnalyzer.Core.Detection.Mirror;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Scoring;

/// <summary>
/// The flags grouped by record once, read in one pass over the flags in their order (a detector's flags follow its
/// records, so their texts are read while at hand): what the score stage (<see cref="RecordScorer.SortAndScore(IReadOnlyList{Flag})"/>)
/// and the exporter digests need of each flag, each flag's record (numbered in order of first appearance, -1 for flags
/// of no record: <see cref="RecordRef.TypedComparer"/>'s equality), and each record's shipment and view with their
/// hashes. The analyzer makes one for both the score and the profile, so the digests do not read every flag's id
/// texts again (perf650: 270,628 flags, 237,180 records).
/// </summary>
internal sealed class FlagGroups
{
    private FlagGroups(IReadOnlyList<Flag> flags, FlagFacts[] facts, List<RecordRef> records, List<string> keys, List<(ShipmentRef Shipment, ShipmentRef View)> shipments, bool[] mixed, ulong[] pairHashes)
    {
        Flags = flags;
        Facts = facts;
        Records = records;
        Keys = keys;
        Shipments = shipments;
        Mixed = mixed;
        PairHashes = pairHashes;
    }

    /// <summary>The flags grouped (the facts are by position in this list).</summary>
    public IReadOnlyList<Flag> Flags { get; }

    /// <summary>Each flag's facts, by position.</summary>
    public FlagFacts[] Facts { get; }

    /// <summary>Each record, by number.</summary>
    public List<RecordRef> Records { get; }

    /// <summary>Each record's key string (<see cref="RecordRef.ToKey"/>), by number: made when the record is first seen,
    /// while its id text is at hand (the score's records, made in score order, read them at random: ~17% of the score
    /// stage's main thread on perf650).</summary>
    public List<string> Keys { get; }

    /// <summary>Each record's shipment and view: of the pairs its flags name, the first in <see cref="ShipmentRef.Earlier"/> order.</summary>
    public List<(ShipmentRef Shipment, ShipmentRef View)> Shipments { get; }

    /// <summary>Each record's shipment and view hashes (<see cref="ShipmentRisk.PairHash"/>), worked out once per record
    /// (and again when a flag of the record settles another pair), by record number (the array may be longer).</summary>
    public ulong[] PairHashes { get; }

    /// <summary>True for a record whose flags do not all name the same (shipment, view) pair (a subset of its flags may
    /// then settle on another pair than <see cref="Shipments"/>: the digests read those flags themselves).</summary>
    public bool[] Mixed { get; }

    /// <summary>Fewer flags than this are grouped on the calling thread alone (two threads' start and merge cost more
    /// than they save).</summary>
    internal const int SplitAt = 32_768;

    /// <summary>Groups <paramref name="flags"/> (on two threads from <see cref="SplitAt"/> flags).</summary>
    public static FlagGroups Of(IReadOnlyList<Flag> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        return flags.Count >= SplitAt ? Split(flags) : OneThread(flags);
    }

    /// <summary>
    /// Groups <paramref name="flags"/> on two threads, with the result of <see cref="OneThread"/>: the grouping is on the
    /// critical path of both the score and the profile (~0.4 s on one thread on perf650). First each thread reads half
    /// of the flags (their facts and their record's hash: the first touch of every flag and of its id text); then each
    /// numbers the records of one half of the hashes, in flag order, in a table of its own; last one pass over the flags
    /// numbers the records in order of first appearance from the two threads' numbers (an int a flag).
    /// <see cref="Parallel.Invoke(Action[])"/> runs the second action on the calling thread when no pool thread has
    /// taken it up, so neither half waits for a thread that has not started.
    /// </summary>
    internal static FlagGroups Split(IReadOnlyList<Flag> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        var n = flags.Count;
        var facts = new FlagFacts[n];
        var hashes = new int[n];
        var part = new byte[n]; // 0 or 1: the part of the flag's record; NoRecord for flags of no record
        var badFirst = n;
        var badSecond = n;
        var half = n / 2;
        Parallel.Invoke(() => badFirst = Read(flags, 0, half, facts, hashes, part), () => badSecond = Read(flags, half, n, facts, hashes, part));
        var bad = Math.Min(badFirst, badSecond);
        if (bad < n)
        {
            throw new InvalidOperationException($"Flag code {flags[bad].Code} does not fit the record's code set.");
        }

        var local = new int[n];
        var first = new Part(half);
        var second = new Part(half);
        Parallel.Invoke(() => first.Group(flags, hashes, part, 0, local), () => second.Group(flags, hashes, part, 1, local));

        // Number the records in order of first appearance: a part numbers its records in flag order, so a flag starts a
        // record when its part's number is the next that part has not mapped.
        var records = new List<RecordRef>(first.Records.Count + second.Records.Count);
        var keys = new List<string>(records.Capacity);
        var shipments = new List<(ShipmentRef Shipment, ShipmentRef View)>(records.Capacity);
        var pairHashes = new ulong[n];
        var isMixed = new bool[records.Capacity];
        var firstMap = new int[first.Records.Count];
        var secondMap = new int[second.Records.Count];
        var firstNext = 0;
        var secondNext = 0;
        for (var i = 0; i < n; i++)
        {
            var p = part[i];
            if (p == NoRecord)
            {
                continue;
            }

            var (from, map, l) = p == 0 ? (first, firstMap, local[i]) : (second, secondMap, local[i]);
            ref var next = ref p == 0 ? ref firstNext : ref secondNext;
            if (l == next)
            {
                var g = records.Count;
                map[l] = g;
                next++;
                records.Add(from.Records[l]);
                keys.Add(from.Keys[l]);
                shipments.Add(from.Shipments[l]);
                pairHashes[g] = from.PairHashes[l];
                isMixed[g] = from.Mixed is { } m && m.Contains(l);
            }

            facts[i] = facts[i] with { Group = map[l] };
        }

        return new FlagGroups(flags, facts, records, keys, shipments, isMixed, pairHashes);
    }

    private const byte NoRecord = 0xFF;

    /// <summary>The facts (group -1), record hash and part of flags [<paramref name="from"/>, <paramref name="to"/>);
    /// returns the first flag whose code does not fit a code set, <c>flags.Count</c> when none.</summary>
    private static int Read(IReadOnlyList<Flag> flags, int from, int to, FlagFacts[] facts, int[] hashes, byte[] part)
    {
        for (var i = from; i < to; i++)
        {
            var f = flags[i];
            if ((uint)f.Code >= 64)
            {
                return i;
            }

            if (RecordRef.TryOf(f, out var record))
            {
                var hash = RecordRef.TypedComparer.Instance.GetHashCode(record);
                hashes[i] = hash;
                part[i] = (byte)(hash & 1);
            }
            else
            {
                part[i] = NoRecord;
            }

            facts[i] = new FlagFacts(-1, (byte)f.Code, (byte)f.RecordType, f.Score, f.ValueAtRiskUsd ?? 0, f.ExporterKey);
        }

        return flags.Count;
    }

    /// <summary>The records of one part of the hashes, numbered in flag order (the work of <see cref="OneThread"/>'s
    /// loop for those records).</summary>
    private sealed class Part(int capacity)
    {
        private readonly RecordTable _index = new(capacity);

        public List<RecordRef> Records { get; } = new(capacity);

        public List<string> Keys { get; } = new(capacity);

        public List<(ShipmentRef Shipment, ShipmentRef View)> Shipments { get; } = new(capacity);

        public List<ulong> PairHashes { get; } = new(capacity);

        public HashSet<int>? Mixed { get; private set; }

        public void Group(IReadOnlyList<Flag> flags, int[] hashes, byte[] part, byte mine, int[] local)
        {
            for (var i = 0; i < flags.Count; i++)
            {
                if (part[i] != mine)
                {
                    continue;
                }

                var f = flags[i];
                _ = RecordRef.TryOf(f, out var record);
                var g = _index.GroupOf(record, hashes[i], Records, out var known);
                _ = ShipmentRef.TryOf(f, out var shipment, out var view); // a flag with a record has a shipment
                if (!known)
                {
                    Records.Add(record);
                    Keys.Add(record.ToKey());
                    Shipments.Add((shipment, view));
                    PairHashes.Add(ShipmentRisk.PairHash(shipment, view));
                }
                else if (Shipments[g] != (shipment, view))
                {
                    var earlier = ShipmentRef.Earlier(Shipments[g], (shipment, view));
                    Shipments[g] = earlier;
                    PairHashes[g] = ShipmentRisk.PairHash(earlier.Shipment, earlier.View);
                    (Mixed ??= []).Add(g);
                }

                local[i] = g;
            }
        }
    }

    /// <summary>Groups <paramref name="flags"/> on the calling thread.</summary>
    internal static FlagGroups OneThread(IReadOnlyList<Flag> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        var index = new RecordTable(flags.Count);
        var facts = new FlagFacts[flags.Count];
        // Sized for every flag a record of its own (most are: a few records have several flags), so the lists are not
        // copied as they grow.
        var records = new List<RecordRef>(flags.Count);
        var keys = new List<string>(flags.Count);
        var shipments = new List<(ShipmentRef Shipment, ShipmentRef View)>(flags.Count);
        // Hashed when the record is first seen, while its texts are at hand (a second pass over the records read them
        // again at random: ~20% of the grouping's samples on perf650).
        var pairHashes = new ulong[flags.Count];
        List<int>? mixed = null;
        for (var i = 0; i < flags.Count; i++)
        {
            var f = flags[i];
            if ((uint)f.Code >= 64)
            {
                throw new InvalidOperationException($"Flag code {f.Code} does not fit the record's code set.");
            }

            var group = -1;
            if (RecordRef.TryOf(f, out var record))
            {
                var g = index.GroupOf(record, records, out var known);
                _ = ShipmentRef.TryOf(f, out var shipment, out var view); // a flag with a record has a shipment
                if (!known)
                {
                    records.Add(record);
                    keys.Add(record.ToKey());
                    shipments.Add((shipment, view));
                    pairHashes[g] = ShipmentRisk.PairHash(shipment, view);
                }
                else if (shipments[g] != (shipment, view))
                {
                    var earlier = ShipmentRef.Earlier(shipments[g], (shipment, view));
                    shipments[g] = earlier;
                    pairHashes[g] = ShipmentRisk.PairHash(earlier.Shipment, earlier.View);
                    (mixed ??= []).Add(g);
                }

                group = g;
            }

            facts[i] = new FlagFacts(group, (byte)f.Code, (byte)f.RecordType, f.Score, f.ValueAtRiskUsd ?? 0, f.ExporterKey);
        }

        var isMixed = new bool[records.Count];
        foreach (var g in mixed ?? [])
        {
            isMixed[g] = true;
        }

        return new FlagGroups(flags, facts, records, keys, shipments, isMixed, pairHashes);
    }

    /// <summary>
    /// Records numbered by reference (<see cref="RecordRef.TypedComparer"/>'s equality and hash) in the open-addressing
    /// table of (hash, group) slots the shipment index uses (<see cref="HashSlots"/>): a look-up reads one slot and
    /// compares texts only when the hashes are equal (a <see cref="Dictionary{TKey, TValue}"/> of <see cref="RecordRef"/>
    /// keys keeps 40-byte entries and calls the comparer through an interface).
    /// </summary>
    private sealed class RecordTable(int capacity)
    {
        private readonly HashSlots _slots = new(capacity);

        /// <summary>The group of <paramref name="record"/>; a new one (the next number, <paramref name="known"/> false; the
        /// caller adds the record to <paramref name="records"/>) when it has none.</summary>
        public int GroupOf(in RecordRef record, List<RecordRef> records, out bool known) =>
            GroupOf(record, RecordRef.TypedComparer.Instance.GetHashCode(record), records, out known);

        /// <summary><see cref="GroupOf(in RecordRef, List{RecordRef}, out bool)"/> with the record's hash
        /// (<see cref="RecordRef.TypedComparer"/>'s) already worked out.</summary>
        public int GroupOf(in RecordRef record, int hash, List<RecordRef> records, out bool known)
        {
            _slots.MakeRoom();
            for (var i = _slots.Start(hash); ; i = _slots.Next(i))
            {
                ref var slot = ref _slots.At(i);
                if (slot.IsEmpty)
                {
                    var g = _slots.Count;
                    _slots.Fill(ref slot, hash, g);
                    known = false;
                    return g;
                }

                if (slot.Hash == hash && RecordRef.TypedComparer.Instance.Equals(records[slot.Value], record))
                {
                    known = true;
                    return slot.Value;
                }
            }
        }
    }
}

/// <summary>A flag's record (group, -1 for none), code, record type, score, value at risk (0 when none) and exporter key.</summary>
internal readonly record struct FlagFacts(int Group, byte Code, byte Type, double Score, double AtRisk, string? ExporterKey)
{
    public RecordType RecordType => (RecordType)Type;
}
