using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Scoring;

namespace TradeAnalyzer.Handlers.History;

/// <summary>
/// Combines one exporter's per-upload profiles into its standing profile: counts, values and flags add up, first and
/// last seen widen, commodities and counterparties keep their value order, and the risk score is the highest any
/// upload gave (with that upload's reasons), so a risky month is not diluted by quiet ones.
/// </summary>
public static class ExporterRollup
{
    public static ExporterProfile Combine(IReadOnlyList<ExporterProfile> parts)
    {
        if (parts.Count == 0)
        {
            throw new ArgumentException("At least one profile is needed.", nameof(parts));
        }

        if (parts.Count == 1)
        {
            return parts[0];
        }

        var top = parts.MaxBy(p => p.Score)!;
        var flags = new Dictionary<FlagCode, int>();
        foreach (var (code, n) in parts.SelectMany(p => p.FlagsByCode))
        {
            flags[code] = flags.GetValueOrDefault(code) + n;
        }

        var shipments = parts.Sum(p => p.Shipments);
        return top with
        {
            Name = parts.MaxBy(p => p.LastSeen)!.Name,
            Shipments = shipments,
            ValueUsd = parts.Sum(p => p.ValueUsd),
            FirstSeen = parts.Min(p => p.FirstSeen),
            LastSeen = parts.Max(p => p.LastSeen),
            Commodities = [.. parts.SelectMany(p => p.Commodities).Distinct(StringComparer.Ordinal).Take(20)],
            Counterparties = [.. parts.SelectMany(p => p.Counterparties).Distinct(StringComparer.Ordinal).Take(20)],
            FlagsByCode = flags,
            FlaggedShipments = parts.Sum(p => p.FlaggedShipments),
            ValueAtRiskUsd = parts.Sum(p => p.ValueAtRiskUsd),
            PrecursorShipments = parts.Sum(p => p.PrecursorShipments),
            RoundValueShare = shipments == 0 ? 0 : parts.Sum(p => p.RoundValueShare * p.Shipments) / shipments,
            BenfordMad = parts.MaxBy(p => p.Shipments)!.BenfordMad,
            Tier = RecordScorer.TierOf(top.Score),
        };
    }
}
