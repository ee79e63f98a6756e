namespace TradeAnalyzer.Reports.Excel;

/// <summary>How a column's cells are written and formatted.</summary>
internal enum ColumnKind
{
    Text,
    Wrap,
    Integer,
    Decimal,
    Money,
    Percent,
    Score,
    Date,
    Severity,
    Link,
}

/// <summary>One column of a data sheet: its header, its kind, and the widest it may grow (characters).</summary>
internal sealed record ColumnSpec(string Header, ColumnKind Kind, double MaxWidth = 50)
{
    /// <summary>The number style of a numeric column.</summary>
    public StyleId NumberStyle => Kind switch
    {
        ColumnKind.Integer => StyleId.Integer,
        ColumnKind.Money => StyleId.Money,
        ColumnKind.Decimal => StyleId.Decimal,
        ColumnKind.Percent => StyleId.Percent,
        ColumnKind.Score => StyleId.Score,
        ColumnKind.Date => StyleId.Date,
        _ => StyleId.Decimal,
    };
}
