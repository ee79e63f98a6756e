using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// Finds the shared record part already built from equal cells: the party columns of a row determine its parties part
/// (names and ids pooled, countries validated, exporter key derived), so a row whose party cells are exactly those of
/// an earlier accepted row reuses its part without pooling, validating or interning them again.
/// The row's cells (as <see cref="RowCursor.Get"/> gives them, each preceded by its length) form a key of bytes, a cell
/// whose characters are all below U+0100 (every party cell of the usual files) as one byte per character (Latin-1),
/// another as its UTF-16 code units; the keys of the remembered parts are copied into large byte blocks, and an
/// open-addressing table finds a candidate (the key's hash, where its copy starts, and the part) whose key is then
/// compared byte by byte: a hit reads one slot and one contiguous key instead of the part and each of its strings. The hash
/// (<see cref="KeyHash"/>) is seeded at random per process, and a look-up or insertion gives up after
/// <see cref="MaxProbes"/> slots (the row then takes the ordinary path), so even cells crafted to collide cost at
/// most that many comparisons per row. Bounded: past <paramref name="capacity"/> parts
/// or <see cref="MaxKeyBytes"/> bytes of keys, and for keys longer than <see cref="MaxKeyLength"/> bytes, rows take the
/// ordinary path. The slot table starts at <paramref name="initialSlots"/> (rounded to a power of two, at least 1,024,
/// at most what <paramref name="capacity"/> parts need) and doubles when half full.
/// </summary>
internal sealed class CellPartCache<T>(RowCursor row, int[] columns, int capacity = 262_144, int initialSlots = 1024)
    where T : class
{
    /// <summary>The longest key remembered, in bytes (the cells and their lengths).</summary>
    public const int MaxKeyLength = 4096;

    /// <summary>The bytes of keys remembered in all, at most (32 MiB).</summary>
    public const int MaxKeyBytes = 32 << 20;

    // Keys live in blocks of BlockBytes: [key length (2 bytes), key...]; a key never straddles two blocks, so a key's
    // place is one int (block * BlockBytes + offset).
    private const int BlockShift = 19;
    private const int BlockBytes = 1 << BlockShift;
    private const int Header = 2;

    // Cells this long or longer that repeat an earlier cell of the key are written as Mark + that cell's index.
    private const int MinRepeat = 8;

    // Slots looked at per look-up or insertion at most (the table is at most half full: chains are short unless crafted).
    internal const int MaxProbes = 32;

    // The first byte of a cell in the key: below LongNarrow, the length of a Latin-1 cell that follows; LongNarrow or
    // Wide, a Latin-1 or UTF-16 cell whose length (in characters) is in the next two bytes; Mark, the index of an earlier
    // equal cell in the next byte. No encoding is a prefix of another, so equal keys still mean equal cells.
    private const byte LongNarrow = 0xFD;
    private const byte Wide = 0xFE;
    private const byte Mark = 0xFF;

    private readonly List<byte[]> _blocks = [];
    private readonly byte[] _key = new byte[MaxKeyLength + 64];
    private readonly int[] _cellStarts = new int[columns.Length];
    private readonly int[] _cellLengths = new int[columns.Length];
    private readonly bool[] _cellWide = new bool[columns.Length];
    private Slot[] _slots = new Slot[TableSizes.Start(initialSlots, 1024, capacity)];
    private int _count;
    private int _keyLength = -1;
    private int _used = BlockBytes;
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

        _preparedHash = KeyHash(key);
        if (Sse.IsSupported)
        {
            // A prefetch never faults, so the array need not be pinned for it.
            Sse.Prefetch0(Unsafe.AsPointer(ref _slots[_preparedHash & (_slots.Length - 1)]));
        }
    }

    /// <summary>
    /// For the row prepared last: reads its slot (fetched since <see cref="Prepare"/>) and, when it holds a key of the
    /// same hash, asks the processor to fetch that key's first characters, so that <see cref="Find"/>, called later in
    /// the row, compares keys already in cache. Changes nothing.
    /// </summary>
    public unsafe void Locate()
    {
        if (_preparedRow < 0 || _preparedLast || _keyLength < 0 || !Sse.IsSupported)
        {
            return;
        }

        var slot = _slots[_preparedHash & (_slots.Length - 1)];
        if (slot.Part is not null && slot.Hash == _preparedHash)
        {
            // A prefetch never faults: past the block's end (a key near it) it only fetches nothing useful.
            ref var first = ref MemoryMarshal.GetArrayDataReference(_blocks[slot.Place >> BlockShift]);
            ref var at = ref Unsafe.Add(ref first, slot.Place & (BlockBytes - 1));
            Sse.Prefetch0(Unsafe.AsPointer(ref at));
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref at, 64)));
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref at, 128)));
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
        for (var probes = 0; probes < MaxProbes && slots[i].Part is { } part; probes++)
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

        var slots = _slots;
        var mask = slots.Length - 1;
        var i = hash & mask;
        for (var probes = 0; slots[i].Part is not null; probes++)
        {
            if (probes == MaxProbes)
            {
                return; // a look-up would stop before this slot: not worth remembering
            }

            i = (i + 1) & mask;
        }

        var need = Header + length;
        if (_used + need > BlockBytes)
        {
            if ((_blocks.Count + 1) * (long)BlockBytes > MaxKeyBytes)
            {
                return;
            }

            _blocks.Add(GC.AllocateUninitializedArray<byte>(BlockBytes)); // every byte is written before it is read
            _used = 0;
        }

        var blockIndex = _blocks.Count - 1;
        var block = _blocks[blockIndex];
        var place = (blockIndex << BlockShift) + _used;
        Unsafe.WriteUnaligned(ref block[_used], (ushort)length);
        _key.AsSpan(0, length).CopyTo(block.AsSpan(_used + Header));
        _used += need;
        _count++;
        _lastPlace = place;
        slots[i] = new Slot(part, hash, place);
        if (_count > slots.Length / 2)
        {
            Grow();
        }
    }

    /// <summary>The number of parts remembered.</summary>
    public int Count => _count;

    /// <summary>The slots of the table now (for tests).</summary>
    internal int SlotCount => _slots.Length;

    // The current row's key into _key: per cell its length, then its characters (one byte each when all are below U+0100,
    // else two); false (and no key) when too long. A cell of at least MinRepeat characters equal to an earlier cell of
    // the key (an invoice's payer is usually its buyer, its beneficiary its seller) is written as one mark naming that
    // cell instead: the key stays a function of the cells that can be read back into them, so equal keys still mean
    // equal cells, and it is shorter to copy, hash, store and compare. Latin-1 halves the bytes of the usual keys
    // (~100-180 characters): the narrowing costs what the copy did, the hash, the compares and the blocks are halved.
    private bool BuildKey()
    {
        _keyLength = -1;
        var key = _key;
        var n = 0;
        for (var k = 0; k < columns.Length; k++)
        {
            var cell = row.Get(columns[k]);
            var length = cell.Length;
            _cellLengths[k] = length;
            var same = length >= MinRepeat ? Earlier(k, cell) : -1;
            if (same >= 0)
            {
                key[n] = Mark;
                key[n + 1] = (byte)same;
                n += 2;
                _cellStarts[k] = _cellStarts[same];
                _cellWide[k] = _cellWide[same];
                continue;
            }

            var header = length < LongNarrow ? 1 : 3;
            if (n + header + length > MaxKeyLength)
            {
                return false;
            }

            var body = n + header;
            var wide = !TryNarrow(cell, key.AsSpan(body, length));
            if (wide)
            {
                header = 3;
                body = n + header;
                if (body + (2 * length) > MaxKeyLength)
                {
                    return false;
                }

                MemoryMarshal.AsBytes(cell).CopyTo(key.AsSpan(body));
            }

            _cellWide[k] = wide;
            _cellStarts[k] = body;
            if (header == 1)
            {
                key[n] = (byte)length;
            }
            else
            {
                key[n] = wide ? Wide : LongNarrow;
                Unsafe.WriteUnaligned(ref key[n + 1], (ushort)length);
            }

            n = body + (wide ? 2 * length : length);
        }

        _keyLength = n;
        return true;
    }

    // The first of cells 0..k-1 equal to cell k (whose length is already recorded), or -1: compared with the earlier
    // cells as the key holds them, so that a repeated cell is neither narrowed nor copied.
    private int Earlier(int k, ReadOnlySpan<char> cell)
    {
        for (var j = 0; j < k; j++)
        {
            if (_cellLengths[j] == cell.Length &&
                (_cellWide[j]
                    ? _key.AsSpan(_cellStarts[j], 2 * cell.Length).SequenceEqual(MemoryMarshal.AsBytes(cell))
                    : SameAsNarrow(cell, _key.AsSpan(_cellStarts[j], cell.Length))))
            {
                return j;
            }
        }

        return -1;
    }

    /// <summary>Whether <paramref name="cell"/> is <paramref name="narrow"/> (Latin-1, as long as the cell) widened.</summary>
    internal static bool SameAsNarrow(ReadOnlySpan<char> cell, ReadOnlySpan<byte> narrow)
    {
        var length = cell.Length;
        if (narrow.Length != length)
        {
            return false;
        }

        ref var from = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(cell));
        ref var bytes = ref MemoryMarshal.GetReference(narrow);
        if (Vector128.IsHardwareAccelerated && length >= Vector128<ushort>.Count)
        {
            // Eight at a time; the last eight overlap the ones before when the length is not a multiple.
            var last = (nuint)(length - Vector128<ushort>.Count);
            for (nuint i = 0; ; i += (nuint)Vector128<ushort>.Count)
            {
                if (i > last)
                {
                    i = last;
                }

                var widened = Vector128.WidenLower(Vector128.CreateScalar(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref bytes, i))).AsByte());
                if (Vector128.LoadUnsafe(ref from, i) != widened)
                {
                    return false;
                }

                if (i == last)
                {
                    return true;
                }
            }
        }

        for (var i = 0; i < length; i++)
        {
            if (Unsafe.Add(ref from, i) != Unsafe.Add(ref bytes, i))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Writes <paramref name="cell"/> as Latin-1 into <paramref name="into"/> (as long as the cell); false, with
    /// <paramref name="into"/> partly written, when a character is U+0100 or above.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryNarrow(ReadOnlySpan<char> cell, Span<byte> into)
    {
        var length = cell.Length;
        if (into.Length < length)
        {
            throw new ArgumentException("The destination is shorter than the cell.", nameof(into));
        }

        ref var from = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(cell));
        ref var to = ref MemoryMarshal.GetReference(into);
        if (Vector128.IsHardwareAccelerated && (uint)(length - 4) < 4)
        {
            // Four to seven characters (ids, short names): the first four and the last four, overlapping.
            var head = Vector128.CreateScalar(Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<ushort, byte>(ref from))).AsUInt16();
            var tail = Vector128.CreateScalar(Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<ushort, byte>(ref Unsafe.Add(ref from, length - 4)))).AsUInt16();
            if (((head | tail) & Vector128.Create((ushort)0xFF00)) != Vector128<ushort>.Zero)
            {
                return false;
            }

            Unsafe.WriteUnaligned(ref to, Vector128.Narrow(head, head).AsUInt32().ToScalar());
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, length - 4), Vector128.Narrow(tail, tail).AsUInt32().ToScalar());
            return true;
        }

        if (Vector128.IsHardwareAccelerated && length >= Vector128<ushort>.Count)
        {
            // Eight characters at a time; the last eight overlap the ones before when the length is not a multiple.
            var high = Vector128.Create((ushort)0xFF00);
            var last = (nuint)(length - Vector128<ushort>.Count);
            for (nuint i = 0; ; i += (nuint)Vector128<ushort>.Count)
            {
                if (i > last)
                {
                    i = last;
                }

                var v = Vector128.LoadUnsafe(ref from, i);
                if ((v & high) != Vector128<ushort>.Zero)
                {
                    return false;
                }

                Vector128.Narrow(v, v).GetLower().StoreUnsafe(ref to, i);
                if (i == last)
                {
                    return true;
                }
            }
        }

        for (var i = 0; i < length; i++)
        {
            var c = Unsafe.Add(ref from, i);
            if (c > 0xFF)
            {
                return false;
            }

            Unsafe.Add(ref to, i) = (byte)c;
        }

        return true;
    }

    // Per process, so the slots a key lands in cannot be known in advance.
    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64();

    private const ulong P1 = 0x9E3779B185EBCA87UL;
    private const ulong P2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong P3 = 0x165667B19E3779F9UL;

    /// <summary>
    /// The key's hash: xxHash64's rounds over four independent 8-byte lanes (32 bytes per step), then the rest, then
    /// its final mixing, from a random seed. The runtime's randomised hash (Marvin) takes one dependent chain per 4
    /// bytes and was ~2% of a file's read for keys of 100-150 characters; safety against crafted collisions now comes
    /// from the probe limit, not from the hash.
    /// </summary>
    internal static int KeyHash(ReadOnlySpan<byte> key)
    {
        ref var p = ref MemoryMarshal.GetReference(key);
        var n = key.Length;
        var a = Seed + P1;
        var b = Seed ^ P2;
        var c = Seed;
        var d = Seed - P1;
        var i = 0;
        for (; i + 32 <= n; i += 32)
        {
            a = Round(a, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i)));
            b = Round(b, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i + 8)));
            c = Round(c, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i + 16)));
            d = Round(d, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i + 24)));
        }

        var h = BitOperations.RotateLeft(a, 1) + BitOperations.RotateLeft(b, 7) + BitOperations.RotateLeft(c, 12) + BitOperations.RotateLeft(d, 18) + (ulong)n;
        for (; i + 8 <= n; i += 8)
        {
            h = (BitOperations.RotateLeft(h ^ Round(0, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i))), 27) * P1) + P3;
        }

        if (i + 4 <= n)
        {
            h = (BitOperations.RotateLeft(h ^ (Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, i)) * P1), 23) * P2) + P3;
            i += 4;
        }

        if (i + 2 <= n)
        {
            h = BitOperations.RotateLeft(h ^ (Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref p, i)) * P3), 11) * P1;
            i += 2;
        }

        if (i < n)
        {
            h = BitOperations.RotateLeft(h ^ (Unsafe.Add(ref p, i) * P3), 11) * P1;
        }

        h ^= h >> 33;
        h *= P2;
        h ^= h >> 29;
        h *= P3;
        h ^= h >> 32;
        return (int)h;
    }

    private static ulong Round(ulong acc, ulong value) => BitOperations.RotateLeft(acc + (value * P2), 31) * P1;

    private ReadOnlySpan<byte> KeyAt(int place)
    {
        var block = _blocks[place >> BlockShift];
        var at = place & (BlockBytes - 1);
        return block.AsSpan(at + Header, Unsafe.ReadUnaligned<ushort>(ref block[at]));
    }

    /// <summary>
    /// Forgets every part once the file is read (the cache is not used after): the slot table is a large object holding
    /// references to parts made during the read, which the young collections after the read would otherwise scan as
    /// roots through its dirty cards until the next full collection. The key blocks hold no references and are left.
    /// </summary>
    public void Release()
    {
        Array.Clear(_slots);
        _count = 0;
        _last = default;
        _lastPlace = -1;
        _preparedRow = -1;
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

        if (RecordParser.ReleasesTables)
        {
            Array.Clear(_slots); // the old table is garbage in the large object heap: see Release
        }
        _slots = slots;
    }

    // One entry of the table: the part, its key's hash and where its key is kept (an empty slot has no part).
    private readonly record struct Slot(T? Part, int Hash, int Place);
}
