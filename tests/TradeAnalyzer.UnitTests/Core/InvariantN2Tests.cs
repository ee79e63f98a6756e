using System.Globalization;
using System.Text;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.UnitTests.Core;

/// <summary>
/// The flags' "N2" figures written without the framework's formatter give the framework's text byte for byte: exact ties
/// (to the even cent), values just either side of a cent's half, groups of thousands, tiny and subnormal values, and the
/// values it leaves to the framework (negative, -0, NaN, infinities, 10^15 and up) through the flag text handler.
/// </summary>
public sealed class InvariantN2Tests
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static TheoryData<double> Edges()
    {
        var values = new List<double>
        {
            0.0, 0.125, 0.375, 0.625, 0.875, 1.125, 2.5, 0.005, 0.015, 1.005, 2.675, 0.004999999999999999, 0.995, 9.995,
            999.995, 999.994, 1_000, 999_999.995, 1_234_567.125, 1_234_567.135, 12_345_678_901_234.5, 99_999_999_999_999.99,
            999_999_999_999_999.9, 1e15 - 0.125, 0.001953125, 1e-300, double.Epsilon, 0.01, 0.1, 0.3,
            123.455, 123.445, 4.5e15 / 1e3, double.MaxValue / 1e294,
        };
        for (var bits = 1; bits <= 51; bits++)
        {
            // Halves, quarters, ... of a cent that are exact in binary sit on ties at every scale.
            values.Add(Math.ScaleB(1, -bits) * 3);
            values.Add(Math.BitIncrement(Math.ScaleB(1, -bits) * 3));
            values.Add(Math.BitDecrement(Math.ScaleB(1, -bits) * 3));
        }

        var data = new TheoryData<double>();
        foreach (var value in values.Distinct())
        {
            data.Add(value);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Edges))]
    public void Writes_the_frameworks_text(double value)
    {
        Assert.Equal(value.ToString("N2", Inv), Written(value));
    }

    [Fact]
    public void Writes_the_frameworks_text_for_random_values_at_every_scale()
    {
        var random = new Random(17);
        for (var i = 0; i < 200_000; i++)
        {
            // Uniform in the exponent from 10^-4 to 10^15, and cents plus an eighth (a tie when exact).
            var value = Math.Pow(10, random.NextDouble() * 19 - 4);
            Assert.Equal(value.ToString("N2", Inv), Written(value));
            var onTie = Math.Floor(value * 100) / 100 + 0.005;
            Assert.Equal(onTie.ToString("N2", Inv), Written(onTie));
        }
    }

    [Theory]
    [InlineData(-0.001)]
    [InlineData(-0.0)]
    [InlineData(-12_345.675)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(1e15)]
    [InlineData(1.5e20)]
    public void Leaves_other_values_to_the_framework(double value)
    {
        Assert.False(InvariantN2.TryWrite(value, new byte[64], out _, out var handled));
        Assert.False(handled);
        Assert.Equal(value.ToString("N2", Inv), ThroughHandler(value));
    }

    [Fact]
    public void Reports_a_short_destination_as_handled()
    {
        Assert.False(InvariantN2.TryWrite(1_234_567.891, new byte[11], out _, out var handled));
        Assert.True(handled);
        Assert.True(InvariantN2.TryWrite(1_234_567.891, new byte[12], out var n, out _));
        Assert.Equal(12, n);
    }

    [Fact]
    public void Applies_to_N2_in_the_invariant_culture_only()
    {
        Assert.True(InvariantN2.Applies("N2", Inv));
        Assert.True(InvariantN2.Applies("N2", NumberFormatInfo.InvariantInfo));
        Assert.False(InvariantN2.Applies("N0", Inv));
        Assert.False(InvariantN2.Applies("n2", Inv));
        Assert.False(InvariantN2.Applies(null, Inv));
        var comma = (NumberFormatInfo)NumberFormatInfo.InvariantInfo.Clone();
        comma.NumberDecimalSeparator = ",";
        comma.NumberGroupSeparator = ".";
        Assert.False(InvariantN2.Applies("N2", comma));
        Assert.False(InvariantN2.Applies("N2", null));

        // Another culture's figures still come from the framework through the handler.
        var w = FlagTexts.Writer.Begin();
        w.Put(FlagTexts.Observed, comma, $"{1_234.5:N2}");
        Assert.Equal("1.234,50", w.End().Text(FlagTexts.Observed));
    }

    [Fact]
    public void The_flag_text_handler_writes_the_same_text_as_a_string_would()
    {
        // Many figures in one text, enough of them to grow the chunk in the middle of a figure.
        for (var i = 0; i < 2_000; i++)
        {
            var a = i * 1234.5678 + 0.005;
            var b = -i / 3.0;
            var w = FlagTexts.Writer.Begin();
            w.Put(FlagTexts.Explanation, Inv, $"{a:N2} and {b:N2}, {i:N0} / {a:N3}: {new string('x', i % 300)} {a * 1e9:N2}");
            var texts = w.End();
            Assert.Equal(string.Create(Inv, $"{a:N2} and {b:N2}, {i:N0} / {a:N3}: {new string('x', i % 300)} {a * 1e9:N2}"), texts.Text(FlagTexts.Explanation));
        }
    }

    private static string Written(double value)
    {
        var buffer = new byte[64];
        Assert.True(InvariantN2.TryWrite(value, buffer, out var n, out var handled));
        Assert.True(handled);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    private static string ThroughHandler(double value)
    {
        var w = FlagTexts.Writer.Begin();
        w.Put(FlagTexts.Observed, Inv, $"{value:N2}");
        return w.End().Text(FlagTexts.Observed)!;
    }
}
