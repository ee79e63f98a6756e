using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Reference;

/// <summary>An external reference unit value (spec 1.3 `baselines`), e.g. a UN Comtrade unit value, in USD per normalised unit.</summary>
public sealed record ExternalBaseline(
    string HsPrefix,
    BaseUnit Unit,
    double MedianUsd,
    double? Q1Usd,
    double? Q3Usd,
    long Count,
    string Source,
    string? Period);
