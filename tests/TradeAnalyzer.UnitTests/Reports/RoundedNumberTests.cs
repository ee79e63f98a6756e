using System.Globalization;
using System.Text;
using System.Text.Json;
using TradeAnalyzer.Reports;

namespace TradeAnalyzer.UnitTests.Reports;

/// <summary>flags.csv and flags.json numbers: <see cref="RoundedNumber"/> against "0.####" and Utf8JsonWriter.</summary>
public sealed class RoundedNumberTests
{
    [Fact]
    public void Rounded_numbers_match_the_custom_format_and_the_json_writer_at_every_magnitude()
    {
        var random = new Random(7);
        var checkedValues = 0;
        for (var i = 0; i < 300_000; i++)
        {
            var magnitude = Math.Pow(10, random.Next(-7, 17));
            var value = (random.NextDouble() - 0.3) * magnitude;
            value = (i % 4) switch
            {
                0 => value,
                1 => Math.Round(value, 2),
                2 => Math.Round(value, 4) + (random.Next(3) - 1) * 5e-5,
                _ => BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(Math.Round(value, 1)) + random.Next(-2, 3)),
            };
            checkedValues += Check(value, 4) + Check(value, 2);
        }

        foreach (var value in new[] { 0.0, -0.0, 0.00005, -0.00005, 0.00015, 0.00025, 1e15, 999_999_999_999.9999, 99_999_999_999.99995, 1e-300, double.Epsilon, 5e-5, 0.5, 2.5, -2.5 })
        {
            checkedValues += Check(value, 4) + Check(value, 2);
        }

        Assert.True(checkedValues > 300_000, $"only {checkedValues} values took the fast path");
    }

    private static int Check(double value, int decimals)
    {
        var rounded = Math.Round(value, decimals);
        Span<byte> digits = stackalloc byte[32];
        if (!RoundedNumber.TryWrite(value, decimals, digits, out var length))
        {
            return 0;
        }

        var text = Encoding.ASCII.GetString(digits[..length]);
        Assert.Equal(rounded.ToString(decimals == 4 ? "0.####" : "0.##", CultureInfo.InvariantCulture), text);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteNumberValue(rounded);
        }

        Assert.Equal(Encoding.ASCII.GetString(buffer.ToArray()), text);
        return 1;
    }
}
