using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Reference;

namespace TradeAnalyzer.Handlers.Analysis;

/// <summary>Everything one analysis read and found: what the report and output writers take.</summary>
public sealed class AnalysisRun
{
    public required IReadOnlyList<InputFileSummary> Files { get; init; }

    public required IReadOnlyList<DeclarationLine> Declarations { get; init; }

    public required IReadOnlyList<InvoiceLine> Invoices { get; init; }

    public required IReadOnlyList<ComtradeRow> Comtrade { get; init; }

    public required IReadOnlyList<RejectedRow> Rejected { get; init; }

    public required ReferenceData Reference { get; init; }

    public required AnalysisResult Result { get; init; }

    public required AnalysisContext Context { get; init; }

    /// <summary>Milliseconds per stage: "read", "analyze" and each detector.</summary>
    public required IReadOnlyDictionary<string, double> TimingsMs { get; init; }

    public long RowsRead => Files.Sum(f => f.RowsRead);

    public long RowsAccepted => Files.Sum(f => f.RowsAccepted);

    public long RowsRejected => Files.Sum(f => f.RowsRejected);

    /// <summary>
    /// True when there were data files and every one of their rows was rejected, or every file was refused without a row
    /// used (exit code 3). A file read in part (a row limit, a sheet that breaks off) has its rows used: not rejected.
    /// </summary>
    public bool AllRejected => RowsRead > 0 && RowsAccepted == 0 || Files.Count > 0 && Files.All(f => f.Error is not null && f.RowsAccepted == 0);
}
