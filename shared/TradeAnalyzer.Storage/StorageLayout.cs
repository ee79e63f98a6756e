namespace TradeAnalyzer.Storage;

/// <summary>The containers and tables of the storage layout (spec section 4).</summary>
public static class StorageLayout
{
    /// <summary>Uploaded files under declarations/, invoices/ and reference/.</summary>
    public const string IncomingContainer = "incoming";

    /// <summary>Per-upload reports, weekly digests and exporter workbooks.</summary>
    public const string ReportsContainer = "reports";

    /// <summary>Files that failed repeatedly, with the error beside them.</summary>
    public const string PoisonContainer = "poison";

    /// <summary>Normalised records of every accepted upload.</summary>
    public const string ArchiveContainer = "archive";

    /// <summary>Mergeable baseline statistics per HS code and unit (and corridor).</summary>
    public const string BaselinesTable = "Baselines";

    /// <summary>Every flag, partitioned by ISO week.</summary>
    public const string FlagsTable = "Flags";

    /// <summary>Exporter profiles and analyst dispositions.</summary>
    public const string ExportersTable = "Exporters";

    /// <summary>One row per processed file (idempotency).</summary>
    public const string UploadsTable = "Uploads";

    /// <summary>Every container of the layout.</summary>
    public static IReadOnlyList<string> Containers { get; } = [IncomingContainer, ReportsContainer, PoisonContainer, ArchiveContainer];

    /// <summary>Every table of the layout.</summary>
    public static IReadOnlyList<string> Tables { get; } = [BaselinesTable, FlagsTable, ExportersTable, UploadsTable];

    /// <summary>Creates every container and table of the layout when missing (idempotent).</summary>
    public static async Task EnsureCreatedAsync(IBlobStore blobs, ITableStore tables, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(tables);
        foreach (var container in Containers)
        {
            await blobs.CreateContainerIfNotExistsAsync(container, ct).ConfigureAwait(false);
        }

        foreach (var table in Tables)
        {
            await tables.CreateTableIfNotExistsAsync(table, ct).ConfigureAwait(false);
        }
    }
}
