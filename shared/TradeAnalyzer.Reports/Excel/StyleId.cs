namespace TradeAnalyzer.Reports.Excel;

/// <summary>Indexes of the shared cell formats every workbook carries (see <see cref="Styles"/>).</summary>
internal enum StyleId : uint
{
    Default = 0,
    Header,
    Integer,
    Money,
    Decimal,
    Percent,
    Date,
    DateTime,
    Wrap,
    Link,
    Title,
    Bold,
    Score,
    SeverityLow,
    SeverityMedium,
    SeverityHigh,
    SeverityCritical,
    Note,
}
