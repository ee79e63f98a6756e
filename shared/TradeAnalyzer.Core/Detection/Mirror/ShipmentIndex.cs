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
    private readonly DeclarationLine[] _lines;

    /// <summary>Shipment s's lines are <c>_lines[_start[s].._start[s + 1]]</c>.</summary>
    private readonly int[] _start;

    /// <summary>Invoice id of a shipment that declares no invoice number.</summary>
    internal const long NoInvoice = 0;

    /// <summary>Invoice id of an invoice number without letters or digits (its key is empty).</summary>
    internal const long EmptyKey = -1;

    /// <summary>The keys that do not pack into a long, by <see cref="OtherKeyId"/>.</summary>
    private readonly List<string> _otherKeys = [];

    /// <summary>Normalised names by id (<see cref="NameCache"/>).</summary>
    private readonly List<string> _norms;

    private ShipmentIndex(int count, DeclarationLine[] lines, int[] start, List<string> norms)
    {
        _lines = lines;
        _start = start;
        _norms = norms;
        MainLines = new DeclarationLine[count];
        Days = new int[count];
        ShipmentIds = new string?[count];
        InvoiceIds = new long[count];
        ShipmentNumbers = new int[count];
        InvoiceNumbers = new string?[count];
        PartiesKeys = new long[count];
        PartyNumbers = new int[count];
        Fob = new double[count];
        Values = new double[count];
        Quantities = new double[count];
        All = new ShipmentList(this, null, count);
    }

    /// <summary>Every shipment, in order of first appearance.</summary>
    public IReadOnlyList<DeclarationShipment> All { get; }

    /// <summary>Export declarations.</summary>
    public IReadOnlyList<DeclarationShipment> Exports { get; private set; } = [];

    /// <summary>Import declarations.</summary>
    public IReadOnlyList<DeclarationShipment> Imports { get; private set; } = [];

    /// <summary>Per shipment: the line with the largest FOB value (the first of equals).</summary>
    internal DeclarationLine[] MainLines { get; }

    /// <summary>Per shipment: the earliest line date's day number.</summary>
    internal int[] Days { get; }

    internal string?[] ShipmentIds { get; }

    /// <summary>Per shipment: its shipment id as a number (0, 1, ... in order of first appearance; equal exactly when
    /// the ids are), -1 without one.</summary>
    internal int[] ShipmentNumbers { get; }

    /// <summary>Per shipment: the first declared invoice number's key as a number (<see cref="NoInvoice"/>,
    /// <see cref="EmptyKey"/>, the key packed by <see cref="InvoiceIndex.TryPack"/> (positive), or
    /// <see cref="OtherKeyId"/> of a key that does not pack): equal exactly when the keys are.</summary>
    internal long[] InvoiceIds { get; }

    internal string?[] InvoiceNumbers { get; }

    /// <summary>Per shipment: exporter and importer normalised-name ids (<c>exporter &lt;&lt; 32 | importer</c>).</summary>
    internal long[] PartiesKeys { get; }

    /// <summary>Per shipment: the number of its main line's parties part (0, 1, ... in order of first appearance; equal
    /// exactly when the parts are the same instance), so that per-part facts can be kept in arrays.</summary>
    internal int[] PartyNumbers { get; }

    /// <summary>Number of distinct parties parts (<see cref="PartyNumbers"/> are 0 to this - 1).</summary>
    internal int PartyCount { get; private set; }

    internal double[] Fob { get; }

    internal double[] Values { get; }

    internal double[] Quantities { get; }

    /// <summary>The index of <paramref name="context"/>, built on first use and shared by the detectors.</summary>
    public static ShipmentIndex For(AnalysisContext context) =>
        Cache.GetValue(context, c => new Lazy<ShipmentIndex>(() => Build(c.Declarations))).Value;

    /// <summary>Forgets the index of <paramref name="context"/> (a later <see cref="For"/> builds it again).</summary>
    internal static void Release(AnalysisContext context) => Cache.Remove(context);

    /// <summary>Groups <paramref name="declarations"/> into shipments; linear in the number of lines.</summary>
    public static ShipmentIndex Build(IReadOnlyList<DeclarationLine> declarations)
    {
        ArgumentNullException.ThrowIfNull(declarations);
        var source = declarations switch
        {
            List<DeclarationLine> list => CollectionsMarshal.AsSpan(list),
            DeclarationLine[] array => array,
            _ => [.. declarations],
        };
        var n = source.Length;

        // Declaration id -> first shipment with that id; other reporters or flows with the same id are chained through
        // nextSameId. Each line's shipment is noted, and the lines are then laid out shipment after shipment in one
        // array that the shipments' lines are ranges of. Per-shipment scratch arrays are sized for one shipment per
        // line (an upper bound), the kept facts for the shipments found.
        var byId = new Dictionary<string, int>(n);
        var firstLine = new int[n];
        var nextSameId = new int[n];
        var shipmentOf = new int[n];
        var sizes = new int[n + 1];
        var count = 0;
        for (var i = 0; i < n;)
        {
            var line = source[i];

            // The lines of a declaration are usually consecutive: the whole run joins one shipment with one look-up.
            var run = 1;
            while (i + run < n && Same(line, source[i + run]))
            {
                run++;
            }

            var shipment = -1;
            ref var head = ref CollectionsMarshal.GetValueRefOrAddDefault(byId, line.DeclarationId, out var exists);
            if (exists)
            {
                var last = -1;
                for (var k = head; k >= 0; k = nextSameId[k])
                {
                    last = k;
                    if (Same(source[firstLine[k]], line))
                    {
                        shipment = k;
                        break;
                    }
                }

                if (shipment < 0)
                {
                    shipment = count++;
                    nextSameId[last] = shipment;
                    firstLine[shipment] = i;
                    nextSameId[shipment] = -1;
                }
            }
            else
            {
                head = shipment = count++;
                firstLine[shipment] = i;
                nextSameId[shipment] = -1;
            }

            shipmentOf.AsSpan(i, run).Fill(shipment);
            sizes[shipment] += run;
            i += run;
        }

        // Prefix sums in place: sizes becomes the start of each shipment's range (and the end of the last).
        var start = new int[count + 1];
        for (var s = 0; s < count; s++)
        {
            start[s + 1] = start[s] + sizes[s];
            sizes[s] = start[s];
        }

        var lines = new DeclarationLine[n];
        for (var i = 0; i < n; i++)
        {
            lines[sizes[shipmentOf[i]]++] = source[i];
        }

        var names = new NameCache();
        var index = new ShipmentIndex(count, lines, start, names.Norms);
        var exportCount = index.Complete(names);
        var exports = new int[exportCount];
        var imports = new int[count - exportCount];
        int e = 0, m = 0;
        for (var s = 0; s < count; s++)
        {
            if (index.MainLines[s].Flow == TradeFlow.Export)
            {
                exports[e++] = s;
            }
            else
            {
                imports[m++] = s;
            }
        }

        index.Exports = new ShipmentList(index, exports, exports.Length);
        index.Imports = new ShipmentList(index, imports, imports.Length);
        return index;
    }

    /// <summary>True when the invoice id stands for a non-empty key.</summary>
    internal static bool HasKey(long invoiceId) => invoiceId is > NoInvoice or < EmptyKey;

    /// <summary>The id of a key that does not pack: -2, -3, ... in order of first appearance.</summary>
    private static long OtherKeyId(int position) => -2L - position;

    /// <summary>The key that does not pack of id <paramref name="invoiceId"/> (less than <see cref="EmptyKey"/>).</summary>
    internal string OtherKey(long invoiceId) => _otherKeys[(int)(-2L - invoiceId)];

    /// <summary>The invoice key of shipment <paramref name="shipment"/> as a string (<see cref="InvoiceKey(string)"/>); null when it declares no invoice number.</summary>
    internal string? InvoiceKeyOf(int shipment)
    {
        var id = InvoiceIds[shipment];
        return id switch
        {
            NoInvoice => null,
            EmptyKey => string.Empty,
            < EmptyKey => OtherKey(id),
            _ => InvoiceKey(InvoiceNumbers[shipment]!),
        };
    }

    /// <summary>The invoice id of <paramref name="invoiceNumber"/> (see <see cref="InvoiceIds"/>), without a key string
    /// unless the key does not pack and was not seen before.</summary>
    private long InvoiceId(string invoiceNumber, Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> otherKeys, ref char[] scratch)
    {
        var key = InvoiceIndex.KeyChars(invoiceNumber, ref scratch);
        if (key.IsEmpty)
        {
            return EmptyKey;
        }

        if (InvoiceIndex.TryPack(key, out var packed))
        {
            return packed;
        }

        if (!otherKeys.TryGetValue(key, out var id))
        {
            id = OtherKeyId(_otherKeys.Count);
            var text = key.SequenceEqual(invoiceNumber) ? invoiceNumber : new string(key);
            _otherKeys.Add(text);
            otherKeys[text] = id;
        }

        return id;
    }

    /// <summary>The lines of shipment <paramref name="shipment"/>.</summary>
    internal ArraySegment<DeclarationLine> LinesOf(int shipment) =>
        new(_lines, _start[shipment], _start[shipment + 1] - _start[shipment]);

    /// <summary>The normalised name of id <paramref name="id"/>.</summary>
    internal string NormOf(int id) => _norms[id];

    /// <summary>Fills the per-shipment facts from each shipment's lines; returns the number of exports.</summary>
    private int Complete(NameCache names)
    {
        // Parties are shared by many lines (one part per distinct combination): their names are normalised once per
        // part, found by reference, instead of hashing two name strings per shipment.
        var partyNumbers = new ReferenceIds<DeclarationParties>(4096);
        var partyKeys = new List<long>();
        var otherKeys = new Dictionary<string, long>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        var scratch = new char[64];

        // Shipment ids numbered while the id text is at hand, so that the detectors compare and group numbers.
        var shipmentNumbers = new Dictionary<string, int>(MainLines.Length, StringComparer.Ordinal);
        DeclarationParties? lastParties = null;
        long lastKey = 0;
        var lastNumber = 0;
        var exports = 0;
        var lines = _lines;
        for (var s = 0; s < MainLines.Length; s++)
        {
            var from = _start[s];
            var to = _start[s + 1];
            var main = lines[from];
            var date = main.Date;
            double fob = 0, value = 0;
            string? shipmentId = null, invoiceNumber = null;
            for (var k = from; k < to; k++)
            {
                var line = lines[k];
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

            double quantity = 0;
            var unit = main.Unit;
            for (var k = from; k < to; k++)
            {
                var line = lines[k];
                if (line.Unit == unit)
                {
                    quantity += line.NormQuantity;
                }
            }

            var parties = main.PartiesRef;
            if (!ReferenceEquals(parties, lastParties))
            {
                lastNumber = partyNumbers.IdOf(parties, out var added);
                if (added)
                {
                    names.Normalize(main.ExporterName, out var exporterId);
                    names.Normalize(main.ImporterName, out var importerId);
                    partyKeys.Add(((long)exporterId << 32) | (uint)importerId);
                }

                lastParties = parties;
                lastKey = partyKeys[lastNumber];
            }

            MainLines[s] = main;
            Days[s] = date.DayNumber;
            ShipmentIds[s] = shipmentId;
            if (shipmentId is null)
            {
                ShipmentNumbers[s] = -1;
            }
            else
            {
                ref var number = ref CollectionsMarshal.GetValueRefOrAddDefault(shipmentNumbers, shipmentId, out var seen);
                if (!seen)
                {
                    number = shipmentNumbers.Count - 1;
                }

                ShipmentNumbers[s] = number;
            }

            if (invoiceNumber is not null)
            {
                InvoiceIds[s] = InvoiceId(invoiceNumber, otherKeys, ref scratch);
                InvoiceNumbers[s] = invoiceNumber.Trim();
            }

            PartiesKeys[s] = lastKey;
            PartyNumbers[s] = lastNumber;
            Fob[s] = fob;
            Values[s] = value;
            Quantities[s] = quantity;
            exports += main.Flow == TradeFlow.Export ? 1 : 0;
        }

        PartyCount = partyNumbers.Count;
        return exports;
    }

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
