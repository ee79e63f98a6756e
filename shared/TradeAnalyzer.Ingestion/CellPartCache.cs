using System.Runtime.InteropServices;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// Finds the shared record part already built from equal cells: the party columns of a row determine its parties part
/// (names and ids pooled, countries validated, exporter key derived), so a row whose party cells match an earlier
/// accepted row's part reuses it without pooling, validating or interning them again. Parts are found by a hash of the
/// raw cells through an open-addressing table of hash tags, and a candidate is taken only when
/// <paramref name="matches"/> says the row's cells give exactly that part. The hash is the runtime's randomised one,
/// so crafted cells cannot force collisions. Bounded: past <paramref name="capacity"/> parts, rows take the ordinary path.
/// </summary>
internal sealed class CellPartCache<T>(RowCursor row, int[] columns, Func<RowCursor, T, bool> matches, int capacity = 262_144)
    where T : class
{
    private readonly List<T> _parts = [];
    private ulong[] _slots = new ulong[1024];
    private T? _last;

    /// <summary>The part built from the current row's cells, or null; <paramref name="hash"/> is for <see cref="Add"/>.</summary>
    public T? Find(out int hash)
    {
        hash = 0;
        if (_last is not null && matches(row, _last))
        {
            return _last;
        }

        var h = new HashCode();
        foreach (var c in columns)
        {
            var cell = row.Get(c);
            h.Add(cell.Length);
            h.AddBytes(MemoryMarshal.AsBytes(cell));
        }

        hash = h.ToHashCode();
        var slots = _slots;
        var mask = slots.Length - 1;
        var i = hash & mask;
        while (slots[i] is var slot && slot != 0)
        {
            if ((int)(slot >> 32) == hash)
            {
                var part = _parts[(int)(uint)slot - 1];
                if (matches(row, part))
                {
                    return _last = part;
                }
            }

            i = (i + 1) & mask;
        }

        return null;
    }

    /// <summary>Remembers <paramref name="part"/> as the one built from the current row's cells (hashed by <see cref="Find"/>).</summary>
    public void Add(int hash, T part)
    {
        _last = part;
        if (_parts.Count >= capacity)
        {
            return;
        }

        var index = _parts.Count;
        _parts.Add(part);
        var slots = _slots;
        var mask = slots.Length - 1;
        var i = hash & mask;
        while (slots[i] != 0)
        {
            i = (i + 1) & mask;
        }

        slots[i] = ((ulong)(uint)hash << 32) | (uint)(index + 1);
        if (_parts.Count > slots.Length / 2)
        {
            Grow();
        }
    }

    private void Grow()
    {
        var slots = new ulong[_slots.Length * 2];
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

    /// <summary>The number of parts remembered.</summary>
    public int Count => _parts.Count;
}
