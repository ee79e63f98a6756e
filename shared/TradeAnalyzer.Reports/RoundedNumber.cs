using System.Globalization;

namespace TradeAnalyzer.Reports;

/// <summary>
/// Writes <c>Math.Round(value, decimals)</c> (2 or 4 decimals) as flags.csv and flags.json have always written it, from
/// the rounded value's integer of hundredths or ten-thousandths instead of the general double formatting: "0.####"
/// (a custom format: parsed per call, 15-digit rounding) and Utf8JsonWriter's shortest round-trip text were about a
/// tenth of the two files' CPU. Both give the same digits for these values: a decimal of at most 15 significant digits
/// is the 15-digit text of its nearest double and the only text of that length mapping to it (doubles are closer
/// together than 15-digit decimals), so "0.####", "R" and this all print the integer part, and the fraction without
/// trailing zeros. Zero (the sign of -0), non-finite values and values of 15 or more digits are left to the caller.
/// </summary>
internal static class RoundedNumber
{
    private static readonly double[] Scales = [1, 10, 100, 1_000, 10_000];

    /// <summary>
    /// Writes <c>Math.Round(value, decimals)</c> as "0.####" formats it (for 4 decimals; "0.##" for 2) into
    /// <paramref name="destination"/> (at least 24 bytes); false (nothing written) when the fast path does not apply.
    /// </summary>
    public static bool TryWrite(double value, int decimals, Span<byte> destination, out int written)
    {
        written = 0;
        if ((uint)decimals >= (uint)Scales.Length || destination.Length < 24)
        {
            return false;
        }

        // Math.Round(value, decimals) is Math.Round(value * 10^decimals) / 10^decimals below 1e16.
        var scaled = Math.Round(value * Scales[decimals]);
        if (!(Math.Abs(scaled) < 1e15) || scaled == 0)
        {
            return false;
        }

        var n = (long)scaled;
        var at = 0;
        if (n < 0)
        {
            destination[at++] = (byte)'-';
            n = -n;
        }

        var unit = (long)Scales[decimals];
        var whole = n / unit;
        var fraction = n - (whole * unit);
        whole.TryFormat(destination[at..], out var digits, default, CultureInfo.InvariantCulture);
        at += digits;
        if (fraction != 0)
        {
            destination[at++] = (byte)'.';
            for (var place = unit / 10; fraction != 0; place /= 10)
            {
                var digit = fraction / place;
                destination[at++] = (byte)('0' + digit);
                fraction -= digit * place;
            }
        }

        written = at;
        return true;
    }
}
