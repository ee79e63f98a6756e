namespace TradeAnalyzer.Ingestion;

/// <summary>How slashed dates (03/04/2025) are read.</summary>
public enum DateOrder
{
    /// <summary>ISO dates; slashed dates only when unambiguous (one part above 12).</summary>
    Auto,

    /// <summary>dd/mm/yyyy.</summary>
    DayFirst,

    /// <summary>mm/dd/yyyy.</summary>
    MonthFirst,
}

/// <summary>Which character is the decimal separator in numbers written as text.</summary>
public enum DecimalStyle
{
    /// <summary>Decided per value: the last of '.' and ',' when both appear; a lone ',' before exactly three digits is a thousands separator.</summary>
    Auto,

    /// <summary>'.' is decimal, ',' groups thousands.</summary>
    Point,

    /// <summary>',' is decimal, '.' groups thousands (e.g. "1.234,56").</summary>
    Comma,
}
