using System.Runtime.InteropServices;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// The (document id, line number) pairs already accepted from one file, to reject duplicate lines. The lines of one
/// declaration or invoice are consecutive and share their id string, so a run of lines costs one id lookup: each
/// distinct id gets a group with a bit per line number 1-64 (higher line numbers go to a small side set). Replaces a
/// hash set of (string, int) tuples, which hashed the id string and missed the cache on every line.
/// </summary>
internal sealed class LineSet
{
    private readonly Dictionary<string, int> _groups;
    private readonly List<ulong> _masks;
    private HashSet<long>? _high;
    private string? _currentId;
    private int _current;

    /// <summary>A set sized for about <paramref name="expectedIds"/> distinct ids.</summary>
    public LineSet(int expectedIds = 0)
    {
        _groups = new Dictionary<string, int>(Math.Max(0, expectedIds), StringComparer.Ordinal);
        _masks = new List<ulong>(Math.Max(0, expectedIds));
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
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_groups, id, out var exists);
            if (!exists)
            {
                slot = _masks.Count;
                _masks.Add(0);
            }

            group = slot;
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
}
