using System.Reflection;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Handlers.Analysis;
using TradeAnalyzer.Ingestion;
using TradeAnalyzer.Reports;
using TradeAnalyzer.Storage;

namespace TradeAnalyzer.Handlers.Outputs;

/// <summary>
/// Writes what an analysis produced (report.xlsx, flags.csv, flags.json, exporters.csv, rejected.csv, summary.json)
/// to a folder (`analyze --out`) or to the store's `reports/uploads/{id}/` (the ingest handler).
/// </summary>
public static class UploadOutputs
{
    /// <summary>The product version written into every workbook's About sheet.</summary>
    public static string Version { get; } =
        typeof(UploadOutputs).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0.0.0";

    public static UploadReportModel Model(AnalysisRun run, string? uploadId = null, DateTimeOffset? generatedAt = null) => new()
    {
        Files = run.Files,
        Result = run.Result,
        Declarations = run.Declarations,
        Invoices = run.Invoices,
        Rejected = run.Rejected,
        Options = run.Context.Options,
        TimingsMs = run.TimingsMs,
        GeneratedAt = generatedAt ?? DateTimeOffset.UtcNow,
        UploadId = uploadId,
        Version = Version,
    };

    public static OutputFiles WriteToDirectory(AnalysisRun run, string directory)
    {
        Directory.CreateDirectory(directory);
        return AnalysisOutputs.Write(directory, Model(run));
    }

    /// <summary>
    /// Writes the upload's outputs under <paramref name="prefix"/> in the reports container. summary.json goes last:
    /// a report folder without it is incomplete (a crash mid-write), and readers wait for it. When
    /// <paramref name="beforeSummary"/> is given, summary.json also waits for it (and is not written if it fails), so
    /// work running beside the report (the upload's flags and exporters) is complete whenever the report is.
    /// </summary>
    public static async Task WriteToStoreAsync(IBlobStore blobs, string container, string prefix, UploadReportModel model, Task? beforeSummary, CancellationToken cancellationToken)
    {
        await PutAsync(blobs, container, prefix + "report.xlsx", s => UploadReport.Write(s, model), ContentTypes.Xlsx, cancellationToken).ConfigureAwait(false);
        await PutFlagsAsync(blobs, container, prefix, model.Result.Flags, cancellationToken).ConfigureAwait(false);
        await PutAsync(blobs, container, prefix + "exporters.csv", s => AnalysisOutputs.WriteExportersCsv(s, model.Result.Exporters), ContentTypes.Csv, cancellationToken).ConfigureAwait(false);
        await PutAsync(blobs, container, prefix + "rejected.csv", s => AnalysisOutputs.WriteRejectedCsv(s, model.Rejected), ContentTypes.Csv, cancellationToken).ConfigureAwait(false);
        if (beforeSummary is not null)
        {
            await beforeSummary.ConfigureAwait(false);
        }

        await PutAsync(blobs, container, prefix + "summary.json", s => AnalysisOutputs.WriteSummaryJson(s, model), ContentTypes.Json, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes flags.csv and flags.json in one pass over the flags (as the command does: each flag and its strings are
    /// reached once for both files; with 270,000 flags a second pass costs about 0.4 s of CPU), each to a temporary file,
    /// then uploads both.
    /// </summary>
    private static async Task PutFlagsAsync(IBlobStore blobs, string container, string prefix, IReadOnlyList<Flag> flags, CancellationToken cancellationToken)
    {
        var csvTemp = ScratchFiles.NewPath("flags", ".csv");
        var jsonTemp = ScratchFiles.NewPath("flags", ".json");
        try
        {
            await using var csv = new FileStream(csvTemp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
            await using var json = new FileStream(jsonTemp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
            AnalysisOutputs.WriteFlags(csv, json, flags);
            await csv.FlushAsync(cancellationToken).ConfigureAwait(false);
            await json.FlushAsync(cancellationToken).ConfigureAwait(false);
            csv.Position = 0;
            json.Position = 0;
            await blobs.PutAsync(container, prefix + "flags.csv", csv, new BlobPutOptions { ContentType = ContentTypes.Csv }, cancellationToken).ConfigureAwait(false);
            await blobs.PutAsync(container, prefix + "flags.json", json, new BlobPutOptions { ContentType = ContentTypes.Json }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(csvTemp);
            File.Delete(jsonTemp);
        }
    }

    /// <summary>Writes through a temporary file (bounded memory for big reports), then uploads it.</summary>
    public static async Task PutAsync(IBlobStore blobs, string container, string name, Action<Stream> write, string contentType, CancellationToken cancellationToken)
    {
        var temp = ScratchFiles.NewPath("output");
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                write(file);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Position = 0;
                await blobs.PutAsync(container, name, file, new BlobPutOptions { ContentType = contentType }, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }
}

/// <summary>Content types of the files TradeAnalyzer writes.</summary>
public static class ContentTypes
{
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string Csv = "text/csv; charset=utf-8";
    public const string Json = "application/json";
}
