using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Detection.Mirror;

/// <summary>
/// One declaration seen as a shipment: the lines of one declaration id (per reporter and flow) with their totals.
/// Mirror and invoice reconciliation compare shipments, not single lines, because the two customs and the invoice
/// rarely split a consignment into the same lines.
/// </summary>
public sealed class DeclarationShipment
{
    internal DeclarationShipment(int index, DeclarationLine first)
    {
        Index = index;
        Main = first;
    }

    /// <summary>Position in <see cref="ShipmentIndex.All"/>.</summary>
    public int Index { get; }

    /// <summary>The lines of the declaration, in input order (a range of one array shared by every shipment of the index).</summary>
    public ArraySegment<DeclarationLine> Lines { get; internal set; }

    /// <summary>The line with the largest FOB value: its HS code, unit and parties stand for the shipment.</summary>
    public DeclarationLine Main { get; private set; }

    public TradeFlow Flow => Main.Flow;

    public string Reporter => Main.ReporterCountry;

    public string DeclarationId => Main.DeclarationId;

    /// <summary>The earliest line date.</summary>
    public DateOnly Date { get; private set; }

    /// <summary>The first non-empty shipment id (bill of lading, air waybill) of the lines.</summary>
    public string? ShipmentId { get; private set; }

    /// <summary>The first declared invoice number, normalised (<see cref="ShipmentIndex.InvoiceKey"/>); null when none.</summary>
    public string? InvoiceKey { get; private set; }

    /// <summary>The first declared invoice number as written.</summary>
    public string? InvoiceNumber { get; private set; }

    /// <summary>Normalised exporter name (<see cref="Text.PartyNames.Normalize"/>).</summary>
    public string ExporterNorm { get; internal set; } = string.Empty;

    /// <summary>Normalised importer name.</summary>
    public string ImporterNorm { get; internal set; } = string.Empty;

    /// <summary>Exporter and importer normalised-name ids in one number: equal exactly when both normalised names are equal.</summary>
    internal long PartiesKey { get; set; }

    /// <summary>The id of <see cref="ExporterNorm"/> (the high half of <see cref="PartiesKey"/>): equal exactly when the normalised exporter names are.</summary>
    internal int ExporterId => (int)(PartiesKey >> 32);

    /// <summary>Position in <see cref="ShipmentIndex.All"/> of the next shipment with the same declaration id (another reporter or flow); -1 when none.</summary>
    internal int NextSameId { get; set; } = -1;

    /// <summary>Sum of the lines' FOB-equivalent USD values.</summary>
    public double FobUsd { get; private set; }

    /// <summary>Sum of the lines' USD values as declared (declared incoterm).</summary>
    public double ValueUsd { get; private set; }

    /// <summary>The main line's unit.</summary>
    public BaseUnit Unit => Main.Unit;

    /// <summary>Sum of the normalised quantities of the lines in <see cref="Unit"/> (other units are left out).</summary>
    public double Quantity { get; private set; }

    /// <summary>The main line's HS6.</summary>
    public string Hs6 => Main.Hs.Hs6;

    /// <summary>The countries the partner customs could be: destination and importer country (exports), origin and exporter country (imports).</summary>
    public string PartnerCountry => Flow == TradeFlow.Export ? Main.DestinationCountry : Main.ExporterCountry ?? Main.OriginCountry;

    internal void Complete()
    {
        var main = Lines[0];
        var date = main.Date;
        double fob = 0, value = 0;
        foreach (var line in Lines)
        {
            fob += line.FobUsd;
            value += line.ValueUsd;
            if (line.FobUsd > main.FobUsd)
            {
                main = line;
            }

            if (line.Date < date)
            {
                date = line.Date;
            }

            if (ShipmentId is null && !string.IsNullOrWhiteSpace(line.ShipmentId))
            {
                ShipmentId = line.ShipmentId.Trim();
            }

            if (InvoiceKey is null && !string.IsNullOrWhiteSpace(line.InvoiceNumber))
            {
                InvoiceKey = ShipmentIndex.InvoiceKey(line.InvoiceNumber);
                InvoiceNumber = line.InvoiceNumber.Trim();
            }
        }

        double quantity = 0;
        foreach (var line in Lines)
        {
            if (line.Unit == main.Unit)
            {
                quantity += line.NormQuantity;
            }
        }

        Main = main;
        Date = date;
        FobUsd = fob;
        ValueUsd = value;
        Quantity = quantity;
    }
}
