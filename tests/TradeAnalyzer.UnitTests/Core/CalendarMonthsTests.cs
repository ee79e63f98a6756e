using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.UnitTests.Core;

public sealed class CalendarMonthsTests
{
    [Fact]
    public void Month_of_a_day_number_is_year_times_12_plus_month_for_every_day_of_the_range()
    {
        // Every day from 0001-01-01 to 9999-12-31 (leap days, century and 400-year rules, both ends of the range).
        var last = DateOnly.MaxValue.DayNumber;
        for (var day = 0; day <= last; day++)
        {
            var date = DateOnly.FromDayNumber(day);
            var expected = (date.Year * 12) + date.Month - 1;
            var actual = CalendarMonths.OfDay(day);
            if (actual != expected)
            {
                Assert.Fail($"{date:yyyy-MM-dd} (day {day}): {actual}, expected {expected}");
            }
        }
    }
}
