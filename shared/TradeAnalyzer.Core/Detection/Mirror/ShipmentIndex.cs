using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection.Invoices;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Text;

namespace TradeAnalyzer.Core.Detection.Mirror;

/// <summary>
/// The declarations of one analysis grouped into shipments (one per reporter, flow and declaration id), with
/// normalised party names. Built once per <see cref="AnalysisContext"/> and shared by the mirror and invoice
/// detectors (the first detector to ask pays for it).
/// </summary>
public sealed class ShipmentIndex
{
    private static readonly ConditionalWeakTable<AnalysisContext, Lazy<ShipmentIndex>> Cache = [];

    /// <summary>The lines of every shipment, shipment after shipment, each shipment's lines in input order.</summary>
    private DeclarationLine[] _lines = [];

    /// <summary>Shipment s's lines are <c>_lines[_start[s].._start[s + 1]]</c>.</summary>
    private int[] _start = [];

    /// <summary>Invoice id of a shipment that declares no invoice number.</summary>
    internal const long NoInvoice = 0;

    /// <summary>Invoice id of an invoice number without letters or digits (its key is empty).</summary>
    internal const long EmptyKey = -1;

    /// <summary>The keys that do not pack into a long, by <see cref="OtherKeyId"/>: keys of up to
    /// <see cref="InvoiceKeyTable.MaxLength"/> characters as packed by <see cref="InvoiceKeyTable.TryPack"/> (no string),
    /// others (longer, or letters outside A-Z) as strings.</summary>
    private readonly List<OtherInvoiceKey> _otherKeys = [];

    /// <summary>Normalised names by id (<see cref="NameCache"/>).</summary>
    private readonly List<string> _norms;

    /// <summary>Per-shipment arrays sized for <paramref name="capacity"/> shipments (one per line at most: the
    /// shipments are counted while their facts are filled in, in one pass over the lines).</summary>
    private ShipmentIndex(int capacity, List<string> norms)
    {
        _norms = norms;
        // Arrays of numbers that every shipment writes are not zeroed first (nothing reads past the shipments found).
        MainLines = new DeclarationLine[capacity];
        Days = GC.AllocateUninitializedArray<int>(capacity);
        ShipmentIds = new string?[capacity];
        InvoiceIds = new long[capacity];
        ShipmentNumbers = GC.AllocateUninitializedArray<int>(capacity);
        InvoiceNumbers = new string?[capacity];
        InvoiceKeyNumbers = GC.AllocateUninitializedArray<int>(capacity);
        PartiesKeys = GC.AllocateUninitializedArray<long>(capacity);
        PartyNumbers = GC.AllocateUninitializedArray<int>(capacity);
        RouteNumbers = GC.AllocateUninitializedArray<int>(capacity);
        GoodsNumbers = GC.AllocateUninitializedArray<int>(capacity);
        Fob = GC.AllocateUninitializedArray<double>(capacity);
        Values = GC.AllocateUninitializedArray<double>(capacity);
        Quantities = GC.AllocateUninitializedArray<double>(capacity);
        MixedUnits = GC.AllocateUninitializedArray<bool>(capacity);
    }

    /// <summary>Every shipment, in order of first appearance.</summary>
    public IReadOnlyList<DeclarationShipment> All { get; private set; } = [];

    /// <summary>Export declarations.</summary>
    public IReadOnlyList<DeclarationShipment> Exports { get; private set; } = [];

    /// <summary>Import declarations.</summary>
    public IReadOnlyList<DeclarationShipment> Imports { get; private set; } = [];

    /// <summary>Per shipment: the line with the largest FOB value (the first of equals).</summary>
    internal DeclarationLine[] MainLines { get; }

    /// <summary>Per shipment: the earliest line date's day number.</summary>
    internal int[] Days { get; }

    internal string?[] ShipmentIds { get; }

    /// <summary>Per shipment: its shipment id as a number (0, 1, ... dense, in order of first appearance among the
    /// shipments; equal exactly when the ids are), -1 without one.</summary>
    internal int[] ShipmentNumbers { get; }

    /// <summary>Per shipment: the first declared invoice number's key as a number (<see cref="NoInvoice"/>,
    /// <see cref="EmptyKey"/>, the key packed by <see cref="InvoiceIndex.TryPack"/> (positive), or
    /// <see cref="OtherKeyId"/> of a key that does not pack): equal exactly when the keys are.</summary>
    internal long[] InvoiceIds { get; }

    internal string?[] InvoiceNumbers { get; }

    /// <summary>Per shipment: the invoice key as a dense number, 0, 1, ... in order of first appearance (equal exactly
    /// when the keys are), -1 when the shipment has no key (<see cref="HasKey"/> false): the detectors group by it
    /// through arrays indexed by the number (<see cref="KeyRanges"/>), where they each built a hash table of
    /// <see cref="InvoiceIds"/> before (the mirror's 16 MiB of import buckets, invoice reuse's first groups).</summary>
    internal int[] InvoiceKeyNumbers { get; }

    /// <summary>Number of distinct invoice keys (<see cref="InvoiceKeyNumbers"/> are -1 or 0 to this - 1).</summary>
    internal int InvoiceKeyCount { get; private set; }

    /// <summary>Per shipment: exporter and importer normalised-name ids (<c>exporter &lt;&lt; 32 | importer</c>).</summary>
    internal long[] PartiesKeys { get; }

    /// <summary>Per shipment: the number of its main line's parties part (0, 1, ... in order of first appearance; equal
    /// exactly when the parts are the same instance), so that per-part facts can be kept in arrays.</summary>
    internal int[] PartyNumbers { get; }

    /// <summary>Per shipment: the number of its main line's route part (an index into <see cref="RouteParts"/>).</summary>
    internal int[] RouteNumbers { get; }

    /// <summary>Per shipment: the number of its main line's goods part (an index into <see cref="GoodsParts"/>).</summary>
    internal int[] GoodsNumbers { get; }

    /// <summary>The main lines' distinct route parts, by <see cref="RouteNumbers"/>.</summary>
    internal DeclarationRoute[] RouteParts { get; private set; } = [];

    /// <summary>The main lines' distinct goods parts, by <see cref="GoodsNumbers"/>.</summary>
    internal GoodsPart[] GoodsParts { get; private set; } = [];

    /// <summary>The main lines' distinct parties parts, by <see cref="PartyNumbers"/>.</summary>
    internal DeclarationParties[] PartyParts { get; private set; } = [];

    /// <summary>Number of distinct parties parts (<see cref="PartyNumbers"/> are 0 to this - 1).</summary>
    internal int PartyCount { get; private set; }

    /// <summary>Per parties part (by <see cref="PartyNumbers"/>): its exporter and importer normalised-name ids as in
    /// <see cref="PartiesKeys"/>.</summary>
    internal long[] PartKeys { get; private set; } = [];

    /// <summary>Number of distinct shipment ids (<see cref="ShipmentNumbers"/> are -1 or 0 to this - 1).</summary>
    internal int ShipmentNumberCount { get; private set; }

    internal double[] Fob { get; }

    internal double[] Values { get; }

    internal double[] Quantities { get; }

    /// <summary>Per shipment: true when some line is in another unit than the main line's (then
    /// <see cref="Quantities"/> leaves it out, and <see cref="AddDeclaredByUnit"/> reads the lines).</summary>
    internal bool[] MixedUnits { get; }

    /// <summary>The route part of shipment <paramref name="shipment"/>'s main line (reporter, incoterm, mode), read
    /// without the main line: the parts are few and stay in cache.</summary>
    internal DeclarationRoute RouteOf(int shipment) => RouteParts[RouteNumbers[shipment]];

    /// <summary>The parties part of shipment <paramref name="shipment"/>'s main line (tax ids), read without the main line.</summary>
    internal DeclarationParties PartiesOf(int shipment) => PartyParts[PartyNumbers[shipment]];

    /// <summary>
    /// Adds the normalised quantity of shipment <paramref name="shipment"/>'s lines to <paramref name="declared"/>, slot by
    /// <see cref="BaseUnit"/>. A shipment whose lines share one unit adds <see cref="Quantities"/> (the same sum, in the
    /// same order, from 0): no line object is read; a shipment of mixed units walks its lines.
    /// </summary>
    internal void AddDeclaredByUnit(int shipment, Span<double> declared)
    {
        if (!MixedUnits[shipment])
        {
            declared[(int)GoodsParts[GoodsNumbers[shipment]].Unit] += Quantities[shipment];
            return;
        }

        foreach (var line in LinesOf(shipment))
        {
            declared[(int)line.Unit] += line.NormQuantity;
        }
    }

    /// <summary>The index of <paramref name="context"/>, built on first use and shared by the detectors.</summary>
    public static ShipmentIndex For(AnalysisContext context) =>
        Cache.GetValue(context, c => new Lazy<ShipmentIndex>(() => Build(c.Declarations))).Value;

    /// <summary>True while a detector is building the index of <paramref name="context"/> (asked for, not yet there): another
    /// detector asking for it now would wait for that build.</summary>
    internal static bool IsBuilding(AnalysisContext context) => Cache.TryGetValue(context, out var index) && !index.IsValueCreated;

    /// <summary>Forgets the index of <paramref name="context"/> (a later <see cref="For"/> builds it again).</summary>
    internal static void Release(AnalysisContext context) => Cache.Remove(context);

    /// <summary>Groups <paramref name="declarations"/> into shipments; linear in the number of lines.</summary>
    public static ShipmentIndex Build(IReadOnlyList<DeclarationLine> declarations)
    {
        ArgumentNullException.ThrowIfNull(declarations);
        var source = RecordSpan.InPlaceOrCopy(declarations);
        return BuildFromRuns(source) ?? BuildWithSplits(source);
    }

    /// <summary>Most shipments sharing one declaration-id hash that <see cref="BuildFromRuns"/> compares pair by pair
    /// (more: different reporters' declarations with one id, or split declarations; the general build chains them).</summary>
    private const int MaxSameIdHash = 64;

    /// <summary>
    /// The usual layout, where every declaration's lines are one run of consecutive lines: one pass over the lines,
    /// each run one shipment described while its lines are at hand. Whether some declaration is split after all (a run
    /// of a declaration seen earlier) is found afterwards by sorting the runs' declaration-id hashes
    /// (<see cref="HashRuns"/>: sequential passes instead of a hash-table probe per run, a cache and TLB miss each);
    /// null when one is, so that <see cref="BuildWithSplits"/> groups them.
    /// </summary>
    private static ShipmentIndex? BuildFromRuns(ReadOnlySpan<DeclarationLine> source)
    {
        var n = source.Length;
        var names = new NameCache();
        var index = new ShipmentIndex(n, names.Norms);
        var builder = new Builder(index, names, n);
        var start = GC.AllocateUninitializedArray<int>(n + 1);
        var isExport = new bool[n];
        var pairs = GC.AllocateUninitializedArray<ulong>(n);
        var count = 0;
        for (var i = 0; i < n;)
        {
            var line = source[i];
            var run = RunAt(source, i);

            start[count] = i;
            isExport[count] = line.Flow == TradeFlow.Export;
            pairs[count] = HashRuns.Pack(HashSlots.Hash(line.DeclarationId), count);
            builder.Describe(count, source.Slice(i, run));
            count++;
            i += run;
        }

        start[count] = n;
        var scratch = GC.AllocateUninitializedArray<ulong>(count);
        var sorted = pairs.AsSpan(0, count);
        HashRuns.Sort(sorted, scratch);
        for (var a = 0; a < sorted.Length;)
        {
            var hash = HashRuns.HashOf(sorted[a]);
            var b = a + 1;
            while (b < sorted.Length && HashRuns.HashOf(sorted[b]) == hash)
            {
                b++;
            }

            if (b - a > MaxSameIdHash)
            {
                return null;
            }

            for (var x = a; x < b; x++)
            {
                for (var y = x + 1; y < b; y++)
                {
                    if (Same(source[start[HashRuns.ItemOf(sorted[x])]], source[start[HashRuns.ItemOf(sorted[y])]]))
                    {
                        return null; // a declaration split across the input
                    }
                }
            }

            a = b;
        }

        // Every shipment is one run, in order: the lines are the input itself.
        index._lines = source.ToArray();
        index._start = start;
        index.Complete(builder, count, isExport, pairs, scratch);
        return index;
    }

    /// <summary>Groups lines into shipments when some declarations are split across the input: a run of consecutive
    /// lines of one declaration is found or added with one look-up of its declaration id.</summary>
    private static ShipmentIndex BuildWithSplits(ReadOnlySpan<DeclarationLine> source)
    {
        var n = source.Length;
        var names = new NameCache();
        var index = new ShipmentIndex(n, names.Norms);
        var builder = new Builder(index, names, n);

        // Declaration id -> first shipment with that id (other reporters or flows with the same id are chained through
        // nextSameId). A run of a declaration seen before is set aside: its shipment is laid out and described again
        // once every line is placed.
        var start = GC.AllocateUninitializedArray<int>(n + 1);
        var nextSameId = GC.AllocateUninitializedArray<int>(n);
        var isExport = new bool[n];
        var byId = new HashSlots(n);
        List<(int From, int Length, int Shipment)>? rejoins = null;
        var count = 0;
        for (var i = 0; i < n;)
        {
            var line = source[i];
            var run = RunAt(source, i);

            var id = line.DeclarationId;
            var hash = HashSlots.Hash(id);
            var shipment = count;
            for (var slot = byId.Start(hash); ; slot = byId.Next(slot))
            {
                ref var entry = ref byId.At(slot);
                if (entry.IsEmpty)
                {
                    byId.Fill(ref entry, hash, shipment);
                    nextSameId[shipment] = -1;
                    break;
                }

                if (entry.Hash == hash && string.Equals(source[start[entry.Value]].DeclarationId, id, StringComparison.Ordinal))
                {
                    var last = -1;
                    for (var k = entry.Value; k >= 0; k = nextSameId[k])
                    {
                        last = k;
                        if (Same(source[start[k]], line))
                        {
                            shipment = k;
                            break;
                        }
                    }

                    if (shipment == count)
                    {
                        nextSameId[last] = shipment;
                        nextSameId[shipment] = -1;
                    }

                    break;
                }
            }

            if (shipment == count)
            {
                count++;
                start[shipment] = i;
                isExport[shipment] = line.Flow == TradeFlow.Export;
                builder.Describe(shipment, source.Slice(i, run));
            }
            else
            {
                (rejoins ??= []).Add((i, run, shipment));
            }

            i += run;
        }

        start[count] = n;
        if (rejoins is null)
        {
            index._lines = source.ToArray();
            index._start = start;
        }
        else
        {
            index.LayOut(source, start, count, rejoins, builder);
        }

        index.Complete(builder, count, isExport, GC.AllocateUninitializedArray<ulong>(count), GC.AllocateUninitializedArray<ulong>(count));
        return index;
    }

    /// <summary>Once every shipment is described: hands over the parts, numbers the shipment ids (with
    /// <paramref name="pairs"/> and <paramref name="scratch"/>, room for <paramref name="count"/> pairs each) and lists
    /// the exports and imports.</summary>
    private void Complete(Builder builder, int count, bool[] isExport, ulong[] pairs, ulong[] scratch)
    {
        builder.NumberParties(count);
        builder.NumberInvoiceKeys(count, pairs, scratch);
        PartyCount = builder.PartyCount;
        InvoiceKeyCount = builder.InvoiceKeyCount;
        PartKeys = builder.PartKeys;
        builder.CompleteParts();
        builder.NumberShipmentIds(count, pairs, scratch);
        All = new ShipmentList(this, null, count);
        var exportCount = 0;
        for (var s = 0; s < count; s++)
        {
            exportCount += isExport[s] ? 1 : 0;
        }

        var exports = new int[exportCount];
        var imports = new int[count - exportCount];
        int e = 0, m = 0;
        for (var s = 0; s < count; s++)
        {
            if (isExport[s])
            {
                exports[e++] = s;
            }
            else
            {
                imports[m++] = s;
            }
        }

        Exports = new ShipmentList(this, exports, exports.Length);
        Imports = new ShipmentList(this, imports, imports.Length);
    }

    /// <summary>Lays the lines out shipment after shipment when some declarations are split across the input (runs in
    /// <paramref name="rejoins"/> belong to shipments begun earlier), then describes those shipments again from all
    /// their lines. <paramref name="firstRuns"/> holds each shipment's first line (its first run's start).</summary>
    private void LayOut(ReadOnlySpan<DeclarationLine> source, int[] firstRuns, int count, List<(int From, int Length, int Shipment)> rejoins, Builder builder)
    {
        // The runs in input order: first runs (firstRuns[0..count)) merged with the rejoined runs, each run lasting to
        // the next run's start.
        var sizes = new int[count];
        var r = 0;
        for (var s = 0; s < count; s++)
        {
            var from = firstRuns[s];
            while (r < rejoins.Count && rejoins[r].From < from)
            {
                r++;
            }

            var to = Math.Min(s + 1 < count ? firstRuns[s + 1] : source.Length, r < rejoins.Count ? rejoins[r].From : source.Length);
            sizes[s] = to - from;
        }

        var firstLengths = (int[])sizes.Clone();
        foreach (var (_, length, shipment) in rejoins)
        {
            sizes[shipment] += length;
        }

        var start = new int[count + 1];
        for (var s = 0; s < count; s++)
        {
            start[s + 1] = start[s] + sizes[s];
        }

        var lines = new DeclarationLine[source.Length];
        var cursor = new int[count];
        for (var s = 0; s < count; s++)
        {
            source.Slice(firstRuns[s], firstLengths[s]).CopyTo(lines.AsSpan(start[s]));
            cursor[s] = start[s] + firstLengths[s];
        }

        var again = new bool[count];
        foreach (var (from, length, shipment) in rejoins)
        {
            source.Slice(from, length).CopyTo(lines.AsSpan(cursor[shipment]));
            cursor[shipment] += length;
            again[shipment] = true;
        }

        _lines = lines;
        _start = start;
        for (var s = 0; s < count; s++)
        {
            if (again[s])
            {
                builder.Describe(s, lines.AsSpan(start[s], sizes[s]));
            }
        }
    }

    /// <summary>True when the invoice id stands for a non-empty key.</summary>
    internal static bool HasKey(long invoiceId) => invoiceId is > NoInvoice or < EmptyKey;

    /// <summary>The id of a key that does not pack: -2, -3, ... in order of first appearance.</summary>
    private static long OtherKeyId(int position) => -2L - position;

    /// <summary>The position (0, 1, ... in order of first appearance) of the key that does not pack into a long of id
    /// <paramref name="invoiceId"/> (less than <see cref="EmptyKey"/>): dense, so callers may index an array by it.</summary>
    internal static int OtherKeyPosition(long invoiceId) => (int)(-2L - invoiceId);

    /// <summary>Number of keys that do not pack into a long (their positions are 0 to this - 1).</summary>
    internal int OtherKeyCount => _otherKeys.Count;

    /// <summary>The key that does not pack into a long of id <paramref name="invoiceId"/> (less than <see cref="EmptyKey"/>).</summary>
    internal OtherInvoiceKey OtherKey(long invoiceId) => _otherKeys[OtherKeyPosition(invoiceId)];

    /// <summary>The invoice key of shipment <paramref name="shipment"/> as a string (<see cref="InvoiceKey(string)"/>); null when it declares no invoice number.</summary>
    internal string? InvoiceKeyOf(int shipment) => InvoiceIds[shipment] switch
    {
        NoInvoice => null,
        EmptyKey => string.Empty,
        _ => InvoiceKey(InvoiceNumbers[shipment]!),
    };

    /// <summary>The lines of shipment <paramref name="shipment"/>.</summary>
    internal ArraySegment<DeclarationLine> LinesOf(int shipment) =>
        new(_lines, _start[shipment], _start[shipment + 1] - _start[shipment]);

    /// <summary>The normalised name of id <paramref name="id"/>.</summary>
    internal string NormOf(int id) => _norms[id];

    /// <summary>Works out the per-shipment facts while the index is built: the state of the look-ups that number
    /// parties parts, shipment ids and invoice keys that do not pack.</summary>
    private sealed class Builder(ShipmentIndex index, NameCache names, int lines)
    {
        // Parties are shared by many lines (one part per distinct combination): their names are normalised once per
        // part, numbered by this build's mark on the part (DeclarationParties.IndexMark), instead of hashing two name
        // strings per shipment or probing a table by reference.
        private readonly long _stamp = PartStamps.Next();
        private readonly List<DeclarationParties> _parties = [];
        private readonly List<long> _partyKeys = [];
        private DeclarationParties? _lastParties;
        private int _lastPartiesNumber;

        // Route and goods parts of the main lines, numbered by reference, so that per-part facts (country ids, HS
        // heading) are worked out once per part by the detectors that need them, without reading the main lines again.
        private readonly PartNumbers<DeclarationRoute> _routes = new(1024);
        private readonly PartNumbers<GoodsPart> _goods = new(4096);

        // Each shipment's shipment-id hash, taken while the id text is at hand; the ids are numbered once every
        // shipment is described (NumberShipmentIds), so that the detectors compare and group numbers.
        private readonly int[] _idHashes = GC.AllocateUninitializedArray<int>(lines);

        // Invoice keys numbered densely (InvoiceKeyNumbers), with their invoice ids (InvoiceIds), once every shipment
        // is described (NumberInvoiceKeys). Describe packs a key of up to 17 characters 0-9 and A-Z (nearly all) as a
        // pair (those of up to 12 as (0, packed)): the low part in InvoiceIds, the high part here, the shipment's key
        // number PackedKey; the pairs are then numbered by sorting their hashes (HashRuns), as the shipment ids are,
        // instead of a probe per shipment of a 16 MiB table (InvoiceKeyTable: nearly every new key's slot is a cold
        // cache line, ~1 miss per shipment). The rare keys that do not pack are numbered by their text in Describe
        // (TextKey(t) in the key number) and numbered among the others in order of first appearance afterwards.
        // Keys that do not pack into a long (here 39% of all, e.g. EXP/26-27/0000000) are also listed by position in
        // the index (OtherKeyId).
        private const int PackedKey = -2;
        private readonly int[] _keyHighs = GC.AllocateUninitializedArray<int>(lines);
        private readonly List<string> _texts = [];
        private readonly HashSlots _textKeys = new(16);
        private char[] _scratch = new char[64];

        public int PartyCount => _parties.Count;

        public int InvoiceKeyCount { get; private set; }

        public long[] PartKeys => [.. _partyKeys];

        /// <summary>Hands the numbered parts to the index.</summary>
        public void CompleteParts()
        {
            index.RouteParts = [.. _routes.Parts];
            index.GoodsParts = [.. _goods.Parts];
            index.PartyParts = [.. _parties];
        }

        /// <summary>Fills in the facts of shipment <paramref name="s"/> from its lines (in input order).</summary>
        public void Describe(int s, ReadOnlySpan<DeclarationLine> lines)
        {
            var main = lines[0];
            var date = main.Date;
            double fob = 0, value = 0;
            string? shipmentId = null, invoiceNumber = null;
            foreach (var line in lines)
            {
                fob += line.FobUsd;
                value += line.ValueUsd;
                if (line.FobUsd > main.FobUsd)
                {
                    main = line;
                }

                if (line.Date < date)
                {
                    date = line.Date;
                }

                if (shipmentId is null && !string.IsNullOrWhiteSpace(line.ShipmentId))
                {
                    shipmentId = line.ShipmentId.Trim();
                }

                if (invoiceNumber is null && !string.IsNullOrWhiteSpace(line.InvoiceNumber))
                {
                    invoiceNumber = line.InvoiceNumber;
                }
            }

            // The quantity in the main line's unit (a single line is in its own unit: its goods part is not read).
            double quantity = 0;
            var mixed = false;
            if (lines.Length == 1)
            {
                quantity += main.NormQuantity;
            }
            else
            {
                var unit = main.Unit;
                foreach (var line in lines)
                {
                    if (line.Unit == unit)
                    {
                        quantity += line.NormQuantity;
                    }
                    else
                    {
                        mixed = true;
                    }
                }
            }


            index.MainLines[s] = main;
            index.Days[s] = date.DayNumber;
            index.ShipmentIds[s] = shipmentId;
            if (shipmentId is not null)
            {
                _idHashes[s] = HashSlots.Hash(shipmentId);
            }
            var keyNumber = -1;
            if (invoiceNumber is not null)
            {
                index.InvoiceIds[s] = InvoiceId(invoiceNumber, out _keyHighs[s], out keyNumber);
                index.InvoiceNumbers[s] = invoiceNumber.Trim();
            }

            index.InvoiceKeyNumbers[s] = keyNumber;

            index.RouteNumbers[s] = _routes.Number(main.RouteRef, out _);
            index.GoodsNumbers[s] = _goods.Number(main.GoodsRef, out _);
            index.Fob[s] = fob;
            index.Values[s] = value;
            index.Quantities[s] = quantity;
            index.MixedUnits[s] = mixed;
        }

        /// <summary>
        /// Numbers the main lines' parties parts of shipments 0 to <paramref name="count"/> - 1 (<see cref="PartyNumbers"/>,
        /// <see cref="PartiesKeys"/>) once every shipment is described, in one loop of its own: the read of each part's
        /// mark is a cache miss, and a short loop of independent loads lets several of them overlap, where inside
        /// <see cref="Describe"/> each one stalled the shipment's other work (measured: twice the samples).
        /// </summary>
        public void NumberParties(int count)
        {
            var mains = index.MainLines;
            var numbers = index.PartyNumbers;
            var keys = index.PartiesKeys;
            ReadOnlySpan<DeclarationLine> span = mains.AsSpan(0, count);
            for (var s = 0; s < span.Length; s++)
            {
                // Each main line and its parties part are cache misses (lines spread over the heap, ~86,000 parts among
                // them), waited for one after another: the line 16 ahead and the part (its mark, two lines from its
                // header) 8 ahead are asked for while this one is numbered, so the misses overlap.
                if (RecordSpan.Ahead(span, s) is { } near)
                {
                    CacheHint.Object(near.PartiesRef, 2);
                }

                var number = NumberParties(span[s].PartiesRef);
                numbers[s] = number;
                keys[s] = _partyKeys[number];
            }
        }

        /// <summary>The number of a main line's parties part (0, 1, ... in order of first appearance in this build; its
        /// names normalised then): read from the part's mark when this build set it, else a new number marked on it.
        /// Consecutive shipments often share the part (the last one is remembered).</summary>
        private int NumberParties(DeclarationParties part)
        {
            if (ReferenceEquals(part, _lastParties))
            {
                return _lastPartiesNumber;
            }

            int number;
            var mark = Volatile.Read(ref part.IndexMark);
            if ((mark & ~0xFFFF_FFFFL) == _stamp)
            {
                number = (int)(uint)mark;
            }
            else
            {
                number = _parties.Count;
                names.Normalize(part.ExporterName, out var exporterId);
                names.Normalize(part.ImporterName, out var importerId);
                _parties.Add(part);
                _partyKeys.Add(((long)exporterId << 32) | (uint)importerId);
                Volatile.Write(ref part.IndexMark, _stamp | (uint)number);
            }

            _lastParties = part;
            _lastPartiesNumber = number;
            return number;
        }

        /// <summary>
        /// Numbers the shipment ids of shipments 0 to <paramref name="count"/> - 1 (<see cref="ShipmentNumbers"/>: 0, 1, ...
        /// in order of first appearance, -1 without an id, equal exactly when the ids are) and sets
        /// <see cref="ShipmentNumberCount"/>. The (hash, shipment) pairs are sorted (<see cref="HashRuns"/>) instead of
        /// probing a table per shipment; a shipment whose id an earlier one has takes that one's number.
        /// </summary>
        public void NumberShipmentIds(int count, ulong[] pairs, ulong[] scratch)
        {
            var ids = index.ShipmentIds;
            var numbers = index.ShipmentNumbers;
            var m = 0;
            for (var s = 0; s < count; s++)
            {
                if (ids[s] is null)
                {
                    numbers[s] = -1;
                }
                else
                {
                    pairs[m++] = HashRuns.Pack(_idHashes[s], s);
                }
            }

            var sorted = pairs.AsSpan(0, m);
            HashRuns.Sort(sorted, scratch);

            HashRuns.FirstOfEqual(sorted, numbers, new SameText(ids));

            // Each shipment now holds the first shipment with its id (at or before it): numbers in that order.
            var next = 0;
            for (var s = 0; s < count; s++)
            {
                var first = numbers[s];
                if (first >= 0)
                {
                    numbers[s] = first == s ? next++ : numbers[first];
                }
            }

            index.ShipmentNumberCount = next;
        }

        /// <summary>
        /// Numbers the invoice keys of shipments 0 to <paramref name="count"/> - 1 once every shipment is described
        /// (<see cref="InvoiceKeyNumbers"/>: 0, 1, ... in order of first appearance among the shipments, -1 without a
        /// key, equal exactly when the keys are; <see cref="InvoiceIds"/> of the keys that do not pack into a long, listed
        /// in that order too) and sets <see cref="InvoiceKeyCount"/>. The packed pairs' (hash, shipment) pairs are sorted
        /// (<see cref="HashRuns"/>, with <paramref name="pairs"/> and <paramref name="scratch"/>, room for
        /// <paramref name="count"/> each) and a shipment whose pair an earlier one has takes that one's number.
        /// </summary>
        public void NumberInvoiceKeys(int count, ulong[] pairs, ulong[] scratch)
        {
            var ids = index.InvoiceIds;
            var numbers = index.InvoiceKeyNumbers;
            var highs = _keyHighs;
            var m = 0;
            for (var s = 0; s < count; s++)
            {
                if (numbers[s] == PackedKey)
                {
                    pairs[m++] = HashRuns.Pack(HashRuns.PairHash(highs[s], ids[s]), s);
                }
            }

            var sorted = pairs.AsSpan(0, m);
            HashRuns.Sort(sorted, scratch);

            // Each packed shipment now holds the first shipment with its pair (at or before it), the others -1 or
            // their text key: numbers and ids in shipment order.
            HashRuns.FirstOfEqual(sorted, numbers, new SamePair(highs, ids));
            var textNumbers = new int[_texts.Count];
            textNumbers.AsSpan().Fill(-1);
            var textIds = new long[_texts.Count];
            var keys = index._otherKeys;
            var next = 0;
            for (var s = 0; s < count; s++)
            {
                var first = numbers[s];
                if (first >= 0)
                {
                    if (first != s)
                    {
                        numbers[s] = numbers[first];
                        ids[s] = ids[first];
                        continue;
                    }

                    numbers[s] = next++;
                    if (highs[s] != 0)
                    {
                        // 13 to 17 characters (a key of up to 12 packs with a high part of 0: its id is the packed value).
                        keys.Add(new OtherInvoiceKey(highs[s], ids[s], null));
                        ids[s] = OtherKeyId(keys.Count - 1);
                    }
                }
                else if (first != -1)
                {
                    var t = TextKeyOf(first);
                    if (textNumbers[t] < 0)
                    {
                        textNumbers[t] = next++;
                        textIds[t] = OtherKeyId(keys.Count);
                        keys.Add(new OtherInvoiceKey(0, 0, _texts[t]));
                    }

                    numbers[s] = textNumbers[t];
                    ids[s] = textIds[t];
                }
            }

            InvoiceKeyCount = next;
        }

        /// <summary>The key number that Describe leaves for the text key <paramref name="t"/> (at most -3).</summary>
        private static int TextKey(int t) => -3 - t;

        private static int TextKeyOf(int keyNumber) => -3 - keyNumber;

        /// <summary>The invoice id of <paramref name="invoiceNumber"/> as Describe leaves it for
        /// <see cref="NumberInvoiceKeys"/>: a packed key's low part (<paramref name="high"/> its high part,
        /// <paramref name="number"/> <see cref="PackedKey"/>), <see cref="EmptyKey"/> (number -1) or, for a key that does
        /// not pack, <see cref="TextKey"/> of its position among those texts; without a key string unless the key does
        /// not pack and was not seen before.</summary>
        private long InvoiceId(string invoiceNumber, out int high, out int number)
        {
            number = PackedKey;

            // One pass over the number (nearly all): the same pair as the two-pass path below.
            if (InvoiceIndex.TryPackNumber(invoiceNumber, out high, out var low))
            {
                return low;
            }

            var key = InvoiceIndex.KeyChars(invoiceNumber, ref _scratch);
            if (key.IsEmpty)
            {
                number = -1;
                return EmptyKey;
            }

            // Up to 12 characters give (0, InvoiceIndex.TryPack), up to 17 a pair.
            if (InvoiceKeyTable.TryPack(key, out high, out low))
            {
                return low;
            }

            high = 0;
            var hash = HashSlots.Hash(key);
            _textKeys.MakeRoom();
            for (var slot = _textKeys.Start(hash); ; slot = _textKeys.Next(slot))
            {
                ref var entry = ref _textKeys.At(slot);
                if (entry.IsEmpty)
                {
                    var t = _texts.Count;
                    _textKeys.Fill(ref entry, hash, t);
                    _texts.Add(key.SequenceEqual(invoiceNumber) ? invoiceNumber : new string(key));
                    number = TextKey(t);
                    return NoInvoice;
                }

                if (entry.Hash == hash && key.SequenceEqual(_texts[entry.Value]))
                {
                    number = TextKey(entry.Value);
                    return NoInvoice;
                }
            }
        }
    }

    /// <summary>Items with equal packed invoice keys: equal high parts (Builder's) and low parts (in
    /// <see cref="InvoiceIds"/> until they are numbered).</summary>
    private readonly struct SamePair(int[] highs, long[] lows) : HashRuns.IItemEquality
    {
        public bool Equal(int a, int b) => lows[a] == lows[b] && highs[a] == highs[b];

        public void Prefetch(int item, bool near)
        {
            if (!near)
            {
                CacheHint.Element(lows, item);
                CacheHint.Element(highs, item);
            }
        }
    }

    /// <summary>Items with equal texts (ordinal).</summary>
    private readonly struct SameText(string?[] texts) : HashRuns.IItemEquality
    {
        public bool Equal(int a, int b) => string.Equals(texts[a], texts[b], StringComparison.Ordinal);

        public void Prefetch(int item, bool near)
        {
            if (near)
            {
                CacheHint.Object(texts[item]);
            }
            else
            {
                CacheHint.Element(texts, item);
            }
        }
    }

    /// <summary>An invoice key that does not pack into a long: its <see cref="InvoiceKeyTable.TryPack"/> pair when
    /// <paramref name="Text"/> is null, else the key itself.</summary>
    internal readonly record struct OtherInvoiceKey(int High, long Low, string? Text);

    /// <summary>Shipments of an index as a list of views: all of them, or those at the given positions.</summary>
    private sealed class ShipmentList(ShipmentIndex index, int[]? positions, int count) : IReadOnlyList<DeclarationShipment>
    {
        public int Count => count;

        public DeclarationShipment this[int i] =>
            (uint)i < (uint)count ? new DeclarationShipment(index, positions is null ? i : positions[i]) : throw new ArgumentOutOfRangeException(nameof(i));

        public IEnumerator<DeclarationShipment> GetEnumerator()
        {
            for (var i = 0; i < count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>How many lines from <paramref name="i"/> on belong to the declaration of <c>source[i]</c> (at least one).</summary>
    private static int RunAt(ReadOnlySpan<DeclarationLine> source, int i)
    {
        var first = source[i];
        var run = 1;
        while (i + run < source.Length && Same(first, source[i + run]))
        {
            run++;
        }

        return run;
    }

    /// <summary>True when <paramref name="line"/> belongs to the declaration of <paramref name="first"/> (same id, reporter and flow).</summary>
    private static bool Same(DeclarationLine first, DeclarationLine line) =>
        string.Equals(line.DeclarationId, first.DeclarationId, StringComparison.Ordinal)
        && (ReferenceEquals(line.RouteRef, first.RouteRef)
            || (line.Flow == first.Flow && string.Equals(line.ReporterCountry, first.ReporterCountry, StringComparison.Ordinal)));

    /// <summary>An invoice number reduced to upper-case letters and digits ("inv-2026/001" and "INV 2026 001" compare equal).</summary>
    public static string InvoiceKey(string invoiceNumber)
    {
        if (IsOwnInvoiceKey(invoiceNumber))
        {
            return invoiceNumber;
        }

        Span<char> buffer = invoiceNumber.Length <= 256 ? stackalloc char[invoiceNumber.Length] : new char[invoiceNumber.Length];
        return new string(buffer[..WriteInvoiceKey(invoiceNumber, buffer)]);
    }

    /// <summary>True when the number is only 0-9 and A-Z, so that it is its own <see cref="InvoiceKey"/>.</summary>
    internal static bool IsOwnInvoiceKey(string invoiceNumber)
    {
        foreach (var c in invoiceNumber)
        {
            if (!(c is >= '0' and <= '9' or >= 'A' and <= 'Z'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Writes the letters and digits of the number upper-cased into <paramref name="key"/> (at least as long); returns how many.</summary>
    internal static int WriteInvoiceKey(string invoiceNumber, Span<char> key)
    {
        var n = 0;
        foreach (var c in invoiceNumber)
        {
            if (char.IsLetterOrDigit(c))
            {
                key[n++] = char.ToUpperInvariant(c);
            }
        }

        return n;
    }
}

/// <summary>Memoises <see cref="PartyNames.Normalize"/>: trader names repeat across many lines. Each distinct
/// normalised name also gets a small id (0 for the empty name) so that pairs of names can be hashed as one number.</summary>
internal sealed class NameCache
{
    private readonly Dictionary<string, (string Norm, int Id)> _cache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal) { [string.Empty] = 0 };

    /// <summary>The normalised names by id (the empty name first).</summary>
    public List<string> Norms { get; } = [string.Empty];

    public string Normalize(string? name) => Normalize(name, out _);

    public string Normalize(string? name, out int id)
    {
        if (string.IsNullOrEmpty(name))
        {
            id = 0;
            return string.Empty;
        }

        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_cache, name, out var exists);
        if (!exists)
        {
            var norm = PartyNames.Normalize(name);
            ref var normId = ref CollectionsMarshal.GetValueRefOrAddDefault(_ids, norm, out var known);
            if (!known)
            {
                normId = _ids.Count - 1;
                Norms.Add(norm);
            }

            entry = (norm, normId);
        }

        id = entry.Id;
        return entry.Norm;
    }
}
