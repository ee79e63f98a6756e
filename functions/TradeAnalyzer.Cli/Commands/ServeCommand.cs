using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TradeAnalyzer.Cli.Hosting;
using TradeAnalyzer.Handlers.Digest;
using TradeAnalyzer.Handlers.Exporters;
using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.Handlers.Ingest;

namespace TradeAnalyzer.Cli.Commands;

/// <summary>
/// `tradeanalyzer serve`: the local host. The .NET Generic Host runs the blob watcher over `incoming/`, the weekly
/// digest timer and the exporter review HTTP API, with the same handlers as the Azure Functions app. Ctrl-C stops it
/// cleanly.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var store = CommonOptions.Store();
        var connection = CommonOptions.Connection();
        var port = new Option<int>("--port") { Description = "HTTP port of the exporter review API (127.0.0.1).", DefaultValueFactory = _ => 7071 };
        var schedule = new Option<string>("--schedule") { Description = "Six-field CRON of the weekly digest, UTC.", DefaultValueFactory = _ => "0 0 6 * * Mon" };
        var parallel = new Option<int>("--parallel") { Description = "Uploads processed at the same time.", DefaultValueFactory = _ => 2 };
        var poll = new Option<double>("--poll-seconds") { Description = "How often incoming/ is checked.", DefaultValueFactory = _ => 2 };
        var lang = CommonOptions.Language();
        var command = new Command("serve", "Run the local host: blob-triggered ingest over incoming/, the weekly digest timer and the exporter review API. The API key comes from TRADEANALYZER_API_KEY.")
        {
            store, connection, port, schedule, parallel, poll, lang,
        };
        command.SetAction(async (parse, ct) =>
        {
            var language = CommonOptions.ParseLanguage(parse.GetValue(lang));
            var history = await CliStore.OpenAsync(parse.GetValue(store), CommonOptions.ResolveConnection(parse.GetValue(connection)), ct).ConfigureAwait(false);
            WeeklyDigestHandler.ParseSchedule(parse.GetValue(schedule)!); // fails early with a clear message
            var apiKey = Environment.GetEnvironmentVariable("TRADEANALYZER_API_KEY");
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
            builder.WebHost.UseUrls($"http://127.0.0.1:{parse.GetValue(port)}");
            builder.Services.AddSingleton(history);
            builder.Services.AddSingleton(TimeProvider.System);
            builder.Services.AddSingleton(new IngestOptions { Analysis = new() { Language = language } });
            builder.Services.AddSingleton(new DigestOptions { Schedule = parse.GetValue(schedule)!, Language = language });
            builder.Services.AddSingleton(new WatcherOptions { MaxParallel = Math.Max(1, parse.GetValue(parallel)), PollInterval = TimeSpan.FromSeconds(Math.Max(0.1, parse.GetValue(poll))) });
            builder.Services.AddSingleton(sp => new IngestUploadHandler(sp.GetRequiredService<HistoryStore>(), sp.GetRequiredService<IngestOptions>(), sp.GetRequiredService<ILogger<IngestUploadHandler>>()));
            builder.Services.AddSingleton(sp => new WeeklyDigestHandler(sp.GetRequiredService<HistoryStore>(), sp.GetRequiredService<DigestOptions>(), sp.GetRequiredService<ILogger<WeeklyDigestHandler>>()));
            builder.Services.AddSingleton(sp => new ExporterReviewService(sp.GetRequiredService<HistoryStore>()));
            builder.Services.AddHostedService<BlobWatcher>();
            builder.Services.AddHostedService<DigestTimer>();
            await using var app = builder.Build();
            ReviewApi.Map(app, app.Services.GetRequiredService<ExporterReviewService>(), apiKey);
            if (string.IsNullOrEmpty(apiKey))
            {
                app.Logger.LogWarning("TRADEANALYZER_API_KEY is not set: the exporter review API refuses every request.");
            }

            await stdout.WriteLineAsync($"Serving on http://127.0.0.1:{parse.GetValue(port)}; drop files into incoming/ of the store. Ctrl-C stops.").ConfigureAwait(false);
            await app.StartAsync(ct).ConfigureAwait(false);
            await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
            return Program.Ok;
        });
        return command;
    }
}
