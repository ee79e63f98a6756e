using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace TradeAnalyzer.Storage.AzureRest;

/// <summary>
/// Logs each attempt as "verb path?query-names -> status (ms)". Query values and headers are never logged,
/// so keys, signatures, SAS tokens and bearer tokens cannot leak into logs.
/// </summary>
internal sealed partial class RequestLoggingPolicy : HttpPipelinePolicy
{
    private readonly ILogger logger;

    public RequestLoggingPolicy(ILogger logger) => this.logger = logger;

    /// <inheritdoc />
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            ProcessNext(message, pipeline);
        }
        catch (Exception ex) when (Log(message, start, ex))
        {
            throw;
        }

        Log(message, start, null);
    }

    /// <inheritdoc />
    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        catch (Exception ex) when (Log(message, start, ex))
        {
            throw;
        }

        Log(message, start, null);
    }

    /// <summary>The request line with query values removed.</summary>
    internal static string Describe(Request request)
    {
        var uri = request.Uri.ToUri();
        var query = uri.Query;
        var names = new List<string>();
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? pair : pair[..eq];
            names.Add(name is "comp" or "restype" ? pair : name);
        }

        return request.Method.Method + " " + uri.Host + ":" + uri.Port + uri.AbsolutePath + (names.Count > 0 ? "?" + string.Join('&', names) : string.Empty);
    }

    private bool Log(HttpMessage message, long start, Exception? exception)
    {
        if (!logger.IsEnabled(LogLevel.Debug) && exception is null)
        {
            return false;
        }

        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (exception is not null)
        {
            LogFailed(logger, Describe(message.Request), exception.GetType().Name, elapsed);
        }
        else
        {
            LogCompleted(logger, Describe(message.Request), message.HasResponse ? message.Response.Status : 0, elapsed);
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Storage {Request} -> {Status} in {ElapsedMs:F0} ms")]
    private static partial void LogCompleted(ILogger logger, string request, int status, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage {Request} failed with {ExceptionType} after {ElapsedMs:F0} ms")]
    private static partial void LogFailed(ILogger logger, string request, string exceptionType, double elapsedMs);
}
