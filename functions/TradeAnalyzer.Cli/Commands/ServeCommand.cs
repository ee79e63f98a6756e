using System.CommandLine;
using Microsoft.Extensions.Hosting;
using TradeAnalyzer.Cli.Hosting;
using TradeAnalyzer.Handlers.Digest;

namespace TradeAnalyzer.Cli.Commands;

/// <summary>
/// `tradeanalyzer serve`: the local host (<see cref="LocalHost"/>). The .NET Generic Host runs the blob watcher over
/// `incoming/`, the weekly digest timer and the exporter review HTTP API, with the same handlers as the Azure
/// Functions app. Ctrl-C (SIGINT) or SIGTERM stops it cleanly with exit code 0.
/// </summary>
internal static class ServeCommand
{
    /// <summary>Environment variable that sets the claim timeout when --claim-timeout-seconds is not given.</summary>
    public const string ClaimTimeoutVariable = "TRADEANALYZER_CLAIM_TIMEOUT_SECONDS";

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var store = CommonOptions.Store();
        var connection = CommonOptions.Connection();
        var port = new Option<int>("--port") { Description = "HTTP port of the exporter review API (127.0.0.1); 0 picks a free one (printed).", DefaultValueFactory = _ => 7071 };
        var schedule = new Option<string>("--schedule") { Description = "Six-field CRON of the weekly digest, UTC.", DefaultValueFactory = _ => "0 0 6 * * Mon" };
        var parallel = new Option<int>("--parallel") { Description = "Uploads processed at the same time.", DefaultValueFactory = _ => 2 };
        var poll = new Option<double>("--poll-seconds") { Description = "How often incoming/ is checked.", DefaultValueFactory = _ => 2 };
        var claimTimeout = new Option<double?>("--claim-timeout-seconds")
        {
            Description = $"How long an upload stays claimed by a host that may have died (killed mid-ingest) before this host takes it over. Default 600; also read from {ClaimTimeoutVariable}.",
        };
        var lang = CommonOptions.Language();
        var command = new Command("serve", "Run the local host: blob-triggered ingest over incoming/, the weekly digest timer and the exporter review API. The API key comes from TRADEANALYZER_API_KEY.")
        {
            store, connection, port, schedule, parallel, poll, claimTimeout, lang,
        };
        command.SetAction(async (parse, ct) =>
        {
            var language = CommonOptions.ParseLanguage(parse.GetValue(lang));
            WeeklyDigestHandler.ParseSchedule(parse.GetValue(schedule)!); // fails early with a clear message
            var claim = ResolveClaimTimeout(parse.GetValue(claimTimeout));
            var history = await CliStore.OpenAsync(parse.GetValue(store), CommonOptions.ResolveConnection(parse.GetValue(connection)), ct).ConfigureAwait(false);
            var options = new LocalHostOptions
            {
                Port = parse.GetValue(port),
                ApiKey = Environment.GetEnvironmentVariable("TRADEANALYZER_API_KEY"),
                Schedule = parse.GetValue(schedule)!,
                Language = language,
                Watcher = new WatcherOptions { MaxParallel = Math.Max(1, parse.GetValue(parallel)), PollInterval = TimeSpan.FromSeconds(Math.Max(0.1, parse.GetValue(poll))) },
                ClaimTimeout = claim ?? new LocalHostOptions().ClaimTimeout,
            };
            await using var app = LocalHost.Build(history, options);
            await app.StartAsync(ct).ConfigureAwait(false);
            // Said once the host listens and handles signals, so whoever waits for it can use the host at once.
            // The address actually bound: with --port 0 the system picks a free port.
            var address = LocalHost.Address(app).ToString().TrimEnd('/');
            await stdout.WriteLineAsync($"Serving on {address}; drop files into incoming/ of the store. Ctrl-C stops.").ConfigureAwait(false);
            await stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);

            // Ctrl-C cancels ct (Program.Main) and the host's console lifetime stops the app: either ends the wait.
            // Stopping is graceful: in-flight uploads are cancelled and give their claim back for the next start.
            await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
            await stdout.WriteLineAsync("Stopped.").ConfigureAwait(false);
            return Program.Ok;
        });
        return command;
    }

    private static TimeSpan? ResolveClaimTimeout(double? option)
    {
        var text = Environment.GetEnvironmentVariable(ClaimTimeoutVariable);
        double? seconds = option;
        if (seconds is null && !string.IsNullOrWhiteSpace(text))
        {
            if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                throw new UsageException($"{ClaimTimeoutVariable} must be a number of seconds.");
            }

            seconds = parsed;
        }

        if (seconds is null)
        {
            return null;
        }

        return seconds is >= 1 and <= 86_400
            ? TimeSpan.FromSeconds(seconds.Value)
            : throw new UsageException("--claim-timeout-seconds must be between 1 and 86400.");
    }
}
