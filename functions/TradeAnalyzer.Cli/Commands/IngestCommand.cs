using System.CommandLine;
using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.Handlers.Ingest;

namespace TradeAnalyzer.Cli.Commands;

/// <summary>
/// `tradeanalyzer ingest FILE...`: uploads files to the store's `incoming/` and runs the same handler as the
/// blob-triggered function on each, adding them to the history (baselines, flags, exporters, archive).
/// </summary>
internal static class IngestCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var files = new Argument<string[]>("FILE") { Description = "Declaration, invoice or reference files (CSV or XLSX).", Arity = ArgumentArity.OneOrMore };
        var store = CommonOptions.Store();
        var connection = CommonOptions.Connection();
        var lang = CommonOptions.Language();
        var command = new Command("ingest", "Add files to the store's history, as the blob-triggered function does; reports go to reports/uploads/{id}/.")
        {
            files, store, connection, lang,
        };
        command.SetAction(async (parse, ct) =>
        {
            var paths = parse.GetValue(files)!.Select(f => CommonOptions.ExistingFile(f, "FILE")).ToList();
            var language = CommonOptions.ParseLanguage(parse.GetValue(lang));
            var history = await CliStore.OpenAsync(parse.GetValue(store), CommonOptions.ResolveConnection(parse.GetValue(connection)), ct).ConfigureAwait(false);
            var handler = new IngestUploadHandler(history, new IngestOptions { Analysis = new() { Language = language } });
            var rejected = 0;
            foreach (var path in paths)
            {
                var name = "uploads/" + SafeName(Path.GetFileName(path));
                await using (var stream = File.OpenRead(path))
                {
                    await history.Blobs.PutAsync(StoreLayout.Incoming, name, stream, null, ct).ConfigureAwait(false);
                }

                var result = await handler.HandleAsync(name, ct).ConfigureAwait(false);
                await stdout.WriteLineAsync($"{path}: {result.Outcome}{(result.UploadId is null ? string.Empty : $", upload {result.UploadId}")}{(result.Message is null ? string.Empty : $": {result.Message}")}").ConfigureAwait(false);
                if (result.Outcome == IngestOutcome.Processed)
                {
                    await stdout.WriteLineAsync($"  report: {StoreLayout.Reports}/{StoreLayout.UploadReportPrefix(result.UploadId!)}report.xlsx").ConfigureAwait(false);
                }

                if (result.Outcome is IngestOutcome.Rejected or IngestOutcome.Poisoned or IngestOutcome.Failed)
                {
                    rejected++;
                }
            }

            return rejected == paths.Count ? Program.AllRejected : Program.Ok;
        });
        return command;
    }

    /// <summary>A blob name from a local file name: letters, digits, dot, dash and underscore only, at most 200 characters.</summary>
    internal static string SafeName(string fileName)
    {
        var chars = fileName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').Take(200).ToArray();
        var name = new string(chars).TrimStart('.');
        return name.Length == 0 ? "upload" : name;
    }
}
