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
/// </summary>
internal sealed class LineSet
{
    private long[] _slots;
    private string[] _ids;
    private uint[] _masks;
    private int _count;
    private HashSet<long>? _high;
    private string? _currentId;
    private int _current;
    private string? _hashedId;
    private int _hashed;

    /// <summary>A set sized for about <paramref name="expectedIds"/> distinct ids.</summary>
    public LineSet(int expectedIds = 0)
    {
        var expected = Math.Max(16, expectedIds);
        _slots = new long[(int)BitOperations.RoundUpToPowerOf2((uint)Math.Min(expected + (expected / 2), 1 << 30))];
        _ids = new string[expected];
        _masks = new uint[expected];
    }

    /// <summary>
    /// Says that <paramref name="id"/> will be added soon: hashes it and asks the processor to fetch its slot of the
    /// table meanwhile (the row's other cells are parsed while the cache line arrives). Changes nothing else.
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
            // A prefetch never faults, so the array need not be pinned for it.
            Sse.Prefetch0(Unsafe.AsPointer(ref _slots[_hashed & (_slots.Length - 1)]));
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

        var group = _count;
        if (group == _ids.Length)
        {
            Array.Resize(ref _ids, group * 2);
            Array.Resize(ref _masks, group * 2);
        }

        _ids[group] = id;
        _count = group + 1;
        slots[i] = ((long)hash << 32) | (uint)(group + 1);
        if (_count > (slots.Length >> 1) + (slots.Length >> 3))
        {
            Grow();
        }

        return group;
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
