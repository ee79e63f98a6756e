using System.CommandLine;
using TradeAnalyzer.Handlers.Exporters;

namespace TradeAnalyzer.Cli.Commands;

/// <summary>`tradeanalyzer exporter NAME|ID --out FILE.xlsx`, or `--list`: the outreach team's view of one exporter.</summary>
internal static class ExporterCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var who = new Argument<string?>("EXPORTER") { Description = "Exporter key, tax id or name.", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string?>("--out", "-o") { Description = "Review workbook to write (default: EXPORTER-review.xlsx)." };
        var list = new Option<bool>("--list") { Description = "List exporters by risk instead." };
        var top = new Option<int>("--top") { Description = "How many exporters --list shows.", DefaultValueFactory = _ => 25 };
        var store = CommonOptions.Store();
        var connection = CommonOptions.Connection();
        var lang = CommonOptions.Language();
        var command = new Command("exporter", "Write an exporter's review workbook (profile, shipments over time, flags, counterparts, commodities, precursor shipments, dispositions), or list exporters by risk.")
        {
            who, output, list, top, store, connection, lang,
        };
        command.SetAction(async (parse, ct) =>
        {
            var language = CommonOptions.ParseLanguage(parse.GetValue(lang));
            var history = await CliStore.OpenAsync(parse.GetValue(store), CommonOptions.ResolveConnection(parse.GetValue(connection)), ct).ConfigureAwait(false);
            var service = new ExporterReviewService(history);
            if (parse.GetValue(list))
            {
                foreach (var p in await service.ListAsync(parse.GetValue(top), ct).ConfigureAwait(false))
                {
                    await stdout.WriteLineAsync($"{p.Score,5:F0}  {p.Tier.ToString().ToLowerInvariant(),-8}  {p.Shipments,7:N0} shipments  {p.ValueAtRiskUsd,14:N0} USD at risk  {p.Name} [{p.Key}]").ConfigureAwait(false);
                }

                return Program.Ok;
            }

            var name = parse.GetValue(who) ?? throw new UsageException("EXPORTER is required (or use --list).");
            var path = parse.GetValue(output) ?? $"{string.Concat(name.Where(char.IsLetterOrDigit)).ToLowerInvariant()}-review.xlsx";
            var model = await service.BuildReviewAsync(name, language, ct).ConfigureAwait(false);
            if (model is null)
            {
                await stderr.WriteLineAsync($"tradeanalyzer: no exporter '{name}' in the store; run `tradeanalyzer exporter --list`.").ConfigureAwait(false);
                return Program.AllRejected;
            }

            await using (var file = File.Create(path))
            {
                Reports.ExporterReview.Write(file, model);
            }

            await stdout.WriteLineAsync($"{model.Profile.Name}: score {model.Profile.Score:F0} ({model.Profile.Tier.ToString().ToLowerInvariant()}), {model.Shipments.Count:N0} shipments, {model.Flags.Count:N0} flags -> {path}").ConfigureAwait(false);
            return Program.Ok;
        });
        return command;
    }
}
