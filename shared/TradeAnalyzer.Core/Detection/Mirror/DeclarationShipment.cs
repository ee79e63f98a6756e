using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Detection.Mirror;

/// <summary>
/// One declaration seen as a shipment: the lines of one declaration id (per reporter and flow) with their totals.
/// Mirror and invoice reconciliation compare shipments, not single lines, because the two customs and the invoice
/// rarely split a consignment into the same lines.
/// </summary>
/// <remarks>
/// A view of one position of a <see cref="ShipmentIndex"/>, which keeps every shipment's facts in flat arrays (one
/// array per fact, no object per declaration): creating or copying a view allocates nothing.
/// </remarks>
public readonly struct DeclarationShipment : IEquatable<DeclarationShipment>
{
    private readonly ShipmentIndex _index;

    internal DeclarationShipment(ShipmentIndex index, int position)
    {
        _index = index;
        Index = position;
    }

    /// <summary>Position in <see cref="ShipmentIndex.All"/>.</summary>
    public int Index { get; }

    /// <summary>The lines of the declaration, in input order (a range of one array shared by every shipment of the index).</summary>
    public ArraySegment<DeclarationLine> Lines => _index.LinesOf(Index);

    /// <summary>The line with the largest FOB value (the first of equals): its HS code, unit and parties stand for the shipment.</summary>
    public DeclarationLine Main => _index.MainLines[Index];

    public TradeFlow Flow => Main.Flow;

    public string Reporter => Main.ReporterCountry;

    public string DeclarationId => Main.DeclarationId;

    /// <summary>The earliest line date.</summary>
    public DateOnly Date => DateOnly.FromDayNumber(_index.Days[Index]);

    /// <summary>The earliest line date as a day number (<see cref="DateOnly.DayNumber"/>).</summary>
    internal int Day => _index.Days[Index];

    /// <summary>The first non-empty shipment id (bill of lading, air waybill) of the lines.</summary>
    public string? ShipmentId => _index.ShipmentIds[Index];

    /// <summary><see cref="ShipmentId"/> as a number, equal exactly when the ids are; -1 without one.</summary>
    internal int ShipmentNumber => _index.ShipmentNumbers[Index];

    /// <summary>The first declared invoice number, normalised (<see cref="ShipmentIndex.InvoiceKey"/>); null when none.</summary>
    public string? InvoiceKey => _index.InvoiceKeyOf(Index);

    /// <summary>The invoice key as a number, equal exactly when the keys are (<see cref="ShipmentIndex.InvoiceIds"/>).</summary>
    internal long InvoiceId => _index.InvoiceIds[Index];

    /// <summary>The invoice key as a dense number (<see cref="ShipmentIndex.InvoiceKeyNumbers"/>): 0 to the index's
    /// <see cref="ShipmentIndex.InvoiceKeyCount"/> - 1, equal exactly when the keys are; -1 without a key.</summary>
    internal int InvoiceKeyNumber => _index.InvoiceKeyNumbers[Index];

    /// <summary>True when the shipment declares an invoice number with letters or digits (a non-empty <see cref="InvoiceKey"/>).</summary>
    internal bool HasInvoiceKey => ShipmentIndex.HasKey(InvoiceId);

    /// <summary>The index this shipment belongs to.</summary>
    internal ShipmentIndex Owner => _index;

    /// <summary>The first declared invoice number as written.</summary>
    public string? InvoiceNumber => _index.InvoiceNumbers[Index];

    /// <summary>Normalised exporter name (<see cref="Text.PartyNames.Normalize"/>).</summary>
    public string ExporterNorm => _index.NormOf(ExporterId);

    /// <summary>Normalised importer name.</summary>
    public string ImporterNorm => _index.NormOf((int)PartiesKey);

    /// <summary>Exporter and importer normalised-name ids in one number: equal exactly when both normalised names are equal.</summary>
    internal long PartiesKey => _index.PartiesKeys[Index];

    /// <summary>The number of the main line's parties part in the index (<see cref="ShipmentIndex.PartyNumbers"/>).</summary>
    internal int PartyNumber => _index.PartyNumbers[Index];

    /// <summary>The id of <see cref="ExporterNorm"/> (the high half of <see cref="PartiesKey"/>): equal exactly when the normalised exporter names are.</summary>
    internal int ExporterId => (int)(PartiesKey >> 32);

    /// <summary>Sum of the lines' FOB-equivalent USD values.</summary>
    public double FobUsd => _index.Fob[Index];

    /// <summary>Sum of the lines' USD values as declared (declared incoterm).</summary>
    public double ValueUsd => _index.Values[Index];

    /// <summary>The main line's unit.</summary>
    public BaseUnit Unit => Main.Unit;

    /// <summary>Sum of the normalised quantities of the lines in <see cref="Unit"/> (other units are left out).</summary>
    public double Quantity => _index.Quantities[Index];

    /// <summary>The main line's HS6.</summary>
    public string Hs6 => Main.Hs.Hs6;

    /// <summary>The countries the partner customs could be: destination and importer country (exports), origin and exporter country (imports).</summary>
    public string PartnerCountry => Flow == TradeFlow.Export ? Main.DestinationCountry : Main.ExporterCountry ?? Main.OriginCountry;

    public static bool operator ==(DeclarationShipment left, DeclarationShipment right) => left.Equals(right);

    public static bool operator !=(DeclarationShipment left, DeclarationShipment right) => !left.Equals(right);

    public bool Equals(DeclarationShipment other) => ReferenceEquals(_index, other._index) && Index == other.Index;

    public override bool Equals(object? obj) => obj is DeclarationShipment other && Equals(other);

    public override int GetHashCode() => Index;
}
