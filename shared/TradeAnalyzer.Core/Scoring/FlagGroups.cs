using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection;
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
    /// <summary>Cache lines of a flag the grouping prefetches: it reads its id texts (the first) and its code, type and
    /// figures (after the references, in the second and third).</summary>
    private const int FlagLines = 3;

    /// <summary>How many flags ahead the grouping hashes a record and prefetches its table slot (its texts were
    /// prefetched <see cref="RecordSpan.PartAhead"/> ahead, so they are in cache or on their way).</summary>
    private const int HashAhead = 4;

    /// <summary>The ring of hashes waiting for the loop (a power of two above <see cref="HashAhead"/>).</summary>
    private const int HashRing = 8;

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

    /// <summary>Groups <paramref name="flags"/>.</summary>
    public static FlagGroups Of(IReadOnlyList<Flag> flags)
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
        // One thread, on the critical path of both the score and the profile: each flag's first read (the object, then
        // its id texts: KeyHash's first touch) is a miss (the detectors made the flags on several threads, long ago).
        // When the flags are a list or an array, the flag 16 ahead and the id texts of the flag 8 ahead are prefetched
        // (Detection/RecordSpan), so that the misses of several flags overlap.
        var span = RecordSpan.Of(flags, out var all) ? all : default;
        // The table slot of a record is known only once its texts are hashed, and probing it was the grouping's largest
        // remaining miss (tail18): the record of the flag HashAhead ahead (its texts prefetched earlier) is hashed then and
        // its slot prefetched; the hash waits in a ring until the loop reaches the flag.
        Span<int> ring = stackalloc int[HashRing];
        for (var j = 0; j < Math.Min(HashAhead, span.Length); j++)
        {
            ring[j] = index.HashAndPrefetch(span[j]);
        }

        for (var i = 0; i < flags.Count; i++)
        {
            Flag f;
            if (span.Length != 0)
            {
                if (RecordSpan.Ahead(span, i, FlagLines) is { } near)
                {
                    CacheHint.Object(near.DeclarationId);
                    CacheHint.Object(near.InvoiceNumber);
                    CacheHint.Object(near.ShipmentId);
                }

                if (i + HashAhead < span.Length)
                {
                    ring[(i + HashAhead) & (HashRing - 1)] = index.HashAndPrefetch(span[i + HashAhead]);
                }

                f = span[i];
            }
            else
            {
                f = flags[i];
            }

            if ((uint)f.Code >= 64)
            {
                throw new InvalidOperationException($"Flag code {f.Code} does not fit the record's code set.");
            }

            var group = -1;
            if (RecordRef.TryOf(f, out var record))
            {
                // From the span, the hash waits in the ring (its slot is rewritten only HashRing - HashAhead flags on).
                var hash = span.Length != 0 ? ring[i & (HashRing - 1)] : RecordTable.HashOf(record);
                var g = index.GroupOf(record, hash, records, out var known);
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

        /// <summary>The hash <see cref="GroupOf"/> is given for <paramref name="record"/>.</summary>
        public static int HashOf(in RecordRef record) => RecordRef.TypedComparer.Instance.GetHashCode(record);

        /// <summary>The hash of <paramref name="flag"/>'s record (0 when it has none), its slot in the table prefetched.</summary>
        public int HashAndPrefetch(Flag flag)
        {
            if (!RecordRef.TryOf(flag, out var record))
            {
                return 0;
            }

            var hash = HashOf(record);
            _slots.Prefetch(hash);
            return hash;
        }

        /// <summary>The group of <paramref name="record"/>, whose <see cref="HashOf"/> is <paramref name="hash"/>; a new one (the next number, <paramref name="known"/> false; the
        /// caller adds the record to <paramref name="records"/>) when it has none.</summary>
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
