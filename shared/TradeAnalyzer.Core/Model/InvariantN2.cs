using System.Globalization;

namespace TradeAnalyzer.Core.Model;

/// <summary>
/// <c>double.ToString("N2", CultureInfo.InvariantCulture)</c> as UTF-8, without the framework's formatter for the common
/// case. The framework formats a fixed number of decimals with Dragon4 (big-integer arithmetic: Grisu3 only does
/// significant digits), which was about a quarter of the price detector's work (every price flag quotes five to seven
/// figures). A double below 10^15 is m * 2^-s with m below 2^53 and s above 0, so 100 * m fits in 64 bits and the
/// exact value times 100 rounds with one shift and one compare: the same digits as the framework (the exact binary value
/// rounded, a tie to the even cent), grouped by three with ',' and '.' for the decimals as the invariant culture does.
/// </summary>
internal static class InvariantN2
{
    /// <summary>Whether a format and provider are the ones <see cref="TryWrite"/> stands for.</summary>
    internal static bool Applies(string? format, IFormatProvider? provider) =>
        format is "N2" && (ReferenceEquals(provider, CultureInfo.InvariantCulture) || ReferenceEquals(provider, NumberFormatInfo.InvariantInfo));

    /// <summary>
    /// Writes <paramref name="value"/> as "N2" in the invariant culture. False with <paramref name="handled"/> false
    /// when the value is not one this covers (negative, -0, NaN, infinite, 10^15 or more: the caller asks the framework);
    /// false with <paramref name="handled"/> true when <paramref name="destination"/> is too small.
    /// </summary>
    internal static bool TryWrite(double value, Span<byte> destination, out int written, out bool handled)
    {
        written = 0;
        var bits = BitConverter.DoubleToUInt64Bits(value);

        // Sign bit clear (so not -0 either) and below 10^15 (so not NaN or infinite): the framework writes "-0.00" for
        // small negatives and -0, and large values could overflow the cents below.
        if ((long)bits < 0 || !(value < 1e15))
        {
            handled = false;
            return false;
        }

        handled = true;
        var biased = (int)(bits >> 52);
        var mantissa = bits & ((1UL << 52) - 1);
        int shift;
        if (biased == 0)
        {
            shift = 1074;
        }
        else
        {
            mantissa |= 1UL << 52;
            shift = 1075 - biased;
        }

        // value = mantissa / 2^shift, shift >= 3 here (value < 10^15 < 2^50 with a 53-bit mantissa). 100 * mantissa < 2^60,
        // so from a shift of 62 on the value times 100 is below a quarter: 0 cents, never a tie.
        ulong cents = 0;
        if (shift < 62)
        {
            var scaled = 100 * mantissa;
            cents = scaled >> shift;
            var rest = scaled & ((1UL << shift) - 1);
            var half = 1UL << (shift - 1);
            if (rest > half || (rest == half && (cents & 1) != 0))
            {
                cents++;
            }
        }

        var whole = cents / 100;
        var fraction = (int)(cents - whole * 100);

        // Digits of the whole part, then a ',' before each group of three but the first.
        var digits = whole == 0 ? 1 : CountDigits(whole);
        var length = digits + (digits - 1) / 3 + 3;
        if (destination.Length < length)
        {
            return false;
        }

        var at = length - 1;
        destination[at--] = (byte)('0' + fraction % 10);
        destination[at--] = (byte)('0' + fraction / 10);
        destination[at--] = (byte)'.';
        var inGroup = 0;
        do
        {
            if (inGroup == 3)
            {
                destination[at--] = (byte)',';
                inGroup = 0;
            }

            var next = whole / 10;
            destination[at--] = (byte)('0' + (int)(whole - next * 10));
            whole = next;
            inGroup++;
        }
        while (whole != 0);

        written = length;
        return true;
    }

    private static int CountDigits(ulong n)
    {
        var digits = 1;
        while (n >= 10)
        {
            n /= 10;
            digits++;
        }

        return digits;
    }
}
