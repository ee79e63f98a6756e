namespace TradeAnalyzer.Core.Model;

/// <summary>
/// One customs declaration line after validation and normalisation (spec 1.1). Raw declared figures are kept
/// beside the normalised ones so every flag can quote both.
/// </summary>
/// <remarks>
/// Memory: the fields lines have in common (parties, route and terms, goods) live in shared parts that ingestion
/// builds once per distinct combination; a line itself keeps only its ids, row, date and figures (128 bytes instead
/// of 288). The properties and their values are the same as with one field each.
/// </remarks>
public sealed class DeclarationLine
{
    private DeclarationParties _parties = DeclarationParties.Empty;
    private DeclarationRoute _route = DeclarationRoute.Empty;
    private GoodsPart _goods = GoodsPart.Empty;
    private string _declarationId = null!;
    private string? _invoiceNumber;
    private string? _shipmentId;
    private long _row;
    private double _quantity;
    private double _normQuantity;
    private double _value;
    private double _valueUsd;
    private double _fobUsd;
    private double _netWeightKg = NullableDouble.Pack(null);
    private int _lineNo = 1;
    private DateOnly _date;

    /// <summary>Creates an empty line; set its properties with an object initializer.</summary>
    public DeclarationLine()
    {
    }

    /// <summary>A line whose shared fields come from parts built by ingestion (set the per-line properties after).</summary>
    // The required members live in the parts passed in (or are set by ingestion right after): nothing is left unset.
#pragma warning disable CS8618
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    internal DeclarationLine(long row, DeclarationParties parties, DeclarationRoute route, GoodsPart goods)
    {
        _row = row;
        _parties = parties;
        _route = route;
        _goods = goods;
    }
#pragma warning restore CS8618

    public required SourceRef Source
    {
        get => new(_route.File, _row);
        init
        {
            Route().File = value.File;
            _row = value.Row;
        }
    }

    public required string DeclarationId { get => _declarationId; init => _declarationId = value; }

    public int LineNo { get => _lineNo; init => _lineNo = value; }

    public required TradeFlow Flow { get => _route.Flow; init => Route().Flow = value; }

    public required DateOnly Date { get => _date; init => _date = value; }

    /// <summary>ISO alpha-2 of the customs authority that received the declaration.</summary>
    public required string ReporterCountry { get => _route.ReporterCountry; init => Route().ReporterCountry = value; }

    public required string ExporterName { get => _parties.ExporterName; init => Parties().ExporterName = value; }

    public required string ImporterName { get => _parties.ImporterName; init => Parties().ImporterName = value; }

    public string? ExporterId { get => _parties.ExporterId; init => Parties().ExporterId = value; }

    public string? ImporterId { get => _parties.ImporterId; init => Parties().ImporterId = value; }

    public string? ExporterCountry { get => _parties.ExporterCountry; init => Parties().ExporterCountry = value; }

    public string? ImporterCountry { get => _parties.ImporterCountry; init => Parties().ImporterCountry = value; }

    public required string OriginCountry { get => _route.OriginCountry; init => Route().OriginCountry = value; }

    public required string DestinationCountry { get => _route.DestinationCountry; init => Route().DestinationCountry = value; }

    public required HsCode Hs { get => _goods.Hs.GetValueOrDefault(); init => Goods().Hs = value; }

    public string? Description { get => _goods.Description; init => Goods().Description = value; }

    /// <summary>CAS numbers as declared in the cas_number column (not those found in the description).</summary>
    public IReadOnlyList<string> CasNumbers { get => _goods.CasNumbers; init => Goods().CasNumbers = value; }

    /// <summary>Quantity as declared, in <see cref="QuantityUnit"/>.</summary>
    public required double Quantity { get => _quantity; init => _quantity = value; }

    /// <summary>The unit as declared (trimmed, lower case), e.g. "lb" or "pcs".</summary>
    public required string QuantityUnit { get => _goods.QuantityUnit; init => Goods().QuantityUnit = value; }

    /// <summary>Quantity in <see cref="Unit"/>.</summary>
    public required double NormQuantity { get => _normQuantity; init => _normQuantity = value; }

    public required BaseUnit Unit { get => _goods.Unit; init => Goods().Unit = value; }

    public double? NetWeightKg { get => NullableDouble.Unpack(_netWeightKg); init => _netWeightKg = NullableDouble.Pack(value); }

    /// <summary>Declared value in <see cref="Currency"/>.</summary>
    public required double Value { get => _value; init => _value = value; }

    public required string Currency { get => _route.Currency; init => Route().Currency = value; }

    /// <summary>Declared value in USD at the declaration date (same incoterm as declared).</summary>
    public required double ValueUsd { get => _valueUsd; init => _valueUsd = value; }

    /// <summary>Value in USD, FOB-equivalent (CIF and other terms converted by documented factors).</summary>
    public required double FobUsd { get => _fobUsd; init => _fobUsd = value; }

    public Incoterm Incoterm { get => _route.Incoterm; init => Route().Incoterm = value; }

    public string? InvoiceNumber { get => _invoiceNumber; init => _invoiceNumber = value; }

    public TransportMode Mode { get => _route.Mode; init => Route().Mode = value; }

    public string? PortOfLoading { get => _route.PortOfLoading; init => Route().PortOfLoading = value; }

    public string? PortOfDischarge { get => _route.PortOfDischarge; init => Route().PortOfDischarge = value; }

    public IReadOnlyList<string> TransitCountries { get => _route.TransitCountries; init => Route().TransitCountries = value; }

    public string? ShipmentId { get => _shipmentId; init => _shipmentId = value; }

    /// <summary>USD FOB per normalised unit.</summary>
    public double UnitPriceUsd => FobUsd / NormQuantity;

    /// <summary>Exporter identity for profiles: the tax id when declared, else the normalised name (set by ingestion).</summary>
    public string ExporterKey { get => _parties.ExporterKey; init => Parties().ExporterKey = value; }

    /// <summary>Stable identity of the record: declaration id and line.</summary>
    public string RecordKey => $"{DeclarationId}#{LineNo}";

    /// <summary>
    /// The goods part this line points at. Lines of one file with the same HS code, description, CAS numbers and unit
    /// share one instance, and a record never changes after it is built, so detectors can evaluate the goods once per
    /// distinct instance (keyed by reference) instead of once per line.
    /// </summary>
    internal GoodsPart GoodsRef => _goods;

    /// <summary>The parties part this line points at (shared by lines with the same parties; see <see cref="GoodsRef"/>).</summary>
    internal DeclarationParties PartiesRef => _parties;

    /// <summary>The route part this line points at (shared by lines with the same route and terms; see <see cref="GoodsRef"/>).</summary>
    internal DeclarationRoute RouteRef => _route;

    private DeclarationParties Parties() => _parties = _parties.Owned<DeclarationParties>();

    private DeclarationRoute Route() => _route = _route.Owned<DeclarationRoute>();

    private GoodsPart Goods() => _goods = _goods.Owned<GoodsPart>();
}
