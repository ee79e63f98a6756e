using System.Numerics;
using System.Runtime.CompilerServices;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Reports.Builders;

/// <summary>
/// The records the workbook's Shipments and Invoices sheets show: the declaration lines and invoice lines flags point
/// at, in the records' order, found with one pass over the flags and one over each record list. Looking every one of
/// a million records up in a hash set of the flags' keys was memory-bound (a cache miss into a table of several MB
/// per record); a filter of the keys' hashes (256 KiB, stays in the core's 1 MiB L2 beside the records streaming
/// through) answers "not flagged" for most records, and only the rest are looked up.
/// </summary>
internal sealed class FlaggedRecords
{
    /// <summary>
    /// The filter's size, 2^21 bits in 64-bit words. Each key sets two bits of one word (chosen by the hash's top bits):
    /// one memory access per test as before, and about the false-positive rate of the earlier one-bit filter four times
    /// the size (2^23 bits, 1 MiB: as big as the L2, so most of the scan's 1.16M tests were L3 accesses, 0.85% of a
    /// whole run's samples in the test alone).
    /// </summary>
    private const int FilterBits = 21;

    private FlaggedRecords(List<DeclarationLine> declarations, KeyTable rowOf, List<InvoiceLine> invoices)
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
    private KeyTable RowOf { get; }

    /// <summary>The index in <see cref="Declarations"/> of the line with this declaration id and line number, if any.</summary>
    public bool TryGetRow(string declarationId, int lineNo, out int row)
    {
        var slot = RowOf.IndexOf(new Key(declarationId, lineNo));
        row = slot < 0 ? -1 : RowOf.RowAt(slot);
        return row >= 0;
    }

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
        private readonly KeyTable _rowOf;
        private readonly ulong[] _declarationFilter = new ulong[(1 << FilterBits) / 64];
        private readonly HashSet<string> _numbers = new(StringComparer.Ordinal);
        private readonly Ahead[] _ahead = new Ahead[Ring];
        private ulong[]? _invoiceFilter;

        /// <summary>How many prefetched keys are kept (a power of two, more than the tally's distance ahead).</summary>
        internal const int Ring = 8;

        /// <summary>A flag given to <see cref="Prefetch(Flag, int)"/>, its position and its key (no id: none).</summary>
        private struct Ahead
        {
            public Flag? Flag;
            public int Index;
            public Key Key;
        }

        /// <summary>An empty collection sized for about <paramref name="flags"/> flags.</summary>
        public Keys(int flags) => _rowOf = new KeyTable(flags);

        /// <summary>Adds the declaration line (a flag without a line number meaning line 1) and invoice number a flag points at.</summary>
        public void Add(Flag f)
        {
            if (f.DeclarationId is { } id)
            {
                AddKey(new Key(id, f.LineNo ?? 1));
            }

            AddInvoice(f);
        }

        /// <summary>
        /// As <see cref="Add(Flag)"/> for the flag <see cref="Prefetch(Flag, int)"/> was given with <paramref name="index"/>
        /// (the caller's position in its flags): the key hashed there is taken from the ring instead of hashed again.
        /// </summary>
        public void Add(Flag f, int index)
        {
            ref var ahead = ref _ahead[index & (Ring - 1)];
            if (ahead.Index == index && ReferenceEquals(ahead.Flag, f))
            {
                ahead.Flag = null;
                if (ahead.Key.Id is not null)
                {
                    AddKey(ahead.Key);
                }

                AddInvoice(f);
                return;
            }

            Add(f);
        }

        private void AddKey(in Key key)
        {
            if (_rowOf.TryAdd(key))
            {
                Set(_declarationFilter, key.Hash);
            }
        }

        private void AddInvoice(Flag f)
        {
            if (f.RecordType == RecordType.Invoice && f.InvoiceNumber is { } number && _numbers.Add(number))
            {
                _invoiceFilter ??= new ulong[(1 << FilterBits) / 64];
                Set(_invoiceFilter, Hash(number, 0));
            }
        }

        /// <summary>
        /// Asks for the table slot of the declaration line a flag points at, a few flags before it is added (each new
        /// key is a cache miss into a table of several MB), and keeps the hashed key for <see cref="Add(Flag, int)"/>
        /// with the same <paramref name="index"/>, fewer than <see cref="Ring"/> flags later: each id was hashed twice
        /// (Marvin over every character, ~270,000 times a workbook), once to prefetch and once to add.
        /// </summary>
        public void Prefetch(Flag f, int index)
        {
            ref var ahead = ref _ahead[index & (Ring - 1)];
            ahead.Flag = f;
            ahead.Index = index;
            ahead.Key = f.DeclarationId is { } id ? new Key(id, f.LineNo ?? 1) : default;
            if (ahead.Key.Id is not null)
            {
                _rowOf.Prefetch(ahead.Key);
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

    private static List<DeclarationLine> FlaggedLines(IReadOnlyList<DeclarationLine> declarations, KeyTable rowOf, ulong[] filter)
    {
        var wanted = rowOf.Count;
        var lines = new List<DeclarationLine>(wanted);

        // In batches: the lines of a batch that pass the filter (about one in six) have their table slot fetched
        // while the rest of the batch is hashed, then are looked up in order. The slot is a cache miss into a table
        // of several MB; one line at a time, each waited for its own.
        const int Batch = 16;
        var keys = new Key[Batch];
        Span<int> at = stackalloc int[Batch];
        var count = declarations.Count;
        for (var start = 0; start < count && wanted > 0; start += Batch)
        {
            var end = Math.Min(start + Batch, count);
            var n = 0;
            for (var i = start; i < end; i++)
            {
                var d = declarations[i];
                var key = new Key(d.DeclarationId, d.LineNo);
                if (IsSet(filter, key.Hash))
                {
                    rowOf.Prefetch(key);
                    keys[n] = key;
                    at[n++] = i;
                }
            }

            for (var k = 0; k < n; k++)
            {
                var slot = rowOf.IndexOf(keys[k]);
                if (slot >= 0 && rowOf.RowAt(slot) < 0)
                {
                    rowOf.RowAt(slot) = lines.Count;
                    lines.Add(declarations[at[k]]);
                    wanted--;
                }
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

    private static void Set(ulong[] filter, uint hash) => filter[hash >> (32 - FilterBits + 6)] |= FilterMask(hash);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsSet(ulong[] filter, uint hash)
    {
        var mask = FilterMask(hash);
        return (filter[hash >> (32 - FilterBits + 6)] & mask) == mask;
    }

    /// <summary>The two bits of a key's word (the hash's low 12 bits; the word is chosen by its top 15).</summary>
    private static ulong FilterMask(uint hash) => (1UL << (int)(hash & 63)) | (1UL << (int)((hash >> 6) & 63));

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

    /// <summary>
    /// The flagged record keys and their rows, open addressing with linear probing over one array of slots that carry
    /// the key's hash, line and row beside the id. The BCL dictionary it replaces read a bucket array and then an entry
    /// array (two cache misses into tables of ~1 MB and ~8 MB per insert and probe) and called a comparer through an
    /// interface; here a probe reads one slot (24 bytes), and the id's characters only when hash and line match. It is
    /// probed ~270,000 times by the tally, ~200,000 by the declarations scan (the lines that pass the filter) and up to
    /// 65,530 times by the Flags sheet's links (perf of main 44ba0d2: 0.9% of a whole run's samples in that dictionary).
    /// </summary>
    private sealed class KeyTable
    {
        private Slot[] _slots;
        private int _mask;
        private int _count;

        /// <summary>An empty table that takes about <paramref name="capacity"/> keys before it grows.</summary>
        public KeyTable(int capacity)
        {
            // Filled to at most 3/4; from a flag count (an upper bound of the keys) a power of two at least 1.5 times it.
            var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, capacity + (capacity / 2)));
            _slots = new Slot[size];
            _mask = size - 1;
        }

        /// <summary>The number of keys added.</summary>
        public int Count => _count;

        /// <summary>Adds the key with row -1 (wanted, not met yet); false when it was there.</summary>
        public bool TryAdd(in Key key)
        {
            var slots = _slots;
            var i = Probe(slots, key);
            if (slots[i].Id is not null)
            {
                return false;
            }

            slots[i] = new Slot(key.Id, key.Hash, key.Line, -1);
            if (++_count > (slots.Length / 4) * 3)
            {
                Grow();
            }

            return true;
        }

        /// <summary>The slot of the key, or -1 when it was not added.</summary>
        public int IndexOf(in Key key)
        {
            var slots = _slots;
            var i = Probe(slots, key);
            return slots[i].Id is null ? -1 : i;
        }

        /// <summary>The key's slot, or the empty slot where its probe ends (the table always has one).</summary>
        private int Probe(Slot[] slots, in Key key)
        {
            var i = (int)key.Hash & _mask;
            while (slots[i].Id is { } id)
            {
                if (slots[i].Hash == key.Hash && slots[i].Line == key.Line && string.Equals(id, key.Id, StringComparison.Ordinal))
                {
                    break;
                }

                i = (i + 1) & _mask;
            }

            return i;
        }

        /// <summary>Asks for the cache line of the key's first slot ahead of <see cref="IndexOf"/>.</summary>
        public void Prefetch(in Key key) => CacheHint.Element(_slots, (int)key.Hash & _mask);

        /// <summary>The row of the key in the slot <see cref="IndexOf"/> gave (-1 until its line is met).</summary>
        public ref int RowAt(int slot) => ref _slots[slot].Row;

        private void Grow()
        {
            var old = _slots;
            var slots = new Slot[old.Length * 2];
            var mask = slots.Length - 1;
            foreach (var s in old)
            {
                if (s.Id is null)
                {
                    continue;
                }

                var i = (int)s.Hash & mask;
                while (slots[i].Id is not null)
                {
                    i = (i + 1) & mask;
                }

                slots[i] = s;
            }

            _slots = slots;
            _mask = mask;
        }

        private struct Slot(string id, uint hash, int line, int row)
        {
            public readonly string? Id = id;
            public readonly uint Hash = hash;
            public readonly int Line = line;
            public int Row = row;
        }
    }
}
