using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TradeAnalyzer.Handlers.Digest;
using TradeAnalyzer.Handlers.Exporters;
using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.Handlers.Ingest;

namespace TradeAnalyzer.Cli.Hosting;

/// <summary>Settings of the local host (`tradeanalyzer serve`).</summary>
public sealed record LocalHostOptions
{
    /// <summary>HTTP port on 127.0.0.1; 0 picks a free one (see <see cref="LocalHost.Address"/>).</summary>
    public int Port { get; init; } = 7071;

    /// <summary>The key the review API requires in `x-api-key`; null or empty refuses every request.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Six-field CRON of the weekly digest, UTC.</summary>
    public string Schedule { get; init; } = "0 0 6 * * Mon";

    /// <summary>Language of workbooks and explanations: "en" or "es".</summary>
    public string Language { get; init; } = "en";

    /// <summary>Blob watcher settings.</summary>
    public WatcherOptions Watcher { get; init; } = new();

    /// <summary>How long an upload stays claimed by a host that may have died before another may take it over.</summary>
    public TimeSpan ClaimTimeout { get; init; } = new IngestOptions().ClaimTimeout;

    /// <summary>Run the blob watcher and the digest timer (false: only the HTTP API, for tests).</summary>
    public bool RunBackgroundServices { get; init; } = true;
}

/// <summary>
/// Builds the local host shared by `tradeanalyzer serve` and the tests: the blob watcher over `incoming/`, the weekly
/// digest timer and the exporter review API, with the same handlers as the Azure Functions app.
/// </summary>
public static class LocalHost
{
    /// <summary>Builds (does not start) the host over <paramref name="history"/>.</summary>
    /// <param name="history">The opened store.</param>
    /// <param name="options">Host settings.</param>
    /// <param name="logging">Replaces the default single-line console logging when given.</param>
    public static WebApplication Build(HistoryStore history, LocalHostOptions options, Action<ILoggingBuilder>? logging = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(options);
        WeeklyDigestHandler.ParseSchedule(options.Schedule); // fails early with a clear message
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logging is null)
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning); // no line per request
        }
        else
        {
            logging(builder.Logging);
        }

        // The posted disposition is read through the compile-time contracts too (no reflection-based serialisation).
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ReviewApiJson.Default));
        builder.WebHost.UseUrls(FormattableString.Invariant($"http://127.0.0.1:{options.Port}"));
        builder.Services.AddSingleton(history);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new IngestOptions { Analysis = new() { Language = options.Language }, ClaimTimeout = options.ClaimTimeout });
        builder.Services.AddSingleton(new DigestOptions { Schedule = options.Schedule, Language = options.Language });
        builder.Services.AddSingleton(options.Watcher);
        builder.Services.AddSingleton(sp => new IngestUploadHandler(sp.GetRequiredService<HistoryStore>(), sp.GetRequiredService<IngestOptions>(), sp.GetRequiredService<ILogger<IngestUploadHandler>>()));
        builder.Services.AddSingleton(sp => new WeeklyDigestHandler(sp.GetRequiredService<HistoryStore>(), sp.GetRequiredService<DigestOptions>(), sp.GetRequiredService<ILogger<WeeklyDigestHandler>>()));
        builder.Services.AddSingleton(sp => new ExporterReviewService(sp.GetRequiredService<HistoryStore>()));
        if (options.RunBackgroundServices)
        {
            builder.Services.AddHostedService<BlobWatcher>();
            builder.Services.AddHostedService<DigestTimer>();
        }

        var app = builder.Build();
        ReviewApi.Map(app, app.Services.GetRequiredService<ExporterReviewService>(), options.ApiKey);
        if (string.IsNullOrEmpty(options.ApiKey))
        {
            app.Logger.LogWarning("TRADEANALYZER_API_KEY is not set: the exporter review API refuses every request.");
        }

        return app;
    }

    /// <summary>The address the started host listens on (useful with port 0).</summary>
    public static Uri Address(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("The host is not listening (start it first).");
        return new Uri(first);
    }
}
