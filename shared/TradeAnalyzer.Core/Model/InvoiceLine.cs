namespace TradeAnalyzer.Core.Model;

/// <summary>One commercial invoice line after validation and normalisation (spec 1.2).</summary>
public sealed class InvoiceLine
{
    public required SourceRef Source { get; init; }

    public required string InvoiceNumber { get; init; }

    public required DateOnly InvoiceDate { get; init; }

    public required string SellerName { get; init; }

    public required string BuyerName { get; init; }

    public string? SellerCountry { get; init; }

    public string? BuyerCountry { get; init; }

    public string? SellerId { get; init; }

    public string? BuyerId { get; init; }

    public int LineNo { get; init; } = 1;

    public HsCode? Hs { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<string> CasNumbers { get; init; } = [];

    public required double Quantity { get; init; }

    public required string QuantityUnit { get; init; }

    public required double NormQuantity { get; init; }

    public required BaseUnit Unit { get; init; }

    /// <summary>Line total in <see cref="Currency"/> (unit_price x quantity when only the price was given).</summary>
    public required double LineTotal { get; init; }

    public required string Currency { get; init; }

    /// <summary>Line total in USD at the invoice date.</summary>
    public required double ValueUsd { get; init; }

    /// <summary>Line total in USD, FOB-equivalent.</summary>
    public required double FobUsd { get; init; }

    public Incoterm Incoterm { get; init; }

    public string? PaymentTerms { get; init; }

    public string? PayerName { get; init; }

    public string? PayerCountry { get; init; }

    public string? BeneficiaryName { get; init; }

    public string? BeneficiaryCountry { get; init; }

    public string? ShipmentId { get; init; }

    public string RecordKey => $"{InvoiceNumber}#{LineNo}";
}
