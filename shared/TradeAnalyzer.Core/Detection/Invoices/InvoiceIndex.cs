using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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

    /// <summary>Normalised invoice number -> its first document; the documents of other sellers with the same number
    /// follow through <see cref="InvoiceDocument.NextSameKey"/> (one dictionary entry and no list per number).</summary>
    private readonly Dictionary<string, InvoiceDocument> _byNumber = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InvoiceDocument> _byShipment = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sellers = new(StringComparer.Ordinal);

    /// <summary>Groups <paramref name="invoices"/> by (invoice number, seller); linear.</summary>
    public InvoiceIndex(IReadOnlyList<InvoiceLine> invoices)
    {
        var names = new NameCache();
        var documents = new List<InvoiceDocument>(invoices.Count);
        _byNumber.EnsureCapacity(invoices.Count);
        _byShipment.EnsureCapacity(invoices.Count);
        for (var i = 0; i < invoices.Count;)
        {
            // Lines of one invoice are usually consecutive: the run with the same number and seller as written joins
            // one document with one look-up.
            var line = invoices[i];
            var run = 1;
            while (i + run < invoices.Count
                && string.Equals(invoices[i + run].InvoiceNumber, line.InvoiceNumber, StringComparison.Ordinal)
                && string.Equals(invoices[i + run].SellerName, line.SellerName, StringComparison.Ordinal))
            {
                run++;
            }

            var key = ShipmentIndex.InvoiceKey(line.InvoiceNumber);
            var seller = names.Normalize(line.SellerName);
            ref var head = ref CollectionsMarshal.GetValueRefOrAddDefault(_byNumber, key, out _);
            InvoiceDocument? doc = null;
            InvoiceDocument? last = null;
            for (var d = head; d is not null; d = d.NextSameKey)
            {
                last = d;
                if (string.Equals(d.SellerNorm, seller, StringComparison.Ordinal))
                {
                    doc = d;
                    break;
                }
            }

            if (doc is null)
            {
                doc = new InvoiceDocument(line, key, seller, names.Normalize(line.BuyerName), run);
                if (last is null)
                {
                    head = doc;
                }
                else
                {
                    last.NextSameKey = doc;
                }

                documents.Add(doc);
                _sellers.Add(seller);
            }
            else
            {
                doc.Add(line);
            }

            string? previousShipment = null;
            for (var k = 0; k < run; k++)
            {
                var l = invoices[i + k];
                if (k > 0)
                {
                    doc.Add(l);
                }

                // A shipment id repeated on the next line is already indexed (TryAdd would keep the first document).
                if (!string.IsNullOrWhiteSpace(l.ShipmentId) && !ReferenceEquals(l.ShipmentId, previousShipment))
                {
                    _byShipment.TryAdd(l.ShipmentId.Trim(), doc);
                    previousShipment = l.ShipmentId;
                }
            }

            i += run;
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
        if (invoiceKey is { Length: > 0 } && _byNumber.TryGetValue(invoiceKey, out var first))
        {
            for (var d = first; d is not null; d = d.NextSameKey)
            {
                if (PartyMatch.Same(d.SellerNorm, d.Main.SellerId, exporterNorm, exporterId))
                {
                    return d;
                }
            }

            return first;
        }

        return shipmentId is not null && _byShipment.TryGetValue(shipmentId, out var doc) ? doc : null;
    }
}
