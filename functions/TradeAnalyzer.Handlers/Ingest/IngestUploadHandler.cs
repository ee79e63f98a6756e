using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TradeAnalyzer.Core.Baselines;
using TradeAnalyzer.Core.Profiles;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Handlers.Analysis;
using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.Handlers.Outputs;
using TradeAnalyzer.Ingestion;
using TradeAnalyzer.Storage;

namespace TradeAnalyzer.Handlers.Ingest;

/// <summary>
/// The blob-triggered ingest (spec section 4): one new blob in `incoming/` becomes an analysed upload. Idempotent by
/// content hash: the Uploads table holds one receipt per content, so a second copy of a file (or a retried trigger)
/// changes nothing. Steps: claim the receipt, read and validate, reconcile with archived counterparts, detect, archive
/// the normalised records, record flags and exporter profiles while the report is written beside them (its summary.json
/// last, once flags and profiles are in), merge baselines
/// (ETag-conditioned batches), mark done. An attempt that stopped after the report only finishes the baseline merge. A failure is retried; after <see cref="IngestOptions.MaxAttempts"/> the blob goes
/// to `poison/` with an error file beside it. A file that cannot be used at all goes there at once.
/// </summary>
public sealed class IngestUploadHandler
{
    private readonly HistoryStore _store;
    private readonly IngestOptions _options;
    private readonly AnalysisPipeline _pipeline;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    public IngestUploadHandler(HistoryStore store, IngestOptions? options = null, ILogger<IngestUploadHandler>? logger = null, TimeProvider? time = null, AnalysisPipeline? pipeline = null)
    {
        _store = store;
        _options = options ?? new IngestOptions();
        _pipeline = pipeline ?? new AnalysisPipeline();
        _time = time ?? TimeProvider.System;
        _log = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Handles the blob `incoming/{name}` (reads it from the store).</summary>
    public async Task<IngestResult> HandleAsync(string name, CancellationToken cancellationToken = default)
    {
        BlobNames.Validate(name);
        await using var download = await _store.Blobs.GetAsync(StoreLayout.Incoming, name, cancellationToken).ConfigureAwait(false);
        if (download is null)
        {
            return new IngestResult(IngestOutcome.Missing, name);
        }

        return await HandleAsync(name, download.Content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Handles a blob whose content the host already opened (the Functions blob trigger).</summary>
    public async Task<IngestResult> HandleAsync(string name, Stream content, CancellationToken cancellationToken = default)
    {
        BlobNames.Validate(name);
        var temp = ScratchFiles.NewPath("upload");
        try
        {
            string sha;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[1 << 16];
                long total = 0;
                int n;
                while ((n = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += n;
                    if (total > _options.MaxFileBytes)
                    {
                        throw new InvalidDataException($"The file is larger than the limit of {_options.MaxFileBytes:N0} bytes.");
                    }

                    hash.AppendData(buffer, 0, n);
                    await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                }

                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            return await ProcessAsync(name, temp, sha, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private async Task<IngestResult> ProcessAsync(string name, string path, string sha, CancellationToken cancellationToken)
    {
        var uploadId = sha[..20];
        var now = _time.GetUtcNow();
        var receipt = await _store.GetReceiptAsync(sha, cancellationToken).ConfigureAwait(false);
        if (receipt is { Status: UploadStatus.Done or UploadStatus.Rejected or UploadStatus.Poisoned })
        {
            _log.LogInformation("Upload {Blob} has the content of upload {UploadId}, already {Status}: nothing to do.", name, receipt.UploadId, receipt.Status);
            return new IngestResult(IngestOutcome.Duplicate, name, receipt.UploadId, $"same content as {receipt.BlobName}");
        }

        if (receipt is { Status: UploadStatus.Processing } && now - receipt.StartedAt < _options.ClaimTimeout)
        {
            return new IngestResult(IngestOutcome.InProgress, name, receipt.UploadId);
        }

        var attempts = (receipt?.Attempts ?? 0) + 1;
        var claim = new UploadReceipt
        {
            Sha256 = sha,
            UploadId = uploadId,
            BlobName = name,
            Status = UploadStatus.Processing,
            Attempts = attempts,
            StartedAt = now,
        };
        if (!await _store.TryWriteReceiptAsync(claim, receipt?.ETag, cancellationToken).ConfigureAwait(false))
        {
            return new IngestResult(IngestOutcome.InProgress, name, uploadId);
        }

        try
        {
            return await AnalyseAsync(name, path, sha, uploadId, claim, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host is stopping: give the claim back (not counted as an attempt) so a restarted host takes the upload
            // at once instead of waiting for the claim timeout. Best effort: storage may be what is going away.
            await ReleaseClaimAsync(claim with { Status = UploadStatus.Failed, Attempts = attempts - 1, Error = "Interrupted: the host stopped." }).ConfigureAwait(false);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _log.LogWarning(ex, "Upload {Blob} failed on attempt {Attempt} of {Max}.", name, attempts, _options.MaxAttempts);
            var current = await _store.GetReceiptAsync(sha, cancellationToken).ConfigureAwait(false);
            if (attempts >= _options.MaxAttempts)
            {
                await PoisonAsync(name, path, $"Failed {attempts} times. Last error: {ex.GetType().Name}: {ex.Message}", cancellationToken).ConfigureAwait(false);
                await _store.TryWriteReceiptAsync(claim with { Status = UploadStatus.Poisoned, Error = ex.Message, FinishedAt = _time.GetUtcNow() }, current?.ETag, cancellationToken).ConfigureAwait(false);
                return new IngestResult(IngestOutcome.Poisoned, name, uploadId, ex.Message);
            }

            await _store.TryWriteReceiptAsync(claim with { Status = UploadStatus.Failed, Error = ex.Message }, current?.ETag, cancellationToken).ConfigureAwait(false);
            return new IngestResult(IngestOutcome.Failed, name, uploadId, ex.Message);
        }
    }

    private async Task<IngestResult> AnalyseAsync(string name, string path, string sha, string uploadId, UploadReceipt claim, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var displayName = StoreLayout.Incoming + "/" + name;
        var request = new AnalysisRequest
        {
            Files = [InputFile.FromPath(path) with { DisplayName = displayName }],

            // The mirror pairs tell the standing view which archived declarations this upload judged (StandingScope).
            Options = _options.Analysis with { KeepMirrorPairs = true },
            MaxFileBytes = _options.MaxFileBytes,
            MaxRows = _options.MaxRows,
        };

        // Reference files: recognised by their headers, wherever they were dropped (incoming/reference/ by convention).
        var kind = Sniff(path, displayName);
        if (StoreReference.IsReference(kind))
        {
            await using (var stream = File.OpenRead(path))
            {
                await StoreReference.SaveAsync(_store, kind, sha, name, stream, cancellationToken).ConfigureAwait(false);
            }

            await FinishAsync(claim with { Status = UploadStatus.Done, FinishedAt = _time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
            _log.LogInformation("Reference file {Blob} stored as {Kind}.", name, kind.ToText());
            return new IngestResult(IngestOutcome.ReferenceUpdated, name, uploadId, kind.ToText());
        }

        var stages = new Dictionary<string, double>(StringComparer.Ordinal);
        var lap = Stopwatch.StartNew();
        void Lap(string stage)
        {
            stages[stage] = lap.Elapsed.TotalMilliseconds;
            lap.Restart();
        }

        request = await StoreReference.ApplyAsync(_store, request, cancellationToken).ConfigureAwait(false);
        Lap("reference");
        var inputs = _pipeline.Read(request, null, cancellationToken);
        Lap("read");
        var file = inputs.Files[^1];
        if (file.Error is not null || (file.RowsRead > 0 && file.RowsAccepted == 0) || file.RowsRead == 0)
        {
            var reason = file.Error ?? (file.RowsRead == 0 ? "The file has no data rows." : "Every row of the file was rejected.");
            var model = UploadOutputs.Model(_pipeline.Analyze(inputs, cancellationToken: cancellationToken), uploadId, _time.GetUtcNow());
            await UploadOutputs.WriteToStoreAsync(_store.Blobs, StoreLayout.Reports, StoreLayout.UploadReportPrefix(uploadId), model, null, cancellationToken).ConfigureAwait(false);
            await PoisonAsync(name, path, reason, cancellationToken).ConfigureAwait(false);
            await FinishAsync(claim with { Status = UploadStatus.Rejected, Error = reason, RowsRead = file.RowsRead, RowsRejected = file.RowsRejected, FinishedAt = _time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
            return new IngestResult(IngestOutcome.Rejected, name, uploadId, reason);
        }

        var reportPrefix = StoreLayout.UploadReportPrefix(uploadId);
        if (await _store.Blobs.GetPropertiesAsync(StoreLayout.Reports, reportPrefix + "summary.json", cancellationToken).ConfigureAwait(false) is not null)
        {
            // An earlier attempt got as far as the complete report (flags and exporters recorded before it), then stopped
            // while merging baselines. Analysing again would compare against a history that already holds part of this
            // upload; finish the idempotent merge instead, so the upload counts exactly once.
            return await ResumeAsync(name, uploadId, claim, inputs, stages, cancellationToken).ConfigureAwait(false);
        }

        var history = await _store.LoadBaselinesAsync(cancellationToken).ConfigureAwait(false);
        Lap("history");
        var counterparts = await LoadCounterpartsAsync(inputs, uploadId, cancellationToken).ConfigureAwait(false);
        Lap("counterparts");

        // First-seen dates of this upload's exporters (and its counterparts'), not of the whole history.
        var exporterKeys = inputs.Declarations.Select(ExporterProfiler.ExporterKeyOf);
        if (counterparts is not null)
        {
            exporterKeys = exporterKeys.Concat(counterparts.Declarations.Select(ExporterProfiler.ExporterKeyOf));
        }

        var firstSeen = await _store.LoadExporterFirstSeenAsync(exporterKeys, cancellationToken).ConfigureAwait(false);
        Lap("first-seen");
        var run = _pipeline.Analyze(inputs, history, firstSeen, counterparts, null, cancellationToken);
        Lap("analyze");

        var dates = DatesOf(run.Declarations, run.Invoices);
        var fallbackDate = dates.Count > 0 ? dates.Max() : DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        await _store.ArchiveAsync(uploadId, run.Declarations, run.Invoices, run.Result.Flags, cancellationToken).ConfigureAwait(false);
        Lap("archive");

        // Flags, exporter profiles and the report's files are independent: written side by side. summary.json, which
        // marks the report complete (and lets a later attempt skip to the merge), waits for the flags and exporters.
        async Task<double> Timed(Func<Task> step)
        {
            var watch = Stopwatch.StartNew();
            await step().ConfigureAwait(false);
            return watch.Elapsed.TotalMilliseconds;
        }

        var flagsTask = Task.Run(() => Timed(() => _store.RecordFlagsAsync(uploadId, run.Result.Flags, fallbackDate, cancellationToken)), cancellationToken);
        // Each exporter's digest holds this upload's own lines (not the archived counterparts analysed with them),
        // findings and the subjects it judged, so the standing profile counts every line and shipment once across uploads
        // and drops what a later verdict replaced; the claim's start time orders the uploads (a re-sent line's latest
        // version wins).
        var exportersTask = Task.Run(
            () => Timed(() => _store.RecordExportersAsync(
                uploadId,
                run.Result.Exporters,
                ExporterDigest.Build(run.Declarations, run.Result.Flags, StandingScope.Of(run.Context.Artifacts.MirrorPairs, run.Declarations, run.Invoices)),
                claim.StartedAt.UtcTicks,
                cancellationToken)),
            cancellationToken);
        var recorded = Task.WhenAll(flagsTask, exportersTask);

        // The workbook is seconds of synchronous CPU: on a thread of its own, not one of the pool's few (on 2 cores) that
        // the flag and exporter writes continue on, which would otherwise wait for the pool to grow.
        var reportTask = Task.Factory.StartNew(
            () => Timed(() => UploadOutputs.WriteToStoreAsync(
                _store.Blobs,
                StoreLayout.Reports,
                reportPrefix,
                UploadOutputs.Model(run, uploadId, _time.GetUtcNow()),
                recorded,
                cancellationToken)).GetAwaiter().GetResult(),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        // WhenAll returns once every step has stopped, and rethrows the first failure itself.
        await Task.WhenAll(recorded, reportTask).ConfigureAwait(false);

        stages["flags"] = flagsTask.Result;
        stages["exporters"] = exportersTask.Result;
        stages["report"] = reportTask.Result;
        Lap("records+report");

        // Baselines last: everything before is idempotent and was computed against the history without this upload.
        // The price detector already summarised this upload's prices, unless archived counterparts were analysed with it.
        var uploadStats = counterparts is null || counterparts.Declarations.Count == 0
            ? run.Context.Artifacts.UploadBaselines ?? BaselineSet.Build(run.Declarations)
            : BaselineSet.Build(run.Declarations);
        await _store.MergeBaselinesAsync(uploadId, uploadStats, cancellationToken).ConfigureAwait(false);
        Lap("baselines");
        await FinishAsync(Done(claim, file, run.Result.Flags.Count, dates), cancellationToken).ConfigureAwait(false);
        Lap("receipt");
        _log.LogInformation(
            "Upload {Blob} ({UploadId}): {Rows} rows, {Accepted} accepted, {Rejected} rejected, {Flags} flags in {Ms} ms ({Stages}).",
            name, uploadId, run.RowsRead, run.RowsAccepted, run.RowsRejected, run.Result.Flags.Count, clock.ElapsedMilliseconds,
            string.Join(", ", stages.Select(kv => $"{kv.Key} {kv.Value:F0} ms")));
        return new IngestResult(IngestOutcome.Processed, name, uploadId, $"{run.RowsAccepted:N0} rows accepted, {run.RowsRejected:N0} rejected, {run.Result.Flags.Count:N0} flags") { TimingsMs = stages };
    }

    /// <summary>The receipt of a finished upload: the uploaded file's own counts (not the stored reference files').</summary>
    private UploadReceipt Done(UploadReceipt claim, InputFileSummary file, int flags, List<DateOnly> dates) => claim with
    {
        Status = UploadStatus.Done,
        FinishedAt = _time.GetUtcNow(),
        RowsRead = file.RowsRead,
        RowsAccepted = file.RowsAccepted,
        RowsRejected = file.RowsRejected,
        Flags = flags,
        MinDate = dates.Count > 0 ? dates.Min() : null,
        MaxDate = dates.Count > 0 ? dates.Max() : null,
    };

    private static List<DateOnly> DatesOf(IReadOnlyList<DeclarationLine> declarations, IReadOnlyList<InvoiceLine> invoices) =>
        [.. declarations.Select(d => d.Date).Concat(invoices.Select(i => i.InvoiceDate))];

    /// <summary>Completes an upload whose report is already written: merges its baselines (skipping groups that have it) and marks it done.</summary>
    private async Task<IngestResult> ResumeAsync(string name, string uploadId, UploadReceipt claim, PipelineInputs inputs, Dictionary<string, double> stages, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await _store.MergeBaselinesAsync(uploadId, BaselineSet.Build(inputs.Declarations), cancellationToken).ConfigureAwait(false);
        stages["baselines"] = clock.Elapsed.TotalMilliseconds;
        var flags = await _store.LoadArchivedFlagsAsync(uploadId, cancellationToken).ConfigureAwait(false);
        var dates = DatesOf(inputs.Declarations, inputs.Invoices);
        var file = inputs.Files[^1];
        await FinishAsync(Done(claim, file, flags.Count, dates), cancellationToken).ConfigureAwait(false);
        _log.LogInformation("Upload {Blob} ({UploadId}) resumed after an interrupted attempt: baselines merged, report kept.", name, uploadId);
        return new IngestResult(IngestOutcome.Processed, name, uploadId, $"{file.RowsAccepted:N0} rows accepted, {file.RowsRejected:N0} rejected, {flags.Count:N0} flags (resumed)") { TimingsMs = stages };
    }

    /// <summary>
    /// Archived records of other uploads whose dates overlap this one's (widened by the counterpart window), less the
    /// archived versions of lines this upload sends again (same declaration id and line number, declared to the same
    /// customs in the same direction: two customs' numbers that happen to coincide are two declarations).
    /// </summary>
    private async Task<CounterpartRecords?> LoadCounterpartsAsync(PipelineInputs inputs, string uploadId, CancellationToken cancellationToken)
    {
        var dates = DatesOf(inputs.Declarations, inputs.Invoices);
        if (dates.Count == 0)
        {
            return null;
        }

        var from = dates.Min().AddDays(-_options.CounterpartWindowDays);
        var to = dates.Max().AddDays(_options.CounterpartWindowDays);
        var declarations = new List<DeclarationLine>();
        var invoices = new List<InvoiceLine>();
        var resent = inputs.Declarations.Select(ResentKey).ToHashSet(StringComparer.Ordinal);
        var ingestor = new FileIngestor();
        var options = new IngestionOptions { Kind = null, Fx = inputs.Reference.Fx };
        await foreach (var r in _store.ListReceiptsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (r.Status != UploadStatus.Done || r.UploadId == uploadId || r.MinDate is null || r.MaxDate is null || r.MaxDate < from || r.MinDate > to)
            {
                continue;
            }

            foreach (var (file, kind) in new[] { ("declarations.csv", FileKind.Declarations), ("invoices.csv", FileKind.Invoices) })
            {
                await using var download = await _store.Blobs.GetAsync(StoreLayout.Archive, StoreLayout.ArchivePrefix(r.UploadId) + file, cancellationToken).ConfigureAwait(false);
                if (download is null)
                {
                    continue;
                }

                var read = ingestor.Read(download.Content, $"archive/{r.UploadId}/{file}", options with { Kind = kind }, null, cancellationToken);
                foreach (var d in read.Declarations)
                {
                    // A line this upload sends again is analysed in its new version only: the archived one no longer stands,
                    // and its findings would otherwise be recorded again as this upload's.
                    if (!resent.Contains(ResentKey(d)))
                    {
                        declarations.Add(d);
                    }
                }

                invoices.AddRange(read.Invoices);
            }
        }

        return new CounterpartRecords(declarations, invoices);
    }

    private static string ResentKey(DeclarationLine d) => $"{d.RecordKey}|{d.ReporterCountry}|{(int)d.Flow}";

    private static FileKind Sniff(string path, string displayName)
    {
        // Reading one data row is enough to recognise the kind from the header.
        using var stream = File.OpenRead(path);
        return new FileIngestor().Read(stream, displayName, new IngestionOptions { MaxRows = 1 }).Summary.Kind;
    }

    private async Task ReleaseClaimAsync(UploadReceipt receipt)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var current = await _store.GetReceiptAsync(receipt.Sha256, timeout.Token).ConfigureAwait(false);
            if (current is { Status: UploadStatus.Processing } && current.Attempts == receipt.Attempts + 1 && current.UploadId == receipt.UploadId)
            {
                await _store.TryWriteReceiptAsync(receipt, current.ETag, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is StorageException or OperationCanceledException or IOException)
        {
            _log.LogWarning("Could not release the claim on upload {UploadId}; it is taken over after the claim timeout.", receipt.UploadId);
        }
    }

    private async Task FinishAsync(UploadReceipt receipt, CancellationToken cancellationToken)
    {
        var current = await _store.GetReceiptAsync(receipt.Sha256, cancellationToken).ConfigureAwait(false);
        await _store.TryWriteReceiptAsync(receipt, current?.ETag, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Copies the blob to `poison/` with `{name}.error.txt` beside it, then removes it from `incoming/`.</summary>
    private async Task PoisonAsync(string name, string path, string reason, CancellationToken cancellationToken)
    {
        await using (var stream = File.OpenRead(path))
        {
            await _store.Blobs.PutAsync(StoreLayout.Poison, name, stream, null, cancellationToken).ConfigureAwait(false);
        }

        var error = $"{_time.GetUtcNow():O} {name}: {reason}\n";
        using (var errorStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(error)))
        {
            await _store.Blobs.PutAsync(StoreLayout.Poison, name + ".error.txt", errorStream, new BlobPutOptions { ContentType = "text/plain; charset=utf-8" }, cancellationToken).ConfigureAwait(false);
        }

        await _store.Blobs.DeleteAsync(StoreLayout.Incoming, name, null, cancellationToken).ConfigureAwait(false);
        _log.LogWarning("Upload {Blob} moved to poison: {Reason}", name, reason);
    }
}
