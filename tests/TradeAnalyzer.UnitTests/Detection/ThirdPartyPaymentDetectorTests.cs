using TradeAnalyzer.Core.Detection;
using TradeAnalyzer.Core.Detection.Invoices;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Text;
using static TradeAnalyzer.UnitTests.Detection.ReconciliationFixtures;

namespace TradeAnalyzer.UnitTests.Detection;

public class ThirdPartyPaymentDetectorTests
{
    private static readonly ThirdPartyPaymentDetector Detector = new();

    [Fact]
    public void Payer_other_than_the_buyer_is_flagged_on_the_invoice()
    {
        var flags = Run(Detector, [], [Invoice("INV-1", 100_000, payer: "Casa de Cambio Sur SA", payerCountry: "MX")]);

        var flag = Assert.Single(flags);
        Assert.Equal(FlagCode.ThirdPartyPayment, flag.Code);
        Assert.Equal(RecordType.Invoice, flag.RecordType);
        Assert.Equal("INV-1", flag.InvoiceNumber);
        Assert.Contains("Casa de Cambio Sur SA pays instead of the buyer", flag.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Beneficiary_in_a_third_country_scores_higher()
    {
        var otherName = Assert.Single(Run(Detector, [], [Invoice("INV-1", 100_000, beneficiary: "Star Holdings Ltd", beneficiaryCountry: "US")]));
        var thirdCountry = Assert.Single(Run(Detector, [], [Invoice("INV-1", 100_000, beneficiary: "Star Holdings Ltd", beneficiaryCountry: "HK")]));

        Assert.True(thirdCountry.Score > otherName.Score);
        Assert.Contains("HK", thirdCountry.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Buyer_paying_the_seller_under_other_spellings_is_not_flagged()
    {
        var flags = Run(Detector, [],
        [
            Invoice("INV-1", 100_000, payer: "QUIMICA DELTA SA DE CV", payerCountry: "MX", beneficiary: "Hubei Chem Company Limited", beneficiaryCountry: "US"),
            Invoice("INV-2", 100_000),
        ]);

        Assert.Empty(flags);
    }

    [Fact]
    public void Payment_from_the_sellers_country_by_the_buyer_is_not_a_third_country()
    {
        var flags = Run(Detector, [], [Invoice("INV-1", 100_000, payer: "Quimica Delta", payerCountry: "US")]);

        Assert.Empty(flags);
    }

    [Fact]
    public void Default_catalog_registers_the_reconciliation_detectors()
    {
        var names = DetectorCatalog.CreateDefault().Select(d => d.Name).ToList();

        Assert.Contains("mirror", names);
        Assert.Contains("mirror-comtrade", names);
        Assert.Contains("invoice", names);
        Assert.Contains("invoice-reuse", names);
        Assert.Contains("third-party-payment", names);
    }

    [Fact]
    public void Invoices_sharing_a_parties_part_get_the_same_verdict_each()
    {
        // As ingestion builds them: lines with the same parties share one parties part; a part found clean is not
        // judged again, a flagged one is flagged on every invoice.
        var clean = Invoice("INV-1", 100_000, payer: "Química Delta, S.A. de C.V.", payerCountry: "MX");
        var third = Invoice("INV-2", 50_000, payer: "Casa de Cambio Sur SA", payerCountry: "MX");
        InvoiceLine Like(InvoiceLine line, string number) => new(7, line.PartiesRef, line.TermsRef, line.GoodsRef)
        {
            InvoiceNumber = number,
            InvoiceDate = line.InvoiceDate,
            Quantity = 1,
            NormQuantity = 1,
            LineTotal = 10,
            ValueUsd = 10,
            FobUsd = 10,
        };

        var flags = Run(Detector, [], [clean, third, Like(clean, "INV-3"), Like(third, "INV-4"), Like(clean, "INV-5"), Like(third, "INV-6")]);

        Assert.Equal(["INV-2", "INV-4", "INV-6"], flags.Select(f => f.InvoiceNumber).Order(StringComparer.Ordinal));
        Assert.All(flags, f => Assert.Contains("Casa de Cambio Sur SA pays instead of the buyer", f.Explanation, StringComparison.Ordinal));
        // The exporter key, remembered by seller name and id after the first flag, is the seller's key on every flag.
        Assert.All(flags, f => Assert.Equal(PartyNames.Key(third.SellerName, third.SellerId), f.ExporterKey));
        var otherSeller = Invoice("INV-7", 50_000, seller: "Pacific Trading Ltd", payer: "Casa de Cambio Sur SA", payerCountry: "MX");
        var two = Run(Detector, [], [third, otherSeller, Like(third, "INV-8")]);
        Assert.Equal(
            [PartyNames.Key(third.SellerName, third.SellerId), PartyNames.Key("Pacific Trading Ltd", otherSeller.SellerId), PartyNames.Key(third.SellerName, third.SellerId)],
            two.OrderBy(f => f.InvoiceNumber, StringComparer.Ordinal).Select(f => f.ExporterKey));
    }

    [Fact]
    public void A_part_marked_clean_by_another_run_is_judged_again()
    {
        // A run marks the parts it found clean with its own stamp; a mark of an earlier run (here copied onto a part
        // that is not clean) must not make a later run skip the part.
        var clean = Invoice("INV-1", 100_000, payer: "Química Delta, S.A. de C.V.", payerCountry: "MX");
        var third = Invoice("INV-2", 50_000, payer: "Casa de Cambio Sur SA", payerCountry: "MX");
        Assert.Equal(["INV-2"], Run(Detector, [], [clean, third]).Select(f => f.InvoiceNumber));
        var earlier = clean.PartiesRef.CleanMark;
        Assert.NotEqual(0, earlier);
        Assert.Equal(0, third.PartiesRef.CleanMark); // flagged: not marked

        third.PartiesRef.CleanMark = earlier;
        Assert.Equal(["INV-2"], Run(Detector, [], [clean, third]).Select(f => f.InvoiceNumber));
        Assert.NotEqual(earlier, clean.PartiesRef.CleanMark); // marked again with the second run's stamp

        // A copy taken to be written into is a part of its own, unmarked.
        clean.PartiesRef.Shared = true;
        Assert.Equal(0, clean.PartiesRef.Owned<InvoiceParties>().CleanMark);
    }

    [Fact]
    public void A_lone_surrogate_in_the_payer_is_kept_as_the_string_path_keeps_it()
    {
        var payer = "Casa de Cambio \udc00 Sur SA";
        var flag = Assert.Single(Run(Detector, [], [Invoice("INV-1", 100_000, payer: payer, payerCountry: "MX")]));
        Assert.False(flag.Texts.IsUtf8);
        Assert.Contains($"{payer} pays instead of the buyer", flag.Explanation, StringComparison.Ordinal);
        Assert.StartsWith($"{payer} (MX) -> ", flag.Observed, StringComparison.Ordinal);
    }
}
