using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// Finds the shared record part already built from equal cells: the party columns of a row determine its parties part
/// (names and ids pooled, countries validated, exporter key derived), so a row whose party cells are exactly those of
/// an earlier accepted row reuses its part without pooling, validating or interning them again.
/// The row's cells (as <see cref="RowCursor.Get"/> gives them, each preceded by its length) form a key; the keys of the
/// remembered parts are copied into large character blocks, and an open-addressing table finds a candidate (the key's hash, where its copy starts, and the part) whose key is then compared character by
/// character: a hit reads one slot and one contiguous key instead of the part and each of its strings. The hash is the
/// runtime's randomised one, so crafted cells cannot force collisions. Bounded: past <paramref name="capacity"/> parts
/// or <see cref="MaxKeyChars"/> characters of keys, and for keys longer than <see cref="MaxKeyLength"/>, rows take the
/// ordinary path.
/// </summary>
internal sealed class CellPartCache<T>(RowCursor row, int[] columns, int capacity = 262_144)
    where T : class
{
    /// <summary>The longest key remembered (the cells and their lengths).</summary>
    public const int MaxKeyLength = 4096;

    /// <summary>The characters of keys remembered in all, at most (32 MiB).</summary>
    public const int MaxKeyChars = 16 << 20;

    // Keys live in blocks of BlockChars: [key length, key...]; a key never straddles two blocks, so a key's place is
    // one int (block * BlockChars + offset).
    private const int BlockShift = 18;
    private const int BlockChars = 1 << BlockShift;
    private const int Header = 1;

    private readonly List<char[]> _blocks = [];
    private readonly char[] _key = new char[MaxKeyLength + 64];
    private Slot[] _slots = new Slot[1024];
    private int _count;
    private int _keyLength = -1;
    private int _used = BlockChars;
    private T? _last;
    private int _lastPlace = -1;
    private long _preparedRow = -1;
    private bool _preparedLast;
    private int _preparedHash;

    /// <summary>
    /// Builds row <paramref name="rowNumber"/>'s key and hashes it, and asks the processor to fetch the key's slot of
    /// the table while the row's other cells are parsed; <see cref="Find"/> for the same row then starts from there.
    /// </summary>
    public unsafe void Prepare(long rowNumber)
    {
        _preparedRow = rowNumber;
        _preparedLast = false;
        _preparedHash = 0;
        if (!BuildKey())
        {
            return;
        }

        var key = _key.AsSpan(0, _keyLength);
        if (_lastPlace >= 0 && KeyAt(_lastPlace).SequenceEqual(key))
        {
            _preparedLast = true;
            return;
        }

        _preparedHash = string.GetHashCode(key);
        if (Sse.IsSupported)
        {
            // A prefetch never faults, so the array need not be pinned for it.
            Sse.Prefetch0(Unsafe.AsPointer(ref _slots[_preparedHash & (_slots.Length - 1)]));
        }
    }

    /// <summary>
    /// The part built from row <paramref name="rowNumber"/>'s cells, or null; <paramref name="hash"/> is for
    /// <see cref="Add"/> (and the row's key is kept for it).
    /// </summary>
    public T? Find(long rowNumber, out int hash)
    {
        if (_preparedRow != rowNumber)
        {
            Prepare(rowNumber);
        }

        _preparedRow = -1;
        hash = _preparedHash;
        if (_keyLength < 0)
        {
            return null;
        }

        if (_preparedLast)
        {
            return _last;
        }

        var key = _key.AsSpan(0, _keyLength);
        var slots = _slots;
        var mask = slots.Length - 1;
        var i = hash & mask;
        while (slots[i].Part is { } part)
        {
            if (slots[i].Hash == hash && KeyAt(slots[i].Place).SequenceEqual(key))
            {
                _lastPlace = slots[i].Place;
                return _last = part;
            }

            i = (i + 1) & mask;
        }

        return null;
    }

    /// <summary>Remembers <paramref name="part"/> as the one built from the current row's cells (hashed by <see cref="Find"/>).</summary>
    public void Add(int hash, T part)
    {
        _last = part;
        _lastPlace = -1;
        var length = _keyLength;
        if (length < 0 || _count >= capacity)
        {
            return;
        }

        var need = Header + length;
        if (_used + need > BlockChars)
        {
            if ((_blocks.Count + 1) * (long)BlockChars > MaxKeyChars)
            {
                return;
            }

            _blocks.Add(GC.AllocateUninitializedArray<char>(BlockChars)); // every character is written before it is read
            _used = 0;
        }

        var blockIndex = _blocks.Count - 1;
        var block = _blocks[blockIndex];
        var place = (blockIndex << BlockShift) + _used;
        block[_used] = (char)length;
        _key.AsSpan(0, length).CopyTo(block.AsSpan(_used + Header));
        _used += need;
        _count++;
        _lastPlace = place;

        var slots = _slots;
        var mask = slots.Length - 1;
        var i = hash & mask;
        while (slots[i].Part is not null)
        {
            i = (i + 1) & mask;
        }

        slots[i] = new Slot(part, hash, place);
        if (_count > slots.Length / 2)
        {
            Grow();
        }
    }

    /// <summary>The number of parts remembered.</summary>
    public int Count => _count;

    // The current row's key into _key: each cell's length, then its characters; false (and no key) when too long.
    private bool BuildKey()
    {
        _keyLength = -1;
        var key = _key;
        var n = 0;
        foreach (var c in columns)
        {
            var cell = row.Get(c);
            if (n + 1 + cell.Length > MaxKeyLength)
            {
                return false;
            }

            key[n++] = (char)cell.Length;
            cell.CopyTo(key.AsSpan(n));
            n += cell.Length;
        }

        _keyLength = n;
        return true;
    }

    private ReadOnlySpan<char> KeyAt(int place)
    {
        var block = _blocks[place >> BlockShift];
        var at = place & (BlockChars - 1);
        return block.AsSpan(at + Header, block[at]);
    }

    private void Grow()
    {
        var slots = new Slot[_slots.Length * 2];
        var mask = slots.Length - 1;
        foreach (var slot in _slots)
        {
            if (slot.Part is not null)
            {
                var i = slot.Hash & mask;
                while (slots[i].Part is not null)
                {
                    i = (i + 1) & mask;
                }

                slots[i] = slot;
            }
        }

        _slots = slots;
    }

    // One entry of the table: the part, its key's hash and where its key is kept (an empty slot has no part).
    private readonly record struct Slot(T? Part, int Hash, int Place);
}
