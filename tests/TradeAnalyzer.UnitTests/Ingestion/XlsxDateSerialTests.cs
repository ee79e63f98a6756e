using System.Globalization;
using TradeAnalyzer.Ingestion;

namespace TradeAnalyzer.UnitTests.Ingestion;

/// <summary>
/// A date-styled workbook number becomes the day it stands for. Whole serials are counted in days instead of going
/// through <see cref="DateTime.FromOADate"/>; the day must be the one <see cref="DateTime.FromOADate"/> gives.
/// </summary>
public sealed class XlsxDateSerialTests
{
    private static string? Format(string value)
    {
        Span<char> buffer = stackalloc char[16];
        buffer.Fill('?');
        return XlsxTabularSource.TryFormatDateSerial(value, buffer, out var written) ? new string(buffer[..written]) : null;
    }

    [Fact]
    public void Every_whole_serial_in_excels_range_is_the_day_FromOADate_gives()
    {
        Span<char> buffer = stackalloc char[10];
        for (var n = 1; n <= 2_958_465; n++)
        {
            Assert.True(XlsxTabularSource.TryFormatDateSerial(n.ToString(CultureInfo.InvariantCulture), buffer, out var written));
            var expected = DateTime.FromOADate(n).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (!buffer[..written].SequenceEqual(expected))
            {
                Assert.Fail($"serial {n}: {new string(buffer[..written])}, FromOADate {expected}");
            }
        }
    }

    [Theory]
    [InlineData("1", "1899-12-31")]
    [InlineData("60", "1900-02-28")]
    [InlineData("61", "1900-03-01")]
    [InlineData("45726", "2025-03-10")]
    [InlineData("045726", "2025-03-10")]
    [InlineData("000045726", "2025-03-10")]
    [InlineData("2958465", "9999-12-31")]
    [InlineData("45726.75", "2025-03-10")] // a time of day is dropped
    [InlineData("4.5726E4", "2025-03-10")]
    [InlineData(" 45726", "2025-03-10")]
    [InlineData("1.0", "1899-12-31")]
    [InlineData("0", null)]
    [InlineData("0.5", null)]
    [InlineData("-1", null)]
    [InlineData("2958466", null)]
    [InlineData("1234567890", null)]
    [InlineData("", null)]
    [InlineData("12a", null)]
    [InlineData("NaN", null)]
    public void Spellings_read_as_FromOADate_reads_them(string value, string? expected)
    {
        Assert.Equal(expected, Format(value));
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d is >= 1 and < 2958466)
        {
            Assert.Equal(DateTime.FromOADate(d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), expected);
        }
    }
}
