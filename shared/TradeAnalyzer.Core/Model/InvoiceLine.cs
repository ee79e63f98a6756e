namespace TradeAnalyzer.Core.Model;

/// <summary>One commercial invoice line after validation and normalisation (spec 1.2).</summary>
/// <remarks>
/// Memory: the parties, the terms and the goods live in shared parts that ingestion builds once per distinct
/// combination; a line itself keeps only its ids, row, date and figures (112 bytes instead of 248).
/// </remarks>
public sealed class InvoiceLine
{
    private InvoiceParties _parties = InvoiceParties.Empty;
    private InvoiceTerms _terms = InvoiceTerms.Empty;
    private GoodsPart _goods = GoodsPart.Empty;
    private string _invoiceNumber = null!;
    private string? _shipmentId;
    private long _row;
    private double _quantity;
    private double _normQuantity;
    private double _lineTotal;
    private double _valueUsd;
    private double _fobUsd;
    private int _lineNo = 1;
    private DateOnly _invoiceDate;

    /// <summary>Creates an empty line; set its properties with an object initializer.</summary>
    public InvoiceLine()
    {
    }

    /// <summary>A line whose shared fields come from parts built by ingestion (set the per-line properties after).</summary>
    // The required members live in the parts passed in (or are set by ingestion right after): nothing is left unset.
#pragma warning disable CS8618
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    internal InvoiceLine(long row, InvoiceParties parties, InvoiceTerms terms, GoodsPart goods)
    {
        _row = row;
        _parties = parties;
        _terms = terms;
        _goods = goods;
    }
#pragma warning restore CS8618

    public required SourceRef Source
    {
        get => new(_terms.File, _row);
        init
        {
            Terms().File = value.File;
            _row = value.Row;
        }
    }

    public required string InvoiceNumber { get => _invoiceNumber; init => _invoiceNumber = value; }

    public required DateOnly InvoiceDate { get => _invoiceDate; init => _invoiceDate = value; }

    public required string SellerName { get => _parties.SellerName; init => Parties().SellerName = value; }

    public required string BuyerName { get => _parties.BuyerName; init => Parties().BuyerName = value; }

    public string? SellerCountry { get => _parties.SellerCountry; init => Parties().SellerCountry = value; }

    public string? BuyerCountry { get => _parties.BuyerCountry; init => Parties().BuyerCountry = value; }

    public string? SellerId { get => _parties.SellerId; init => Parties().SellerId = value; }

    public string? BuyerId { get => _parties.BuyerId; init => Parties().BuyerId = value; }

    public int LineNo { get => _lineNo; init => _lineNo = value; }

    public HsCode? Hs { get => _goods.Hs; init => Goods().Hs = value; }

    public string? Description { get => _goods.Description; init => Goods().Description = value; }

    public IReadOnlyList<string> CasNumbers { get => _goods.CasNumbers; init => Goods().CasNumbers = value; }

    public required double Quantity { get => _quantity; init => _quantity = value; }

    public required string QuantityUnit { get => _goods.QuantityUnit; init => Goods().QuantityUnit = value; }

    public required double NormQuantity { get => _normQuantity; init => _normQuantity = value; }

    public required BaseUnit Unit { get => _goods.Unit; init => Goods().Unit = value; }

    /// <summary>Line total in <see cref="Currency"/> (unit_price x quantity when only the price was given).</summary>
    public required double LineTotal { get => _lineTotal; init => _lineTotal = value; }

    public required string Currency { get => _terms.Currency; init => Terms().Currency = value; }

    /// <summary>Line total in USD at the invoice date.</summary>
    public required double ValueUsd { get => _valueUsd; init => _valueUsd = value; }

    /// <summary>Line total in USD, FOB-equivalent.</summary>
    public required double FobUsd { get => _fobUsd; init => _fobUsd = value; }

    public Incoterm Incoterm { get => _terms.Incoterm; init => Terms().Incoterm = value; }

    public string? PaymentTerms { get => _terms.PaymentTerms; init => Terms().PaymentTerms = value; }

    public string? PayerName { get => _parties.PayerName; init => Parties().PayerName = value; }

    public string? PayerCountry { get => _parties.PayerCountry; init => Parties().PayerCountry = value; }

    public string? BeneficiaryName { get => _parties.BeneficiaryName; init => Parties().BeneficiaryName = value; }

    public string? BeneficiaryCountry { get => _parties.BeneficiaryCountry; init => Parties().BeneficiaryCountry = value; }

    public string? ShipmentId { get => _shipmentId; init => _shipmentId = value; }

    public string RecordKey => $"{InvoiceNumber}#{LineNo}";

    /// <summary>The goods part this line points at (shared by lines with the same goods; see <see cref="DeclarationLine.GoodsRef"/>).</summary>
    internal GoodsPart GoodsRef => _goods;

    /// <summary>The parties part this line points at (shared by lines with the same parties).</summary>
    internal InvoiceParties PartiesRef => _parties;

    /// <summary>The terms part this line points at (shared by lines with the same file and terms).</summary>
    internal InvoiceTerms TermsRef => _terms;

    private InvoiceParties Parties() => _parties = _parties.Owned<InvoiceParties>();

    private InvoiceTerms Terms() => _terms = _terms.Owned<InvoiceTerms>();

    private GoodsPart Goods() => _goods = _goods.Owned<GoodsPart>();
}
