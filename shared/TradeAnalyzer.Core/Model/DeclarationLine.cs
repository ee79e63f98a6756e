namespace TradeAnalyzer.Core.Model;

/// <summary>
/// One customs declaration line after validation and normalisation (spec 1.1). Raw declared figures are kept
/// beside the normalised ones so every flag can quote both.
/// </summary>
public sealed class DeclarationLine
{
    public required SourceRef Source { get; init; }

    public required string DeclarationId { get; init; }

    public int LineNo { get; init; } = 1;

    public required TradeFlow Flow { get; init; }

    public required DateOnly Date { get; init; }

    /// <summary>ISO alpha-2 of the customs authority that received the declaration.</summary>
    public required string ReporterCountry { get; init; }

    public required string ExporterName { get; init; }

    public required string ImporterName { get; init; }

    public string? ExporterId { get; init; }

    public string? ImporterId { get; init; }

    public string? ExporterCountry { get; init; }

    public string? ImporterCountry { get; init; }

    public required string OriginCountry { get; init; }

    public required string DestinationCountry { get; init; }

    public required HsCode Hs { get; init; }

    public string? Description { get; init; }

    /// <summary>CAS numbers as declared in the cas_number column (not those found in the description).</summary>
    public IReadOnlyList<string> CasNumbers { get; init; } = [];

    /// <summary>Quantity as declared, in <see cref="QuantityUnit"/>.</summary>
    public required double Quantity { get; init; }

    /// <summary>The unit as declared (trimmed, lower case), e.g. "lb" or "pcs".</summary>
    public required string QuantityUnit { get; init; }

    /// <summary>Quantity in <see cref="Unit"/>.</summary>
    public required double NormQuantity { get; init; }

    public required BaseUnit Unit { get; init; }

    public double? NetWeightKg { get; init; }

    /// <summary>Declared value in <see cref="Currency"/>.</summary>
    public required double Value { get; init; }

    public required string Currency { get; init; }

    /// <summary>Declared value in USD at the declaration date (same incoterm as declared).</summary>
    public required double ValueUsd { get; init; }

    /// <summary>Value in USD, FOB-equivalent (CIF and other terms converted by documented factors).</summary>
    public required double FobUsd { get; init; }

    public Incoterm Incoterm { get; init; }

    public string? InvoiceNumber { get; init; }

    public TransportMode Mode { get; init; }

    public string? PortOfLoading { get; init; }

    public string? PortOfDischarge { get; init; }

    public IReadOnlyList<string> TransitCountries { get; init; } = [];

    public string? ShipmentId { get; init; }

    /// <summary>USD FOB per normalised unit.</summary>
    public double UnitPriceUsd => FobUsd / NormQuantity;

    /// <summary>Exporter identity for profiles: the tax id when declared, else the normalised name (set by ingestion).</summary>
    public string ExporterKey { get; init; } = string.Empty;

    /// <summary>Stable identity of the record: declaration id and line.</summary>
    public string RecordKey => $"{DeclarationId}#{LineNo}";
}
