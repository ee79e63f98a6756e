namespace TradeAnalyzer.SampleData;

/// <summary>What <see cref="SampleGenerator"/> generates: how many shipments, from which seed, over which period.</summary>
public sealed record SampleOptions
{
    /// <summary>Number of shipments (each gives one or two declarations and one invoice). At least 100.</summary>
    public int Shipments { get; init; } = 2000;

    /// <summary>Seed of the generator's own PRNG: the same seed and options always give byte-identical files.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>First declaration date of the period.</summary>
    public DateOnly Start { get; init; } = new(2026, 6, 1);

    /// <summary>Length of the period in days (US export dates fall inside it; Mexican imports may follow up to 30 days later).</summary>
    public int Days { get; init; } = 150;
}
