using System.CommandLine;
using TradeAnalyzer.Cli.Console;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Handlers.Analysis;
using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.Handlers.Outputs;

namespace TradeAnalyzer.Cli.Commands;

/// <summary>`tradeanalyzer analyze FILE... --out DIR`: the analyst's command (spec section 3).</summary>
internal static class AnalyzeCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var files = new Argument<string[]>("FILE")
        {
            Description = "Declaration, invoice, comtrade and reference files (CSV or XLSX); the kind of each is recognised from its headers.",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string>("--out", "-o") { Description = "Output folder for report.xlsx, flags.csv, flags.json, exporters.csv, rejected.csv and summary.json.", Required = true };
        var store = CommonOptions.Store();
        var connection = CommonOptions.Connection();
        var noStore = new Option<bool>("--no-store") { Description = "Analyse without the store's history (baselines, first-seen dates, stored reference files)." };
        var fx = new Option<string[]>("--fx") { Description = "Exchange rates (date,currency,usd_per_unit) laid over the embedded indicative rates.", AllowMultipleArgumentsPerToken = true };
        var sanctions = new Option<string[]>("--sanctions") { Description = "OFAC SDN.CSV (ALT.CSV beside it is read too) or a name,country,program,source list.", AllowMultipleArgumentsPerToken = true };
        var watchlist = new Option<string?>("--watchlist") { Description = "Precursor watchlist replacing the embedded one (name,synonyms,cas_numbers,hs_codes,control,source)." };
        var jurisdictions = new Option<string?>("--jurisdictions") { Description = "Jurisdiction risk list replacing the embedded one (country,risk,reason,as_of)." };
        var baselines = new Option<string[]>("--baselines") { Description = "External reference unit values (hs_code,quantity_unit,median_usd,q1_usd,q3_usd,n,source,period).", AllowMultipleArgumentsPerToken = true };
        var profile = new Option<string?>("--profile") { Description = "Mapping profile: canonical, mx-pedimento, us-ace, comtrade, or a JSON profile file." };
        var kind = new Option<string?>("--kind") { Description = "Force the kind of every FILE: declarations, invoices, comtrade, fx, baselines, sanctions, watchlist, jurisdictions." };
        var lang = CommonOptions.Language();
        var asOf = new Option<DateOnly?>("--as-of") { Description = "Analysis date for 'new exporter' windows (default: the latest declaration date)." };
        var fenceK = new Option<double?>("--fence-k") { Description = "Tukey fence multiplier on log unit prices (default 2.0)." };
        var maxRows = new Option<long?>("--max-rows") { Description = "Most data rows read from one file (default 50,000,000)." };
        var maxFileMb = new Option<long?>("--max-file-mb") { Description = "Largest input file in MiB (default 2048)." };
        var quiet = CommonOptions.Quiet();

        var command = new Command("analyze", "Analyse files and write the report, flags and rejected rows to --out.")
        {
            files, output, store, connection, noStore, fx, sanctions, watchlist, jurisdictions, baselines, profile, kind, lang, asOf, fenceK, maxRows, maxFileMb, quiet,
        };

        command.SetAction(async (parse, ct) =>
        {
            var language = CommonOptions.ParseLanguage(parse.GetValue(lang));
            var defaults = new AnalysisOptions();
            var request = new AnalysisRequest
            {
                Files = [.. parse.GetValue(files)!.Select(f => InputFile.FromPath(CommonOptions.ExistingFile(f, "FILE")))],
                FxFiles = [.. (parse.GetValue(fx) ?? []).Select(f => InputFile.FromPath(CommonOptions.ExistingFile(f, "--fx")))],
                SanctionsFiles = [.. (parse.GetValue(sanctions) ?? []).Select(f => InputFile.FromPath(CommonOptions.ExistingFile(f, "--sanctions")))],
                BaselineFiles = [.. (parse.GetValue(baselines) ?? []).Select(f => InputFile.FromPath(CommonOptions.ExistingFile(f, "--baselines")))],
                WatchlistFile = parse.GetValue(watchlist) is { } w ? InputFile.FromPath(CommonOptions.ExistingFile(w, "--watchlist")) : null,
                JurisdictionsFile = parse.GetValue(jurisdictions) is { } j ? InputFile.FromPath(CommonOptions.ExistingFile(j, "--jurisdictions")) : null,
                Profile = parse.GetValue(profile),
                Kind = CommonOptions.ParseKind(parse.GetValue(kind)),
                MaxRows = parse.GetValue(maxRows) ?? 50_000_000,
                MaxFileBytes = (parse.GetValue(maxFileMb) ?? 2048) << 20,
                Options = defaults with
                {
                    Language = language,
                    AsOf = parse.GetValue(asOf),
                    FenceK = parse.GetValue(fenceK) ?? defaults.FenceK,
                },
            };

            var outDir = parse.GetValue(output)!;
            var progress = new ConsoleProgress(stderr, !parse.GetValue(quiet));
            var history = parse.GetValue(noStore)
                ? null
                : CliStore.OpenIfExists(parse.GetValue(store), CommonOptions.ResolveConnection(parse.GetValue(connection)));
            if (history is not null)
            {
                request = await StoreReference.ApplyAsync(history, request, ct).ConfigureAwait(false);
            }

            var baselineHistory = history is null ? null : await history.LoadBaselinesAsync(ct).ConfigureAwait(false);
            var firstSeen = history is null ? null : await history.LoadExporterFirstSeenAsync(ct).ConfigureAwait(false);
            var run = new AnalysisPipeline().Run(request, baselineHistory, firstSeen, progress, ct);
            UploadOutputs.WriteToDirectory(run, outDir);
            await RunSummary.WriteAsync(stdout, run, outDir).ConfigureAwait(false);
            return run.AllRejected ? Program.AllRejected : Program.Ok;
        });
        return command;
    }
}
