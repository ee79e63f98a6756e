using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Detection.Invoices;

/// <summary>The lines of one invoice (one invoice number of one seller) with their totals: a view of one document of an <see cref="InvoiceIndex"/>.</summary>
public readonly struct InvoiceDocument : IEquatable<InvoiceDocument>
{
    private readonly InvoiceIndex _index;

    internal InvoiceDocument(InvoiceIndex index, int id)
    {
        _index = index;
        Id = id;
    }

    /// <summary>Position in the index (0 to <see cref="InvoiceIndex.DocumentCount"/> - 1, in order of first line).</summary>
    public int Id { get; }

    /// <summary>The lines in input order.</summary>
    public ReadOnlySpan<InvoiceLine> Lines => _index.LinesOf(Id);

    /// <summary>The line with the largest FOB value (the first of equals).</summary>
    public InvoiceLine Main => _index.MainOf(Id);

    /// <summary>The seller's normalised name (<see cref="Text.PartyNames.Normalize"/>).</summary>
    public string SellerNorm => _index.SellerNormOf(Id);

    /// <summary>The first line's buyer, normalised.</summary>
    public string BuyerNorm => _index.BuyerNormOf(Id);

    public static bool operator ==(InvoiceDocument left, InvoiceDocument right) => left.Equals(right);

    public static bool operator !=(InvoiceDocument left, InvoiceDocument right) => !left.Equals(right);

    /// <summary>FOB-equivalent USD, USD as invoiced, and quantity in the main line's unit, over the lines of
    /// <paramref name="shipmentId"/> when the invoice splits by shipment, else over all lines.</summary>
    public (double FobUsd, double ValueUsd, double Quantity) Totals(string? shipmentId)
    {
        var lines = Lines;
        var useShipment = UsesShipment(lines, shipmentId);
        var unit = Main.Unit;
        double fob = 0, value = 0, quantity = 0;
        foreach (var line in lines)
        {
            if (useShipment && !OfShipment(line, shipmentId!))
            {
                continue;
            }

            fob += line.FobUsd;
            value += line.ValueUsd;
            if (line.Unit == unit)
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
        var lines = Lines;
        var useShipment = UsesShipment(lines, shipmentId);
        foreach (var line in lines)
        {
            if (!useShipment || OfShipment(line, shipmentId!))
            {
                quantity[(int)line.Unit] += line.NormQuantity;
                fob[(int)line.Unit] += line.FobUsd;
            }
        }
    }

    /// <summary><see cref="Totals"/>' FOB-equivalent and invoiced USD and <see cref="AddByUnit"/> in one pass over the
    /// lines (same sums, same order).</summary>
    internal (double FobUsd, double ValueUsd) AddTotalsAndByUnit(string? shipmentId, Span<double> quantity, Span<double> fob)
    {
        var lines = Lines;
        var useShipment = UsesShipment(lines, shipmentId);
        double totalFob = 0, totalValue = 0;
        foreach (var line in lines)
        {
            if (!useShipment || OfShipment(line, shipmentId!))
            {
                totalFob += line.FobUsd;
                totalValue += line.ValueUsd;
                quantity[(int)line.Unit] += line.NormQuantity;
                fob[(int)line.Unit] += line.FobUsd;
            }
        }

        return (totalFob, totalValue);
    }

    public bool Equals(InvoiceDocument other) => ReferenceEquals(_index, other._index) && Id == other.Id;

    public override bool Equals(object? obj) => obj is InvoiceDocument other && Equals(other);

    public override int GetHashCode() => Id;

    /// <summary>True when the invoice has several lines and one of them is of <paramref name="shipmentId"/>.</summary>
    private static bool UsesShipment(ReadOnlySpan<InvoiceLine> lines, string? shipmentId)
    {
        if (shipmentId is null || lines.Length <= 1)
        {
            return false;
        }

        foreach (var line in lines)
        {
            if (OfShipment(line, shipmentId))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The line's shipment id, trimmed, equals <paramref name="shipmentId"/> (no trimmed copy allocated).</summary>
    private static bool OfShipment(InvoiceLine line, string shipmentId) =>
        line.ShipmentId is { } id && id.AsSpan().Trim().SequenceEqual(shipmentId);
}
