using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace TradeAnalyzer.Core.Detection.Mirror;

/// <summary>
/// An open-addressing table of (hash, value) slots for keys the caller compares itself (the key of a value is found
/// through the value, e.g. the first shipment with a declaration id): a look-up reads one slot array, and a key is
/// only compared when the full 32-bit hashes are equal. Half the memory of a <see cref="Dictionary{TKey, TValue}"/>
/// of strings and one random memory access instead of two (bucket, then entry) for keys seen for the first time.
/// </summary>
/// <remarks>Probe with <see cref="Start"/> and <see cref="Next"/> until <see cref="Slot.IsEmpty"/> or a match;
/// call <see cref="MakeRoom"/> before a probe that may add, then <see cref="Fill"/> the empty slot found.</remarks>
internal sealed class HashSlots
{
    /// <summary>The per-process seed of <see cref="Hash"/> (a constant to the JIT once read).</summary>
    internal static readonly ulong Seed = (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue);

    private Slot[] _slots;
    private int _shift;

    /// <summary>A table with room for <paramref name="expected"/> keys at most two-thirds full (it grows beyond).</summary>
    public HashSlots(int expected)
    {
        var bits = Math.Max(4, 64 - BitOperations.LeadingZeroCount((ulong)Math.Max(1, expected) * 3 / 2));
        _slots = new Slot[1 << bits];
        _shift = 64 - bits;
    }

    /// <summary>Number of keys added.</summary>
    public int Count { get; private set; }

    /// <summary>The first slot to probe for <paramref name="hash"/>.</summary>
    public int Start(int hash) => (int)(((ulong)(uint)hash * 0x9E3779B97F4A7C15UL) >> _shift);

    /// <summary>The slot probed after <paramref name="slot"/>.</summary>
    public int Next(int slot) => (slot + 1) & (_slots.Length - 1);

    /// <summary>Fetches the slot a probe for <paramref name="hash"/> starts at into the cache (a hint: nothing else changes).</summary>
    public void Prefetch(int hash) => Analysis.CacheHint.Element(_slots, Start(hash));

    /// <summary>Slot <paramref name="slot"/>.</summary>
    public ref Slot At(int slot) => ref _slots[slot];

    /// <summary>Stores a key's <paramref name="hash"/> and <paramref name="value"/> (at least 0) in the empty slot found by a probe.</summary>
    public void Fill(ref Slot slot, int hash, int value)
    {
        slot = new Slot(hash, value + 1);
        Count++;
    }

    /// <summary>Grows the table when one more key would fill it beyond two-thirds (slots found before are then stale).</summary>
    public void MakeRoom()
    {
        if ((Count + 1) * 3 <= _slots.Length * 2)
        {
            return;
        }

        var old = _slots;
        _slots = new Slot[old.Length * 2];
        _shift--;
        foreach (var slot in old)
        {
            if (slot.IsEmpty)
            {
                continue;
            }

            var i = Start(slot.Hash);
            while (!_slots[i].IsEmpty)
            {
                i = Next(i);
            }

            _slots[i] = slot;
        }
    }

    /// <summary>A hash of <paramref name="text"/>'s characters (8 bytes at a time), seeded at random per process: the keys
    /// come from uploaded files, and equal hashes cost comparisons (probes here, <see cref="HashRuns.FirstOfEqual"/>'s
    /// runs), so a file must not be able to choose keys that share one. No caller's result depends on the hash's value.</summary>
    public static int Hash(ReadOnlySpan<char> text) => Hash(text, Seed);

    /// <summary><see cref="Hash(ReadOnlySpan{char})"/> with the seed given (for tests).</summary>
    internal static int Hash(ReadOnlySpan<char> text, ulong seed)
    {
        var bytes = MemoryMarshal.AsBytes(text);
        var h = ((ulong)bytes.Length * 0x9E3779B97F4A7C15UL) ^ seed;
        while (bytes.Length >= 8)
        {
            h = BitOperations.RotateLeft((h ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes)) * 0xFF51AFD7ED558CCDUL, 29);
            bytes = bytes[8..];
        }

        if (!bytes.IsEmpty)
        {
            ulong tail = 0;
            for (var k = 0; k < bytes.Length; k++)
            {
                tail |= (ulong)bytes[k] << (8 * k);
            }

            h = BitOperations.RotateLeft((h ^ tail) * 0xFF51AFD7ED558CCDUL, 29);
        }

        h ^= h >> 32;
        h *= 0xC4CEB9FE1A85EC53UL;
        return (int)(h >> 32);
    }

    /// <summary>A key's hash and value + 1 (0: empty).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal readonly struct Slot(int hash, int valuePlusOne)
    {
        private readonly int _valuePlusOne = valuePlusOne;

        /// <summary>The key's hash.</summary>
        public int Hash { get; } = hash;

        /// <summary>The value stored with the key.</summary>
        public int Value => _valuePlusOne - 1;

        /// <summary>True when no key is stored here.</summary>
        public bool IsEmpty => _valuePlusOne == 0;
    }
}
