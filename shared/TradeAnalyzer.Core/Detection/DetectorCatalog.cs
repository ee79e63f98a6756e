using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection.Invoices;
using TradeAnalyzer.Core.Detection.Mirror;

namespace TradeAnalyzer.Core.Detection;

/// <summary>The detectors that make up a default analysis, in the order their timings are reported.</summary>
public static class DetectorCatalog
{
    public static IReadOnlyList<IDetector> CreateDefault() =>
    [
        new PriceDetector(),
        new WeightQuantityDetector(),
        new VagueDescriptionDetector(),
        new MirrorDetector(),
        new ComtradeMirrorDetector(),
        new InvoiceReconciliationDetector(),
        new InvoiceReuseDetector(),
        new ThirdPartyPaymentDetector(),
    ];

    public static IExporterProfiler? CreateProfiler() => null;
}
