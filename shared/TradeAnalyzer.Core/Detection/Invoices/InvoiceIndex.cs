using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection.Mirror;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Detection.Invoices;

/// <summary>
/// Invoice lines grouped into documents, looked up by normalised invoice number and by shipment id. Built once per
/// <see cref="AnalysisContext"/> and shared by the invoice detectors.
/// </summary>
/// <remarks>
/// Stored as a few arrays indexed by document number (lines grouped by document, main line, normalised parties, next
/// document with the same number) instead of an object and a list per document: building it allocates a handful of
/// large arrays that the collector never copies. Invoice numbers of up to 12 letters and digits (nearly all) are keyed
/// by a number packed from their characters (<see cref="TryPack"/>), not by a string: no key string per document.
/// </remarks>
public sealed class InvoiceIndex
{
    /// <summary>Longest normalised invoice number packed into a long (37^12 &lt; 2^63).</summary>
    internal const int MaxPackedLength = 12;

    /// <summary>How many lines ahead the build packs an invoice number and asks for its key table slot.</summary>
    internal const int KeyAhead = 16;

    /// <summary>Packed numbers kept for their run (a power of two above <see cref="KeyAhead"/>).</summary>
    private const int KeyRing = 32;

    private static readonly ConditionalWeakTable<AnalysisContext, Lazy<InvoiceIndex>> Cache = [];

    /// <summary>Normalised invoice number packed (<see cref="InvoiceKeyTable.TryPack"/>) -> its first document; the
    /// documents of other sellers with the same number follow through <see cref="_next"/>.</summary>
    private readonly InvoiceKeyTable _byPacked;

    /// <summary>The same for numbers that do not pack (longer than 17 characters, or letters outside A-Z).</summary>
    private readonly Dictionary<string, int> _byNumber = new(StringComparer.Ordinal);

    /// <summary>The invoice lines in input order and each one's document: the shipment-id look-up scans them, since a
    /// declaration is looked up by shipment id only when the invoice it names is not found by number (about 1% here).</summary>
    private readonly IReadOnlyList<InvoiceLine> _input;
    private readonly int[] _docOf;

    /// <summary>Trimmed shipment id -> the document of its first line, for single look-ups by
    /// <see cref="Find(string?, string?, string, string?)"/>; built on first use.</summary>
    private Dictionary<string, int>? _byShipment;

    private readonly HashSet<string> _sellers = new(StringComparer.Ordinal);

    /// <summary>The lines of every document, document after document, each document's lines in input order.</summary>
    private readonly InvoiceLine[] _lines;

    /// <summary>Document d's lines are <c>_lines[_start[d].._start[d + 1]]</c>.</summary>
    private readonly int[] _start;

    private readonly InvoiceLine[] _main;
    private readonly string[] _sellerNorm;
    private readonly string[] _buyerNorm;

    /// <summary>The next document (another seller) with the same normalised number, in order of first line; -1 when none.</summary>
    private readonly int[] _next;

    /// <summary>Groups <paramref name="invoices"/> by (invoice number, seller); linear.</summary>
    public InvoiceIndex(IReadOnlyList<InvoiceLine> invoices)
    {
        ArgumentNullException.ThrowIfNull(invoices);
        var n = invoices.Count;
        // The lines as a span (the reader's list, copied only for another kind of list): each line is read three
        // times below, by index, where an interface call per read stood.
        var input = RecordSpan.InPlaceOrCopy(invoices);
        var names = new InstanceNames();
        var docOf = new int[n];
        _input = invoices;
        _docOf = docOf;
        var count = new int[n + 1];
        _sellerNorm = new string[n];
        _buyerNorm = new string[n];
        _next = new int[n];
        _main = new InvoiceLine[n];
        _byPacked = new InvoiceKeyTable(n);
        var sellerSeen = new bool[64];
        var scratch = new char[64];
        var docs = 0;

        // Each new invoice's first look-up lands on a cold slot of the key table (16 MiB here; consecutive invoices
        // are different sellers' sequences, so their windows are far apart): the number of the line KeyAhead lines on
        // is packed now and its slot asked for, so that the miss overlaps with the runs before it. The packed keys
        // wait in a ring (by line) for their run, so a number is packed once.
        Span<int> ringLine = stackalloc int[KeyRing];
        Span<int> ringHigh = stackalloc int[KeyRing];
        Span<long> ringLow = stackalloc long[KeyRing];
        ringLine.Fill(-1);
        var packedTo = 0;
        for (var i = 0; i < n;)
        {
            for (var ahead = Math.Min(n - 1, i + KeyAhead); packedTo <= ahead; packedTo++)
            {
                var r = packedTo & (KeyRing - 1);
                if (TryPackNumber(input[packedTo].InvoiceNumber, out ringHigh[r], out ringLow[r]))
                {
                    ringLine[r] = packedTo;
                    _byPacked.Prefetch(ringHigh[r], ringLow[r]);
                }
                else
                {
                    ringLine[r] = -1;
                }
            }

            // Lines of one invoice are usually consecutive: the run with the same number and seller as written joins
            // one document with one look-up.
            var line = input[i];
            var run = 1;
            while (i + run < n
                && input[i + run] is var other
                && string.Equals(other.InvoiceNumber, line.InvoiceNumber, StringComparison.Ordinal)
                && string.Equals(other.SellerName, line.SellerName, StringComparison.Ordinal))
            {
                run++;
            }

            var seller = names.Normalize(line.SellerName, out var sellerId);
            // The first document with this number, or this run's new document when none.
            int head;
            var high = 0;
            long low = 0;
            if (ringLine[i & (KeyRing - 1)] == i)
            {
                head = _byPacked.GetOrAdd(ringHigh[i & (KeyRing - 1)], ringLow[i & (KeyRing - 1)], docs, out _);
            }
            else if (KeyChars(line.InvoiceNumber, ref scratch) is var key && InvoiceKeyTable.TryPack(key, out high, out low))
            {
                head = _byPacked.GetOrAdd(high, low, docs, out _);
            }
            else
            {
                ref var first = ref CollectionsMarshal.GetValueRefOrAddDefault(_byNumber, KeyString(line.InvoiceNumber, key), out var known);
                if (!known)
                {
                    first = docs;
                }

                head = first;
            }

            var doc = -1;
            var last = -1;
            for (var d = head; d >= 0 && d < docs; d = _next[d])
            {
                last = d;
                if (string.Equals(_sellerNorm[d], seller, StringComparison.Ordinal))
                {
                    doc = d;
                    break;
                }
            }

            if (doc < 0)
            {
                doc = docs++;
                _main[doc] = line;
                _sellerNorm[doc] = seller;
                _buyerNorm[doc] = names.Normalize(line.BuyerName);
                _next[doc] = -1;
                if (last >= 0)
                {
                    _next[last] = doc;
                }

                if (sellerId >= sellerSeen.Length)
                {
                    Array.Resize(ref sellerSeen, Math.Max(sellerId + 1, sellerSeen.Length * 2));
                }

                if (!sellerSeen[sellerId])
                {
                    sellerSeen[sellerId] = true;
                    _sellers.Add(seller);
                }
            }

            count[doc] += run;
            var main = _main[doc];
            for (var k = 0; k < run; k++)
            {
                var l = input[i + k];
                docOf[i + k] = doc;

                // The main line: the largest FOB value, the first of equals (lines join their document in input order).
                if (l.FobUsd > main.FobUsd)
                {
                    main = l;
                }
            }

            _main[doc] = main;
            i += run;
        }

        // Lay the lines out document after document, in input order within each.
        _start = new int[docs + 1];
        for (var d = 0; d < docs; d++)
        {
            _start[d + 1] = _start[d] + count[d];
            count[d] = _start[d];
        }

        _lines = new InvoiceLine[n];
        for (var i = 0; i < n; i++)
        {
            _lines[count[docOf[i]]++] = input[i];
        }

        DocumentCount = docs;
    }

    /// <summary>The index of <paramref name="context"/>'s invoices, built on first use.</summary>
    public static InvoiceIndex For(AnalysisContext context) =>
        Cache.GetValue(context, c => new Lazy<InvoiceIndex>(() => new InvoiceIndex(c.Invoices))).Value;

    /// <summary>
    /// Gives <paramref name="context"/> an index that is being built ahead (e.g. from the invoices file while the
    /// declarations file is still being read) instead of building one on first use. Taken only when it was built over
    /// the very list the context analyses (<paramref name="invoices"/> is <see cref="AnalysisContext.Invoices"/>) and
    /// the context has no index yet; <see cref="For"/> then waits for it.
    /// </summary>
    public static bool UseAhead(AnalysisContext context, IReadOnlyList<InvoiceLine> invoices, Task<InvoiceIndex> index)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(index);
        return ReferenceEquals(invoices, context.Invoices)
            && Cache.TryAdd(context, new Lazy<InvoiceIndex>(() => index.GetAwaiter().GetResult()));
    }

    /// <summary>Forgets the index of <paramref name="context"/> (a later <see cref="For"/> builds it again).</summary>
    internal static void Release(AnalysisContext context) => Cache.Remove(context);

    /// <summary>Number of invoice documents.</summary>
    public int DocumentCount { get; }

    /// <summary>Document <paramref name="id"/> (0 to <see cref="DocumentCount"/> - 1, in order of first line).</summary>
    public InvoiceDocument Document(int id) => new(this, id);

    /// <summary>True when some invoice was issued by the seller of this normalised name.</summary>
    public bool HasSeller(string sellerNorm) => _sellers.Contains(sellerNorm);

    /// <summary>The invoice a declaration refers to: by number (preferring the declared exporter as seller), else by shipment id.</summary>
    public InvoiceDocument? Find(string? invoiceKey, string? shipmentId, string exporterNorm, string? exporterId) =>
        Find(invoiceKey, shipmentId, exporterNorm, exporterId, out _);

    /// <summary>As <see cref="Find(string?, string?, string, string?)"/>; <paramref name="sellerMatches"/> tells whether
    /// <see cref="PartyMatch.Same"/> holds between the document's seller (normalised name, main line's id) and the
    /// exporter, when the search had to find out (found by number), else null.</summary>
    internal InvoiceDocument? Find(string? invoiceKey, string? shipmentId, string exporterNorm, string? exporterId, out bool? sellerMatches) =>
        Find(invoiceKey is { Length: > 0 } ? FirstWithKey(invoiceKey) : -1, shipmentId, exporterNorm, exporterId, out sellerMatches);

    /// <summary>As <see cref="Find(string?, string?, string, string?, out bool?)"/> for the invoice key of a shipment of
    /// <paramref name="shipments"/> given as its number (<see cref="ShipmentIndex.InvoiceIds"/>): no key string hashed
    /// when it packs.</summary>
    internal InvoiceDocument? Find(ShipmentIndex shipments, long invoiceId, string? shipmentId, string exporterNorm, string? exporterId, out bool? sellerMatches)
    {
        var first = FirstWithKey(shipments, invoiceId);
        return Find(first, shipmentId, exporterNorm, exporterId, out sellerMatches);
    }

    /// <summary>The first document with the invoice key of a shipment of <paramref name="shipments"/> given as its number
    /// (<see cref="ShipmentIndex.InvoiceIds"/>); -1 when none or no key.</summary>
    internal int FirstWithKey(ShipmentIndex shipments, long invoiceId)
    {
        if (invoiceId > ShipmentIndex.NoInvoice)
        {
            return _byPacked.Find(0, invoiceId);
        }

        if (invoiceId < ShipmentIndex.EmptyKey)
        {
            // Keys of up to 17 characters come packed as this index packs them: no key string.
            var other = shipments.OtherKey(invoiceId);
            return other.Text is null ? _byPacked.Find(other.High, other.Low) : FirstWithKey(other.Text);
        }

        return -1;
    }

    /// <summary>The document found from the first document with a declaration's invoice key (negative when none), as
    /// <see cref="Find(string?, string?, string, string?, out bool?)"/> does, without the look-up by shipment id:
    /// <paramref name="sellerMatches"/> as there; -1 when <paramref name="first"/> is.</summary>
    /// <remarks>The tax ids (the document's main line and the declaration's parties part) are read only for a document
    /// whose seller's name does not match: most match by name.</remarks>
    internal int FromFirst(int first, string exporterNorm, DeclarationParties exporter, out bool? sellerMatches)
    {
        if (first < 0)
        {
            sellerMatches = null;
            return -1;
        }

        for (var d = first; d >= 0; d = _next[d])
        {
            if (PartyMatch.SameName(_sellerNorm[d], exporterNorm) || PartyMatch.SameIds(_main[d].SellerId, exporter.ExporterId))
            {
                sellerMatches = true;
                return d;
            }
        }

        sellerMatches = false; // the first document was tried too
        return first;
    }

    /// <summary>
    /// Sets each value of <paramref name="wanted"/> (keyed by trimmed shipment id) to the document of the first invoice
    /// line, in input order, of that shipment id, or -1 when no line has it: one pass over the lines probing a table of
    /// the few ids asked for, instead of a table of every line's id.
    /// </summary>
    internal void FindByShipment(Dictionary<string, int> wanted)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        if (wanted.Count == 0)
        {
            return;
        }

        foreach (var id in wanted.Keys)
        {
            wanted[id] = -1;
        }

        var lookup = wanted.GetAlternateLookup<ReadOnlySpan<char>>();
        var left = wanted.Count;
        string? previous = null;
        for (var i = 0; i < _docOf.Length && left > 0; i++)
        {
            var id = _input[i].ShipmentId;
            if (id is null || ReferenceEquals(id, previous))
            {
                continue;
            }

            previous = id;
            var trimmed = id.AsSpan().Trim();
            if (trimmed.Length > 0 && lookup.TryGetValue(trimmed, out var doc) && doc < 0)
            {
                lookup[trimmed] = _docOf[i];
                left--;
            }
        }
    }

    /// <summary>The search of <see cref="Find(string?, string?, string, string?, out bool?)"/> from the first document
    /// with the invoice key (negative when none or no key).</summary>
    private InvoiceDocument? Find(int first, string? shipmentId, string exporterNorm, string? exporterId, out bool? sellerMatches)
    {
        if (first >= 0)
        {
            for (var d = first; d >= 0; d = _next[d])
            {
                if (PartyMatch.Same(_sellerNorm[d], _main[d].SellerId, exporterNorm, exporterId))
                {
                    sellerMatches = true;
                    return new InvoiceDocument(this, d);
                }
            }

            sellerMatches = false; // the first document was tried too
            return new InvoiceDocument(this, first);
        }

        sellerMatches = null;
        return shipmentId is not null && ByShipment().TryGetValue(shipmentId, out var doc) ? new InvoiceDocument(this, doc) : null;
    }

    /// <summary>Every trimmed shipment id -> the document of its first line (built once, on the first single look-up).</summary>
    private Dictionary<string, int> ByShipment()
    {
        return LazyInitializer.EnsureInitialized(ref _byShipment, Build);

        Dictionary<string, int> Build()
        {
            var byShipment = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < _docOf.Length; i++)
            {
                var id = _input[i].ShipmentId;
                if (!string.IsNullOrWhiteSpace(id))
                {
                    byShipment.TryAdd(id.Trim(), _docOf[i]);
                }
            }

            return byShipment;
        }
    }

    internal ReadOnlySpan<InvoiceLine> LinesOf(int doc) => _lines.AsSpan(_start[doc], _start[doc + 1] - _start[doc]);

    internal InvoiceLine MainOf(int doc) => _main[doc];

    internal string SellerNormOf(int doc) => _sellerNorm[doc];

    internal string BuyerNormOf(int doc) => _buyerNorm[doc];

    /// <summary>
    /// Packs a normalised invoice number of up to <see cref="MaxPackedLength"/> characters 0-9 and A-Z into a long,
    /// one base-37 digit per character (1-36, so no two such numbers share a value); false for any other number.
    /// </summary>
    internal static bool TryPack(ReadOnlySpan<char> key, out long packed)
    {
        packed = 0;
        if (key.Length > MaxPackedLength)
        {
            return false;
        }

        foreach (var c in key)
        {
            int digit;
            if (c is >= '0' and <= '9')
            {
                digit = c - '0' + 1;
            }
            else if (c is >= 'A' and <= 'Z')
            {
                digit = c - 'A' + 11;
            }
            else
            {
                return false;
            }

            packed = (packed * 37) + digit;
        }

        return true;
    }

    /// <summary>37^11, the value of a packed key's first digit when it holds <see cref="MaxPackedLength"/> of them.</summary>
    private const ulong Pow37To11 = 37UL * 37 * 37 * 37 * 37 * 37 * 37 * 37 * 37 * 37 * 37;

    /// <summary>Base-37 digit of each ASCII character in a key: 1-10 for 0-9, 11-36 for A-Z and a-z (upper-cased), 0 for
    /// the characters a key leaves out (every other ASCII character: <see cref="char.IsLetterOrDigit(char)"/> is
    /// false for them).</summary>
    private static ReadOnlySpan<byte> Digit37 =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0, 0, 0, 0, 0,
        0, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 0, 0, 0, 0, 0,
        0, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 0, 0, 0, 0, 0,
    ];

    /// <summary>
    /// <see cref="InvoiceKeyTable.TryPack"/> of <see cref="KeyChars"/>(<paramref name="invoiceNumber"/>) in one pass
    /// over the number, without writing the key: for a number of ASCII characters only whose key has 1 to
    /// <see cref="InvoiceKeyTable.MaxLength"/> characters (nearly all; <paramref name="high"/> is 0 exactly when the key
    /// has at most <see cref="MaxPackedLength"/>, <paramref name="low"/> then being <see cref="TryPack"/>'s value).
    /// False for any other number (non-ASCII characters, an empty or a longer key): the caller takes the two-pass path.
    /// </summary>
    internal static bool TryPackNumber(string invoiceNumber, out int high, out long low)
    {
        var table = Digit37;
        ulong packed = 0;
        ulong leading = 0;
        var n = 0;
        foreach (var c in invoiceNumber)
        {
            if (c >= 128)
            {
                high = 0;
                low = 0;
                return false;
            }

            ulong digit = table[c];
            if (digit == 0)
            {
                continue;
            }

            if (++n <= MaxPackedLength)
            {
                packed = (packed * 37) + digit;
            }
            else
            {
                // The long keeps the last 12 characters: the first of them moves to the leading part.
                var first = packed / Pow37To11;
                packed = ((packed - (first * Pow37To11)) * 37) + digit;
                leading = (leading * 37) + first;
            }
        }

        if (n == 0 || n > InvoiceKeyTable.MaxLength)
        {
            high = 0;
            low = 0;
            return false;
        }

        high = (int)leading;
        low = (long)packed;
        return true;
    }

    /// <summary>
    /// The characters of <see cref="ShipmentIndex.InvoiceKey"/>(<paramref name="invoiceNumber"/>) without allocating a
    /// string: the number itself when it is only 0-9 and A-Z, else its letters and digits upper-cased, in
    /// <paramref name="scratch"/> (grown when too small).
    /// </summary>
    internal static ReadOnlySpan<char> KeyChars(string invoiceNumber, ref char[] scratch)
    {
        if (ShipmentIndex.IsOwnInvoiceKey(invoiceNumber))
        {
            return invoiceNumber;
        }

        if (scratch.Length < invoiceNumber.Length)
        {
            scratch = new char[Math.Max(invoiceNumber.Length, scratch.Length * 2)];
        }

        return scratch.AsSpan(0, ShipmentIndex.WriteInvoiceKey(invoiceNumber, scratch));
    }

    /// <summary>The key as a string: <paramref name="invoiceNumber"/> itself when it is its own key.</summary>
    private static string KeyString(string invoiceNumber, ReadOnlySpan<char> key) =>
        key.SequenceEqual(invoiceNumber) ? invoiceNumber : new string(key);

    private int FirstWithKey(string invoiceKey)
    {
        if (InvoiceKeyTable.TryPack(invoiceKey, out var high, out var low))
        {
            return _byPacked.Find(high, low);
        }

        return _byNumber.TryGetValue(invoiceKey, out var doc) ? doc : -1;
    }
}
