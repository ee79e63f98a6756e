using System.Globalization;
using System.Text;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.UnitTests.Reports;

/// <summary>
/// <see cref="ShortestNumber"/> (Ryu) against the framework's "R", the bytes the workbook's numbers had before it:
/// every value it writes must be exactly "R"'s text, and every value it declines must be one "R" writes with an
/// exponent, one of 16 or more integer digits, zero, NaN or an infinity.
/// </summary>
public sealed class ShortestNumberTests
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.3)]
    [InlineData(1.0 / 3)]
    [InlineData(2.0 / 3)]
    [InlineData(0.0001)]
    [InlineData(0.00010000000000000002)]
    [InlineData(0.00009999999999999999)]
    [InlineData(125632.26168224297)]
    [InlineData(123456789012345.6)]
    [InlineData(999999999999999.9)]
    [InlineData(999999999999999.0)]
    [InlineData(1e15)]
    [InlineData(1e15 + 0.125)]
    [InlineData(5e-324)]
    [InlineData(2.2250738585072014E-308)]
    [InlineData(double.MaxValue)]
    [InlineData(1.5)]
    [InlineData(100.0)]
    [InlineData(9007199254740993.0)]
    [InlineData(0.30000000000000004)]
    [InlineData(4.35)]
    [InlineData(0.995)]
    [InlineData(6.103515625E-05)]
    [InlineData(0.000122)]
    public void Edge_values_write_as_R_or_are_declined(double value)
    {
        Check(value);
        Check(-value);
    }

    [Fact]
    public void Decimal_length_counts_digits_at_every_power_of_ten_and_bit_length()
    {
        var values = new List<ulong> { 1, 9, ulong.MaxValue };
        for (ulong p = 10; p < 10_000_000_000_000_000_000UL; p *= 10)
        {
            values.AddRange([p - 1, p, p + 1]);
        }

        for (var bit = 1; bit < 64; bit++)
        {
            values.AddRange([(1UL << bit) - 1, 1UL << bit, (1UL << bit) + 1]);
        }

        foreach (var v in values)
        {
            Assert.Equal(v.ToString(CultureInfo.InvariantCulture).Length, ShortestNumber.DecimalLength(v));
        }
    }

    [Fact]
    public void Zero_nan_and_infinities_are_left_to_the_caller()
    {
        foreach (var value in new[] { 0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            Assert.False(ShortestNumber.TryWrite(value, new byte[32], out var written));
            Assert.Equal(0, written);
        }
    }

    [Fact]
    public void Random_bit_patterns_in_the_fixed_point_range_write_as_R()
    {
        var random = new Random(20);
        var buffer = new byte[8];
        var accepted = 0;
        for (var i = 0; i < 400_000; i++)
        {
            random.NextBytes(buffer);
            var bits = BitConverter.ToUInt64(buffer);

            // Exponents from 2^-20 to 2^55 (the fixed-point range and a margin each side), any mantissa and sign.
            var exponent = (ulong)random.Next(1023 - 20, 1023 + 56);
            bits = (bits & 0x800F_FFFF_FFFF_FFFFUL) | (exponent << 52);
            accepted += Check(BitConverter.UInt64BitsToDouble(bits)) ? 1 : 0;
        }

        Assert.True(accepted > 250_000, $"{accepted} written");
    }

    [Fact]
    public void Random_bit_patterns_of_any_exponent_are_written_as_R_or_declined()
    {
        var random = new Random(21);
        var buffer = new byte[8];
        for (var i = 0; i < 200_000; i++)
        {
            random.NextBytes(buffer);
            Check(BitConverter.ToDouble(buffer));
        }
    }

    [Fact]
    public void Figures_like_the_workbooks_write_as_R()
    {
        // Ratios and values at risk: quotients and products of amounts, short decimals, their neighbours.
        var random = new Random(22);
        for (var i = 0; i < 200_000; i++)
        {
            var a = Math.Round(random.NextDouble() * Math.Pow(10, random.Next(0, 9)), random.Next(0, 4));
            var b = Math.Round(random.NextDouble() * Math.Pow(10, random.Next(0, 6)), random.Next(0, 3)) + 0.01;
            foreach (var value in new[] { a, a / b, a * b, a * 1.1, a / 3, Math.BitIncrement(a), Math.BitDecrement(a), a / 7e6 })
            {
                Check(value);
            }
        }

        // Every decimal of 1-4 places from 0.0001 to 1000 at a stride, and the doubles next to each.
        for (var n = 1; n < 10_000_000; n += 37)
        {
            foreach (var scale in new[] { 1e-4, 1e-3, 1e-2, 1e-1 })
            {
                var value = n * scale;
                Check(value);
                Check(Math.BitIncrement(value));
                Check(Math.BitDecrement(value));
            }
        }
    }

    [Fact]
    public void Powers_of_two_and_ten_and_their_neighbours_write_as_R()
    {
        for (var e = -30; e <= 60; e++)
        {
            var value = Math.ScaleB(1, e);
            Check(value);
            Check(Math.BitIncrement(value));
            Check(Math.BitDecrement(value));
        }

        for (var e = -6; e <= 17; e++)
        {
            var value = Math.Pow(10, e);
            Check(value);
            Check(Math.BitIncrement(value));
            Check(Math.BitDecrement(value));
        }
    }

    [Fact]
    public void The_writers_numbers_are_R_for_cents_fractions_whole_numbers_and_the_declined_values()
    {
        var values = new List<double> { -0.0, 0, 1e15, 1e15 + 0.125, -1e15, 1e16, 5e-5, 1e-300, double.MaxValue, 12.5, 0.01, 0.1, 0.29 };
        var random = new Random(23);
        for (var i = 0; i < 20_000; i++)
        {
            var cents = random.NextInt64(-10_000_000_000, 10_000_000_000);
            values.Add(cents / 100.0);
            values.Add(random.NextDouble() * 1e6 / 7);
        }

        using var stream = new MemoryStream();
        using (var writer = new XmlByteWriter(stream))
        {
            foreach (var value in values)
            {
                writer.Number(value);
                writer.Raw(";"u8);
            }

            writer.Flush();
        }

        var expected = string.Concat(values.Select(v => v.ToString("R", CultureInfo.InvariantCulture) + ";"));
        Assert.Equal(expected, Encoding.ASCII.GetString(stream.ToArray()));
    }

    /// <summary>Asserts TryWrite agrees with "R"; true when it wrote the value.</summary>
    private static bool Check(double value)
    {
        var expected = value.ToString("R", CultureInfo.InvariantCulture);
        var buffer = new byte[32];
        if (ShortestNumber.TryWrite(value, buffer, out var written))
        {
            var actual = Encoding.ASCII.GetString(buffer, 0, written);
            if (actual != expected)
            {
                Assert.Fail($"{BitConverter.DoubleToUInt64Bits(value):X16}: R {expected}, written {actual}");
            }

            return true;
        }

        // Declined: only zero, non-finite, a value "R" writes with an exponent, or one of 16 or more integer digits.
        Assert.Equal(0, written);
        Assert.True(value == 0 || !double.IsFinite(value) || expected.Contains('E') || Math.Abs(value) >= 1e15, $"declined {expected}");
        return false;
    }
}
