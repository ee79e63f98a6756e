using System.Numerics;
using System.Runtime.CompilerServices;

namespace TradeAnalyzer.Reports.Excel;

/// <summary>
/// Writes a double as the shortest text that reads back as the same double, the bytes <c>double.TryFormat(..., "R",
/// InvariantCulture)</c> writes, by Ulf Adams's Ryu algorithm (PLDI 2018): the interval of decimals that round to the
/// double is scaled by one 128-bit multiplication by a power of five, and digits are removed while the interval still
/// holds a number. The framework's "R" runs Grisu3 with a Dragon4 (big-number) fallback and was most of
/// <see cref="XmlByteWriter.Number"/>'s time for the workbook's ~520,000 fractional numbers (values at risk, ratios).
/// Only values from 0.0001 to below 1e15 are written (fixed-point in "R"; below 0.0001 it switches to an exponent, and
/// from 1e15 on its switch depends on the digits' count): zero, non-finite values and the rest are left to the caller.
/// </summary>
internal static class ShortestNumber
{
    private const int MantissaBits = 52;
    private const int Bias = 1023;
    private const int Pow5InverseBitCount = 125;
    private const int Pow5BitCount = 125;

    // 5^i scaled to 125 bits (top bits), and 2^(bits(5^q) - 1 + 125) / 5^q + 1: Ryu's tables, built once (BigInteger,
    // well under a millisecond) rather than spelled out as 1,300 constants. Low word at [2i], high at [2i + 1].
    private static readonly ulong[] Pow5Split = BuildPow5Split(326);
    private static readonly ulong[] Pow5InverseSplit = BuildPow5InverseSplit(342);

    private static readonly ulong[] PowersOf10 = BuildPowersOf10();

    /// <summary>
    /// Writes <paramref name="value"/> as "R" would into <paramref name="destination"/> (at least 26 bytes); false,
    /// nothing written, for zero, NaN, infinities, magnitudes below 0.0001 (an exponent in "R") or from 1e15 on.
    /// </summary>
    public static bool TryWrite(double value, Span<byte> destination, out int written)
    {
        written = 0;
        var bits = BitConverter.DoubleToUInt64Bits(value);
        var ieeeMantissa = bits & ((1UL << MantissaBits) - 1);
        var ieeeExponent = (int)((bits >> MantissaBits) & 0x7FF);
        if (ieeeExponent == 0x7FF || (ieeeExponent == 0 && ieeeMantissa == 0) || destination.Length < 26)
        {
            return false;
        }

        // Doubles below 2^-14 (~6e-5) all print with an exponent, and from 2^50 (~1.1e15) on too: skip Ryu for them.
        if (ieeeExponent < Bias - 14 || ieeeExponent >= Bias + 50)
        {
            return false;
        }

        var output = Shortest(ieeeMantissa, ieeeExponent, out var exponent);
        var length = DecimalLength(output);

        // The decimal point's place from the first digit: "R" writes fixed-point from 0.0001 (-3) on; 15 integer digits
        // (below 1e15) are always fixed-point too.
        var pointAt = length + exponent;
        if (pointAt is > 15 or < -3)
        {
            return false;
        }

        var at = 0;
        if ((long)bits < 0)
        {
            destination[at++] = (byte)'-';
        }

        if (pointAt <= 0)
        {
            destination[at++] = (byte)'0';
            destination[at++] = (byte)'.';
            for (var i = 0; i < -pointAt; i++)
            {
                destination[at++] = (byte)'0';
            }

            WriteDigits(output, destination.Slice(at, length));
            at += length;
        }
        else if (pointAt < length)
        {
            // Digits first, then the integer part moved one place left to open the point.
            WriteDigits(output, destination.Slice(at + 1, length));
            for (var i = 0; i < pointAt; i++)
            {
                destination[at + i] = destination[at + i + 1];
            }

            destination[at + pointAt] = (byte)'.';
            at += length + 1;
        }
        else
        {
            WriteDigits(output, destination.Slice(at, length));
            at += length;
            for (var i = length; i < pointAt; i++)
            {
                destination[at++] = (byte)'0';
            }
        }

        written = at;
        return true;
    }

    /// <summary>
    /// Ryu's d2d: the shortest decimal <c>output * 10^exponent</c> in the double's rounding interval, the closest to
    /// the double among those (ties to even), without trailing zeros. The double is finite and not zero.
    /// </summary>
    internal static ulong Shortest(ulong ieeeMantissa, int ieeeExponent, out int exponent)
    {
        int e2;
        ulong m2;
        if (ieeeExponent == 0)
        {
            e2 = 1 - Bias - MantissaBits - 2;
            m2 = ieeeMantissa;
        }
        else
        {
            e2 = ieeeExponent - Bias - MantissaBits - 2;
            m2 = (1UL << MantissaBits) | ieeeMantissa;
        }

        var acceptBounds = (m2 & 1) == 0;
        var mv = 4 * m2;
        var mmShift = ieeeMantissa != 0 || ieeeExponent <= 1 ? 1U : 0U;

        ulong vr, vp, vm;
        int e10;
        var vmIsTrailingZeros = false;
        var vrIsTrailingZeros = false;
        if (e2 >= 0)
        {
            var q = Log10Pow2(e2) - (e2 > 3 ? 1 : 0);
            e10 = q;
            var k = Pow5InverseBitCount + Pow5Bits(q) - 1;
            var i = -e2 + q + k;
            vr = MulShiftAll(m2, Pow5InverseSplit, q, i, out vp, out vm, mmShift);
            if (q <= 21)
            {
                // Only one of mp, mv and mm can be a multiple of 5, if any.
                if (mv % 5 == 0)
                {
                    vrIsTrailingZeros = MultipleOfPowerOf5(mv, q);
                }
                else if (acceptBounds)
                {
                    vmIsTrailingZeros = MultipleOfPowerOf5(mv - 1 - mmShift, q);
                }
                else
                {
                    vp -= MultipleOfPowerOf5(mv + 2, q) ? 1UL : 0UL;
                }
            }
        }
        else
        {
            var q = Log10Pow5(-e2) - (-e2 > 1 ? 1 : 0);
            e10 = q + e2;
            var i = -e2 - q;
            var k = Pow5Bits(i) - Pow5BitCount;
            var j = q - k;
            vr = MulShiftAll(m2, Pow5Split, i, j, out vp, out vm, mmShift);
            if (q <= 1)
            {
                // mv = 4 * m2 has at least two trailing zero bits; mm one iff mmShift is 1; mp = mv + 2 one.
                vrIsTrailingZeros = true;
                if (acceptBounds)
                {
                    vmIsTrailingZeros = mmShift == 1;
                }
                else
                {
                    --vp;
                }
            }
            else if (q < 63)
            {
                vrIsTrailingZeros = (mv & ((1UL << q) - 1)) == 0;
            }
        }

        var removed = 0;
        ulong result;
        if (vmIsTrailingZeros || vrIsTrailingZeros)
        {
            // The general case (rare): track whether the removed digits were all zeros, for the bounds and ties.
            var lastRemovedDigit = 0UL;
            while (true)
            {
                var vpDiv10 = vp / 10;
                var vmDiv10 = vm / 10;
                if (vpDiv10 <= vmDiv10)
                {
                    break;
                }

                var vrDiv10 = vr / 10;
                vmIsTrailingZeros &= vm - 10 * vmDiv10 == 0;
                vrIsTrailingZeros &= lastRemovedDigit == 0;
                lastRemovedDigit = vr - 10 * vrDiv10;
                vr = vrDiv10;
                vp = vpDiv10;
                vm = vmDiv10;
                ++removed;
            }

            if (vmIsTrailingZeros)
            {
                while (true)
                {
                    var vmDiv10 = vm / 10;
                    if (vm - 10 * vmDiv10 != 0)
                    {
                        break;
                    }

                    var vrDiv10 = vr / 10;
                    vrIsTrailingZeros &= lastRemovedDigit == 0;
                    lastRemovedDigit = vr - 10 * vrDiv10;
                    vr = vrDiv10;
                    vp /= 10;
                    vm = vmDiv10;
                    ++removed;
                }
            }

            if (vrIsTrailingZeros && lastRemovedDigit == 5 && vr % 2 == 0)
            {
                // Round to even when the exact value is ...50...0.
                lastRemovedDigit = 4;
            }

            result = vr + ((vr == vm && (!acceptBounds || !vmIsTrailingZeros)) || lastRemovedDigit >= 5 ? 1UL : 0UL);
        }
        else
        {
            // The common case: the removed digits only decide the rounding of the last one.
            var roundUp = false;
            var vpDiv100 = vp / 100;
            var vmDiv100 = vm / 100;
            if (vpDiv100 > vmDiv100)
            {
                var vrDiv100 = vr / 100;
                roundUp = vr - 100 * vrDiv100 >= 50;
                vr = vrDiv100;
                vp = vpDiv100;
                vm = vmDiv100;
                removed += 2;
            }

            while (true)
            {
                var vpDiv10 = vp / 10;
                var vmDiv10 = vm / 10;
                if (vpDiv10 <= vmDiv10)
                {
                    break;
                }

                var vrDiv10 = vr / 10;
                roundUp = vr - 10 * vrDiv10 >= 5;
                vr = vrDiv10;
                vp = vpDiv10;
                vm = vmDiv10;
                ++removed;
            }

            result = vr + (vr == vm || roundUp ? 1UL : 0UL);
        }

        exponent = e10 + removed;

        // Rounding up can end the digits in a zero (…9 + 1): "R" prints no trailing zero.
        while (result >= 10 && result % 10 == 0)
        {
            result /= 10;
            exponent++;
        }

        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MulShiftAll(ulong m, ulong[] table, int index, int j, out ulong vp, out ulong vm, uint mmShift)
    {
        var low = table[2 * index];
        var high = table[2 * index + 1];
        vp = MulShift(4 * m + 2, low, high, j);
        vm = MulShift(4 * m - 1 - mmShift, low, high, j);
        return MulShift(4 * m, low, high, j);
    }

    /// <summary>(m * (high:low)) >> j for m below 2^55 and 64 &lt; j &lt; 128.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MulShift(ulong m, ulong low, ulong high, int j)
    {
        var b0High = Math.BigMul(m, low, out _);
        var b2High = Math.BigMul(m, high, out var b2Low);
        var sumLow = b2Low + b0High;
        var sumHigh = b2High + (sumLow < b0High ? 1UL : 0UL);
        var shift = j - 64;
        return (sumHigh << (64 - shift)) | (sumLow >> shift);
    }

    private static bool MultipleOfPowerOf5(ulong value, int p)
    {
        var count = 0;
        while (value != 0 && value % 5 == 0)
        {
            value /= 5;
            count++;
        }

        return count >= p;
    }

    // ceil(log2(5^e)) for e > 0, 1 for e = 0; floor(log10(2^e)); floor(log10(5^e)).
    private static int Pow5Bits(int e) => (int)(((uint)e * 1217359) >> 19) + 1;

    private static int Log10Pow2(int e) => (int)(((uint)e * 78913) >> 18);

    private static int Log10Pow5(int e) => (int)(((uint)e * 732923) >> 20);

    /// <summary>The number of decimal digits of <paramref name="v"/> (above 0): from its bit length, one compare.</summary>
    internal static int DecimalLength(ulong v)
    {
        // log10(2) ~ 1233 / 4096: the length is t or t + 1 digits, told apart by 10^t.
        var t = (BitOperations.Log2(v) + 1) * 1233 >> 12;
        return t + 1 - (v < PowersOf10[t] ? 1 : 0);
    }

    /// <summary>Writes <paramref name="v"/>'s digits to fill <paramref name="destination"/> (its exact length).</summary>
    private static void WriteDigits(ulong v, Span<byte> destination)
    {
        // Two digits per division, from a table of the pairs 00..99: half the divisions of one digit at a time.
        var pairs = DigitPairs;
        var at = destination.Length;
        while (v >= 100_000_000)
        {
            // Eight digits at a time in 32-bit arithmetic.
            var upper = v / 100_000_000;
            var lower = (uint)(v - upper * 100_000_000);
            v = upper;
            for (var i = 0; i < 4; i++)
            {
                var next = lower / 100;
                var pair = (int)(lower - next * 100) * 2;
                destination[--at] = pairs[pair + 1];
                destination[--at] = pairs[pair];
                lower = next;
            }
        }

        var rest = (uint)v;
        while (rest >= 100)
        {
            var next = rest / 100;
            var pair = (int)(rest - next * 100) * 2;
            destination[--at] = pairs[pair + 1];
            destination[--at] = pairs[pair];
            rest = next;
        }

        if (rest >= 10)
        {
            destination[--at] = pairs[((int)rest * 2) + 1];
            destination[--at] = pairs[(int)rest * 2];
        }
        else
        {
            destination[--at] = (byte)('0' + rest);
        }
    }

    /// <summary>"00", "01", ... "99" back to back.</summary>
    private static ReadOnlySpan<byte> DigitPairs => "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    private static ulong[] BuildPowersOf10()
    {
        var table = new ulong[20];
        table[0] = 1;
        for (var i = 1; i < table.Length; i++)
        {
            table[i] = table[i - 1] * 10;
        }

        return table;
    }

    private static ulong[] BuildPow5Split(int count)
    {
        var table = new ulong[2 * count];
        var pow = BigInteger.One;
        for (var i = 0; i < count; i++, pow *= 5)
        {
            var shift = (int)pow.GetBitLength() - Pow5BitCount;
            var value = shift >= 0 ? pow >> shift : pow << -shift;
            Store(table, i, value);
        }

        return table;
    }

    private static ulong[] BuildPow5InverseSplit(int count)
    {
        var table = new ulong[2 * count];
        var pow = BigInteger.One;
        for (var i = 0; i < count; i++, pow *= 5)
        {
            var j = (int)pow.GetBitLength() - 1 + Pow5InverseBitCount;
            Store(table, i, (BigInteger.One << j) / pow + 1);
        }

        return table;
    }

    private static void Store(ulong[] table, int index, BigInteger value)
    {
        var mask = (BigInteger.One << 64) - 1;
        table[2 * index] = (ulong)(value & mask);
        table[2 * index + 1] = (ulong)(value >> 64);
    }
}
