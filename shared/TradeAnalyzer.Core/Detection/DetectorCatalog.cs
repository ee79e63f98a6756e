using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection.Invoices;
using TradeAnalyzer.Core.Detection.Mirror;
using TradeAnalyzer.Core.Profiles;

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
        new PrecursorDetector(),
        new RouteDetector(),
        new SanctionsDetector(),
    ];

    /// <summary>The exporter profiler: profiles, 0-100 exporter scores, NEW_EXPORTER and EXPORTER_PROFILE.</summary>
    public static IExporterProfiler? CreateProfiler() => new ExporterProfiler();
}
