namespace TradeAnalyzer.Reports;

/// <summary>Paths of the files <see cref="AnalysisOutputs.Write"/> wrote.</summary>
public sealed record OutputFiles(string Report, string FlagsCsv, string FlagsJson, string RejectedCsv, string SummaryJson, string ExportersCsv);
