using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Scoring;

/// <summary>
/// The shipment a record belongs to, so that a shipment declared by both customs (an export and an import declaration,
/// often of several lines each) and reconciled as one shipment record is counted once: its bill of lading or waybill
/// (<c>shipment_id</c>, trimmed) when one was declared, else its declaration (the lines of one declaration are one
/// shipment), else, for an invoice with neither, the invoice. Kind tells which of the three <see cref="Text"/> is, so
/// an invoice number and a declaration id that read the same stay apart.
/// </summary>
internal readonly record struct ShipmentRef(RecordType Kind, string Text) : IComparable<ShipmentRef>
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
        // True exactly for the flags RecordRef.TryOf places on a record.
        var id = IdOf(f.ShipmentId);
        switch (f.RecordType)
        {
            case RecordType.Declaration when f.DeclarationId is not null:
                view = new(RecordType.Declaration, f.DeclarationId);
                shipment = id is null ? view : new(RecordType.Shipment, id);
                return true;
            case RecordType.Shipment when f.ShipmentId is not null || f.DeclarationId is not null:
                // A blank shipment id falls back to the declaration; with neither, the blank id is the shipment.
                var text = id ?? f.DeclarationId ?? f.ShipmentId!;
                shipment = id is null && f.DeclarationId is not null ? new(RecordType.Declaration, f.DeclarationId) : new(RecordType.Shipment, text);
                view = new(RecordType.Shipment, text);
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

    /// <summary>
    /// Of two (shipment, view) pairs named by flags of one record, the first in <see cref="CompareTo"/> order:
    /// a record's shipment does not depend on which of its flags came first (detectors' flags of one record name the
    /// same shipment; this only settles records whose flags disagree).
    /// </summary>
    public static (ShipmentRef Shipment, ShipmentRef View) Earlier((ShipmentRef Shipment, ShipmentRef View) a, (ShipmentRef Shipment, ShipmentRef View) b)
    {
        if (a == b)
        {
            return a;
        }

        var c = a.Shipment.CompareTo(b.Shipment);
        if (c == 0)
        {
            c = a.View.CompareTo(b.View);
        }

        return c <= 0 ? a : b;
    }

    /// <summary>
    /// Of a record's figures so far (<paramref name="record"/>) and one more flag's, the record's shipment and view
    /// (<see cref="Earlier"/>) and its largest figure.
    /// </summary>
    public static (ShipmentRef Shipment, ShipmentRef View, double Largest) Fold(
        (ShipmentRef Shipment, ShipmentRef View, double Largest) record, ShipmentRef shipment, ShipmentRef view, double figure)
    {
        var (s, w) = Earlier((record.Shipment, record.View), (shipment, view));
        return (s, w, Math.Max(record.Largest, figure));
    }

    /// <summary>An order of shipment references: by kind, then text (ordinal).</summary>
    public int CompareTo(ShipmentRef other) =>
        Kind != other.Kind ? Kind.CompareTo(other.Kind) : string.CompareOrdinal(Text, other.Text);

    private static string? IdOf(string? shipmentId) => string.IsNullOrWhiteSpace(shipmentId) ? null : shipmentId.Trim();
}
