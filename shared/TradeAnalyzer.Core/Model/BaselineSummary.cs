namespace TradeAnalyzer.Core.Model;

/// <summary>A baseline as a report shows it: the group, its size, its centre and fences, where it came from.</summary>
public sealed record BaselineSummary
{
    /// <summary>Human-readable group, e.g. "HS 2933.39 kg, CN to MX" or "HS 2933 kg (HS4 fallback)".</summary>
    public required string Group { get; init; }

    public required string HsPrefix { get; init; }

    public required BaseUnit Unit { get; init; }

    public string? Origin { get; init; }

    public string? Destination { get; init; }

    public required long Count { get; init; }

    /// <summary>Median USD FOB per unit.</summary>
    public required double Median { get; init; }

    public double Q1 { get; init; }

    public double Q3 { get; init; }

    public required double LowerFence { get; init; }

    public required double UpperFence { get; init; }

    /// <summary>"data" (this upload and history), an external source name, or both.</summary>
    public required string Source { get; init; }

    /// <summary>How many records were compared with this baseline.</summary>
    public int UsedBy { get; init; }
}
