using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// One string instance per id text (invoice numbers, shipment ids) across the files of one analysis, read in parallel.
/// A declarations file and its invoices name the same invoices and shipments (1,282,000 of the 3.56M id strings of
/// /tmp/perf650 were the same texts made twice, once per file): sharing them leaves the records ~72 MB and 1.28M objects
/// fewer, which is what the collections after the read mark, twice, with one core idle. Pass one instance in the
/// <see cref="IngestionOptions"/> of every file of an analysis; without one each file makes its own strings, as before.
/// </summary>
/// <remarks>
/// A concurrent open-addressing table of (hash, string): a reader claims an empty slot by writing its hash atomically,
/// then publishes the string; a reader that finds the hash before the string is published makes its own copy (equal
/// texts, so nothing depends on which instance a record gets). The hash is seeded at random per process and a look-up
/// gives up after <see cref="MaxProbes"/> slots, and past its size the table stops taking new texts: texts crafted to
/// collide, or more ids than the table was sized for, only cost a new string per id, as without the table.
/// The table is sized by the first file that uses it (twice its expected rows) and lives as long as the options.
/// </remarks>
public sealed class SharedIds
{
    internal const int MaxProbes = 32;

    /// <summary>TRADEANALYZER_SHARED_IDS=0 turns the sharing off (each file its own strings), for A/B runs of one binary.</summary>
    internal static bool Enabled => Environment.GetEnvironmentVariable("TRADEANALYZER_SHARED_IDS") != "0";

    // Inserts a reader counts before adding them to the table's count (one shared counter per insert would bounce its
    // cache line between the two reading threads).
    private const int CountBatch = 256;

    private readonly Lock _gate = new();
    private Slot[]? _slots;
    private int _count;
    private int _limit;
    private int _open;

    /// <summary>Texts held now (approximate while readers are running: each adds its inserts in batches).</summary>
    internal int Count => Volatile.Read(ref _count);

    /// <summary>Slots of the table (0 before a file used it).</summary>
    internal int Capacity => _slots?.Length ?? 0;

    /// <summary>Called by a file's reader before it parses rows: the first one sizes the table.</summary>
    internal Reader Open(int expectedRows)
    {
        lock (_gate)
        {
            if (_slots is null)
            {
                // A declaration row names at most one invoice and one shipment, an invoice row its invoice and shipment;
                // the other file mostly repeats them. Two slots per expected row keeps the table under two-thirds full.
                var capacity = (int)Math.Clamp(2L * expectedRows, 1024, 1 << 26);
                _slots = new Slot[capacity];
                _limit = capacity / 3 * 2;
            }

            _open++;
            return new Reader(this, _slots);
        }
    }

    // The last reader done empties the table: a large array is never condemned by the young collections that follow the
    // read, so its slots would be scanned as roots of the strings they name until the next full collection.
    private void Close()
    {
        lock (_gate)
        {
            if (--_open == 0 && _slots is { } slots)
            {
                Array.Clear(slots);
                _slots = null;
                _count = 0;
            }
        }
    }

    private void Counted(int inserts) => Interlocked.Add(ref _count, inserts);

    internal struct Slot
    {
        public int Hash;
        public string? Text;
    }

    /// <summary>One file's access to the table (one thread's: it batches that thread's count of inserts).</summary>
    internal sealed class Reader(SharedIds owner, Slot[] slots)
    {
        private readonly Slot[] _slots = slots;
        private int _inserts;
        private bool _full;

        /// <summary>The slot <paramref name="text"/> would start from (for <see cref="Prefetch"/> and <see cref="Get"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int Hash(ReadOnlySpan<char> text)
        {
            var h = CellPartCache<object>.KeyHash(text);
            return h == 0 ? 1 : h; // 0 marks an empty slot
        }

        /// <summary>Asks the processor to fetch the slot of <paramref name="hash"/> while the row's other cells are parsed.</summary>
        public unsafe void Prefetch(int hash)
        {
            if (Sse.IsSupported)
            {
                // A prefetch never faults, so the array need not be pinned for it.
                Sse.Prefetch0(Unsafe.AsPointer(ref _slots[Start(hash)]));
            }
        }

        /// <summary>
        /// Later in the row, once the slot asked for by <see cref="Prefetch"/> has arrived: when it holds a text of the same
        /// hash (the usual case for the second file to meet an id), asks for that string too, which <see cref="Get"/> compares.
        /// </summary>
        public unsafe void PrefetchText(int hash)
        {
            ref var slot = ref _slots[Start(hash)];
            if (Sse.IsSupported && slot.Hash == hash && slot.Text is { } known)
            {
                Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.AsRef(in known.GetPinnableReference())));
            }
        }

        /// <summary>The table's string equal to <paramref name="text"/> (added when new), or a new string.</summary>
        public string Get(ReadOnlySpan<char> text) => Get(text, Hash(text));

        /// <summary>As <see cref="Get(ReadOnlySpan{char})"/>, with the text's <see cref="Hash"/> computed before.</summary>
        public string Get(ReadOnlySpan<char> text, int hash)
        {
            var slots = _slots;
            var i = Start(hash);
            for (var probe = 0; probe < MaxProbes; probe++)
            {
                ref var slot = ref slots[i];
                var seen = Volatile.Read(ref slot.Hash);
                if (seen == 0)
                {
                    if (_full)
                    {
                        break;
                    }

                    seen = Interlocked.CompareExchange(ref slot.Hash, hash, 0);
                    if (seen == 0)
                    {
                        var made = new string(text);
                        Volatile.Write(ref slot.Text, made);
                        Inserted();
                        return made;
                    }
                }

                if (seen == hash)
                {
                    var known = Volatile.Read(ref slot.Text);
                    if (known is null)
                    {
                        break; // claimed by the other reader a moment ago, not yet published: a copy of our own
                    }

                    if (text.SequenceEqual(known))
                    {
                        return known;
                    }
                }

                i = i + 1 == slots.Length ? 0 : i + 1;
            }

            return new string(text);
        }

        /// <summary>This file's reading is done (the table is emptied when every reader is).</summary>
        public void Close() => owner.Close();

        // Fixed-point multiply: any table size, no modulo.
        private int Start(int hash) => (int)(((ulong)(uint)hash * (ulong)_slots.Length) >> 32);

        private void Inserted()
        {
            if (++_inserts == CountBatch)
            {
                owner.Counted(CountBatch);
                _inserts = 0;
                _full = owner.Count >= owner._limit;
            }
        }
    }
}
