namespace TradeAnalyzer.Reports.Excel;

/// <summary>Document properties of a workbook (docProps/core.xml and app.xml).</summary>
internal sealed record WorkbookInfo(string Title, string Subject, string Description, string Keywords, string Language, DateTimeOffset Created, string Version);
