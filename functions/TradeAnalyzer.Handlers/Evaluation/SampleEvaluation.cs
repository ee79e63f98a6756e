using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Handlers.Analysis;

namespace TradeAnalyzer.Handlers.Evaluation;

/// <summary>
/// Analyses a folder written by `tradeanalyzer sample` (declarations.csv, invoices.csv, fx.csv, sanctions.csv) and
/// scores the flags against its truth.csv, per code, at the shipment level.
/// </summary>
public static class SampleEvaluation
{
    public static (AnalysisRun Run, IReadOnlyList<CodeScore> Scores) Run(string directory, AnalysisOptions? options = null, CancellationToken cancellationToken = default)
    {
        string P(string name) => Path.Combine(directory, name);
        var request = new AnalysisRequest
        {
            Files = [.. new[] { "declarations.csv", "invoices.csv" }.Where(f => File.Exists(P(f))).Select(f => InputFile.FromPath(P(f)))],
            FxFiles = File.Exists(P("fx.csv")) ? [InputFile.FromPath(P("fx.csv"))] : [],
            SanctionsFiles = File.Exists(P("sanctions.csv")) ? [InputFile.FromPath(P("sanctions.csv"))] : [],
            Options = options ?? new AnalysisOptions(),
        };
        var run = new AnalysisPipeline().Run(request, cancellationToken: cancellationToken);
        using var truthReader = new StreamReader(P("truth.csv"));
        var truth = TruthEvaluator.ReadTruth(truthReader);
        return (run, TruthEvaluator.Evaluate(truth, run.Result.Flags, run.Declarations, run.Invoices));
    }
}
