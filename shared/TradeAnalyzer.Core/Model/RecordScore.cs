namespace TradeAnalyzer.Core.Model;

/// <summary>The combined 0-100 score of one flagged record, from all its flags.</summary>
public sealed record RecordScore(
    RecordType RecordType,
    string RecordKey,
    string? ExporterKey,
    double Score,
    RiskTier Tier,
    IReadOnlyList<FlagCode> Codes);
