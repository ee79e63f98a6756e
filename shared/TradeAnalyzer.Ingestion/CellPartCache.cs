using System.Runtime.InteropServices;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// Finds the shared record part already built from the same raw cells: the party columns of a row determine its
/// parties part (names and ids pooled, countries validated, exporter key derived), so a row whose party cells equal an
/// earlier accepted row's reuses that part without pooling, validating or interning them again. Keys are the cells'
/// text (length-prefixed, so no two cell lists share one), found through an open-addressing table of hash tags; the
/// hash is the runtime's randomised one, so crafted cells cannot force collisions. Bounded: past
/// <paramref name="capacity"/> parts, rows take the ordinary path.
/// </summary>
internal sealed class CellPartCache<T>(RowCursor row, int[] columns, int capacity = 262_144)
    where T : class
{
    private readonly List<string> _keys = [];
    private readonly List<T> _parts = [];
    private ulong[] _slots = new ulong[1024];
    private int _last = -1;

    /// <summary>The part built from the current row's cells, or null; <paramref name="hash"/> is for <see cref="Add"/>.</summary>
    public T? Find(out int hash)
    {
        hash = 0;
        if (_last >= 0 && Matches(_keys[_last]))
        {
            return _parts[_last];
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
                var index = (int)(uint)slot - 1;
                if (Matches(_keys[index]))
                {
                    _last = index;
                    return _parts[index];
                }
            }

            i = (i + 1) & mask;
        }

        return null;
    }

    /// <summary>Remembers <paramref name="part"/> as the one built from the current row's cells (hashed by <see cref="Find"/>).</summary>
    public void Add(int hash, T part)
    {
        if (_parts.Count >= capacity)
        {
            return;
        }

        var length = 0;
        foreach (var c in columns)
        {
            var n = row.Get(c).Length;
            if (n > char.MaxValue)
            {
                return;
            }

            length += 1 + n;
        }

        var key = string.Create(length, (columns, row), static (dest, state) =>
        {
            var at = 0;
            foreach (var c in state.columns)
            {
                var cell = state.row.Get(c);
                dest[at++] = (char)cell.Length;
                cell.CopyTo(dest[at..]);
                at += cell.Length;
            }
        });
        var index = _parts.Count;
        _keys.Add(key);
        _parts.Add(part);
        _last = index;
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

    // The current row's cells equal the key's.
    private bool Matches(string key)
    {
        var k = key.AsSpan();
        foreach (var c in columns)
        {
            var cell = row.Get(c);
            if (k.IsEmpty || k[0] != cell.Length || !k.Slice(1, cell.Length).SequenceEqual(cell))
            {
                return false;
            }

            k = k[(1 + cell.Length)..];
        }

        return true;
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
