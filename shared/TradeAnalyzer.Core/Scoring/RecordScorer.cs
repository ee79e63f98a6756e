using System.Runtime.InteropServices;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Scoring;

/// <summary>
/// Combines the flags of one record into one 0-100 score: 100 x (1 - product of (1 - s/100)), so independent
/// findings reinforce each other but never pass 100, and one flag alone keeps its own score.
/// </summary>
public static class RecordScorer
{
    public static RiskTier TierOf(double score) => score switch
    {
        >= 80 => RiskTier.Critical,
        >= 60 => RiskTier.High,
        >= 40 => RiskTier.Medium,
        _ => RiskTier.Low,
    };

    public static double Combine(IEnumerable<double> scores)
    {
        var keep = 1.0;
        foreach (var s in scores)
        {
            keep *= Keep(s);
        }

        return FromKeep(keep);
    }

    /// <summary>The chance a finding of this score leaves the record clean (1 - s/100, s clamped to 0-100).</summary>
    internal static double Keep(double score) => 1 - (Math.Clamp(score, 0, 100) / 100);

    /// <summary>The combined score, rounded to one decimal, of findings that leave the record clean with this chance.</summary>
    private static double FromKeep(double keep) => Math.Round(100 * (1 - keep), 1);

    /// <summary>
    /// Each flag's record, numbered in order of first appearance (-1 for flags of no record), and the record of each
    /// number: grouped by record reference, with no key string per flag.
    /// </summary>
    private static (int[] GroupOf, List<RecordRef> Records) GroupByRecord(IReadOnlyList<Flag> flags)
    {
        var index = new Dictionary<RecordRef, int>(flags.Count, RecordRef.TypedComparer.Instance);
        var groupOf = new int[flags.Count];
        var records = new List<RecordRef>();
        for (var i = 0; i < flags.Count; i++)
        {
            if (!RecordRef.TryOf(flags[i], out var record))
            {
                groupOf[i] = -1;
                continue;
            }

            ref var g = ref CollectionsMarshal.GetValueRefOrAddDefault(index, record, out var known);
            if (!known)
            {
                g = records.Count;
                records.Add(record);
            }

            groupOf[i] = g;
        }

        return (groupOf, records);
    }

    /// <summary>The record a flag belongs to, or null for exporter- and corridor-level flags.</summary>
    public static (RecordType Type, string Key)? RecordOf(Flag f) =>
        RecordRef.TryOf(f, out var record) ? (record.Type, record.ToKey()) : null;

    /// <summary>
    /// One score per record, highest first (ties by record key, then first appearance). Hand-written rather than LINQ
    /// (it runs over every flag of an upload and once per exporter): same groups, same multiplication order, same result.
    /// </summary>
    public static IReadOnlyList<RecordScore> Score(IReadOnlyList<Flag> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        // One key string per record, built for the record's first flag.
        var (groupOf, records) = GroupByRecord(flags);
        var groups = new Group[records.Count];
        for (var g = 0; g < groups.Length; g++)
        {
            groups[g] = new Group(records[g].Type, records[g].ToKey());
        }

        for (var i = 0; i < flags.Count; i++)
        {
            if (groupOf[i] >= 0)
            {
                groups[groupOf[i]].Add(flags[i]);
            }
        }

        var scores = new RecordScore[groups.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = groups[i].ToScore();
        }

        return InScoreOrder(scores);
    }

    /// <summary>The scores highest first, ties by record key, then by position (a stable sort, as OrderByDescending/ThenBy were).</summary>
    private static List<RecordScore> InScoreOrder(RecordScore[] scores)
    {
        var figures = new double[scores.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            figures[i] = scores[i].Score;
        }

        var order = KeyedSort.Order(figures, new byte[scores.Length], new RecordKeys(scores));
        var result = new List<RecordScore>(scores.Length);
        foreach (var i in order)
        {
            result.Add(scores[i]);
        }

        return result;
    }

    /// <summary>The record keys of scores, for <see cref="KeyedSort"/>.</summary>
    private readonly struct RecordKeys(RecordScore[] scores) : KeyedSort.IKeys
    {
        public ReadOnlySpan<char> Key(int index) => scores[index].RecordKey;
    }

    /// <summary>
    /// The flags in output order (<see cref="FlagOrder"/>), one score per record (<see cref="Score"/> of the sorted flags)
    /// and the value at risk per shipment (<see cref="ShipmentRisk.ValueAtRisk"/>): the same results, from one grouping of the flags by record
    /// made in the order they came in (a detector's flags follow its records, so their texts are read while at hand)
    /// while they are being sorted, instead of two groupings of the sorted flags. <c>ValueAtRiskByCode</c> is the same
    /// value at risk within each code's flags (a record at its largest figure of that code; codes without any left out).
    /// </summary>
    public static (List<Flag> Sorted, IReadOnlyList<RecordScore> Scores, double ValueAtRisk, IReadOnlyDictionary<FlagCode, double> ValueAtRiskByCode) SortAndScore(IReadOnlyList<Flag> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        return SortAndScore(flags, Task.Run(() => FlagGroups.Of(flags)));
    }

    /// <summary><see cref="SortAndScore(IReadOnlyList{Flag})"/> with the flags' grouping by record made (or being made)
    /// elsewhere: the analyzer shares one grouping between the score and the exporter profile.</summary>
    internal static (List<Flag> Sorted, IReadOnlyList<RecordScore> Scores, double ValueAtRisk, IReadOnlyDictionary<FlagCode, double> ValueAtRiskByCode) SortAndScore(IReadOnlyList<Flag> flags, Task<FlagGroups> grouping)
    {
        ArgumentNullException.ThrowIfNull(flags);
        ArgumentNullException.ThrowIfNull(grouping);
        var byCodeTask = grouping.ContinueWith(t => ValueAtRiskByCode(t.Result.Facts, t.Result.Shipments, t.Result.PairHashes), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        var order = FlagKeys.Order(flags);
        var grouped = grouping.GetAwaiter().GetResult();
        if (!ReferenceEquals(grouped.Flags, flags))
        {
            throw new ArgumentException("The grouping is not of these flags.", nameof(grouping));
        }

        var (facts, records, shipments, pairHashes) = (grouped.Facts, grouped.Records, grouped.Shipments, grouped.PairHashes);

        // The records numbered by first appearance in the sorted flags (as Score numbers its groups), each record's
        // flags combined in sorted order.
        var rank = new int[records.Count];
        Array.Fill(rank, -1);
        var groupAt = new int[records.Count];
        var keep = new double[records.Count];
        var exporterKeys = new string?[records.Count];
        var codes = new ulong[records.Count];
        var largest = new double[records.Count];
        var ranked = 0;
        // Written through a span: storing into the list (shared generic code) checks each flag's type, i.e. reads every
        // flag's header in score order (a cache miss each: ~8% of the stage's samples on perf650).
        var sorted = new List<Flag>(order.Length);
        CollectionsMarshal.SetCount(sorted, order.Length);
        var inOrder = CollectionsMarshal.AsSpan(sorted);
        for (var k = 0; k < order.Length; k++)
        {
            var i = order[k];
            inOrder[k] = flags[i];
            ref readonly var fact = ref facts[i];
            if (fact.Group < 0)
            {
                continue;
            }

            ref var r = ref rank[fact.Group];
            if (r < 0)
            {
                r = ranked++;
                groupAt[r] = fact.Group;
                keep[r] = 1.0;
            }

            keep[r] *= Keep(fact.Score);
            exporterKeys[r] ??= fact.ExporterKey;
            codes[r] |= 1UL << fact.Code;
            if (fact.AtRisk is > 0 and var v)
            {
                largest[r] = Math.Max(largest[r], v);
            }
        }

        var scores = new RecordScore[ranked];
        var codeLists = new CodeLists();
        // The records with a figure, each by its group's (shipment, view) pair (no copy of the pair per record).
        var atRisk = new ShipmentRisk.Item[ranked];
        var m = 0;
        for (var r = 0; r < ranked; r++)
        {
            var g = groupAt[r];
            var score = FromKeep(keep[r]);
            scores[r] = new RecordScore(records[g].Type, grouped.Keys[g], exporterKeys[r], score, TierOf(score), codeLists.Of(codes[r]));
            if (largest[r] > 0)
            {
                atRisk[m++] = new ShipmentRisk.Item(pairHashes[g], largest[r], g);
            }
        }

        // The value at risk and the scores' order are independent single-threaded steps at the end of the analysis (the
        // profile has often ended by then, leaving a core idle): the order on a pool thread, or here after the total when
        // no pool thread has taken it up by then.
        var claimed = 0;
        List<RecordScore>? ordered = null;
        var ordering = Task.Run(() =>
        {
            if (Interlocked.Exchange(ref claimed, 1) == 0)
            {
                ordered = InScoreOrder(scores);
            }
        });
        // The value at risk counts each shipment once, at its largest view (ShipmentRisk).
        var total = ShipmentRisk.Total(CollectionsMarshal.AsSpan(shipments), atRisk.AsSpan(0, m), new List<double>(m));
        if (Interlocked.Exchange(ref claimed, 1) == 0)
        {
            ordered = InScoreOrder(scores);
        }
        else
        {
            ordering.GetAwaiter().GetResult();
        }

        var inScoreOrder = ordered!;
        return (sorted, inScoreOrder, total, byCodeTask.GetAwaiter().GetResult());
    }

    /// <summary>
    /// The value at risk of each code's flags, counted as the total is: each record at its largest figure of that code,
    /// each shipment once at its largest view. From the grouped facts, so no flag is read again: the facts with a figure
    /// are taken code after code (a counting sort, in arrival order within a code), and each code's records are gathered
    /// in one buffer, numbered by a stamp per record (no dictionary and no list per code).
    /// </summary>
    private static Dictionary<FlagCode, double> ValueAtRiskByCode(FlagFacts[] facts, List<(ShipmentRef Shipment, ShipmentRef View)> shipments, ulong[] pairHashes)
    {
        var start = new int[65];
        foreach (ref readonly var fact in facts.AsSpan())
        {
            if (fact.Group >= 0 && fact.AtRisk > 0)
            {
                start[fact.Code + 1]++;
            }
        }

        var most = 0;
        for (var code = 0; code < 64; code++)
        {
            most = Math.Max(most, start[code + 1]);
            start[code + 1] += start[code];
        }

        var byCodeOrder = new int[start[64]];
        var cursor = (int[])start.Clone();
        for (var i = 0; i < facts.Length; i++)
        {
            ref readonly var fact = ref facts[i];
            if (fact.Group >= 0 && fact.AtRisk > 0)
            {
                byCodeOrder[cursor[fact.Code]++] = i;
            }
        }

        var stamp = new int[shipments.Count];
        var slot = new int[shipments.Count];
        // One buffer of records (the group's pair hash, its largest figure of the code, the group) reused code after code.
        var buffer = new ShipmentRisk.Item[most];
        var perShipment = new List<double>(most);
        var pairs = CollectionsMarshal.AsSpan(shipments);
        var byCode = new Dictionary<FlagCode, double>();
        for (var code = 0; code < 64; code++)
        {
            var m = 0;
            for (var k = start[code]; k < start[code + 1]; k++)
            {
                ref readonly var fact = ref facts[byCodeOrder[k]];
                var g = fact.Group;
                if (stamp[g] != code + 1)
                {
                    stamp[g] = code + 1;
                    slot[g] = m;
                    buffer[m++] = new ShipmentRisk.Item(pairHashes[g], fact.AtRisk, g);
                }
                else
                {
                    ref var item = ref buffer[slot[g]];
                    item = item with { Largest = Math.Max(item.Largest, fact.AtRisk) };
                }
            }

            if (m > 0)
            {
                byCode[(FlagCode)code] = ShipmentRisk.Total(pairs, buffer.AsSpan(0, m), perShipment);
            }
        }

        return byCode;
    }

    /// <summary>The codes of a set (bit c for code c), in code order.</summary>
    private static FlagCode[] CodesOf(ulong set)
    {
        var result = new FlagCode[System.Numerics.BitOperations.PopCount(set)];
        for (var k = 0; set != 0; k++)
        {
            result[k] = (FlagCode)System.Numerics.BitOperations.TrailingZeroCount(set);
            set &= set - 1;
        }

        return result;
    }

    /// <summary>
    /// The codes of a set, one array per distinct set (records share them: the sets are few), so 237,000 records do not
    /// hold 237,000 arrays of one or two codes. Sets of one code (most records) are found by their code, the others in a
    /// dictionary (a look-up per record was ~6% of the score stage's samples on perf650).
    /// </summary>
    private sealed class CodeLists
    {
        private readonly FlagCode[]?[] _single = new FlagCode[]?[64];
        private readonly Dictionary<ulong, FlagCode[]> _several = [];

        public FlagCode[] Of(ulong set)
        {
            if (System.Numerics.BitOperations.IsPow2(set))
            {
                return _single[System.Numerics.BitOperations.TrailingZeroCount(set)] ??= CodesOf(set);
            }

            ref var codes = ref CollectionsMarshal.GetValueRefOrAddDefault(_several, set, out _);
            return codes ??= CodesOf(set);
        }
    }

    /// <summary>
    /// The <paramref name="count"/> highest scores of records that stay clean with the chances <paramref name="keep"/>
    /// (each the product of <see cref="Keep"/> over the record's flags), highest first: the scores <see cref="Score"/>
    /// gives those records, without their keys, code lists and full order (a profile needs its riskiest records only).
    /// </summary>
    internal static double[] TopOfKeeps(ReadOnlySpan<double> keep, int count)
    {
        var top = new double[Math.Min(count, keep.Length)];
        var filled = 0;
        foreach (var k in keep)
        {
            var score = FromKeep(k);
            if (filled < top.Length)
            {
                filled++;
            }
            else if (top.Length == 0 || score <= top[^1])
            {
                continue;
            }

            // Insert into the descending top list (count is small).
            var j = filled - 1;
            while (j > 0 && top[j - 1] < score)
            {
                top[j] = top[j - 1];
                j--;
            }

            top[j] = score;
        }

        return top;
    }

    /// <summary>Value at risk over record-level flags: each record counted once, at its largest figure (independent of the flags' order).</summary>
    public static double ValueAtRisk(IEnumerable<Flag> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        var count = flags.TryGetNonEnumeratedCount(out var n) ? n : 0;
        var index = new Dictionary<RecordRef, int>(count, RecordRef.TypedComparer.Instance);
        var largest = new List<double>(count);
        foreach (var f in flags)
        {
            if (f.ValueAtRiskUsd is not (> 0 and var v) || !RecordRef.TryOf(f, out var record))
            {
                continue;
            }

            ref var g = ref CollectionsMarshal.GetValueRefOrAddDefault(index, record, out var known);
            if (known)
            {
                largest[g] = Math.Max(largest[g], v);
            }
            else
            {
                g = largest.Count;
                largest.Add(v);
            }
        }

        return SumSmallestFirst(largest);
    }

    /// <summary>
    /// The sum of <paramref name="values"/> (sorted in place) smallest first: the same total whatever order they came in
    /// (detectors run in parallel, so an exporter's flags arrive in a different order each run, and a floating-point sum
    /// depends on its order).
    /// </summary>
    internal static double SumSmallestFirst(List<double> values)
    {
        values.Sort();
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += v;
        }

        return sum;
    }

    /// <summary>The flags of one record, combined as they arrive.</summary>
    private sealed class Group(RecordType type, string key)
    {
        private readonly List<FlagCode> _codes = new(2);
        private double _keep = 1.0;
        private string? _exporterKey;

        public void Add(Flag f)
        {
            _keep *= Keep(f.Score);
            _exporterKey ??= f.ExporterKey;
            if (!_codes.Contains(f.Code))
            {
                _codes.Add(f.Code);
            }
        }

        public RecordScore ToScore()
        {
            var score = FromKeep(_keep);
            _codes.Sort();
            return new RecordScore(type, key, _exporterKey, score, TierOf(score), _codes);
        }
    }
}
