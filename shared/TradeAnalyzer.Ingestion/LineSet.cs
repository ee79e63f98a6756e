using System.Numerics;
using System.Runtime.InteropServices;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// The (document id, line number) pairs already accepted from one file, to reject duplicate lines. The lines of one
/// declaration or invoice are consecutive and share their id string, so a run of lines costs one id lookup: each
/// distinct id gets a group with a bit per line number 1-64 (higher line numbers go to a small side set).
/// Ids are found through an open-addressing table of 64-bit slots (32-bit hash tag, group number): a new id costs one
/// probe of one array, and the id string is compared only when its tag matches. The hash is the runtime's randomised
/// string hash, so crafted ids cannot force collisions.
/// </summary>
internal sealed class LineSet
{
    private readonly List<string> _ids;
    private readonly List<ulong> _masks;
    private ulong[] _slots;
    private HashSet<long>? _high;
    private string? _currentId;
    private int _current;

    /// <summary>A set sized for about <paramref name="expectedIds"/> distinct ids.</summary>
    public LineSet(int expectedIds = 0)
    {
        expectedIds = Math.Max(0, expectedIds);
        _ids = new List<string>(expectedIds);
        _masks = new List<ulong>(expectedIds);
        _slots = new ulong[SlotsFor(expectedIds)];
    }

    private static int SlotsFor(int ids) => (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1024, ids + (ids / 2)));

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

        if (line is >= 1 and <= 64)
        {
            var bit = 1UL << (line - 1);
            ref var mask = ref CollectionsMarshal.AsSpan(_masks)[group];
            if ((mask & bit) != 0)
            {
                return false;
            }

            mask |= bit;
            return true;
        }

        return (_high ??= []).Add(((long)group << 32) | (uint)line);
    }

    // The group of the id, added when new.
    private int Group(string id)
    {
        var hash = (uint)id.GetHashCode(StringComparison.Ordinal);
        var slots = _slots;
        var mask = slots.Length - 1;
        var i = (int)hash & mask;
        while (true)
        {
            var slot = slots[i];
            if (slot == 0)
            {
                break;
            }

            if ((uint)(slot >> 32) == hash)
            {
                var group = (int)(uint)slot - 1;
                if (string.Equals(_ids[group], id, StringComparison.Ordinal))
                {
                    return group;
                }
            }

            i = (i + 1) & mask;
        }

        var added = _ids.Count;
        _ids.Add(id);
        _masks.Add(0);
        slots[i] = ((ulong)hash << 32) | (uint)(added + 1);
        if (_ids.Count > slots.Length / 4 * 3)
        {
            Grow();
        }

        return added;
    }

    private void Grow()
    {
        var slots = new ulong[_slots.Length * 2];
        var mask = slots.Length - 1;
        foreach (var slot in _slots)
        {
            if (slot != 0)
            {
                var i = (int)(uint)(slot >> 32) & mask;
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
