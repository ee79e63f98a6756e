using TradeAnalyzer.Core.Analysis;

namespace TradeAnalyzer.Core.Detection.Invoices;

/// <summary>
/// Normalised invoice numbers of up to <see cref="MaxLength"/> characters 0-9 and A-Z (nearly all), packed into an int
/// and a long (<see cref="TryPack"/>), mapped to a number (a document, a group): an open-addressing table whose 16-byte
/// slots hold the key and the value together, so a look-up costs one cache miss where a
/// <see cref="Dictionary{TKey, TValue}"/> costs two (its bucket, then its entry) and a string key a third (the key's
/// characters). The int half can be anything else that qualifies the number, such as an exporter id.
/// </summary>
internal sealed class InvoiceKeyTable
{
    /// <summary>Longest normalised invoice number packed: the last <see cref="InvoiceIndex.MaxPackedLength"/>
    /// characters in the long, up to 5 before them in the int (37^5 &lt; 2^31).</summary>
    public const int MaxLength = InvoiceIndex.MaxPackedLength + 5;

    /// <summary>Slots of one window: consecutive packed numbers (the last character runs through 37 values) share one.
    /// Not 37 * 37 (a window per last two characters): with ~2,800 such windows placed at random over a table filled to
    /// 60%, overlapping windows filled stretches solid and an insert or look-up walked ~19 slots on average on the
    /// benchmark's invoice numbers (a simulation of this table over their keys); windows of 256 walk ~3.</summary>
    private const int WindowBits = 8;

    private Slot[] _slots;
    private int _mask;
    private int _shift;

    /// <summary>A table for about <paramref name="expected"/> keys (grown when it gets fuller than 3/4).</summary>
    public InvoiceKeyTable(int expected)
    {
        var capacity = 16;
        while (capacity < expected + (expected / 4))
        {
            capacity *= 2;
        }

        (_slots, _mask, _shift) = Allocate(capacity);
    }

    /// <summary>Number of keys stored.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Packs a normalised invoice number of up to <see cref="MaxLength"/> characters 0-9 and A-Z: numbers of up to
    /// <see cref="InvoiceIndex.MaxPackedLength"/> characters give (0, <see cref="InvoiceIndex.TryPack"/>), longer ones
    /// (the leading characters packed, the last 12 packed): no two such numbers share a pair. False for any other number.
    /// </summary>
    public static bool TryPack(ReadOnlySpan<char> key, out int high, out long low)
    {
        high = 0;
        low = 0;
        if (key.Length > MaxLength)
        {
            return false;
        }

        var cut = Math.Max(0, key.Length - InvoiceIndex.MaxPackedLength);
        if (!InvoiceIndex.TryPack(key[..cut], out var leading) || !InvoiceIndex.TryPack(key[cut..], out low))
        {
            return false;
        }

        high = (int)leading;
        return true;
    }

    /// <summary>The value of the key, or -1 when absent.</summary>
    public int Find(int high, long low)
    {
        var slots = _slots;
        for (var i = Home(high, low); ; i = (i + 1) & _mask)
        {
            ref var slot = ref slots[i];
            if (slot.ValuePlusOne == 0)
            {
                return -1;
            }

            if (slot.Low == low && slot.High == high)
            {
                return slot.ValuePlusOne - 1;
            }
        }
    }

    /// <summary>Asks for the cache line of the key's first slot, ahead of a <see cref="GetOrAdd"/> or <see cref="Find"/>
    /// of it (a hint: nothing changes).</summary>
    public void Prefetch(int high, long low) => CacheHint.Element(_slots, Home(high, low));

    /// <summary>The value of the key if present (<paramref name="added"/> false), else adds it with
    /// <paramref name="value"/> and returns that.</summary>
    public int GetOrAdd(int high, long low, int value, out bool added)
    {
        var slots = _slots;
        for (var i = Home(high, low); ; i = (i + 1) & _mask)
        {
            ref var slot = ref slots[i];
            if (slot.ValuePlusOne == 0)
            {
                slot = new Slot(high, low, value + 1);
                added = true;
                if (++Count > (_slots.Length / 4) * 3)
                {
                    Grow();
                }

                return value;
            }

            if (slot.Low == low && slot.High == high)
            {
                added = false;
                return slot.ValuePlusOne - 1;
            }
        }
    }

    private static (Slot[] Slots, int Mask, int Shift) Allocate(int capacity) =>
        (new Slot[capacity], capacity - 1, 64 - System.Numerics.BitOperations.Log2((uint)capacity));

    /// <summary>
    /// Numbers that differ only in their low <see cref="WindowBits"/> bits land in one window of slots, placed
    /// by Fibonacci hashing of the rest (seeded): invoices are numbered in sequence, and both the invoices and the declarations
    /// naming them come roughly in that order, so consecutive look-ups touch a few windows of the table instead of a
    /// random slot of it each (on this machine a random access to a large table costs a cache and a TLB miss).
    /// </summary>
    private int Home(int high, long low)
    {
        var block = (ulong)low >> WindowBits;
        var within = (ulong)low & ((1UL << WindowBits) - 1);
        var start = (((block ^ Seeds.Block) * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)(high ^ Seeds.High) * 0xC2B2AE3D27D4EB4FUL)) >> _shift;
        return (int)((start + within) & (ulong)_mask);
    }

    /// <summary>The seeds of <see cref="Home"/>'s placement, drawn per process and xored in before the Fibonacci
    /// multiplications (which keep spreading consecutive blocks evenly): without them a file could choose invoice numbers
    /// whose windows all start at one slot, and every insert and look-up would walk the cluster. The numbers a table
    /// gives do not depend on them (constants to the JIT once read).</summary>
    private static class Seeds
    {
        public static readonly ulong Block = (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue);
        public static readonly int High = Random.Shared.Next(int.MinValue, int.MaxValue);
    }

    private void Grow()
    {
        var old = _slots;
        (_slots, _mask, _shift) = Allocate(old.Length * 2);
        foreach (var slot in old)
        {
            if (slot.ValuePlusOne != 0)
            {
                var i = Home(slot.High, slot.Low);
                while (_slots[i].ValuePlusOne != 0)
                {
                    i = (i + 1) & _mask;
                }

                _slots[i] = slot;
            }
        }
    }

    /// <summary>One key and its value (stored plus one, so that a zeroed slot is empty): 16 bytes.</summary>
    private readonly struct Slot(int high, long low, int valuePlusOne)
    {
        public long Low { get; } = low;

        public int High { get; } = high;

        public int ValuePlusOne { get; } = valuePlusOne;
    }
}
