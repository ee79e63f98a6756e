using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Scoring;

/// <summary>
/// The shipment a record belongs to, so that a shipment declared by both customs (an export and an import declaration,
/// often of several lines each) and reconciled as one shipment record is counted once: its bill of lading or waybill
/// (<c>shipment_id</c>, trimmed) when one was declared, else its declaration (the lines of one declaration are one
/// shipment), else, for an invoice with neither, the invoice. Kind tells which of the three <see cref="Text"/> is, so
/// an invoice number and a declaration id that read the same stay apart.
/// </summary>
internal readonly record struct ShipmentRef(RecordType Kind, string Text)
{
    /// <summary>The shipment of a declaration line.</summary>
    public static ShipmentRef Of(DeclarationLine line) =>
        IdOf(line.ShipmentId) is { } id ? new(RecordType.Shipment, id) : new(RecordType.Declaration, line.DeclarationId);

    /// <summary>
    /// The shipment of a record-level flag and the document it was seen on (<paramref name="view"/>: the declaration,
    /// the invoice, or the reconciled shipment record itself); false for exporter- and corridor-level flags and flags
    /// naming no document.
    /// </summary>
    public static bool TryOf(Flag f, out ShipmentRef shipment, out ShipmentRef view)
    {
        var id = IdOf(f.ShipmentId);
        switch (f.RecordType)
        {
            case RecordType.Declaration when f.DeclarationId is not null:
                view = new(RecordType.Declaration, f.DeclarationId);
                shipment = id is null ? view : new(RecordType.Shipment, id);
                return true;
            case RecordType.Shipment when id is not null || f.DeclarationId is not null:
                shipment = id is null ? new(RecordType.Declaration, f.DeclarationId!) : new(RecordType.Shipment, id);
                view = new(RecordType.Shipment, id ?? f.DeclarationId!);
                return true;
            case RecordType.Invoice when f.InvoiceNumber is not null:
                view = new(RecordType.Invoice, f.InvoiceNumber);
                shipment = id is null ? view : new(RecordType.Shipment, id);
                return true;
            default:
                shipment = view = default;
                return false;
        }
    }

    private static string? IdOf(string? shipmentId) => string.IsNullOrWhiteSpace(shipmentId) ? null : shipmentId.Trim();
}
