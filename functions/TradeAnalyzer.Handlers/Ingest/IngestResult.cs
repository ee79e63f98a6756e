namespace TradeAnalyzer.Handlers.Ingest;

/// <summary>What the ingest handler did with one blob.</summary>
public enum IngestOutcome
{
    /// <summary>Analysed; report written under reports/uploads/{id}/.</summary>
    Processed,

    /// <summary>The same content was processed before: nothing changed.</summary>
    Duplicate,

    /// <summary>Another worker is processing the same content right now.</summary>
    InProgress,

    /// <summary>A reference file (fx, sanctions, watchlist, jurisdictions, baselines) was stored.</summary>
    ReferenceUpdated,

    /// <summary>The file could not be used at all (rejected whole); moved to poison/ with the reason.</summary>
    Rejected,

    /// <summary>Failed this time; will be retried.</summary>
    Failed,

    /// <summary>Failed too often; moved to poison/ with the error.</summary>
    Poisoned,

    /// <summary>The blob was gone when the handler looked.</summary>
    Missing,
}

public sealed record IngestResult(IngestOutcome Outcome, string BlobName, string? UploadId = null, string? Message = null)
{
    /// <summary>Milliseconds per step of a processed upload (reference, read, history, analyze, archive, baselines, flags, exporters, report).</summary>
    public IReadOnlyDictionary<string, double>? TimingsMs { get; init; }

    public override string ToString() => $"{BlobName}: {Outcome}{(UploadId is null ? string.Empty : $" (upload {UploadId})")}{(Message is null ? string.Empty : $": {Message}")}";
}
