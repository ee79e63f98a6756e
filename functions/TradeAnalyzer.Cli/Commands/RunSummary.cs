using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Handlers.Analysis;

namespace TradeAnalyzer.Cli.Commands;

/// <summary>The few lines `analyze` prints when it is done: counts that reconcile, flags by code, where the files are.</summary>
internal static class RunSummary
{
    public static async Task WriteAsync(TextWriter stdout, AnalysisRun run, string outDir)
    {
        foreach (var f in run.Files)
        {
            // A file that stopped part-way (a row limit, a malformed sheet) keeps the rows read before: said so, not "rejected".
            var error = f.Error is null ? string.Empty : f.RowsAccepted > 0 ? $"  READ IN PART: {f.Error}" : $"  REJECTED: {f.Error}";
            await stdout.WriteLineAsync($"{f.Path} ({f.Kind.ToText()}): {f.RowsRead:N0} rows read, {f.RowsAccepted:N0} accepted, {f.RowsRejected:N0} rejected{error}").ConfigureAwait(false);
        }

        await stdout.WriteLineAsync($"Total: {run.RowsRead:N0} rows read = {run.RowsAccepted:N0} accepted + {run.RowsRejected:N0} rejected.").ConfigureAwait(false);
        var flags = run.Result.Flags;
        await stdout.WriteLineAsync($"{flags.Count:N0} flags, value at risk {run.Result.ValueAtRiskUsd:N0} USD, {run.Result.Exporters.Count(e => e.Tier >= RiskTier.High):N0} exporters at high risk or above.").ConfigureAwait(false);
        foreach (var (code, count) in run.Result.FlagsByCode.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key))
        {
            await stdout.WriteLineAsync($"  {code.ToCode(),-26} {count,8:N0}").ConfigureAwait(false);
        }

        await stdout.WriteLineAsync($"Report: {Path.Combine(outDir, "report.xlsx")}").ConfigureAwait(false);
        if (run.RowsRejected > 0)
        {
            await stdout.WriteLineAsync($"Rejected rows with file, row, column and reason: {Path.Combine(outDir, "rejected.csv")}").ConfigureAwait(false);
        }
    }
}
