using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NCrontab;
using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.Handlers.Outputs;
using TradeAnalyzer.Reports;
using TradeAnalyzer.Storage;

namespace TradeAnalyzer.Handlers.Digest;

/// <summary>Settings of the weekly digest timer (configuration section "Digest").</summary>
public sealed record DigestOptions
{
    /// <summary>Six-field CRON (seconds first), UTC. Default: Mondays at 06:00.</summary>
    public string Schedule { get; init; } = "0 0 6 * * Mon";

    /// <summary>Workbook language: en or es.</summary>
    public string Language { get; init; } = "en";

    /// <summary>How many missed runs are caught up at most after the host was down.</summary>
    public int MaxCatchUp { get; init; } = 8;
}

/// <summary>
/// The weekly digest: on each scheduled time it writes `reports/digests/{yyyy}-W{ww}.xlsx` for the ISO week that
/// ended before it. The last run is remembered in the Uploads table, so runs missed while the host was down are
/// caught up (oldest first) the next time it runs.
/// </summary>
public sealed class WeeklyDigestHandler
{
    private const string StatePartition = "timer";
    private const string StateRow = "weekly-digest";

    private readonly HistoryStore _store;
    private readonly DigestOptions _options;
    private readonly CrontabSchedule _schedule;
    private readonly ILogger _log;

    public WeeklyDigestHandler(HistoryStore store, DigestOptions? options = null, ILogger<WeeklyDigestHandler>? logger = null)
    {
        _store = store;
        _options = options ?? new DigestOptions();
        _schedule = ParseSchedule(_options.Schedule);
        _log = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Parses a six-field CRON expression; a clear error names the setting when it is wrong.</summary>
    public static CrontabSchedule ParseSchedule(string expression) =>
        CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true })
        ?? throw new ArgumentException($"Digest schedule '{expression}' is not a six-field CRON expression (sec min hour day month weekday), e.g. '0 0 6 * * Mon'.");

    /// <summary>The next scheduled time after <paramref name="after"/> (UTC).</summary>
    public DateTimeOffset NextOccurrence(DateTimeOffset after) =>
        new(_schedule.GetNextOccurrence(after.UtcDateTime), TimeSpan.Zero);

    /// <summary>
    /// Runs every scheduled occurrence up to <paramref name="now"/> that has not run yet (at most
    /// <see cref="DigestOptions.MaxCatchUp"/>), and returns the digests written.
    /// </summary>
    public async Task<IReadOnlyList<string>> RunDueAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var state = await _store.Tables.GetAsync(StoreLayout.UploadsTable, StatePartition, StateRow, cancellationToken).ConfigureAwait(false);
        var last = state?.GetDateTimeOffset("LastRun");
        var due = new List<DateTimeOffset>();
        var start = last ?? now.AddDays(-7 * _options.MaxCatchUp);
        foreach (var occurrence in _schedule.GetNextOccurrences(start.UtcDateTime.AddSeconds(1), now.UtcDateTime.AddSeconds(1)))
        {
            due.Add(new DateTimeOffset(occurrence, TimeSpan.Zero));
        }

        if (last is null && due.Count > 1)
        {
            due = [due[^1]]; // first run ever: only the latest occurrence, not a backlog.
        }

        if (due.Count > _options.MaxCatchUp)
        {
            due = due[^_options.MaxCatchUp..];
        }

        var written = new List<string>();
        foreach (var occurrence in due)
        {
            var week = DateOnly.FromDateTime(occurrence.UtcDateTime).AddDays(-7);
            var year = ISOWeek.GetYear(week.ToDateTime(TimeOnly.MinValue));
            var number = ISOWeek.GetWeekOfYear(week.ToDateTime(TimeOnly.MinValue));
            written.Add(await WriteAsync(year, number, cancellationToken).ConfigureAwait(false));
            var entity = new TableEntity(StatePartition, StateRow) { ["LastRun"] = occurrence };
            await _store.Tables.UpsertAsync(StoreLayout.UploadsTable, entity, cancellationToken).ConfigureAwait(false);
            _log.LogInformation("Weekly digest for {Year}-W{Week:D2} written (scheduled {Occurrence:O}).", year, number, occurrence);
        }

        return written;
    }

    /// <summary>Writes the digest of one ISO week to the store and returns its blob name.</summary>
    public async Task<string> WriteAsync(int year, int week, CancellationToken cancellationToken = default)
    {
        var model = await BuildAsync(year, week, cancellationToken).ConfigureAwait(false);
        var name = StoreLayout.DigestName(year, week);
        await UploadOutputs.PutAsync(_store.Blobs, StoreLayout.Reports, name, s => WeeklyDigest.Write(s, model), ContentTypes.Xlsx, cancellationToken).ConfigureAwait(false);
        return name;
    }

    /// <summary>
    /// The digest's data: the week's flags and the 12 weeks before, exporters, latest dispositions. The flags are those
    /// that stand (as the standing profiles count them): each finding once, none on a replaced line version and none a
    /// later upload's verdict withdrew (docs/methods-risk.md, "Standing profile across uploads").
    /// </summary>
    public async Task<WeeklyDigestModel> BuildAsync(int year, int week, CancellationToken cancellationToken = default)
    {
        var monday = DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday));
        var weeks = Enumerable.Range(0, 13).Select(i => StoreLayout.WeekKey(monday.AddDays(-7 * i))).ToList();
        var (exporters, withdrawn) = await _store.LoadStandingExportersAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var flags = await _store.LoadStandingFlagsAsync(weeks, withdrawn, cancellationToken).ConfigureAwait(false);
        var dispositions = await _store.LoadLatestDispositionsAsync(cancellationToken).ConfigureAwait(false);
        return new WeeklyDigestModel
        {
            Year = year,
            Week = week,
            Flags = flags,
            Exporters = exporters,
            Dispositions = dispositions,
            GeneratedAt = DateTimeOffset.UtcNow,
            Language = _options.Language,
        };
    }

    public static string FormatWeek(int year, int week) => string.Create(CultureInfo.InvariantCulture, $"{year:D4}-W{week:D2}");
}
