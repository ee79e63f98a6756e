using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Analysis;

/// <summary>What one analysis found: flags (highest score first), exporter profiles, record scores, baselines used, timings.</summary>
public sealed class AnalysisResult
{
    public required IReadOnlyList<Flag> Flags { get; init; }

    public IReadOnlyList<ExporterProfile> Exporters { get; init; } = [];

    public IReadOnlyList<RecordScore> RecordScores { get; init; } = [];

    public IReadOnlyList<BaselineSummary> BaselinesUsed { get; init; } = [];

    /// <summary>Milliseconds per stage (detector names, "profile", "score").</summary>
    public IReadOnlyDictionary<string, double> TimingsMs { get; init; } = new Dictionary<string, double>();

    public IReadOnlyDictionary<string, long> Counters { get; init; } = new Dictionary<string, long>();

    /// <summary>Value at risk of the record-level flags, each record at its largest figure and each shipment once (<see cref="Scoring.ShipmentRisk"/>).</summary>
    public double ValueAtRiskUsd { get; init; }

    /// <summary>
    /// The value at risk of each code's flags, counted as <see cref="ValueAtRiskUsd"/> is (within a code, each shipment
    /// once); a shipment flagged under two codes counts in both. Null when not worked out (the report then works it out
    /// from <see cref="Flags"/>: <see cref="Scoring.RiskBreakdown.ValueAtRiskBy"/>).
    /// </summary>
    public IReadOnlyDictionary<FlagCode, double>? ValueAtRiskByCode { get; init; }

    public IReadOnlyDictionary<FlagCode, int> FlagsByCode =>
        Flags.GroupBy(f => f.Code).ToDictionary(g => g.Key, g => g.Count());
}
