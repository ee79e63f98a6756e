using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection.Mirror;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Text;

namespace TradeAnalyzer.Core.Detection.Invoices;

/// <summary>
/// THIRD_PARTY_PAYMENT, per invoice: the payer is not the buyer, or the beneficiary is not the seller (normalised
/// names, <see cref="PartyMatch"/>), or the payer or beneficiary sits in a country that is neither the buyer's nor the
/// seller's. Invoices without payer and beneficiary columns are not judged.
/// </summary>
public sealed class ThirdPartyPaymentDetector : IDetector
{
    /// <summary>Numbers and dates in the texts as <see cref="Fmt"/> formats them: invariant culture.</summary>
    private static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;

    public string Name => "third-party-payment";

    public void Detect(AnalysisContext context, IFlagSink sink)
    {
        if (context.Invoices.Count == 0)
        {
            return;
        }

        var spanish = context.Options.Spanish;
        var index = InvoiceIndex.For(context);
        var names = new InstanceNames();

        // The verdict depends only on the parties (names, ids, countries, payer, beneficiary): when every line of an
        // invoice shares one parties part (nearly always), a part already found clean by this run (its mark holds this
        // run's stamp) is not judged again.
        var stamp = PartStamps.Next();
        // Exporter keys of the flagged invoices by seller name and id: a flagged invoice's parties part is nearly always
        // its own (its payer differs), so a memo by part (RiskFlags.InvoiceExporterKey) misses, but its seller repeats.
        var exporterKeys = new Dictionary<(string Name, string? Id), string>();
        long flagged = 0;
        for (var id = 0; id < index.DocumentCount; id++)
        {
            var doc = index.Document(id);
            var lines = doc.Lines;
            var part = SharedParties(lines);
            if (part is not null && Volatile.Read(ref part.CleanMark) == stamp)
            {
                continue;
            }

            var payer = FirstPresent(lines, Field.PayerName);
            var beneficiary = FirstPresent(lines, Field.BeneficiaryName);
            var payerCountry = FirstPresent(lines, Field.PayerCountry);
            var beneficiaryCountry = FirstPresent(lines, Field.BeneficiaryCountry);
            if (payer is null && beneficiary is null && payerCountry is null && beneficiaryCountry is null)
            {
                MarkClean(part, stamp);
                continue;
            }

            // Judge first, write the reasons only for the few invoices flagged.
            var inv = doc.Main;
            var payerIsThird = payer is not null && !SameParty(payer, lines[0].BuyerName, doc.BuyerNorm, names);
            var beneficiaryIsThird = beneficiary is not null && !SameParty(beneficiary, lines[0].SellerName, doc.SellerNorm, names);
            var knownCountries = inv.BuyerCountry is not null || inv.SellerCountry is not null;
            var payerAbroad = knownCountries && IsThirdCountry(payerCountry, inv);
            var beneficiaryAbroad = knownCountries && IsThirdCountry(beneficiaryCountry, inv);
            if (!payerIsThird && !beneficiaryIsThird && !payerAbroad && !beneficiaryAbroad)
            {
                MarkClean(part, stamp);
                continue;
            }

            var reasons = new List<string>(3);
            var third = 0;
            if (payerIsThird)
            {
                third++;
                reasons.Add(spanish ? $"paga {payer} y no el comprador {inv.BuyerName}" : $"{payer} pays instead of the buyer {inv.BuyerName}");
            }

            if (beneficiaryIsThird)
            {
                third++;
                reasons.Add(spanish ? $"cobra {beneficiary} y no el vendedor {inv.SellerName}" : $"{beneficiary} is paid instead of the seller {inv.SellerName}");
            }

            if (payerAbroad)
            {
                AddCountryReason(spanish ? "el pagador" : "the payer", payerCountry!, inv, spanish, reasons);
            }

            if (beneficiaryAbroad)
            {
                AddCountryReason(spanish ? "el beneficiario" : "the beneficiary", beneficiaryCountry!, inv, spanish, reasons);
            }

            var thirdCountry = payerAbroad || beneficiaryAbroad;
            flagged++;
            var (fob, value, _) = doc.Totals(null);
            var score = Math.Min(90, 50 + (10 * third) + (thirdCountry ? 15 : 0));
            // Straight into the flag's chunk (FlagTexts.Writer), worded as the strings were.
            var w = FlagTexts.Writer.Begin();
            w.Put(FlagTexts.Expected, Inv, $"{inv.BuyerName} ({inv.BuyerCountry ?? "?"}) -> {inv.SellerName} ({inv.SellerCountry ?? "?"})");
            w.Put(FlagTexts.Observed, Inv, $"{payer ?? inv.BuyerName} ({payerCountry ?? "?"}) -> {beneficiary ?? inv.SellerName} ({beneficiaryCountry ?? "?"})");
            if (spanish)
            {
                w.Part(Inv, $"Factura {inv.InvoiceNumber} del {inv.InvoiceDate:yyyy-MM-dd} de {inv.SellerName} a {inv.BuyerName} por {value:N2} USD: ");
            }
            else
            {
                w.Part(Inv, $"Invoice {inv.InvoiceNumber} of {inv.InvoiceDate:yyyy-MM-dd} from {inv.SellerName} to {inv.BuyerName} for {value:N2} USD: ");
            }

            for (var r = 0; r < reasons.Count; r++)
            {
                w.Part(Inv, $"{(r == 0 ? string.Empty : "; ")}{reasons[r]}");
            }

            w.Put(FlagTexts.Explanation, ".");
            sink.Add(new Flag
            {
                Code = FlagCode.ThirdPartyPayment,
                Score = score,
                Severity = EnumText.SeverityFromScore(score),
                RecordType = RecordType.Invoice,
                InvoiceNumber = inv.InvoiceNumber,
                ShipmentId = inv.ShipmentId,
                ExporterName = inv.SellerName,
                ImporterName = inv.BuyerName,
                HsCode = DeclarationFlags.HsText(inv.Hs),
                ValueUsd = Math.Round(value, 2),
                ValueAtRiskUsd = Math.Round(fob > 0 ? fob : value, 2),
                Texts = w.End(),
                ExporterKey = ExporterKey(exporterKeys, inv),
                Date = inv.InvoiceDate,
                OriginCountry = inv.SellerCountry,
                DestinationCountry = inv.BuyerCountry,
                Source = inv.Source,
            });
        }

        context.Artifacts.Counters["invoice.third_party"] = flagged;
    }

    /// <summary>The parties part of every line when they all share one, else null.</summary>
    private static InvoiceParties? SharedParties(ReadOnlySpan<InvoiceLine> lines)
    {
        if (lines.IsEmpty)
        {
            return null;
        }

        var part = lines[0].PartiesRef;
        for (var k = 1; k < lines.Length; k++)
        {
            if (!ReferenceEquals(lines[k].PartiesRef, part))
            {
                return null;
            }
        }

        return part;
    }

    /// <summary><see cref="PartyNames.Key"/> of the invoice's seller (a function of its name and id), remembered by both.</summary>
    private static string ExporterKey(Dictionary<(string Name, string? Id), string> memo, InvoiceLine inv)
    {
        ref var key = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(memo, (inv.SellerName, inv.SellerId), out var known);
        if (!known)
        {
            key = PartyNames.Key(inv.SellerName, inv.SellerId);
        }

        return key!;
    }

    private static void MarkClean(InvoiceParties? part, long stamp)
    {
        if (part is not null)
        {
            Volatile.Write(ref part.CleanMark, stamp);
        }
    }

    /// <summary>
    /// <see cref="PartyMatch.Same"/> of the payer's (or beneficiary's) name and the document's buyer (seller), whose
    /// normalised name is that of its first line's <paramref name="partyAsWritten"/>: a name written as that party's
    /// (nearly always) normalises to the same name, so it is not normalised again.
    /// </summary>
    private static bool SameParty(string name, string? partyAsWritten, string partyNorm, InstanceNames names) =>
        string.Equals(name, partyAsWritten, StringComparison.Ordinal)
            ? partyNorm.Length > 0
            : PartyMatch.Same(names.Normalize(name), null, partyNorm, null);

    /// <summary>True when <paramref name="country"/> is given and is neither the buyer's nor the seller's.</summary>
    private static bool IsThirdCountry(string? country, InvoiceLine inv) =>
        country is not null && !Same(country, inv.BuyerCountry) && !Same(country, inv.SellerCountry);

    private static void AddCountryReason(string who, string country, InvoiceLine inv, bool spanish, List<string> reasons) =>
        reasons.Add(spanish
            ? $"{who} está en {country}, ni el país del comprador ({inv.BuyerCountry ?? "?"}) ni el del vendedor ({inv.SellerCountry ?? "?"})"
            : $"{who} is in {country}, neither the buyer's ({inv.BuyerCountry ?? "?"}) nor the seller's ({inv.SellerCountry ?? "?"}) country");

    private static bool Same(string a, string? b) => string.Equals(a.Trim(), b?.Trim(), StringComparison.OrdinalIgnoreCase);

    /// <summary>The first line's non-blank value of <paramref name="field"/>, trimmed; null when every line leaves it blank.</summary>
    private static string? FirstPresent(ReadOnlySpan<InvoiceLine> lines, Field field)
    {
        foreach (var line in lines)
        {
            var v = field switch
            {
                Field.PayerName => line.PayerName,
                Field.BeneficiaryName => line.BeneficiaryName,
                Field.PayerCountry => line.PayerCountry,
                _ => line.BeneficiaryCountry,
            };
            if (!string.IsNullOrWhiteSpace(v))
            {
                return v.Trim();
            }
        }

        return null;
    }

    private enum Field
    {
        PayerName,
        BeneficiaryName,
        PayerCountry,
        BeneficiaryCountry,
    }
}
