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

        // The callers ask for 2 (cents, scores) or 4 places: a constant divisor is a multiplication and a shift, where
        // a divisor read from Scales was a 64-bit division per digit (~40 cycles each, five per value).
        var u = (ulong)n;
        ulong whole;
        uint fraction;
        if (decimals == 2)
        {
            whole = u / 100;
            fraction = (uint)(u - (whole * 100));
        }
        else if (decimals == 4)
        {
            whole = u / 10_000;
            fraction = (uint)(u - (whole * 10_000));
        }
        else
        {
            var unit = (ulong)Scales[decimals];
            whole = u / unit;
            fraction = (uint)(u - (whole * unit));
        }

        whole.TryFormat(destination[at..], out var digits, default, CultureInfo.InvariantCulture);
        at += digits;
        if (fraction != 0)
        {
            // All the places' digits, then the trailing zeros dropped (fraction != 0: at least one digit stays).
            destination[at++] = (byte)'.';
            for (var place = decimals - 1; place >= 0; place--)
            {
                var next = fraction / 10;
                destination[at + place] = (byte)('0' + (fraction - (next * 10)));
                fraction = next;
            }

            at += decimals;
            while (destination[at - 1] == (byte)'0')
            {
                at--;
            }
        }

        written = at;
        return true;
    }
}
