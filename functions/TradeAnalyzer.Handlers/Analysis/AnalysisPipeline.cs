using System.Collections.Concurrent;
using System.Diagnostics;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Baselines;
using TradeAnalyzer.Core.Detection.Invoices;
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
        var (read, aheadFile, ahead) = ReadInputs(request, reference, progress, cancellationToken);
        timings["read"] = sw.Elapsed.TotalMilliseconds;

        // One file of invoices (the usual case): its own list is the analysis's, and its index, built while the other
        // files were still being read, is the one the invoice detectors use.
        var invoiceFiles = Enumerable.Range(0, read.Count).Where(i => read[i].Invoices.Count > 0).ToList();
        var single = invoiceFiles.Count == 1 ? invoiceFiles[0] : -1;

        // Likewise one file of declarations: its own list, not a copy. The copy was 9 MiB more to allocate, and the file's
        // list, garbage but a large object that young collections do not condemn, had its 1.16M references to the new
        // records scanned as roots by the collections after the read, beside the copy's.
        var declarationFiles = Enumerable.Range(0, read.Count).Where(i => read[i].Declarations.Count > 0).ToList();
        var singleDeclarations = declarationFiles.Count == 1 ? read[declarationFiles[0]].Declarations : null;
        var declarations = new List<DeclarationLine>(singleDeclarations is null ? read.Sum(r => r.Declarations.Count) : 0);
        var invoices = new List<InvoiceLine>(single < 0 ? read.Sum(r => r.Invoices.Count) : 0);
        var comtrade = new List<ComtradeRow>();
        var externalBaselines = new List<ExternalBaseline>(reference.ExternalBaselines);
        var fx = reference.Fx;
        foreach (var r in read)
        {
            summaries.Add(r.Summary);
            if (singleDeclarations is null)
            {
                declarations.AddRange(r.Declarations);
            }

            if (single < 0)
            {
                invoices.AddRange(r.Invoices);
            }
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

        IReadOnlyList<DeclarationLine> allDeclarations = singleDeclarations ?? declarations;
        return single < 0
            ? new PipelineInputs(request, summaries, allDeclarations, invoices, comtrade, rejected, reference, timings)
            : new PipelineInputs(request, summaries, allDeclarations, read[single].Invoices, comtrade, rejected, reference, timings)
            {
                InvoiceIndexAhead = aheadFile == single ? ahead : null,
            };
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

        if (!hasCounterparts && inputs.InvoiceIndexAhead is { } ahead)
        {
            InvoiceIndex.UseAhead(context, inputs.Invoices, ahead);
        }

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

    /// <summary>
    /// Reads every file (two at a time on two cores). The first file read that brought invoices gets its
    /// <see cref="InvoiceIndex"/> built at once, in the background (<c>AheadFile</c>, <c>Ahead</c>): the invoices file is
    /// usually read well before the larger declarations file, and the index (about half a second of CPU for 760,000
    /// lines) then costs the analysis nothing. When several files bring invoices the analysis builds its own index over
    /// all of them and this one goes unused.
    /// </summary>
    private static (List<FileReadResult> Results, int AheadFile, Task<InvoiceIndex>? Ahead) ReadInputs(
        AnalysisRequest request,
        ReferenceData reference,
        IProgress<PipelineProgress>? progress,
        CancellationToken cancellationToken)
    {
        var results = new ConcurrentDictionary<int, FileReadResult>();
        var aheadFile = -1;
        Task<InvoiceIndex>? ahead = null;
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
            var result = Accountable(ReadSafely(stream, file, ingestion, fileProgress, cancellationToken));
            if (result.Invoices.Count > 0 && Interlocked.CompareExchange(ref aheadFile, i, -1) == -1)
            {
                var invoices = result.Invoices;
                ahead = Task.Run(() => new InvoiceIndex(invoices), CancellationToken.None);
            }

            results[i] = result;
        });
        return ([.. Enumerable.Range(0, request.Files.Count).Select(i => results[i])], aheadFile, ahead);
    }

    /// <summary>
    /// The last line of defence against hostile input: whatever a reader throws (other than cancellation) rejects the
    /// file whole with the reason, instead of failing the whole analysis.
    /// </summary>
    private static FileReadResult ReadSafely(Stream stream, InputFile file, IngestionOptions options, IProgress<IngestProgress>? progress, CancellationToken cancellationToken)
    {
        try
        {
            return new FileIngestor().Read(stream, file.DisplayName, options, progress, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            var reason = $"the file could not be read: {ex.Message}";
            return new FileReadResult
            {
                Summary = new InputFileSummary { Path = file.DisplayName, Kind = options.Kind ?? FileKind.Unknown, Error = reason },
                Rejected = [new RejectedRow(file.DisplayName, 0, null, reason)],
            };
        }
    }

    /// <summary>
    /// Every file is accounted for in rejected.csv: a file rejected whole has a row-0 entry with the reason, and a data
    /// file with no data rows at all (empty, or a header only) is rejected whole, since nothing in it could be analysed.
    /// </summary>
    private static FileReadResult Accountable(FileReadResult r)
    {
        var summary = r.Summary;
        var dataKind = summary.Kind is FileKind.Declarations or FileKind.Invoices or FileKind.Comtrade or FileKind.Unknown;
        if (summary.Error is null && summary.RowsRead == 0 && dataKind)
        {
            summary = summary with { Error = summary.Bytes == 0 ? "the file is empty" : "the file has no data rows" };
        }

        if (summary.Error is null || r.Rejected.Any(x => x.Row == 0))
        {
            return ReferenceEquals(summary, r.Summary) ? r : With(r, summary, r.Rejected);
        }

        return With(r, summary, [.. r.Rejected, new RejectedRow(summary.Path, 0, null, summary.Error)]);
    }

    private static FileReadResult With(FileReadResult r, InputFileSummary summary, IReadOnlyList<RejectedRow> rejected) => new()
    {
        Summary = summary,
        Declarations = r.Declarations,
        Invoices = r.Invoices,
        Comtrade = r.Comtrade,
        Rejected = rejected,
        Fx = r.Fx,
        Baselines = r.Baselines,
        Table = r.Table,
    };
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
    IReadOnlyDictionary<string, double> TimingsMs)
{
    /// <summary>The index of <see cref="Invoices"/>, being built since its file was read; null when the analysis builds its own.</summary>
    public Task<InvoiceIndex>? InvoiceIndexAhead { get; init; }
}

/// <summary>Archived records of earlier uploads that this upload is reconciled with.</summary>
public sealed record CounterpartRecords(IReadOnlyList<DeclarationLine> Declarations, IReadOnlyList<InvoiceLine> Invoices);

/// <summary>Progress of a pipeline stage: the stage or file, rows so far, bytes so far and in all (0 when unknown).</summary>
public readonly record struct PipelineProgress(string Stage, long Rows, long Bytes, long TotalBytes);
