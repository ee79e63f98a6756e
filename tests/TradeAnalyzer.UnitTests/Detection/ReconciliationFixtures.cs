using System.Collections.Concurrent;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection.Mirror;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Text;

namespace TradeAnalyzer.UnitTests.Detection;

/// <summary>Builders of declarations, invoices and comtrade rows for the reconciliation detector tests.</summary>
internal static class ReconciliationFixtures
{
    public static readonly DateOnly Day0 = new(2026, 7, 2);

    public static DeclarationLine Export(string id, double fobUsd, double quantity = 10_000, string hs = "29333999",
        DateOnly? date = null, string? shipmentId = null, string? invoice = null, string exporter = "Hubei Chem Co., Ltd.",
        string importer = "Química Delta, S.A. de C.V.", string reporter = "US", string destination = "MX",
        TransportMode mode = TransportMode.Sea, BaseUnit unit = BaseUnit.Kg, int lineNo = 1) => new()
    {
        Source = new SourceRef("decl.csv", 2),
        DeclarationId = id,
        LineNo = lineNo,
        Flow = TradeFlow.Export,
        Date = date ?? Day0,
        ReporterCountry = reporter,
        ExporterName = exporter,
        ImporterName = importer,
        ExporterCountry = reporter,
        ImporterCountry = destination,
        OriginCountry = reporter,
        DestinationCountry = destination,
        Hs = HsCode.Parse(hs),
        Quantity = quantity,
        QuantityUnit = unit.ToText(),
        NormQuantity = quantity,
        Unit = unit,
        Value = fobUsd,
        Currency = "USD",
        ValueUsd = fobUsd,
        FobUsd = fobUsd,
        Incoterm = Incoterm.Fob,
        Mode = mode,
        ShipmentId = shipmentId,
        InvoiceNumber = invoice,
        ExporterKey = "N:" + PartyNames.Normalize(exporter),
    };

    /// <summary>An import declared CIF: <paramref name="cifUsd"/> as declared, FOB-equivalent by the mode's factor.</summary>
    public static DeclarationLine Import(string id, double cifUsd, double quantity = 10_000, string hs = "29333999",
        DateOnly? date = null, string? shipmentId = null, string? invoice = null, string exporter = "HUBEI CHEM CO LTD",
        string importer = "QUIMICA DELTA SA DE CV", string reporter = "MX", string origin = "US",
        TransportMode mode = TransportMode.Sea, BaseUnit unit = BaseUnit.Kg, int lineNo = 1) => new()
    {
        Source = new SourceRef("pedimentos.csv", 2),
        DeclarationId = id,
        LineNo = lineNo,
        Flow = TradeFlow.Import,
        Date = date ?? Day0.AddDays(12),
        ReporterCountry = reporter,
        ExporterName = exporter,
        ImporterName = importer,
        ExporterCountry = origin,
        ImporterCountry = reporter,
        OriginCountry = origin,
        DestinationCountry = reporter,
        Hs = HsCode.Parse(hs),
        Quantity = quantity,
        QuantityUnit = unit.ToText(),
        NormQuantity = quantity,
        Unit = unit,
        Value = cifUsd,
        Currency = "USD",
        ValueUsd = cifUsd,
        FobUsd = cifUsd / MirrorAllowances.CifFobFactor(mode),
        Incoterm = Incoterm.Cif,
        Mode = mode,
        ShipmentId = shipmentId,
        InvoiceNumber = invoice,
        ExporterKey = "N:" + PartyNames.Normalize(exporter),
    };

    public static InvoiceLine Invoice(string number, double fobUsd, double quantity = 10_000, string seller = "Hubei Chem Co., Ltd.",
        string buyer = "Química Delta, S.A. de C.V.", DateOnly? date = null, string? payer = null, string? payerCountry = null,
        string? beneficiary = null, string? beneficiaryCountry = null, string? shipmentId = null, Incoterm incoterm = Incoterm.Fob,
        string sellerCountry = "US", string buyerCountry = "MX", string? sellerId = null, BaseUnit unit = BaseUnit.Kg) => new()
    {
        Source = new SourceRef("invoices.csv", 2),
        InvoiceNumber = number,
        InvoiceDate = date ?? Day0.AddDays(-4),
        SellerName = seller,
        BuyerName = buyer,
        SellerCountry = sellerCountry,
        BuyerCountry = buyerCountry,
        SellerId = sellerId,
        Hs = HsCode.Parse("29333999"),
        Quantity = quantity,
        QuantityUnit = unit.ToText(),
        NormQuantity = quantity,
        Unit = unit,
        LineTotal = fobUsd,
        Currency = "USD",
        ValueUsd = fobUsd,
        FobUsd = fobUsd,
        Incoterm = incoterm,
        PayerName = payer,
        PayerCountry = payerCountry,
        BeneficiaryName = beneficiary,
        BeneficiaryCountry = beneficiaryCountry,
        ShipmentId = shipmentId,
    };

    public static ComtradeRow Comtrade(string reporter, string partner, TradeFlow flow, double valueUsd, string code = "293339",
        string period = "2025", double? weightKg = null) => new()
    {
        Source = new SourceRef("comtrade.csv", 2),
        Period = period,
        Reporter = reporter,
        Partner = partner,
        Flow = flow,
        CommodityCode = code,
        TradeValueUsd = valueUsd,
        NetWeightKg = weightKg,
    };

    public static List<Flag> Run(IDetector detector, IEnumerable<DeclarationLine> declarations, IEnumerable<InvoiceLine>? invoices = null,
        IEnumerable<ComtradeRow>? comtrade = null, bool spanish = false, int window = 45)
    {
        var context = new AnalysisContext
        {
            Declarations = declarations.ToList(),
            Invoices = (invoices ?? []).ToList(),
            Comtrade = (comtrade ?? []).ToList(),
            Options = new AnalysisOptions { Language = spanish ? "es" : "en", MirrorWindowDays = window },
        };
        var sink = new ListSink();
        detector.Detect(context, sink);
        return [.. sink.Flags];
    }

    /// <summary>Background trade that makes both customs present for July 2026 (so MIRROR_MISSING may apply).</summary>
    public static IEnumerable<DeclarationLine> Background(int pairs = 3)
    {
        for (var i = 0; i < pairs; i++)
        {
            var date = Day0.AddDays(i * 25);
            yield return Export($"BG-E{i}", 5_000, 100, hs: "28011000", date: date, shipmentId: $"BG-BL{i}", exporter: $"Other Exporter {i}", importer: $"Other Importer {i}");
            yield return Import($"BG-I{i}", 5_350, 100, hs: "28011000", date: date.AddDays(5), shipmentId: $"BG-BL{i}", exporter: $"Other Exporter {i}", importer: $"Other Importer {i}");
        }
    }

    private sealed class ListSink : IFlagSink
    {
        public ConcurrentQueue<Flag> Flags { get; } = new();

        public void Add(Flag flag) => Flags.Enqueue(flag);
    }
}
