using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// The (document id, line number) pairs already accepted from one file, to reject duplicate lines. The lines of one
/// declaration or invoice are consecutive and share their id string, so a run of lines costs one id lookup: each
/// distinct id gets a group with a bit per line number 1-32 (higher line numbers go to a small side set: documents have a
/// few lines; 32 bits rather than 64 halve the array, 4-8 MiB a file that dies with the read).
/// Ids are found through an open-addressing table of longs (the id's hash in the high half, its group in the low half):
/// a new id, the usual case (965,689 distinct ids for 1,159,836 declaration lines), costs one probe of one array and
/// no string comparison; the id text is compared only when the hashes agree. The hash is the runtime's randomised
/// one, so crafted ids cannot force collisions.
/// That one probe is a random access into a table of 8-16 MiB, and it stalled the parsing thread on the prefetch of it
/// (6.8% of the thread, read18) whichever core made it. So a filter 16 times smaller is asked first (at most
/// <see cref="MaxFilterBytes"/>, about a byte per expected id; three bits per id in one 64-bit word, from the same seeded
/// hash; ~1% false positives when full): an id it has no bits for is certainly new, takes the next group at once, and
/// its slot is written later with up to <see cref="MaxPending"/> others, each fetched a few inserts ahead so that their
/// misses overlap. The held-back slots are written before any id the filter does not clear is looked up in the table, so
/// every look-up sees every earlier id: the same groups in the same order as without the filter. The filter does not
/// stay in the L2 while the rows stream through it (its word is fetched as the slot was; unfetched, it cost more than the
/// slot did, read19), but its misses are fewer and cheaper than the table's.
/// </summary>
internal sealed class LineSet
{
    private long[] _slots;
    private string[] _ids;
    private uint[] _masks;
    private int _count;
    private int _inserted;
    private HashSet<long>? _high;
    private string? _currentId;
    private int _current;
    private string? _hashedId;
    private int _hashed;
    private readonly ulong[] _filter;
    private readonly long[] _pending = new long[MaxPending];
    private int _pendingCount;

    /// <summary>The filter's size at most (a core's L2 on the machine measured is 1 MiB; larger or smaller measured no better).</summary>
    internal const int MaxFilterBytes = 1 << 20;

    /// <summary>The slot writes held back at most before they are written.</summary>
    internal const int MaxPending = 4096;

    // How many inserts ahead a pending insert's slot is fetched.
    private const int FetchAhead = 16;

    /// <summary>A set sized for about <paramref name="expectedIds"/> distinct ids.</summary>
    public LineSet(int expectedIds = 0)
    {
        var expected = Math.Max(16, expectedIds);
        _slots = new long[(int)BitOperations.RoundUpToPowerOf2((uint)Math.Min(expected + (expected / 2), 1 << 30))];
        _ids = new string[expected];
        _masks = new uint[expected];

        // About eight bits per expected id (one byte), a power of two of 64-bit words, bounded.
        _filter = new ulong[(int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(expected / 8, 8, MaxFilterBytes / 8))];
    }

    /// <summary>The slot writes held back now (for tests).</summary>
    internal int PendingCount => _pendingCount;

    /// <summary>
    /// Says that <paramref name="id"/> will be added soon: hashes it and asks the processor to fetch its word of the
    /// filter meanwhile (the row's other cells are parsed while the cache line arrives). Changes nothing else.
    /// </summary>
    public unsafe void Prefetch(string id)
    {
        if (ReferenceEquals(id, _currentId) || ReferenceEquals(id, _hashedId))
        {
            return;
        }

        _hashedId = id;
        _hashed = id.GetHashCode();
        if (Sse.IsSupported)
        {
            // A prefetch never faults, so the array need not be pinned for it. The filter's word, not the table's slot:
            // the slot is read only for the few ids the filter does not clear.
            Sse.Prefetch0(Unsafe.AsPointer(ref _filter[FilterWord(_hashed)]));
        }
    }

    /// <summary>Adds the pair; false when it was already there.</summary>
    public bool Add(string id, int line)
    {
        int group;
        if (ReferenceEquals(id, _currentId))
        {
            group = _current;
        }
        else
        {
            group = Group(id);
            _currentId = id;
            _current = group;
        }

        if (line is >= 1 and <= 32)
        {
            var bit = 1U << (line - 1);
            ref var mask = ref _masks[group];
            if ((mask & bit) != 0)
            {
                return false;
            }

            mask |= bit;
            return true;
        }

        return (_high ??= []).Add(((long)group << 32) | (uint)line);
    }

    // The group of the id, a new one when the id was not seen before.
    private int Group(string id)
    {
        var hash = ReferenceEquals(id, _hashedId) ? _hashed : id.GetHashCode();
        ref var word = ref _filter[FilterWord(hash)];
        var bits = FilterBits(hash);
        if ((word & bits) != bits)
        {
            // Certainly new: no earlier id set all three bits. Its slot is written with the next batch.
            word |= bits;
            var fresh = NewGroup(id);
            _pending[_pendingCount++] = ((long)hash << 32) | (uint)(fresh + 1);
            if (_pendingCount == MaxPending)
            {
                Flush();
            }

            return fresh;
        }

        Flush();
        var slots = _slots;
        var mask = slots.Length - 1;
        var i = hash & mask;
        while (slots[i] is var slot && slot != 0)
        {
            if ((int)(slot >> 32) == hash)
            {
                var known = (int)slot - 1;
                if (string.Equals(_ids[known], id, StringComparison.Ordinal))
                {
                    return known;
                }
            }

            i = (i + 1) & mask;
        }

        var group = NewGroup(id);
        slots[i] = ((long)hash << 32) | (uint)(group + 1);
        _inserted++;
        if (_inserted > (slots.Length >> 1) + (slots.Length >> 3))
        {
            Grow();
        }

        return group;
    }

    // The next group, for an id not seen before.
    private int NewGroup(string id)
    {
        var group = _count;
        if (group == _ids.Length)
        {
            Array.Resize(ref _ids, group * 2);
            Array.Resize(ref _masks, group * 2);
        }

        _ids[group] = id;
        _count = group + 1;
        return group;
    }

    /// <summary>Writes the held-back slots into the table (each new: no look-up needed, only a free slot).</summary>
    internal unsafe void Flush()
    {
        var n = _pendingCount;
        if (n == 0)
        {
            return;
        }

        _pendingCount = 0;
        var pending = _pending;
        if (Sse.IsSupported)
        {
            for (var j = 0; j < Math.Min(n, FetchAhead); j++)
            {
                Sse.Prefetch0(Unsafe.AsPointer(ref _slots[(int)(pending[j] >> 32) & (_slots.Length - 1)]));
            }
        }

        for (var j = 0; j < n; j++)
        {
            var slots = _slots;
            var mask = slots.Length - 1;
            if (Sse.IsSupported && j + FetchAhead < n)
            {
                Sse.Prefetch0(Unsafe.AsPointer(ref slots[(int)(pending[j + FetchAhead] >> 32) & mask]));
            }

            var slot = pending[j];
            var i = (int)(slot >> 32) & mask;
            while (slots[i] != 0)
            {
                i = (i + 1) & mask;
            }

            slots[i] = slot;
            _inserted++;
            if (_inserted > (slots.Length >> 1) + (slots.Length >> 3))
            {
                Grow();
            }
        }
    }

    // The filter's word for a hash: from its high bits (the table's slot takes the low ones).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int FilterWord(int hash) => (int)(((uint)hash * 0x9E3779B1U) >> 8) & (_filter.Length - 1);

    // The filter's three bits for a hash, within its word: from a second mix of the hash.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong FilterBits(int hash)
    {
        var h = (uint)hash * 0x85EBCA6BU;
        h ^= h >> 15;
        return (1UL << (int)(h & 63)) | (1UL << (int)((h >> 6) & 63)) | (1UL << (int)((h >> 12) & 63));
    }

    /// <summary>
    /// Empties the set once the file is read. Its id array is a large object, which the young collections after the read
    /// do not condemn: its references to the new id strings would be scanned as roots (through the card table) until the
    /// next full collection, in every one of them. Cleared, those cards hold nulls.
    /// </summary>
    /// <remarks>TRADEANALYZER_READ_RELEASE=0 leaves the set as it is (for A/B runs of one binary).</remarks>
    public void Release()
    {
        if (Environment.GetEnvironmentVariable("TRADEANALYZER_READ_RELEASE") == "0")
        {
            return;
        }

        Array.Clear(_ids, 0, _count);
        _currentId = _hashedId = null;
    }

    private void Grow()
    {
        var slots = new long[_slots.Length * 2];
        var mask = slots.Length - 1;
        foreach (var slot in _slots)
        {
            if (slot != 0)
            {
                var i = (int)(slot >> 32) & mask;
                while (slots[i] != 0)
                {
                    i = (i + 1) & mask;
                }

                slots[i] = slot;
            }
        }

        _slots = slots;
    }
}
