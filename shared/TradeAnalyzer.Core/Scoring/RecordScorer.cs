using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Scoring;

/// <summary>
/// Combines the flags of one record into one 0-100 score: 100 x (1 - product of (1 - s/100)), so independent
/// findings reinforce each other but never pass 100, and one flag alone keeps its own score.
/// </summary>
public static class RecordScorer
{
    public static RiskTier TierOf(double score) => score switch
    {
        >= 80 => RiskTier.Critical,
        >= 60 => RiskTier.High,
        >= 40 => RiskTier.Medium,
        _ => RiskTier.Low,
    };

    public static double Combine(IEnumerable<double> scores)
    {
        var keep = 1.0;
        foreach (var s in scores)
        {
            keep *= 1 - (Math.Clamp(s, 0, 100) / 100);
        }

        return Math.Round(100 * (1 - keep), 1);
    }

    /// <summary>The record a flag belongs to, or null for exporter- and corridor-level flags.</summary>
    public static (RecordType Type, string Key)? RecordOf(Flag f) => f.RecordType switch
    {
        RecordType.Declaration when f.DeclarationId is not null => (RecordType.Declaration, $"{f.DeclarationId}#{f.LineNo ?? 1}"),
        RecordType.Invoice when f.InvoiceNumber is not null => (RecordType.Invoice, f.InvoiceNumber),
        RecordType.Shipment when f.ShipmentId is not null => (RecordType.Shipment, f.ShipmentId),
        RecordType.Shipment when f.DeclarationId is not null => (RecordType.Shipment, $"{f.DeclarationId}#{f.LineNo ?? 1}"),
        _ => null,
    };

    public static IReadOnlyList<RecordScore> Score(IReadOnlyList<Flag> flags) =>
        flags.Select(f => (Flag: f, Record: RecordOf(f)))
            .Where(x => x.Record is not null)
            .GroupBy(x => x.Record!.Value)
            .Select(g =>
            {
                var score = Combine(g.Select(x => x.Flag.Score));
                return new RecordScore(
                    g.Key.Type,
                    g.Key.Key,
                    g.Select(x => x.Flag.ExporterKey).FirstOrDefault(k => k is not null),
                    score,
                    TierOf(score),
                    g.Select(x => x.Flag.Code).Distinct().Order().ToList());
            })
            .OrderByDescending(r => r.Score)
            .ThenBy(r => r.RecordKey, StringComparer.Ordinal)
            .ToList();

    /// <summary>Value at risk over record-level flags: each record counted once, at its largest figure.</summary>
    public static double ValueAtRisk(IEnumerable<Flag> flags) =>
        flags.Where(f => f.ValueAtRiskUsd is > 0 && RecordOf(f) is not null)
            .GroupBy(f => RecordOf(f)!.Value)
            .Sum(g => g.Max(f => f.ValueAtRiskUsd!.Value));
}
