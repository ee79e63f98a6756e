namespace TradeAnalyzer.Core.Model;

/// <summary>Risk tier of an exporter or record score: critical >= 80, high >= 60, medium >= 40, else low.</summary>
public enum RiskTier
{
    Low,
    Medium,
    High,
    Critical,
}

/// <summary>One exporter's roll-up (a row of exporters.csv, a row of the Exporters table).</summary>
public sealed record ExporterProfile
{
    /// <summary>Tax/registry id when declared, else the normalised name.</summary>
    public required string Key { get; init; }

    public required string Name { get; init; }

    public string? ExporterId { get; init; }

    public string? Country { get; init; }

    public int Shipments { get; init; }

    public double ValueUsd { get; init; }

    public DateOnly FirstSeen { get; init; }

    public DateOnly LastSeen { get; init; }

    /// <summary>HS6 codes shipped, most valuable first.</summary>
    public IReadOnlyList<string> Commodities { get; init; } = [];

    /// <summary>Importers shipped to, most valuable first.</summary>
    public IReadOnlyList<string> Counterparties { get; init; } = [];

    /// <summary>
    /// Flags counted by code, enumerated in the codes' own order whatever order they were counted in (flags reach a
    /// profile in the order the parallel detectors finished), so that a profile's JSON (the review API, the stored
    /// history) is the same from one run to the next.
    /// </summary>
    public IReadOnlyDictionary<FlagCode, int> FlagsByCode { get => _flagsByCode; init => _flagsByCode = InCodeOrder(value); }

    private readonly IReadOnlyDictionary<FlagCode, int> _flagsByCode = new Dictionary<FlagCode, int>();

    // The counts as given when they already enumerate in code order (as a stored profile read back does), else a copy that does.
    private static IReadOnlyDictionary<FlagCode, int> InCodeOrder(IReadOnlyDictionary<FlagCode, int> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var previous = int.MinValue;
        foreach (var code in counts.Keys)
        {
            if ((int)code <= previous)
            {
                var sorted = new Dictionary<FlagCode, int>(counts.Count);
                foreach (var (c, n) in counts.OrderBy(kv => kv.Key))
                {
                    sorted.Add(c, n);
                }

                return sorted;
            }

            previous = (int)code;
        }

        return counts;
    }

    /// <summary>Records (declaration lines) with at least one flag.</summary>
    public int FlaggedShipments { get; init; }

    public double FlaggedShare => Shipments == 0 ? 0 : (double)FlaggedShipments / Shipments;

    public double ValueAtRiskUsd { get; init; }

    public int PrecursorShipments { get; init; }

    /// <summary>Mean absolute deviation of first-digit shares from Benford's law; null when fewer than 50 values.</summary>
    public double? BenfordMad { get; init; }

    /// <summary>Share of declared values that are round (multiples of 1,000, or of 100 under 1,000).</summary>
    public double RoundValueShare { get; init; }

    /// <summary>0-100 risk score that ranks exporters for outreach.</summary>
    public double Score { get; init; }

    public RiskTier Tier { get; init; }

    /// <summary>Plain-language reasons behind the score, most important first.</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];
}
