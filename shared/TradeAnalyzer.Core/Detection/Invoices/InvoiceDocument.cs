using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Detection.Invoices;

/// <summary>The lines of one invoice (one invoice number of one seller) with their totals.</summary>
public sealed class InvoiceDocument
{
    internal InvoiceDocument(InvoiceLine first, string key, string sellerNorm, string buyerNorm, int capacity = 1)
    {
        Key = key;
        Lines = new List<InvoiceLine>(capacity) { first };
        Main = first;
        SellerNorm = sellerNorm;
        BuyerNorm = buyerNorm;
    }

    /// <summary>The normalised invoice number.</summary>
    public string Key { get; }

    public List<InvoiceLine> Lines { get; }

    /// <summary>The line with the largest FOB value.</summary>
    public InvoiceLine Main { get; private set; }

    public string SellerNorm { get; }

    public string BuyerNorm { get; }

    /// <summary>The next document (another seller) with the same normalised number, in order of first line; null when none.</summary>
    internal InvoiceDocument? NextSameKey { get; set; }

    internal void Add(InvoiceLine line)
    {
        Lines.Add(line);
        if (line.FobUsd > Main.FobUsd)
        {
            Main = line;
        }
    }

    /// <summary>FOB-equivalent USD, USD as invoiced, and quantity in the main line's unit, over the lines of
    /// <paramref name="shipmentId"/> when the invoice splits by shipment, else over all lines.</summary>
    public (double FobUsd, double ValueUsd, double Quantity) Totals(string? shipmentId)
    {
        var useShipment = false;
        if (shipmentId is not null && Lines.Count > 1)
        {
            foreach (var line in Lines)
            {
                if (string.Equals(line.ShipmentId?.Trim(), shipmentId, StringComparison.Ordinal))
                {
                    useShipment = true;
                    break;
                }
            }
        }

        double fob = 0, value = 0, quantity = 0;
        foreach (var line in Lines)
        {
            if (useShipment && !string.Equals(line.ShipmentId?.Trim(), shipmentId, StringComparison.Ordinal))
            {
                continue;
            }

            fob += line.FobUsd;
            value += line.ValueUsd;
            if (line.Unit == Main.Unit)
            {
                quantity += line.NormQuantity;
            }
        }

        return (fob, value, quantity);
    }

    /// <summary>Adds the quantity and FOB-equivalent USD of each unit (indexed by <see cref="BaseUnit"/>) over the lines
    /// of <paramref name="shipmentId"/> when the invoice splits by shipment, else over all lines.</summary>
    public void AddByUnit(string? shipmentId, Span<double> quantity, Span<double> fob)
    {
        var useShipment = false;
        if (shipmentId is not null && Lines.Count > 1)
        {
            foreach (var line in Lines)
            {
                useShipment |= string.Equals(line.ShipmentId?.Trim(), shipmentId, StringComparison.Ordinal);
            }
        }

        foreach (var line in Lines)
        {
            if (!useShipment || string.Equals(line.ShipmentId?.Trim(), shipmentId, StringComparison.Ordinal))
            {
                quantity[(int)line.Unit] += line.NormQuantity;
                fob[(int)line.Unit] += line.FobUsd;
            }
        }
    }
}
