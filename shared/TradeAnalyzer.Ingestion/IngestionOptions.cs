using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Reference;

namespace TradeAnalyzer.Ingestion;

/// <summary>How <see cref="FileIngestor"/> reads one file.</summary>
public sealed record IngestionOptions
{
    /// <summary>Forces the kind (--kind); else it is recognised from the header row.</summary>
    public FileKind? Kind { get; init; }

    /// <summary>Mapping profile name (canonical, mx-pedimento, us-ace, comtrade) or the path of a JSON profile file; else the best-fitting built-in one.</summary>
    public string? Profile { get; init; }

    /// <summary>Rates that convert declared currencies to USD.</summary>
    public FxTable Fx { get; init; } = ReferenceDefaults.Fx;

    /// <summary>Largest file accepted, in bytes.</summary>
    public long MaxFileBytes { get; init; } = 2L << 30;

    /// <summary>Most data rows read from one file.</summary>
    public long MaxRows { get; init; } = 50_000_000;

    /// <summary>CSV files of at least this many bytes are split into rows on a second thread (tests set 0 to cover it).</summary>
    internal long PipelineMinBytes { get; init; } = 8L << 20;
}

/// <summary>Progress of a file being read: data rows so far, bytes read and the file's size (0 when unknown).</summary>
public readonly record struct IngestProgress(long Rows, long Bytes, long TotalBytes);

/// <summary>What reading one file produced: its summary, the accepted records of its kind, and every rejected row.</summary>
public sealed class FileReadResult
{
    /// <summary>The file's summary; RowsRead = RowsAccepted + RowsRejected always.</summary>
    public required InputFileSummary Summary { get; init; }

    /// <summary>Accepted declaration lines (kind declarations).</summary>
    public IReadOnlyList<DeclarationLine> Declarations { get; init; } = [];

    /// <summary>Accepted invoice lines (kind invoices).</summary>
    public IReadOnlyList<InvoiceLine> Invoices { get; init; } = [];

    /// <summary>Accepted aggregate rows (kind comtrade).</summary>
    public IReadOnlyList<ComtradeRow> Comtrade { get; init; } = [];

    /// <summary>Every row not used, with the reason.</summary>
    public IReadOnlyList<RejectedRow> Rejected { get; init; } = [];

    /// <summary>The rates read (kind fx).</summary>
    public FxTable? Fx { get; init; }

    /// <summary>The reference unit values read (kind baselines).</summary>
    public IReadOnlyList<ExternalBaseline>? Baselines { get; init; }

    /// <summary>Kinds sanctions, watchlist and jurisdictions: the raw rows, header first when the file has one.</summary>
    public IReadOnlyList<IReadOnlyList<string>>? Table { get; init; }
}
