using System.Runtime.InteropServices;
using TradeAnalyzer.Core.Analysis;
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
    /// order. The records are put in groups by shipment and document, ascending by figure within a document
    /// (<see cref="GroupOrder"/>), and swept once: no collection per document or shipment.
    /// </summary>
    internal static double Total(List<(ShipmentRef Shipment, ShipmentRef View, double Largest)> records)
    {
        var span = CollectionsMarshal.AsSpan(records);
        return Total(span, GroupOrder(span));
    }

    /// <summary><see cref="Total(List{ValueTuple{ShipmentRef, ShipmentRef, double}})"/> of records already in <see cref="GroupOrder"/>.</summary>
    internal static double Total(ReadOnlySpan<(ShipmentRef Shipment, ShipmentRef View, double Largest)> records, int[] order) =>
        Sweep(new InOrder(records, order), new List<double>(order.Length));

    /// <summary>
    /// The positions of <paramref name="records"/> with the records of one shipment together, within them the records of
    /// one document (view) together, and within a document ascending by figure: the order a sort by (shipment, view,
    /// figure) gives, up to the order of the groups, which no sum here depends on. Sorted by the hashes of shipment and
    /// view and the figure (no text compared per comparison); a run of equal shipment hashes whose texts differ (a hash
    /// collision) is sorted again by the texts.
    /// </summary>
    internal static int[] GroupOrder(ReadOnlySpan<(ShipmentRef Shipment, ShipmentRef View, double Largest)> records) =>
        GroupOrder(records, static r => r.GetHashCode());

    /// <summary><see cref="GroupOrder(ReadOnlySpan{ValueTuple{ShipmentRef, ShipmentRef, double}})"/> with the given hash
    /// (tests pass a poor one to exercise collisions).</summary>
    internal static int[] GroupOrder(ReadOnlySpan<(ShipmentRef Shipment, ShipmentRef View, double Largest)> records, Func<ShipmentRef, int> hash)
    {
        var items = new Item[records.Length];
        for (var i = 0; i < items.Length; i++)
        {
            ref readonly var r = ref records[i];
            items[i] = new Item(((ulong)(uint)hash(r.Shipment) << 32) | (uint)hash(r.View), r.Largest, i);
        }

        return GroupOrder(records, items);
    }

    /// <summary>
    /// <see cref="Total(ReadOnlySpan{ValueTuple{ShipmentRef, ShipmentRef, double}}, int[])"/> of records given as
    /// <paramref name="items"/>: each one's <see cref="PairHash"/>, figure and the position of its (shipment, view) in
    /// <paramref name="pairs"/> (several records may name one position; <paramref name="items"/> is reordered). The same
    /// groups, order within a document and sums, without a (shipment, view, figure) copy of every record and an order
    /// array (the score stage's value at risk, in total and per code: ~14 MiB less per run on perf650).
    /// <paramref name="perShipment"/> is a scratch list (cleared).
    /// </summary>
    internal static double Total(ReadOnlySpan<(ShipmentRef Shipment, ShipmentRef View)> pairs, Span<Item> items, List<double> perShipment)
    {
        Group(new Pairs(pairs), items);
        return Sweep(new Grouped(pairs, items), perShipment);
    }

    /// <summary>
    /// The one sweep of both <see cref="Total(ReadOnlySpan{ValueTuple{ShipmentRef, ShipmentRef, double}}, int[])"/> and
    /// <see cref="Total(ReadOnlySpan{ValueTuple{ShipmentRef, ShipmentRef}}, Span{Item}, List{double})"/> over records in
    /// group order: each document's figures added up, the largest document of each shipment kept, the shipments summed
    /// smallest first. <paramref name="perShipment"/> is a scratch list (cleared).
    /// </summary>
    private static double Sweep<TSequence>(TSequence records, List<double> perShipment)
        where TSequence : ISequence, allows ref struct
    {
        perShipment.Clear();
        var n = records.Count;
        for (var i = 0; i < n;)
        {
            // An item whose hash differs is of another shipment (or view) without reading its texts: most tests at the
            // end of a shipment are settled so, where the texts are a read at random (the pair, then the strings).
            var shipment = records.Shipment(i);
            var first = i;
            var most = 0.0;
            while (i < n && !records.OtherShipment(i, first) && records.Shipment(i) == shipment)
            {
                var view = records.View(i);
                var firstOfView = i;
                var sum = 0.0;
                for (; i < n && !records.OtherShipment(i, first) && records.Shipment(i) == shipment
                    && !records.OtherView(i, firstOfView) && records.View(i) == view; i++)
                {
                    sum += Math.Max(0, records.Largest(i));
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

    /// <summary>The hashes <see cref="GroupOrder(ReadOnlySpan{ValueTuple{ShipmentRef, ShipmentRef, double}})"/> sorts a
    /// record by: its shipment's (high half) and its view's (low half).</summary>
    internal static ulong PairHash(ShipmentRef shipment, ShipmentRef view) =>
        ((ulong)(uint)shipment.GetHashCode() << 32) | (uint)view.GetHashCode();

    /// <summary><see cref="GroupOrder(ReadOnlySpan{ValueTuple{ShipmentRef, ShipmentRef, double}})"/> of records given
    /// with their items (each one's <see cref="PairHash"/>, figure and position; reordered), hashed by the caller.</summary>
    internal static int[] GroupOrder(ReadOnlySpan<(ShipmentRef Shipment, ShipmentRef View, double Largest)> records, Item[] items)
    {
        Group(new Records(records), items);
        var order = new int[items.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = items[i].Index;
        }

        return order;
    }

    /// <summary>Puts <paramref name="items"/> in <see cref="GroupOrder(ReadOnlySpan{ValueTuple{ShipmentRef, ShipmentRef, double}})"/>'s
    /// order, the shipment and view of an item being those at its position in <paramref name="records"/>.</summary>
    private static void Group<TRecords>(TRecords records, Span<Item> items)
        where TRecords : IRecords, allows ref struct
    {
        // By Item's own order, with CompareTo inlined into the sort (SpanSort: the runtime's Span.Sort does that under the
        // JIT runtime, not under Native AOT), where a Comparison delegate costs an indirect call per comparison (the
        // score stage sorts ~240,000 items for the value at risk and again per flag code). The order is total
        // (positions differ), so any sort gives the same permutation.
        SpanSort.Sort(items);

        for (var a = 0; a < items.Length;)
        {
            var b = a + 1;
            while (b < items.Length && items[b].Hash >> 32 == items[a].Hash >> 32)
            {
                b++;
            }

            if (b - a > 1 && !OneShipment(records, items, a, b))
            {
                // The run's records, sorted by their texts.
                var run = new (ShipmentRef Shipment, ShipmentRef View, double Largest, Item Item)[b - a];
                for (var k = a; k < b; k++)
                {
                    var index = items[k].Index;
                    run[k - a] = (records.Shipment(index), records.View(index), items[k].Largest, items[k]);
                }

                Array.Sort(run, static (x, y) =>
                {
                    var c = x.Shipment.CompareTo(y.Shipment);
                    if (c == 0)
                    {
                        c = x.View.CompareTo(y.View);
                    }

                    return c != 0 ? c : x.Largest.CompareTo(y.Largest);
                });
                for (var k = a; k < b; k++)
                {
                    items[k] = run[k - a].Item;
                }
            }

            a = b;
        }
    }

    /// <summary>True when the items a..b (equal shipment hashes) are of one shipment and equal view hashes mean equal views.</summary>
    private static bool OneShipment<TRecords>(TRecords records, Span<Item> items, int a, int b)
        where TRecords : IRecords, allows ref struct
    {
        var shipment = records.Shipment(items[a].Index);
        for (var k = a + 1; k < b; k++)
        {
            if (records.Shipment(items[k].Index) != shipment
                || (items[k].Hash == items[k - 1].Hash && records.View(items[k].Index) != records.View(items[k - 1].Index)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A record's shipment and view hashes (high and low half), figure and position; ordered by hash, then
    /// figure (<see cref="double.CompareTo(double)"/>: NaN first), then position.</summary>
    internal readonly record struct Item(ulong Hash, double Largest, int Index) : IComparable<Item>
    {
        public int CompareTo(Item other)
        {
            var c = Hash.CompareTo(other.Hash);
            if (c == 0)
            {
                c = Largest.CompareTo(other.Largest);
            }

            return c != 0 ? c : Index.CompareTo(other.Index);
        }
    }

    /// <summary>The shipment and view at a position.</summary>
    private interface IRecords
    {
        ShipmentRef Shipment(int index);

        ShipmentRef View(int index);
    }

    private readonly ref struct Records(ReadOnlySpan<(ShipmentRef Shipment, ShipmentRef View, double Largest)> records) : IRecords
    {
        private readonly ReadOnlySpan<(ShipmentRef Shipment, ShipmentRef View, double Largest)> _records = records;

        public ShipmentRef Shipment(int index) => _records[index].Shipment;

        public ShipmentRef View(int index) => _records[index].View;
    }

    private readonly ref struct Pairs(ReadOnlySpan<(ShipmentRef Shipment, ShipmentRef View)> pairs) : IRecords
    {
        private readonly ReadOnlySpan<(ShipmentRef Shipment, ShipmentRef View)> _pairs = pairs;

        public ShipmentRef Shipment(int index) => _pairs[index].Shipment;

        public ShipmentRef View(int index) => _pairs[index].View;
    }

    /// <summary>Records in group order: the i-th one's shipment, view and figure.</summary>
    private interface ISequence
    {
        int Count { get; }

        ShipmentRef Shipment(int i);

        ShipmentRef View(int i);

        double Largest(int i);

        /// <summary>True when item <paramref name="i"/> is known, by its hash, to be of another shipment than item
        /// <paramref name="first"/> (false: unknown, compare the texts).</summary>
        bool OtherShipment(int i, int first);

        /// <summary>True when item <paramref name="i"/>, of item <paramref name="first"/>'s shipment, is known by its
        /// hash to be of another view (false: unknown, compare the texts).</summary>
        bool OtherView(int i, int first);
    }

    private readonly ref struct InOrder(ReadOnlySpan<(ShipmentRef Shipment, ShipmentRef View, double Largest)> records, int[] order) : ISequence
    {
        private readonly ReadOnlySpan<(ShipmentRef Shipment, ShipmentRef View, double Largest)> _records = records;

        public int Count => order.Length;

        public ShipmentRef Shipment(int i) => _records[order[i]].Shipment;

        public ShipmentRef View(int i) => _records[order[i]].View;

        public double Largest(int i) => _records[order[i]].Largest;

        public bool OtherShipment(int i, int first) => false;

        public bool OtherView(int i, int first) => false;
    }

    private readonly ref struct Grouped(ReadOnlySpan<(ShipmentRef Shipment, ShipmentRef View)> pairs, Span<Item> items) : ISequence
    {
        private readonly ReadOnlySpan<(ShipmentRef Shipment, ShipmentRef View)> _pairs = pairs;
        private readonly Span<Item> _items = items;

        public int Count => _items.Length;

        public ShipmentRef Shipment(int i) => _pairs[_items[i].Index].Shipment;

        public ShipmentRef View(int i) => _pairs[_items[i].Index].View;

        public double Largest(int i) => _items[i].Largest;

        // The items' hashes are their pairs' (equal pairs, equal hashes: what Group relies on), so a different half
        // means a different shipment, or, within one shipment, a different view.
        public bool OtherShipment(int i, int first) => _items[i].Hash >> 32 != _items[first].Hash >> 32;

        public bool OtherView(int i, int first) => _items[i].Hash != _items[first].Hash;
    }
}
