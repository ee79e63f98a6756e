namespace TradeAnalyzer.Core.Model;

/// <summary>
/// An input row that was not used, with where and why (a row of rejected.csv). A whole file that could not be read
/// is one entry with <see cref="Row"/> 0. <see cref="Column"/> is the canonical column name when one is to blame.
/// </summary>
public sealed record RejectedRow(string File, long Row, string? Column, string Reason, string? Value = null);
