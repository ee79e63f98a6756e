using Microsoft.AspNetCore.Builder;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Handlers.Exporters;

namespace TradeAnalyzer.Cli.Hosting;

/// <summary>
/// The exporter review HTTP API (the same routes the Functions app exposes): every route needs the key in the
/// `x-api-key` header (or `x-functions-key`); errors are fixed JSON messages that never echo the request. Bodies are
/// written and read through <see cref="ReviewApiJson"/>'s compile-time contracts (ASP.NET Core's web defaults, as
/// before). The handlers are bound at compile time by ASP.NET Core's request delegate generator (switched on for every
/// build of the command line, not only for Native AOT), so the JIT build and the AOT executable run the same code.
/// </summary>
public static class ReviewApi
{
    public static void Map(WebApplication app, ExporterReviewService service, string? apiKey)
    {
        var api = app.MapGroup("/api").AddEndpointFilter(async (ctx, next) =>
        {
            var headers = ctx.HttpContext.Request.Headers;
            var presented = headers.TryGetValue("x-api-key", out var k) ? k.ToString()
                : headers.TryGetValue("x-functions-key", out var f) ? f.ToString() : null;
            return ApiKeys.IsValid(presented, apiKey)
                ? await next(ctx).ConfigureAwait(false)
                : Error("missing or wrong API key", StatusCodes.Status401Unauthorized);
        });

        api.MapGet("/exporters", async (int? top, CancellationToken ct) =>
            Results.Json(await service.ListAsync(top ?? 100, ct).ConfigureAwait(false), ReviewApiJson.Default.IReadOnlyListExporterProfile));

        api.MapGet("/exporters/{key}", async (string key, CancellationToken ct) =>
            await service.GetAsync(key, ct).ConfigureAwait(false) is { } detail
                ? Results.Json(detail, ReviewApiJson.Default.ExporterDetail)
                : Error("exporter not found", StatusCodes.Status404NotFound));

        api.MapGet("/exporters/{key}/review.xlsx", async (string key, string? lang, CancellationToken ct) =>
        {
            var buffer = new MemoryStream();
            var language = string.Equals(lang, "es", StringComparison.OrdinalIgnoreCase) ? "es" : "en";
            return await service.WriteReviewAsync(key, buffer, language, ct).ConfigureAwait(false)
                ? Results.File(buffer.ToArray(), Handlers.Outputs.ContentTypes.Xlsx, "review.xlsx")
                : Error("exporter not found", StatusCodes.Status404NotFound);
        });

        api.MapPost("/exporters/{key}/dispositions", async (string key, DispositionRequest body, CancellationToken ct) =>
        {
            try
            {
                return await service.PostDispositionAsync(key, body, ct).ConfigureAwait(false) is { } d
                    ? Results.Json(d, ReviewApiJson.Default.Disposition, statusCode: StatusCodes.Status201Created)
                    : Error("exporter not found", StatusCodes.Status404NotFound);
            }
            catch (ArgumentException ex)
            {
                // Our own validation messages only; they never contain the posted values.
                return Error(ex.Message, StatusCodes.Status400BadRequest);
            }
        });
    }

    // An error body with its status: a fixed message of ours, never the request's values.
    private static IResult Error(string message, int status) =>
        Results.Json(new ApiError(message), ReviewApiJson.Default.ApiError, statusCode: status);
}

/// <summary>An error body: <c>{"error": "..."}</c>.</summary>
/// <param name="Error">A fixed message of ours; never the request's values.</param>
public sealed record ApiError(string Error);

/// <summary>The review API's bodies, with ASP.NET Core's web defaults (camel case, numbers as numbers).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(IReadOnlyList<ExporterProfile>))]
[JsonSerializable(typeof(Handlers.Exporters.ExporterDetail))]
[JsonSerializable(typeof(Disposition))]
[JsonSerializable(typeof(Handlers.Exporters.DispositionRequest))]
public sealed partial class ReviewApiJson : JsonSerializerContext;
