namespace TradeAnalyzer.Core.Model;

/// <summary>One aggregate mirror-statistics row, UN Comtrade style (spec 1.4).</summary>
public sealed class ComtradeRow
{
    public required SourceRef Source { get; init; }

    /// <summary>Year (e.g. "2025") or year and month ("202503").</summary>
    public required string Period { get; init; }

    public required string Reporter { get; init; }

    public required string Partner { get; init; }

    public required TradeFlow Flow { get; init; }

    /// <summary>Commodity code digits (HS2 to HS6 in Comtrade).</summary>
    public required string CommodityCode { get; init; }

    public required double TradeValueUsd { get; init; }

    public double? NetWeightKg { get; init; }

    public double? Quantity { get; init; }

    public string? QuantityUnit { get; init; }
}
