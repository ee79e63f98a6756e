using System.Collections.Concurrent;
using System.Diagnostics;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Baselines;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Reference;
using TradeAnalyzer.Ingestion;

namespace TradeAnalyzer.Handlers.Analysis;

/// <summary>
/// The analysis every entry point shares (the `analyze` command, the blob-triggered ingest, benchmarks): load
/// reference data, read and validate the input files (in parallel), run the detectors, and return everything the
/// output writers need. Knows nothing about storage: history comes in as arguments.
/// </summary>
public sealed class AnalysisPipeline
{
    private readonly Analyzer _analyzer;

    public AnalysisPipeline(Analyzer? analyzer = null) => _analyzer = analyzer ?? Analyzer.CreateDefault();

    public AnalysisRun Run(
        AnalysisRequest request,
        BaselineSet? historyBaselines = null,
        IReadOnlyDictionary<string, DateOnly>? exporterFirstSeen = null,
        IProgress<PipelineProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        Analyze(Read(request, progress, cancellationToken), historyBaselines, exporterFirstSeen, null, progress, cancellationToken);

    /// <summary>Loads reference data and reads, validates and normalises every input file (files in parallel).</summary>
    public PipelineInputs Read(AnalysisRequest request, IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var timings = new Dictionary<string, double>(StringComparer.Ordinal);
        var rejected = new List<RejectedRow>();
        var summaries = new List<InputFileSummary>();

        var sw = Stopwatch.StartNew();
        var reference = ReferenceLoader.Load(request, summaries, rejected, cancellationToken);
        timings["reference"] = sw.Elapsed.TotalMilliseconds;

        sw.Restart();
        var read = ReadInputs(request, reference, progress, cancellationToken);
        timings["read"] = sw.Elapsed.TotalMilliseconds;

        var declarations = new List<DeclarationLine>(read.Sum(r => r.Declarations.Count));
        var invoices = new List<InvoiceLine>(read.Sum(r => r.Invoices.Count));
        var comtrade = new List<ComtradeRow>();
        var externalBaselines = new List<ExternalBaseline>(reference.ExternalBaselines);
        var fx = reference.Fx;
        foreach (var r in read)
        {
            summaries.Add(r.Summary);
            declarations.AddRange(r.Declarations);
            invoices.AddRange(r.Invoices);
            comtrade.AddRange(r.Comtrade);
            rejected.AddRange(r.Rejected);
            if (r.Baselines is not null)
            {
                externalBaselines.AddRange(r.Baselines);
            }
        }

        reference = new ReferenceData
        {
            Fx = fx,
            Watchlist = reference.Watchlist,
            Jurisdictions = reference.Jurisdictions,
            Sanctions = reference.Sanctions,
            ExternalBaselines = externalBaselines,
        };

        return new PipelineInputs(request, summaries, declarations, invoices, comtrade, rejected, reference, timings);
    }

    /// <summary>
    /// Runs the detectors over what was read. <paramref name="counterparts"/> are archived records of earlier uploads
    /// (the other side of a mirror, the invoices of a declaration) analysed with this upload; findings are kept only
    /// where they touch this upload's records.
    /// </summary>
    public AnalysisRun Analyze(
        PipelineInputs inputs,
        BaselineSet? historyBaselines = null,
        IReadOnlyDictionary<string, DateOnly>? exporterFirstSeen = null,
        CounterpartRecords? counterparts = null,
        IProgress<PipelineProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var timings = new Dictionary<string, double>(inputs.TimingsMs, StringComparer.Ordinal);
        var hasCounterparts = counterparts is not null && (counterparts.Declarations.Count > 0 || counterparts.Invoices.Count > 0);
        var context = new AnalysisContext
        {
            Declarations = hasCounterparts ? [.. inputs.Declarations, .. counterparts!.Declarations] : inputs.Declarations,
            Invoices = hasCounterparts ? [.. inputs.Invoices, .. counterparts!.Invoices] : inputs.Invoices,
            Comtrade = inputs.Comtrade,
            Reference = inputs.Reference,
            Options = inputs.Request.Options,
            HistoryBaselines = historyBaselines,
            ExporterFirstSeen = exporterFirstSeen ?? new Dictionary<string, DateOnly>(),
        };

        var sw = Stopwatch.StartNew();
        progress?.Report(new PipelineProgress("analyze", 0, 0, 0));
        var result = _analyzer.Run(context, new Progress<string>(m => progress?.Report(new PipelineProgress(m, 0, 0, 0))), cancellationToken);
        if (hasCounterparts)
        {
            result = OwnFindings.Keep(result, inputs.Declarations, inputs.Invoices);
        }

        timings["analyze"] = sw.Elapsed.TotalMilliseconds;
        foreach (var (stage, ms) in result.TimingsMs)
        {
            timings["detect." + stage] = ms;
        }

        timings["total"] = timings.Where(kv => !kv.Key.StartsWith("detect.", StringComparison.Ordinal)).Sum(kv => kv.Value);
        return new AnalysisRun
        {
            Files = inputs.Files,
            Declarations = inputs.Declarations,
            Invoices = inputs.Invoices,
            Comtrade = inputs.Comtrade,
            Rejected = inputs.Rejected,
            Reference = inputs.Reference,
            Result = result,
            Context = context,
            TimingsMs = timings,
        };
    }

    private static List<FileReadResult> ReadInputs(
        AnalysisRequest request,
        ReferenceData reference,
        IProgress<PipelineProgress>? progress,
        CancellationToken cancellationToken)
    {
        var results = new ConcurrentDictionary<int, FileReadResult>();
        var options = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) };
        Parallel.For(0, request.Files.Count, options, i =>
        {
            var file = request.Files[i];
            var ingestion = new IngestionOptions
            {
                Kind = file.Kind ?? request.Kind,
                Profile = request.Profile,
                Fx = reference.Fx,
                MaxFileBytes = request.MaxFileBytes,
                MaxRows = request.MaxRows,
            };
            var fileProgress = progress is null
                ? null
                : new Progress<IngestProgress>(p => progress.Report(new PipelineProgress(file.DisplayName, p.Rows, p.Bytes, p.TotalBytes)));
            using var stream = file.Open();
            results[i] = new FileIngestor().Read(stream, file.DisplayName, ingestion, fileProgress, cancellationToken);
        });
        return [.. Enumerable.Range(0, request.Files.Count).Select(i => results[i])];
    }
}

/// <summary>What <see cref="AnalysisPipeline.Read"/> produced: the request, per-file summaries, accepted records, rejected rows, reference data.</summary>
public sealed record PipelineInputs(
    AnalysisRequest Request,
    IReadOnlyList<InputFileSummary> Files,
    IReadOnlyList<DeclarationLine> Declarations,
    IReadOnlyList<InvoiceLine> Invoices,
    IReadOnlyList<ComtradeRow> Comtrade,
    IReadOnlyList<RejectedRow> Rejected,
    ReferenceData Reference,
    IReadOnlyDictionary<string, double> TimingsMs);

/// <summary>Archived records of earlier uploads that this upload is reconciled with.</summary>
public sealed record CounterpartRecords(IReadOnlyList<DeclarationLine> Declarations, IReadOnlyList<InvoiceLine> Invoices);

/// <summary>Progress of a pipeline stage: the stage or file, rows so far, bytes so far and in all (0 when unknown).</summary>
public readonly record struct PipelineProgress(string Stage, long Rows, long Bytes, long TotalBytes);
