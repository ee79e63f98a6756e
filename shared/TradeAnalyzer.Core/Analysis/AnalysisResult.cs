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

    /// <summary>Value at risk summed over record-level flags, counting each record once at its largest figure.</summary>
    public double ValueAtRiskUsd { get; init; }

    public IReadOnlyDictionary<FlagCode, int> FlagsByCode =>
        Flags.GroupBy(f => f.Code).ToDictionary(g => g.Key, g => g.Count());
}
