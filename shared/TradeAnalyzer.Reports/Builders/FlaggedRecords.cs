using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Reports.Builders;

/// <summary>
/// The records the workbook's Shipments and Invoices sheets show: the declaration lines and invoice lines flags point
/// at, in the records' order, found with one pass over the flags and one over each record list. Looking every one of
/// a million records up in a hash set of the flags' keys was memory-bound (a cache miss into a table of several MB
/// per record); a one-bit-per-slot filter of the keys' hashes (1 MiB, stays in cache) answers "not flagged" for most
/// records, and only the rest are looked up.
/// </summary>
internal sealed class FlaggedRecords
{
    private const int FilterBits = 23;

    private FlaggedRecords(List<DeclarationLine> declarations, Dictionary<Key, int> rowOf, List<InvoiceLine> invoices)
    {
        Declarations = declarations;
        RowOf = rowOf;
        Invoices = invoices;
    }

    /// <summary>
    /// The declaration lines flags point at (by declaration id and line, a flag without a line number meaning line 1):
    /// each key's first line, in the declarations' order.
    /// </summary>
    public List<DeclarationLine> Declarations { get; }

    /// <summary>The invoice lines whose invoice number an invoice flag carries, in the invoices' order.</summary>
    public List<InvoiceLine> Invoices { get; }

    /// <summary>Index of a key's line in <see cref="Declarations"/>; -1 or absent when no line has the key.</summary>
    private Dictionary<Key, int> RowOf { get; }

    /// <summary>The index in <see cref="Declarations"/> of the line with this declaration id and line number, if any.</summary>
    public bool TryGetRow(string declarationId, int lineNo, out int row) =>
        RowOf.TryGetValue(new Key(declarationId, lineNo), out row) && row >= 0;

    /// <summary>Finds the flagged declaration and invoice lines.</summary>
    public static FlaggedRecords Find(IReadOnlyList<DeclarationLine> declarations, IReadOnlyList<InvoiceLine> invoices, IReadOnlyList<Flag> flags)
    {
        var keys = new Keys(flags.Count);
        foreach (var f in flags)
        {
            keys.Add(f);
        }

        return keys.Find(declarations, invoices);
    }

    /// <summary>
    /// The record keys of flags, collected one flag at a time so that the workbook's single pass over the flags
    /// (<see cref="FlagTally"/>) serves this too; then <see cref="Find"/> scans the records once.
    /// </summary>
    internal sealed class Keys
    {
        // Value -1: wanted, not met yet.
        private readonly Dictionary<Key, int> _rowOf;
        private readonly ulong[] _declarationFilter = new ulong[(1 << FilterBits) / 64];
        private readonly HashSet<string> _numbers = new(StringComparer.Ordinal);
        private ulong[]? _invoiceFilter;

        /// <summary>An empty collection sized for about <paramref name="flags"/> flags.</summary>
        public Keys(int flags) => _rowOf = new Dictionary<Key, int>(flags, KeyComparer.Instance);

        /// <summary>Adds the declaration line (a flag without a line number meaning line 1) and invoice number a flag points at.</summary>
        public void Add(Flag f)
        {
            if (f.DeclarationId is { } id)
            {
                var key = new Key(id, f.LineNo ?? 1);
                if (_rowOf.TryAdd(key, -1))
                {
                    Set(_declarationFilter, key.Hash);
                }
            }

            if (f.RecordType == RecordType.Invoice && f.InvoiceNumber is { } number && _numbers.Add(number))
            {
                _invoiceFilter ??= new ulong[(1 << FilterBits) / 64];
                Set(_invoiceFilter, Hash(number, 0));
            }
        }

        /// <summary>The lines of <paramref name="declarations"/> and <paramref name="invoices"/> the added flags point at.</summary>
        public FlaggedRecords Find(IReadOnlyList<DeclarationLine> declarations, IReadOnlyList<InvoiceLine> invoices) =>
            new(FlaggedLines(declarations, _rowOf, _declarationFilter), _rowOf, FindInvoices(invoices));

        /// <summary>
        /// The lines of <paramref name="declarations"/> the added flags point at, without the invoices (an empty
        /// <see cref="Invoices"/>; <see cref="FindInvoices"/> finds them, e.g. on another thread: the workbook needs
        /// them only after its Flags sheet).
        /// </summary>
        public FlaggedRecords FindDeclarations(IReadOnlyList<DeclarationLine> declarations) =>
            new(FlaggedLines(declarations, _rowOf, _declarationFilter), _rowOf, []);

        /// <summary>The lines of <paramref name="invoices"/> whose invoice number an added invoice flag carries, in their order.</summary>
        /// <remarks>Reads only what <see cref="Add"/> collected: may run beside <see cref="FindDeclarations"/>'s result being read.</remarks>
        public List<InvoiceLine> FindInvoices(IReadOnlyList<InvoiceLine> invoices) => FlaggedInvoices(invoices, _numbers, _invoiceFilter);
    }

    private static List<DeclarationLine> FlaggedLines(IReadOnlyList<DeclarationLine> declarations, Dictionary<Key, int> rowOf, ulong[] filter)
    {
        var wanted = rowOf.Count;
        var lines = new List<DeclarationLine>(wanted);
        for (var i = 0; i < declarations.Count && wanted > 0; i++)
        {
            var d = declarations[i];
            var key = new Key(d.DeclarationId, d.LineNo);
            if (!IsSet(filter, key.Hash))
            {
                continue;
            }

            ref var row = ref CollectionsMarshal.GetValueRefOrNullRef(rowOf, key);
            if (!Unsafe.IsNullRef(ref row) && row < 0)
            {
                row = lines.Count;
                lines.Add(d);
                wanted--;
            }
        }

        return lines;
    }

    private static List<InvoiceLine> FlaggedInvoices(IReadOnlyList<InvoiceLine> invoices, HashSet<string> numbers, ulong[]? filter)
    {
        var result = new List<InvoiceLine>();
        if (filter is null)
        {
            return result;
        }

        // Lines of one invoice are consecutive and usually share the number's instance: the answer is reused.
        string? previous = null;
        var previousFlagged = false;
        for (var i = 0; i < invoices.Count; i++)
        {
            var invoice = invoices[i];
            var number = invoice.InvoiceNumber;
            if (!ReferenceEquals(number, previous))
            {
                previous = number;
                previousFlagged = number is not null && IsSet(filter, Hash(number, 0)) && numbers.Contains(number);
            }

            if (previousFlagged)
            {
                result.Add(invoice);
            }
        }

        return result;
    }

    /// <summary>The hash of a record key (text and line), the same for the filter and the dictionary.</summary>
    private static uint Hash(string text, int line)
    {
        var h = (uint)string.GetHashCode(text.AsSpan()) ^ ((uint)line * 0x9E3779B1u);
        h ^= h >> 15;
        h *= 0x2C1B3C6Du;
        return h ^ (h >> 13);
    }

    private static void Set(ulong[] filter, uint hash)
    {
        var bit = hash >> (32 - FilterBits);
        filter[bit >> 6] |= 1UL << (int)(bit & 63);
    }

    private static bool IsSet(ulong[] filter, uint hash)
    {
        var bit = hash >> (32 - FilterBits);
        return (filter[bit >> 6] & (1UL << (int)(bit & 63))) != 0;
    }

    /// <summary>
    /// A record key (declaration id, line) with its hash, computed once: the filter and the dictionary use the same
    /// hash, and the id's hash (Marvin, over every character) was computed again by the dictionary for each insert
    /// and probe: twice per flag in the tally and twice per candidate line in the scan (about 1.9% of the outputs'
    /// perf samples were the comparer's GetHashCode).
    /// </summary>
    private readonly struct Key(string id, int line)
    {
        public readonly string Id = id;
        public readonly int Line = line;
        public readonly uint Hash = FlaggedRecords.Hash(id, line);
    }

    /// <summary>Ordinal (declaration id, line) keys, by the hash they carry.</summary>
    private sealed class KeyComparer : IEqualityComparer<Key>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(Key x, Key y) => x.Hash == y.Hash && x.Line == y.Line && string.Equals(x.Id, y.Id, StringComparison.Ordinal);

        public int GetHashCode(Key obj) => (int)obj.Hash;
    }
}
