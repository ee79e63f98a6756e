namespace TradeAnalyzer.Core.Model;

/// <summary>
/// One finding (spec section 2): a row of flags.csv and an element of flags.json. <see cref="Explanation"/> is one
/// sentence a customs analyst understands without knowing the code, quoting the figures behind it.
/// </summary>
public sealed record Flag
{
    public required FlagCode Code { get; init; }

    public required Severity Severity { get; init; }

    /// <summary>0-100, how unusual; comparable across codes.</summary>
    public required double Score { get; init; }

    public required RecordType RecordType { get; init; }

    public string? DeclarationId { get; init; }

    public int? LineNo { get; init; }

    public string? InvoiceNumber { get; init; }

    public string? ShipmentId { get; init; }

    public string? ExporterName { get; init; }

    public string? ImporterName { get; init; }

    /// <summary>HS code as displayed (2933.39.99).</summary>
    public string? HsCode { get; init; }

    public double? ValueUsd { get; init; }

    public double? ValueAtRiskUsd { get; init; }

    /// <summary>The baseline or counterpart figure (e.g. "9.80-22.10 USD/kg", "CIF 10,700 USD").</summary>
    public string? Expected { get; init; }

    /// <summary>The record's own figure (e.g. "41.20 USD/kg").</summary>
    public string? Observed { get; init; }

    public required string Explanation { get; init; }

    // Context beyond the spec's columns: used for storage partitioning, reports and exporter roll-ups.

    /// <summary>The exporter's profile key (tax id or normalised name), when the record has an exporter.</summary>
    public string? ExporterKey { get; init; }

    /// <summary>The record's date (declaration or invoice date), for weekly partitions and trends.</summary>
    public DateOnly? Date { get; init; }

    public string? OriginCountry { get; init; }

    public string? DestinationCountry { get; init; }

    /// <summary>Where the record came from (file and row), when it came from one row.</summary>
    public SourceRef? Source { get; init; }

    /// <summary>The period of an aggregate (corridor) finding, e.g. "2025" or "202503"; part of the key when set.</summary>
    public string? Period { get; init; }

    /// <summary>Stable identity of this finding: the same flag on the same record always has the same key (idempotency).</summary>
    public string Key => $"{Code.ToCode()}|{RecordType.ToText()}|{DeclarationId}|{LineNo}|{InvoiceNumber}|{ShipmentId}|{(RecordType is RecordType.Exporter or RecordType.Corridor ? ExporterKey ?? ExporterName : null)}|{(RecordType == RecordType.Corridor ? $"{OriginCountry}-{DestinationCountry}-{HsCode}-{Period}" : null)}";
}
