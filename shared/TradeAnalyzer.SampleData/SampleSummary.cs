namespace TradeAnalyzer.SampleData;

/// <summary>
/// Counts of what <see cref="SampleGenerator.Write"/> wrote. <paramref name="PlantedByCode"/> gives, per flag code, the
/// number of distinct shipments (exporters for EXPORTER_PROFILE) listed for that code in truth.csv.
/// </summary>
/// <param name="DeclarationLines">Rows written to declarations.csv (header excluded).</param>
/// <param name="InvoiceLines">Rows written to invoices.csv (header excluded).</param>
/// <param name="TruthRows">Rows written to truth.csv (header excluded).</param>
/// <param name="PlantedByCode">Distinct shipments (or exporters) per flag code.</param>
public sealed record SampleSummary(long DeclarationLines, long InvoiceLines, long TruthRows, IReadOnlyDictionary<string, int> PlantedByCode);
