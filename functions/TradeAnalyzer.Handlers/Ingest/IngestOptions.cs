using TradeAnalyzer.Core.Analysis;

namespace TradeAnalyzer.Handlers.Ingest;

/// <summary>Settings of the blob-triggered ingest (bound from configuration section "Ingest").</summary>
public sealed record IngestOptions
{
    /// <summary>Failed attempts after which a blob goes to `poison/` with its error beside it.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>A claim older than this is taken to be from a worker that died, and the upload is taken over.</summary>
    public TimeSpan ClaimTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Days around an upload's dates within which archived records are reconciled with it (mirror, invoices).</summary>
    public int CounterpartWindowDays { get; init; } = 60;

    public long MaxFileBytes { get; init; } = 2L << 30;

    public long MaxRows { get; init; } = 50_000_000;

    public AnalysisOptions Analysis { get; init; } = new();
}
