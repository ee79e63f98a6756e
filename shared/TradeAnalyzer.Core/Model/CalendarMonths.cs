namespace TradeAnalyzer.Core.Model;

/// <summary>Months counted from January of year 0 (<c>Year * 12 + Month - 1</c>), the key by which the mirror and invoice
/// detectors count a reporter's declarations per month.</summary>
internal static class CalendarMonths
{
    /// <summary>
    /// The month of day number <paramref name="dayNumber"/> (<see cref="DateOnly.DayNumber"/>, 0 = 0001-01-01) counted
    /// from January of year 0: <c>Year * 12 + Month - 1</c> of its date, for every day of <see cref="DateOnly"/>'s range.
    /// </summary>
    /// <remarks>
    /// Days are counted from 0000-03-01 (306 days before 0001-01-01) so that the leap day ends a year; the 400-year era,
    /// the year in the era and the month from March (0-11) follow by integer division (the civil-from-days algorithm
    /// of H. Hinnant). March of such a year Y is month Y * 12 + 2, January and February fall into the next calendar
    /// year: Y * 12 + 12 and + 13, i.e. still Y * 12 + monthFromMarch + 2.
    /// </remarks>
    internal static int OfDay(int dayNumber)
    {
        var z = (uint)dayNumber + 306;
        var era = z / 146097;
        var dayOfEra = z - (era * 146097);
        var yearOfEra = (dayOfEra - (dayOfEra / 1460) + (dayOfEra / 36524) - (dayOfEra / 146096)) / 365;
        var dayOfYear = dayOfEra - ((365 * yearOfEra) + (yearOfEra / 4) - (yearOfEra / 100));
        var monthFromMarch = ((5 * dayOfYear) + 2) / 153;
        return (int)((((era * 400) + yearOfEra) * 12) + monthFromMarch + 2);
    }
}
