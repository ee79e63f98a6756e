using System.CommandLine;
using TradeAnalyzer.Handlers.Digest;
using TradeAnalyzer.Reports;

namespace TradeAnalyzer.Cli.Commands;

/// <summary>`tradeanalyzer digest --week 2026-W47 --out FILE.xlsx`: the weekly digest from the store's history.</summary>
internal static class DigestCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var week = new Option<string>("--week") { Description = "ISO week, e.g. 2026-W47.", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Workbook to write.", Required = true };
        var store = CommonOptions.Store();
        var connection = CommonOptions.Connection();
        var lang = CommonOptions.Language();
        var command = new Command("digest", "Write the weekly digest workbook: the week's flags against the 12 weeks before, value at risk by corridor and commodity, new precursor exporters, pending dispositions.")
        {
            week, output, store, connection, lang,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (!Handlers.History.StoreLayout.TryParseWeek(parse.GetValue(week), out var year, out var number))
            {
                throw new UsageException($"--week: '{parse.GetValue(week)}' is not an ISO week such as 2026-W47.");
            }

            var language = CommonOptions.ParseLanguage(parse.GetValue(lang));
            var history = await CliStore.OpenAsync(parse.GetValue(store), CommonOptions.ResolveConnection(parse.GetValue(connection)), ct).ConfigureAwait(false);
            var handler = new WeeklyDigestHandler(history, new DigestOptions { Language = language });
            var model = await handler.BuildAsync(year, number, ct).ConfigureAwait(false);
            var path = parse.GetValue(output)!;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await using (var file = File.Create(path))
            {
                WeeklyDigest.Write(file, model);
            }

            await stdout.WriteLineAsync($"Digest {WeeklyDigestHandler.FormatWeek(year, number)}: {model.Flags.Count:N0} flags over 13 weeks, {model.Exporters.Count:N0} exporters -> {path}").ConfigureAwait(false);
            return Program.Ok;
        });
        return command;
    }
}
