using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Reference;
using TradeAnalyzer.Core.Text;

namespace TradeAnalyzer.UnitTests.Detection;

/// <summary>Builds declaration and invoice lines and contexts for the risk detector tests.</summary>
internal static class RiskRecords
{
    public static DeclarationLine Line(
        string hs = "2915.39.99",
        string? description = "ethyl acetate",
        string exporter = "Shanghai Fine Chemical Co., Ltd.",
        string importer = "Distribuidora Norte SA de CV",
        string origin = "CN",
        string destination = "MX",
        string[]? transit = null,
        string[]? cas = null,
        double value = 10_000,
        string id = "D1",
        int lineNo = 1,
        DateOnly? date = null,
        string? exporterId = null) => new()
    {
        Source = new SourceRef("test.csv", lineNo + 1),
        DeclarationId = id,
        LineNo = lineNo,
        Flow = TradeFlow.Import,
        Date = date ?? new DateOnly(2026, 11, 20),
        ReporterCountry = destination,
        ExporterName = exporter,
        ImporterName = importer,
        ExporterId = exporterId,
        OriginCountry = origin,
        DestinationCountry = destination,
        Hs = HsCode.Parse(hs),
        Description = description,
        CasNumbers = cas ?? [],
        Quantity = 500,
        QuantityUnit = "kg",
        NormQuantity = 500,
        Unit = BaseUnit.Kg,
        Value = value,
        Currency = "USD",
        ValueUsd = value,
        FobUsd = value,
        TransitCountries = transit ?? [],
        ExporterKey = PartyNames.Key(exporter, exporterId),
    };

    public static InvoiceLine Invoice(
        string? hs = null,
        string? description = "ethyl acetate",
        string seller = "Shanghai Fine Chemical Co., Ltd.",
        string buyer = "Distribuidora Norte SA de CV",
        string? payer = null,
        string[]? cas = null,
        double value = 10_000,
        string number = "INV-1") => new()
    {
        Source = new SourceRef("invoices.csv", 2),
        InvoiceNumber = number,
        InvoiceDate = new DateOnly(2026, 11, 18),
        SellerName = seller,
        BuyerName = buyer,
        SellerCountry = "CN",
        BuyerCountry = "MX",
        Hs = hs is null ? null : HsCode.Parse(hs),
        Description = description,
        CasNumbers = cas ?? [],
        Quantity = 500,
        QuantityUnit = "kg",
        NormQuantity = 500,
        Unit = BaseUnit.Kg,
        LineTotal = value,
        Currency = "USD",
        ValueUsd = value,
        FobUsd = value,
        PayerName = payer,
    };

    public static AnalysisContext Context(
        IReadOnlyList<DeclarationLine> lines,
        IReadOnlyList<InvoiceLine>? invoices = null,
        SanctionsList? sanctions = null,
        AnalysisOptions? options = null,
        IReadOnlyDictionary<string, DateOnly>? firstSeen = null) => new()
    {
        Declarations = lines,
        Invoices = invoices ?? [],
        Reference = new ReferenceData
        {
            Watchlist = Watchlist.Default,
            Jurisdictions = JurisdictionList.Default,
            Sanctions = sanctions ?? SanctionsList.Empty,
        },
        Options = options ?? new AnalysisOptions(),
        ExporterFirstSeen = firstSeen ?? new Dictionary<string, DateOnly>(),
    };

    public static List<Flag> Run(IDetector detector, AnalysisContext context)
    {
        var sink = new ListSink();
        detector.Detect(context, sink);
        return sink.Flags;
    }

    public static string[][] Rows(string csv) =>
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r').Split(',')).ToArray();

    /// <summary>A thread-safe flag sink that keeps the flags in a list.</summary>
    public sealed class ListSink : IFlagSink
    {
        private readonly object _gate = new();

        public List<Flag> Flags { get; } = [];

        public void Add(Flag flag)
        {
            lock (_gate)
            {
                Flags.Add(flag);
            }
        }
    }
}
