using System.CommandLine;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Handlers.Evaluation;

namespace TradeAnalyzer.Cli.Commands;

/// <summary>`tradeanalyzer evaluate DIR`: analyses a sample folder and prints recall and precision per flag code against its truth.csv.</summary>
internal static class EvaluateCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var dir = new Argument<string>("DIR") { Description = "A folder written by `tradeanalyzer sample`." };
        var minRecall = new Option<double?>("--min-recall") { Description = "Exit 1 when any planted code's recall is below this." };
        var minPrecision = new Option<double?>("--min-precision") { Description = "Exit 1 when any planted code's precision is below this." };
        var command = new Command("evaluate", "Score the analysis of a sample folder against its truth.csv (shipment level, per code).")
        {
            dir, minRecall, minPrecision,
        };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(dir)!;
            if (!File.Exists(Path.Combine(path, "truth.csv")))
            {
                throw new UsageException($"DIR: no truth.csv in {path}; write one with `tradeanalyzer sample --out {path}`.");
            }

            var (run, scores) = await Task.Run(() => SampleEvaluation.Run(path, cancellationToken: ct), ct).ConfigureAwait(false);
            await stdout.WriteLineAsync($"{"code",-26} {"planted",8} {"found",6} {"flagged",8} {"correct",8} {"recall",7} {"precision",9}").ConfigureAwait(false);
            var ok = true;
            foreach (var s in scores.Where(s => s.Expected > 0 || s.Flagged > 0))
            {
                await stdout.WriteLineAsync($"{s.Code.ToCode(),-26} {s.Expected,8:N0} {s.Found,6:N0} {s.Flagged,8:N0} {s.Correct,8:N0} {s.Recall,7:P0} {s.Precision,9:P0}").ConfigureAwait(false);
                if (s.Expected > 0 && (s.Recall < (parse.GetValue(minRecall) ?? 0) || s.Precision < (parse.GetValue(minPrecision) ?? 0)))
                {
                    ok = false;
                }
            }

            await stdout.WriteLineAsync($"{run.RowsRead:N0} rows read, {run.Result.Flags.Count:N0} flags in {run.TimingsMs.GetValueOrDefault("total"):N0} ms.").ConfigureAwait(false);
            return ok ? Program.Ok : Program.Failure;
        });
        return command;
    }
}
