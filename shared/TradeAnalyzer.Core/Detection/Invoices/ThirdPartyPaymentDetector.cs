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
    public string Name => "third-party-payment";

    public void Detect(AnalysisContext context, IFlagSink sink)
    {
        if (context.Invoices.Count == 0)
        {
            return;
        }

        var spanish = context.Options.Spanish;
        var index = InvoiceIndex.For(context);
        var names = new NameCache();
        long flagged = 0;
        foreach (var doc in index.Documents)
        {
            var inv = doc.Main;
            var payer = FirstPresent(doc, static l => l.PayerName);
            var beneficiary = FirstPresent(doc, static l => l.BeneficiaryName);
            var payerCountry = FirstPresent(doc, static l => l.PayerCountry);
            var beneficiaryCountry = FirstPresent(doc, static l => l.BeneficiaryCountry);
            if (payer is null && beneficiary is null && payerCountry is null && beneficiaryCountry is null)
            {
                continue;
            }

            var reasons = new List<string>(3);
            var third = 0;
            if (payer is not null && !PartyMatch.Same(names.Normalize(payer), null, doc.BuyerNorm, null))
            {
                third++;
                reasons.Add(spanish ? $"paga {payer} y no el comprador {inv.BuyerName}" : $"{payer} pays instead of the buyer {inv.BuyerName}");
            }

            if (beneficiary is not null && !PartyMatch.Same(names.Normalize(beneficiary), null, doc.SellerNorm, null))
            {
                third++;
                reasons.Add(spanish ? $"cobra {beneficiary} y no el vendedor {inv.SellerName}" : $"{beneficiary} is paid instead of the seller {inv.SellerName}");
            }

            var knownCountries = inv.BuyerCountry is not null || inv.SellerCountry is not null;
            var thirdCountry = false;
            if (knownCountries)
            {
                thirdCountry |= CheckCountry(spanish ? "el pagador" : "the payer", payerCountry, inv, spanish, reasons);
                thirdCountry |= CheckCountry(spanish ? "el beneficiario" : "the beneficiary", beneficiaryCountry, inv, spanish, reasons);
            }

            if (reasons.Count == 0)
            {
                continue;
            }

            flagged++;
            var (fob, value, _) = doc.Totals(null);
            var score = Math.Min(90, 50 + (10 * third) + (thirdCountry ? 15 : 0));
            var joined = string.Join("; ", reasons);
            var text = spanish
                ? $"Factura {inv.InvoiceNumber} del {Fmt.Date(inv.InvoiceDate)} de {inv.SellerName} a {inv.BuyerName} por {Fmt.Usd(value)} USD: {joined}."
                : $"Invoice {inv.InvoiceNumber} of {Fmt.Date(inv.InvoiceDate)} from {inv.SellerName} to {inv.BuyerName} for {Fmt.Usd(value)} USD: {joined}.";
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
                HsCode = inv.Hs?.Display,
                ValueUsd = Math.Round(value, 2),
                ValueAtRiskUsd = Math.Round(fob > 0 ? fob : value, 2),
                Expected = $"{inv.BuyerName} ({inv.BuyerCountry ?? "?"}) -> {inv.SellerName} ({inv.SellerCountry ?? "?"})",
                Observed = $"{payer ?? inv.BuyerName} ({payerCountry ?? "?"}) -> {beneficiary ?? inv.SellerName} ({beneficiaryCountry ?? "?"})",
                Explanation = text,
                ExporterKey = PartyNames.Key(inv.SellerName, inv.SellerId),
                Date = inv.InvoiceDate,
                OriginCountry = inv.SellerCountry,
                DestinationCountry = inv.BuyerCountry,
                Source = inv.Source,
            });
        }

        context.Artifacts.Counters["invoice.third_party"] = flagged;
    }

    private static bool CheckCountry(string who, string? country, InvoiceLine inv, bool spanish, List<string> reasons)
    {
        if (country is null || Same(country, inv.BuyerCountry) || Same(country, inv.SellerCountry))
        {
            return false;
        }

        reasons.Add(spanish
            ? $"{who} está en {country}, ni el país del comprador ({inv.BuyerCountry ?? "?"}) ni el del vendedor ({inv.SellerCountry ?? "?"})"
            : $"{who} is in {country}, neither the buyer's ({inv.BuyerCountry ?? "?"}) nor the seller's ({inv.SellerCountry ?? "?"}) country");
        return true;
    }

    private static bool Same(string a, string? b) => string.Equals(a.Trim(), b?.Trim(), StringComparison.OrdinalIgnoreCase);

    private static string? FirstPresent(InvoiceDocument doc, Func<InvoiceLine, string?> field)
    {
        foreach (var line in doc.Lines)
        {
            var v = field(line);
            if (!string.IsNullOrWhiteSpace(v))
            {
                return v.Trim();
            }
        }

        return null;
    }
}
