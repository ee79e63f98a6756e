using System.Collections.Concurrent;
using TradeAnalyzer.Core.Baselines;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Reference;

namespace TradeAnalyzer.Core.Analysis;

/// <summary>Everything one analysis reads: the accepted records, reference data, options and the stored history.</summary>
public sealed class AnalysisContext
{
    public required IReadOnlyList<DeclarationLine> Declarations { get; init; }

    public IReadOnlyList<InvoiceLine> Invoices { get; init; } = [];

    public IReadOnlyList<ComtradeRow> Comtrade { get; init; } = [];

    public ReferenceData Reference { get; init; } = new();

    public AnalysisOptions Options { get; init; } = new();

    /// <summary>Mergeable baselines from earlier uploads (the store's history); null when there is none.</summary>
    public BaselineSet? HistoryBaselines { get; init; }

    /// <summary>First-seen date of exporters known from earlier uploads, by exporter key.</summary>
    public IReadOnlyDictionary<string, DateOnly> ExporterFirstSeen { get; init; } = new Dictionary<string, DateOnly>();

    /// <summary>What detectors publish besides flags (baselines used, updated statistics, counters).</summary>
    public AnalysisArtifacts Artifacts { get; } = new();

    /// <summary>The analysis date: <see cref="AnalysisOptions.AsOf"/>, else the latest record date, else today (UTC).</summary>
    public DateOnly AsOf => Options.AsOf
        ?? (Declarations.Count > 0 ? Declarations.Max(d => d.Date) : DateOnly.FromDateTime(DateTime.UtcNow));
}

/// <summary>Side results of detectors, collected thread-safely while detectors run in parallel.</summary>
public sealed class AnalysisArtifacts
{
    /// <summary>Each baseline a price comparison used, for the report's Baselines sheet.</summary>
    public ConcurrentBag<BaselineSummary> BaselinesUsed { get; } = [];

    /// <summary>The statistics of this upload's records, to merge into the stored history.</summary>
    public BaselineSet? UploadBaselines { get; set; }

    /// <summary>Named counters for the summary (e.g. "mirror.pairs").</summary>
    public ConcurrentDictionary<string, long> Counters { get; } = new(StringComparer.Ordinal);

    /// <summary>The export and import declarations the mirror detector paired; null unless <see cref="AnalysisOptions.KeepMirrorPairs"/>.</summary>
    public IReadOnlyList<MirrorPair>? MirrorPairs { get; set; }

    /// <summary>The exporter profiler's roll-up of the lines, made beside the detectors (see <see cref="IExporterProfiler.Prepare"/>).</summary>
    internal object? ExporterRollUp { get; set; }

    /// <summary>The record flags' grouping by record (<see cref="Scoring.FlagGroups"/>), made for the score when the detectors
    /// end and read by the exporter profile too; null when the analyzer made none.</summary>
    internal Task<Scoring.FlagGroups>? RecordFlagGroups { get; set; }
}

/// <summary>
/// One export declaration paired with one import declaration by the mirror detector: each side's declaration id, shipment
/// id (as its flags carry them) and exporter key. The pair is the detector's verdict on both declarations' mirror status.
/// </summary>
public readonly record struct MirrorPair(
    string ExportDeclarationId, string? ExportShipmentId, string ExportExporterKey,
    string ImportDeclarationId, string? ImportShipmentId, string ImportExporterKey);
