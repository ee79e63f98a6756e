using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Reports;

/// <summary>Everything the upload report and the analysis output files show.</summary>
public sealed record UploadReportModel
{
    /// <summary>The input files with their counts and SHA-256.</summary>
    public required IReadOnlyList<InputFileSummary> Files { get; init; }

    /// <summary>The analysis result (flags sorted by score, exporters, baselines used, value at risk).</summary>
    public required AnalysisResult Result { get; init; }

    /// <summary>Declaration lines; only the flagged ones are written (Shipments sheet, price distributions).</summary>
    public IReadOnlyList<DeclarationLine> Declarations { get; init; } = [];

    /// <summary>Invoice lines; only the flagged ones are written (Invoices sheet).</summary>
    public IReadOnlyList<InvoiceLine> Invoices { get; init; } = [];

    /// <summary>Rows that were not used, with why.</summary>
    public IReadOnlyList<RejectedRow> Rejected { get; init; } = [];

    /// <summary>The analysis parameters; <see cref="AnalysisOptions.Language"/> picks the workbook language.</summary>
    public AnalysisOptions Options { get; init; } = new();

    /// <summary>Milliseconds per pipeline stage (ingest, analyze, ...); merged with the result's detector timings in summary.json.</summary>
    public IReadOnlyDictionary<string, double> TimingsMs { get; init; } = new Dictionary<string, double>();

    /// <summary>When the report was made.</summary>
    public DateTimeOffset GeneratedAt { get; init; }

    /// <summary>The upload's id when it came through storage.</summary>
    public string? UploadId { get; init; }

    /// <summary>The analyzer's version.</summary>
    public string Version { get; init; } = "";
}

/// <summary>Everything the exporter review workbook shows.</summary>
public sealed record ExporterReviewModel
{
    /// <summary>The exporter's profile.</summary>
    public required ExporterProfile Profile { get; init; }

    /// <summary>The exporter's declaration lines (history).</summary>
    public IReadOnlyList<DeclarationLine> Shipments { get; init; } = [];

    /// <summary>The exporter's flags.</summary>
    public IReadOnlyList<Flag> Flags { get; init; } = [];

    /// <summary>Analyst decisions on the exporter, any order.</summary>
    public IReadOnlyList<Disposition> Dispositions { get; init; } = [];

    /// <summary>When the workbook was made.</summary>
    public DateTimeOffset GeneratedAt { get; init; }

    /// <summary>"en" (default) or "es".</summary>
    public string Language { get; init; } = "en";
}

/// <summary>Everything the weekly digest shows: the ISO week's flags and the 12 weeks before it.</summary>
public sealed record WeeklyDigestModel
{
    /// <summary>ISO year of the week.</summary>
    public required int Year { get; init; }

    /// <summary>ISO week number (1-53).</summary>
    public required int Week { get; init; }

    /// <summary>Flags of the week and of the 12 weeks before it (others are ignored); weeks come from <see cref="Flag.Date"/>.</summary>
    public IReadOnlyList<Flag> Flags { get; init; } = [];

    /// <summary>Exporter profiles (for first-seen dates, precursor shipments and risk ranking).</summary>
    public IReadOnlyList<ExporterProfile> Exporters { get; init; } = [];

    /// <summary>The latest disposition per exporter; Pending ones are listed.</summary>
    public IReadOnlyList<Disposition> Dispositions { get; init; } = [];

    /// <summary>When the digest was made.</summary>
    public DateTimeOffset GeneratedAt { get; init; }

    /// <summary>"en" (default) or "es".</summary>
    public string Language { get; init; } = "en";
}
