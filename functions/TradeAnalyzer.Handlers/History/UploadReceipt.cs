using TradeAnalyzer.Storage;

namespace TradeAnalyzer.Handlers.History;

/// <summary>Where an upload stands: claimed by a worker, done, rejected whole, failed (to retry) or poisoned.</summary>
public enum UploadStatus
{
    Processing,
    Done,
    Rejected,
    Failed,
    Poisoned,
}

/// <summary>One row of the Uploads table: a file's content hash and what became of it (the idempotency record).</summary>
public sealed record UploadReceipt
{
    public const string Partition = "upload";

    public required string Sha256 { get; init; }

    public required string UploadId { get; init; }

    public required string BlobName { get; init; }

    public UploadStatus Status { get; init; }

    public int Attempts { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public long RowsRead { get; init; }

    public long RowsAccepted { get; init; }

    public long RowsRejected { get; init; }

    public int Flags { get; init; }

    public DateOnly? MinDate { get; init; }

    public DateOnly? MaxDate { get; init; }

    public string? Error { get; init; }

    public string? ETag { get; init; }

    public TableEntity ToEntity() => new(Partition, Sha256)
    {
        ["UploadId"] = UploadId,
        ["BlobName"] = BlobName,
        ["Status"] = Status.ToString(),
        ["Attempts"] = Attempts,
        ["StartedAt"] = StartedAt,
        ["FinishedAt"] = FinishedAt,
        ["RowsRead"] = RowsRead,
        ["RowsAccepted"] = RowsAccepted,
        ["RowsRejected"] = RowsRejected,
        ["Flags"] = Flags,
        ["MinDate"] = MinDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["MaxDate"] = MaxDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["Error"] = Error,
    };

    public static UploadReceipt FromEntity(TableEntity e) => new()
    {
        Sha256 = e.RowKey,
        UploadId = e.GetString("UploadId") ?? e.RowKey[..20],
        BlobName = e.GetString("BlobName") ?? string.Empty,
        Status = Enum.TryParse<UploadStatus>(e.GetString("Status"), out var s) ? s : UploadStatus.Failed,
        Attempts = (int)(e.GetInt64("Attempts") ?? 0),
        StartedAt = e.GetDateTimeOffset("StartedAt") ?? DateTimeOffset.MinValue,
        FinishedAt = e.GetDateTimeOffset("FinishedAt"),
        RowsRead = e.GetInt64("RowsRead") ?? 0,
        RowsAccepted = e.GetInt64("RowsAccepted") ?? 0,
        RowsRejected = e.GetInt64("RowsRejected") ?? 0,
        Flags = (int)(e.GetInt64("Flags") ?? 0),
        MinDate = DateOnly.TryParseExact(e.GetString("MinDate"), "yyyy-MM-dd", out var a) ? a : null,
        MaxDate = DateOnly.TryParseExact(e.GetString("MaxDate"), "yyyy-MM-dd", out var b) ? b : null,
        Error = e.GetString("Error"),
        ETag = e.ETag,
    };
}
