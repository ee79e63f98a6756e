using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using TradeAnalyzer.Handlers.Digest;
using TradeAnalyzer.Handlers.Exporters;
using TradeAnalyzer.Handlers.Ingest;

namespace TradeAnalyzer.FunctionApp;

/// <summary>
/// Mechanical trigger wrappers: every function forwards to a host-agnostic handler (the same ones the CLI's
/// `serve` host runs). No logic belongs here.
/// </summary>
public sealed class Functions(IngestUploadHandler ingest, WeeklyDigestHandler digest, ExporterReviewService reviews)
{
    /// <summary>A file landed in incoming/ (Event Grid BlobCreated, delivered by the blob extension's webhook).</summary>
    [Function("IngestUpload")]
    public async Task IngestUploadAsync(
        [BlobTrigger("incoming/{name}", Source = BlobTriggerSource.EventGrid, Connection = "Storage")] Stream content,
        string name,
        CancellationToken cancellationToken)
    {
        var result = await ingest.HandleAsync(name, content, cancellationToken).ConfigureAwait(false);
        if (result.Outcome == IngestOutcome.Failed)
        {
            // The handler recorded the attempt; failing the invocation makes the blob extension deliver it again
            // (the local host's watcher retries the same way). After IngestOptions.MaxAttempts it is poisoned.
            throw new InvalidOperationException($"Upload {name} failed and will be retried: {result.Message}");
        }
    }

    /// <summary>Writes every weekly digest that is due (catching up missed weeks).</summary>
    [Function("WeeklyDigest")]
    public async Task WeeklyDigestAsync([TimerTrigger("%DigestSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
        => await digest.RunDueAsync(DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);

    /// <summary>GET /api/exporters?top=N: exporter profiles by risk.</summary>
    [Function("ListExporters")]
    public async Task<IActionResult> ListExportersAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "exporters")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var top = int.TryParse(request.Query["top"], out var n) ? Math.Clamp(n, 1, 1000) : 100;
        return new OkObjectResult(await reviews.ListAsync(top, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>GET /api/exporters/{key}: one profile with its dispositions.</summary>
    [Function("GetExporter")]
    public async Task<IActionResult> GetExporterAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "exporters/{key}")] HttpRequest request,
        string key,
        CancellationToken cancellationToken)
        => await reviews.GetAsync(key, cancellationToken).ConfigureAwait(false) is { } detail ? new OkObjectResult(detail) : new NotFoundResult();

    /// <summary>GET /api/exporters/{key}/review.xlsx?lang=en|es: the exporter review workbook.</summary>
    [Function("GetExporterReview")]
    public async Task<IActionResult> GetExporterReviewAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "exporters/{key}/review.xlsx")] HttpRequest request,
        string key,
        CancellationToken cancellationToken)
    {
        var language = request.Query["lang"] == "es" ? "es" : "en";
        var buffer = new MemoryStream();
        if (!await reviews.WriteReviewAsync(key, buffer, language, cancellationToken).ConfigureAwait(false))
        {
            return new NotFoundResult();
        }

        buffer.Position = 0;
        return new FileStreamResult(buffer, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") { FileDownloadName = "review.xlsx" };
    }

    /// <summary>POST /api/exporters/{key}/dispositions with {"status","note","analyst"}.</summary>
    [Function("PostDisposition")]
    public async Task<IActionResult> PostDispositionAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "exporters/{key}/dispositions")] HttpRequest request,
        string key,
        CancellationToken cancellationToken)
    {
        DispositionRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<DispositionRequest>(cancellationToken).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException)
        {
            return new BadRequestObjectResult(new { error = "The body must be JSON: {\"status\", \"note\", \"analyst\"}." });
        }

        if (body is null)
        {
            return new BadRequestObjectResult(new { error = "The body must be JSON: {\"status\", \"note\", \"analyst\"}." });
        }

        try
        {
            var saved = await reviews.PostDispositionAsync(key, body, cancellationToken).ConfigureAwait(false);
            return saved is null ? new NotFoundResult() : new ObjectResult(saved) { StatusCode = StatusCodes.Status201Created };
        }
        catch (ArgumentException ex)
        {
            return new BadRequestObjectResult(new { error = ex.Message });
        }
    }
}
