using System.Runtime.InteropServices;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection.Mirror;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Detection.Invoices;

/// <summary>
/// Invoice against declaration (spec 2): each declaration (all its lines, under the first invoice number it declares) is compared
/// with the invoice it names, found by invoice number (preferring the declared exporter as seller) or else by
/// shipment id. Emits INVOICE_VALUE_MISMATCH (FOB-equivalent USD, so incoterm- and currency-adjusted),
/// INVOICE_QUANTITY_MISMATCH, INVOICE_PARTY_MISMATCH and INVOICE_MISSING. A missing invoice is only flagged when
/// invoices were supplied for the same exporter (as seller, or for another of its declarations) or for other
/// declarations of the same reporter and month, so that uploading declarations alone never flags.
/// </summary>
public sealed class InvoiceReconciliationDetector : IDetector
{
    /// <summary>Relative value difference tolerated when declaration and invoice use the same incoterm (FX dates, rounding).</summary>
    public const double SameTermTolerance = 0.05;

    /// <summary>Relative quantity difference tolerated (unit conversion, rounding).</summary>
    public const double QuantityTolerance = 0.03;

    /// <summary>Slots for per-unit sums, indexed by <see cref="BaseUnit"/>.</summary>
    private const int UnitSlots = 8;

    /// <summary>How many shipments ahead the comparison loop asks for a shipment's document.</summary>
    private const int CompareAhead = 8;

    public string Name => "invoice";

    public void Detect(AnalysisContext context, IFlagSink sink)
    {
        if (context.Invoices.Count == 0 || context.Declarations.Count == 0)
        {
            return;
        }

        var shipments = ShipmentIndex.For(context);
        var invoices = InvoiceIndex.For(context);
        var spanish = context.Options.Spanish;
        // Exporters by the shipment index's normalised-name id, reporter months as (reporter id, month) in one long:
        // no string hashed per shipment.
        var exportersCovered = new bool[64];
        var monthsCovered = new Dictionary<long, int>();
        var reporters = new Dictionary<string, int>(StringComparer.Ordinal);
        // Per route part of the shipment index: its reporter's id + 1 (0 = not looked up yet). The parts are few and
        // numbered per shipment already, so the reporter's text is hashed once per part, not whenever it changes.
        var reporterOfRoute = new int[shipments.RouteParts.Length];
        var missing = new List<DeclarationShipment>();
        long compared = 0;

        // First the document each shipment's invoice number leads to; the few shipments whose number is not among the
        // invoices are then looked up by shipment id all at once (one pass over the invoice lines).
        var all = shipments.All;
        var firstDoc = new int[all.Count];
        var byShipment = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var k = 0; k < firstDoc.Length; k++)
        {
            var first = firstDoc[k] = invoices.FirstWithKey(shipments, shipments.InvoiceIds[k]);
            if (first < 0 && shipments.ShipmentIds[k] is { } shipmentId)
            {
                byShipment.TryAdd(shipmentId, -1);
            }
        }

        invoices.FindByShipment(byShipment);

        for (var k = 0; k < firstDoc.Length; k++)
        {
            // The document of the shipment CompareAhead on (its lines and names), asked for while this one is compared.
            if (k + CompareAhead < firstDoc.Length)
            {
                invoices.Prefetch(firstDoc[k + CompareAhead]);
            }

            var s = all[k];
            var invoiceId = s.InvoiceId;
            if (invoiceId == ShipmentIndex.NoInvoice && s.ShipmentId is null)
            {
                continue;
            }

            bool? sellerMatches = null;
            // The main line is not read for a shipment that compares clean: its route and parties parts come from the
            // index's part numbers, its quantities per unit from the index's sums.
            var d = firstDoc[k] >= 0 ? invoices.FromFirst(firstDoc[k], s.ExporterNorm, shipments.PartiesOf(k), out sellerMatches)
                : s.ShipmentId is { } shipmentId ? byShipment[shipmentId]
                : -1;
            if (d < 0)
            {
                if (ShipmentIndex.HasKey(invoiceId))
                {
                    missing.Add(s);
                }

                continue;
            }

            var doc = invoices.Document(d);
            compared++;
            if (s.ExporterId >= exportersCovered.Length)
            {
                Array.Resize(ref exportersCovered, Math.Max(s.ExporterId + 1, exportersCovered.Length * 2));
            }

            exportersCovered[s.ExporterId] = true;
            CollectionsMarshal.GetValueRefOrAddDefault(monthsCovered, MonthKey(s), out _)++;
            Compare(shipments, s, doc, sellerMatches, spanish, sink);
        }

        foreach (var s in missing)
        {
            var exporterCovered = (s.ExporterId < exportersCovered.Length && exportersCovered[s.ExporterId]) || invoices.HasSeller(s.ExporterNorm);
            monthsCovered.TryGetValue(MonthKey(s), out var inMonth);
            if (!exporterCovered && inMonth == 0)
            {
                continue;
            }

            // Straight into the flag's chunk (FlagTexts.Writer), worded as the strings were.
            var w = FlagTexts.Writer.Begin();
            w.Put(FlagTexts.Expected, Inv, $"invoice {s.InvoiceNumber}");
            w.Put(FlagTexts.Observed, "not supplied");
            if (spanish)
            {
                w.Part(Inv, $"La declaración {s.DeclarationId} de {s.Reporter} del {s.Date:yyyy-MM-dd} ({s.FobUsd:N2} USD FOB) cita la factura {s.InvoiceNumber}, que no figura entre las facturas aportadas, ");
                if (exporterCovered)
                {
                    w.Put(FlagTexts.Explanation, Inv, $"aunque se aportaron facturas de {s.Main.ExporterName}.");
                }
                else
                {
                    w.Put(FlagTexts.Explanation, Inv, $"aunque se aportaron las facturas de {inMonth:N0} otras declaraciones de {s.Reporter} de ese mes.");
                }
            }
            else
            {
                w.Part(Inv, $"Declaration {s.DeclarationId} ({s.Reporter}, {s.Date:yyyy-MM-dd}, {s.FobUsd:N2} USD FOB) names invoice {s.InvoiceNumber}, which is not among the invoices supplied, ");
                if (exporterCovered)
                {
                    w.Put(FlagTexts.Explanation, Inv, $"although invoices of {s.Main.ExporterName} were supplied.");
                }
                else
                {
                    w.Put(FlagTexts.Explanation, Inv, $"although the invoices of {inMonth:N0} other {s.Reporter} declarations of that month were supplied.");
                }
            }

            var score = exporterCovered ? 55 : 45;
            sink.Add(NewFlag(FlagCode.InvoiceMissing, score, s, s.InvoiceNumber, s.FobUsd, w.End()));
        }

        context.Artifacts.Counters["invoice.compared"] = compared;

        // The reporter's id (by the shipment's route part number) and the month since year 0, from the day number by
        // integer arithmetic (DateOnly's Year and Month would each convert the day number again).
        long MonthKey(DeclarationShipment s)
        {
            var route = shipments.RouteNumbers[s.Index];
            var reporterId = reporterOfRoute[route] - 1;
            if (reporterId < 0)
            {
                ref var id = ref CollectionsMarshal.GetValueRefOrAddDefault(reporters, shipments.RouteParts[route].ReporterCountry, out var known);
                if (!known)
                {
                    id = reporters.Count - 1;
                }

                reporterId = id;
                reporterOfRoute[route] = id + 1;
            }

            return ((long)reporterId << 32) | (uint)CalendarMonths.OfDay(s.Day);
        }
    }

    private static void Compare(ShipmentIndex shipments, DeclarationShipment s, InvoiceDocument doc, bool? sellerMatches, bool spanish, IFlagSink sink)
    {
        var inv = doc.Main;
        var route = shipments.RouteOf(s.Index);
        var parties = shipments.PartiesOf(s.Index);

        // Quantities per unit on both sides (a declaration may mix kg and pieces); the unit that differs most counts.
        Span<double> declared = stackalloc double[UnitSlots];
        Span<double> invoiced = stackalloc double[UnitSlots];
        Span<double> invoicedFob = stackalloc double[UnitSlots];
        var (fob, value) = doc.AddTotalsAndByUnit(s.ShipmentId, invoiced, invoicedFob);
        var number = inv.InvoiceNumber;

        if (fob > 0)
        {
            var sameTerm = inv.Incoterm == route.Incoterm;
            var tolerance = sameTerm ? SameTermTolerance : MirrorAllowances.ValueTolerance(route.Mode);
            var diff = s.FobUsd - fob;
            var rel = Math.Abs(diff) / fob;
            if (rel > tolerance)
            {
                var score = MirrorAllowances.ScoreFromRatio(rel / tolerance);
                var direction = diff < 0
                    ? spanish ? "menos" : "less"
                    : spanish ? "más" : "more";

                // Written straight into the flag's UTF-8 texts (FlagTexts.Writer), the figures as Fmt formats them
                // (invariant N2); the chunk grows when a text does not fit.
                var w = FlagTexts.Writer.Begin();
                w.Put(FlagTexts.Expected, Inv, $"invoice {number}: {fob:N2} USD FOB-equivalent");
                w.Put(FlagTexts.Observed, Inv, $"{s.FobUsd:N2} USD FOB-equivalent");
                if (spanish)
                {
                    w.Put(FlagTexts.Explanation, Inv, $"La declaración {s.DeclarationId} de {s.Reporter} ({s.Date:yyyy-MM-dd}) declara {s.FobUsd:N2} USD equivalente FOB ({s.ValueUsd:N2} USD {Term(s.Main.Incoterm)}) mientras la factura {number} del {inv.InvoiceDate:yyyy-MM-dd} suma {fob:N2} USD equivalente FOB ({value:N2} USD {Term(inv.Incoterm)}), {Math.Abs(diff):N2} USD {direction} ({rel * 100:N0}%, tolerancia {tolerance * 100:N0}%).");
                }
                else
                {
                    w.Put(FlagTexts.Explanation, Inv, $"Declaration {s.DeclarationId} ({s.Reporter}, {s.Date:yyyy-MM-dd}) declares {s.FobUsd:N2} USD FOB-equivalent ({s.ValueUsd:N2} USD {Term(s.Main.Incoterm)}) while invoice {number} of {inv.InvoiceDate:yyyy-MM-dd} totals {fob:N2} USD FOB-equivalent ({value:N2} USD {Term(inv.Incoterm)}), {Math.Abs(diff):N2} USD {direction} ({rel * 100:N0}%, tolerance {tolerance * 100:N0}%).");
                }

                sink.Add(NewFlag(FlagCode.InvoiceValueMismatch, score, s, number, Math.Abs(diff), w.End()));
            }
        }

        shipments.AddDeclaredByUnit(s.Index, declared);

        var worst = -1;
        var worstRel = QuantityTolerance;
        for (var u = 0; u < UnitSlots; u++)
        {
            if (declared[u] > 0 && invoiced[u] > 0)
            {
                var r = Math.Abs(declared[u] - invoiced[u]) / Math.Max(declared[u], invoiced[u]);
                if (r > worstRel)
                {
                    worst = u;
                    worstRel = r;
                }
            }
        }

        if (worst >= 0)
        {
            var rel = worstRel;
            var dq = declared[worst];
            var iq = invoiced[worst];
            var unit = Fmt.Unit((BaseUnit)worst);
            var atRisk = Math.Abs(dq - iq) * (invoicedFob[worst] / iq);
            // As the value mismatch: straight into UTF-8, the quantities as Fmt.Num formats them (invariant N2).
            var w = FlagTexts.Writer.Begin();
            w.Put(FlagTexts.Expected, Inv, $"invoice {number}: {iq:N2} {unit}");
            w.Put(FlagTexts.Observed, Inv, $"{dq:N2} {unit}");
            if (spanish)
            {
                w.Put(FlagTexts.Explanation, Inv, $"La declaración {s.DeclarationId} de {s.Reporter} declara {dq:N2} {unit} pero la factura {number} factura {iq:N2} {unit}, una diferencia del {rel * 100:N0}% (tolerancia {QuantityTolerance * 100:N0}%) que vale {atRisk:N2} USD al precio facturado.");
            }
            else
            {
                w.Put(FlagTexts.Explanation, Inv, $"Declaration {s.DeclarationId} ({s.Reporter}) declares {dq:N2} {unit} but invoice {number} bills {iq:N2} {unit}, a {rel * 100:N0}% difference (tolerance {QuantityTolerance * 100:N0}%) worth {atRisk:N2} USD at the invoiced price.");
            }

            sink.Add(NewFlag(FlagCode.InvoiceQuantityMismatch, MirrorAllowances.ScoreFromRatio(rel / QuantityTolerance), s, number, atRisk, w.End()));
        }

        // Names first: the tax ids are read only when the names differ (PartyMatch.Same, lazily).
        var sellerOk = sellerMatches ?? (PartyMatch.SameName(doc.SellerNorm, s.ExporterNorm) || PartyMatch.SameIds(inv.SellerId, parties.ExporterId));
        var buyerOk = PartyMatch.SameName(doc.BuyerNorm, s.ImporterNorm) || PartyMatch.SameIds(inv.BuyerId, parties.ImporterId);
        if (!sellerOk || !buyerOk)
        {
            var w = FlagTexts.Writer.Begin();
            w.Put(FlagTexts.Expected, Inv, $"{s.Main.ExporterName} -> {s.Main.ImporterName}");
            w.Put(FlagTexts.Observed, Inv, $"{inv.SellerName} -> {inv.BuyerName}");
            if (spanish)
            {
                w.Part(Inv, $"En la factura {number} citada por la declaración {s.DeclarationId} de {s.Reporter} ({s.FobUsd:N2} USD FOB), ");
            }
            else
            {
                w.Part(Inv, $"On invoice {number} named by {s.Reporter} declaration {s.DeclarationId} ({s.FobUsd:N2} USD FOB), ");
            }
            if (!sellerOk)
            {
                if (spanish)
                {
                    w.Part(Inv, $"el vendedor es {inv.SellerName} y no el exportador declarado {s.Main.ExporterName}{(buyerOk ? string.Empty : " y ")}");
                }
                else
                {
                    w.Part(Inv, $"the seller is {inv.SellerName}, not the declared exporter {s.Main.ExporterName}{(buyerOk ? string.Empty : " and ")}");
                }
            }

            if (!buyerOk)
            {
                if (spanish)
                {
                    w.Part(Inv, $"el comprador es {inv.BuyerName} y no el importador declarado {s.Main.ImporterName}");
                }
                else
                {
                    w.Part(Inv, $"the buyer is {inv.BuyerName}, not the declared importer {s.Main.ImporterName}");
                }
            }

            w.Put(FlagTexts.Explanation, ".");
            var score = sellerOk || buyerOk ? 60 : 75;
            sink.Add(NewFlag(FlagCode.InvoicePartyMismatch, score, s, number, s.FobUsd, w.End()));
        }
    }

    /// <summary>Numbers in the texts are formatted as <see cref="Fmt"/> formats them: invariant culture.</summary>
    private static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;

    /// <summary><see cref="Fmt.Term"/> of each incoterm, computed once.</summary>
    private static readonly string?[] Terms = TermTexts();

    private static string Term(Incoterm term) => (uint)term < (uint)Terms.Length && Terms[(int)term] is { } text ? text : Fmt.Term(term);

    private static string?[] TermTexts()
    {
        var terms = Enum.GetValues<Incoterm>();
        var texts = new string?[terms.Max(t => (int)t) + 1];
        foreach (var term in terms)
        {
            if (term >= 0)
            {
                texts[(int)term] = Fmt.Term(term);
            }
        }

        return texts;
    }

    private static Flag NewFlag(FlagCode code, double score, DeclarationShipment s, string? invoiceNumber, double atRisk,
        FlagTexts texts) => new()
    {
        Code = code,
        Score = score,
        Severity = EnumText.SeverityFromScore(score),
        RecordType = RecordType.Declaration,
        DeclarationId = s.DeclarationId,
        LineNo = s.Lines.Count == 1 ? s.Main.LineNo : null,
        InvoiceNumber = invoiceNumber,
        ShipmentId = s.ShipmentId,
        ExporterName = s.Main.ExporterName,
        ImporterName = s.Main.ImporterName,
        HsCode = DeclarationFlags.HsText(s.Main.Hs),
        ValueUsd = Math.Round(s.ValueUsd, 2),
        ValueAtRiskUsd = Math.Round(atRisk, 2),
        Texts = texts,
        ExporterKey = s.Main.ExporterKey.Length > 0 ? s.Main.ExporterKey : null,
        Date = s.Date,
        OriginCountry = s.Main.OriginCountry,
        DestinationCountry = s.Main.DestinationCountry,
        Source = s.Main.Source,
    };
}
