namespace TradeAnalyzer.Reports;

/// <summary>Paths of the files <see cref="AnalysisOutputs.Write"/> wrote.</summary>
public sealed record OutputFiles(string Report, string FlagsCsv, string FlagsJson, string RejectedCsv, string SummaryJson, string ExportersCsv)
{
    /// <summary>Every path, the workbook first.</summary>
    public IReadOnlyList<string> All => [Report, FlagsCsv, FlagsJson, RejectedCsv, SummaryJson, ExportersCsv];
}
