using System.Runtime.CompilerServices;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection.Mirror;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Detection.Invoices;

/// <summary>
/// Invoice lines grouped into documents, looked up by normalised invoice number and by shipment id. Built once per
/// <see cref="AnalysisContext"/> and shared by the invoice detectors.
/// </summary>
public sealed class InvoiceIndex
{
    private static readonly ConditionalWeakTable<AnalysisContext, Lazy<InvoiceIndex>> Cache = [];

    private readonly Dictionary<string, List<InvoiceDocument>> _byNumber = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InvoiceDocument> _byShipment = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sellers = new(StringComparer.Ordinal);

    /// <summary>Groups <paramref name="invoices"/> by (invoice number, seller); linear.</summary>
    public InvoiceIndex(IReadOnlyList<InvoiceLine> invoices)
    {
        var names = new NameCache();
        var documents = new List<InvoiceDocument>(invoices.Count);
        var bySeller = new Dictionary<(string Number, string Seller), InvoiceDocument>(invoices.Count);
        _byNumber.EnsureCapacity(invoices.Count);
        _byShipment.EnsureCapacity(invoices.Count);
        InvoiceLine? previousLine = null;
        InvoiceDocument? previousDoc = null;
        foreach (var line in invoices)
        {
            // Lines of one invoice are usually consecutive: same number and seller as written give the same document.
            if (previousDoc is not null
                && string.Equals(line.InvoiceNumber, previousLine!.InvoiceNumber, StringComparison.Ordinal)
                && string.Equals(line.SellerName, previousLine.SellerName, StringComparison.Ordinal))
            {
                previousDoc.Add(line);
                previousLine = line;
                if (!string.IsNullOrWhiteSpace(line.ShipmentId))
                {
                    _byShipment.TryAdd(line.ShipmentId.Trim(), previousDoc);
                }

                continue;
            }

            var key = ShipmentIndex.InvoiceKey(line.InvoiceNumber);
            var seller = names.Normalize(line.SellerName);
            if (!_byNumber.TryGetValue(key, out var docs))
            {
                docs = new List<InvoiceDocument>(1);
                _byNumber.Add(key, docs);
            }

            if (!bySeller.TryGetValue((key, seller), out var doc))
            {
                doc = new InvoiceDocument(line, key, seller, names.Normalize(line.BuyerName));
                bySeller.Add((key, seller), doc);
                docs.Add(doc);
                documents.Add(doc);
                _sellers.Add(seller);
            }
            else
            {
                doc.Add(line);
            }

            if (!string.IsNullOrWhiteSpace(line.ShipmentId))
            {
                _byShipment.TryAdd(line.ShipmentId.Trim(), doc);
            }

            previousLine = line;
            previousDoc = doc;
        }

        Documents = documents;
    }

    /// <summary>The index of <paramref name="context"/>'s invoices, built on first use.</summary>
    public static InvoiceIndex For(AnalysisContext context) =>
        Cache.GetValue(context, c => new Lazy<InvoiceIndex>(() => new InvoiceIndex(c.Invoices))).Value;

    /// <summary>Forgets the index of <paramref name="context"/> (a later <see cref="For"/> builds it again).</summary>
    internal static void Release(AnalysisContext context) => Cache.Remove(context);

    /// <summary>Every invoice document in order of first line.</summary>
    public IReadOnlyList<InvoiceDocument> Documents { get; }

    /// <summary>True when some invoice was issued by the seller of this normalised name.</summary>
    public bool HasSeller(string sellerNorm) => _sellers.Contains(sellerNorm);

    /// <summary>The invoice a declaration refers to: by number (preferring the declared exporter as seller), else by shipment id.</summary>
    public InvoiceDocument? Find(string? invoiceKey, string? shipmentId, string exporterNorm, string? exporterId)
    {
        if (invoiceKey is { Length: > 0 } && _byNumber.TryGetValue(invoiceKey, out var docs))
        {
            foreach (var d in docs)
            {
                if (PartyMatch.Same(d.SellerNorm, d.Main.SellerId, exporterNorm, exporterId))
                {
                    return d;
                }
            }

            return docs[0];
        }

        return shipmentId is not null && _byShipment.TryGetValue(shipmentId, out var doc) ? doc : null;
    }
}
