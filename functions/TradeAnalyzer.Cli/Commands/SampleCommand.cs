using System.CommandLine;
using System.Diagnostics;
using TradeAnalyzer.SampleData;

namespace TradeAnalyzer.Cli.Commands;

/// <summary>`tradeanalyzer sample --out DIR [--shipments N] [--seed S]`: deterministic realistic data with planted anomalies and truth.csv.</summary>
internal static class SampleCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var output = new Option<string>("--out", "-o") { Description = "Folder for declarations.csv, invoices.csv, fx.csv, sanctions.csv, truth.csv, declarations_messy.csv.", Required = true };
        var shipments = new Option<int>("--shipments") { Description = "Number of shipments (about 1.5 declaration lines each).", DefaultValueFactory = _ => 2000 };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed gives the same files.", DefaultValueFactory = _ => 42 };
        var quiet = CommonOptions.Quiet();
        var command = new Command("sample", "Generate realistic sample files with planted anomalies of every flag code and the truth file that lists them.")
        {
            output, shipments, seed, quiet,
        };
        command.SetAction(async (parse, ct) =>
        {
            var n = parse.GetValue(shipments);
            if (n < 1 || n > 50_000_000)
            {
                throw new UsageException("--shipments must be between 1 and 50,000,000.");
            }

            var dir = parse.GetValue(output)!;
            Directory.CreateDirectory(dir);
            var clock = Stopwatch.StartNew();
            var show = !parse.GetValue(quiet);
            long lastReport = 0;
            var progress = new Progress<long>(rows =>
            {
                if (show && clock.ElapsedMilliseconds - Interlocked.Read(ref lastReport) >= 1000)
                {
                    Interlocked.Exchange(ref lastReport, clock.ElapsedMilliseconds);
                    stderr.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F1}s] {rows:N0} rows written");
                }
            });
            var summary = await Task.Run(() => SampleGenerator.Write(dir, new SampleOptions { Shipments = n, Seed = parse.GetValue(seed) }, progress, ct), ct).ConfigureAwait(false);
            await stdout.WriteLineAsync($"{summary.DeclarationLines:N0} declaration lines, {summary.InvoiceLines:N0} invoice lines, {summary.TruthRows:N0} planted anomalies in {clock.Elapsed.TotalSeconds:F1} s -> {dir}").ConfigureAwait(false);
            return Program.Ok;
        });
        return command;
    }
}
