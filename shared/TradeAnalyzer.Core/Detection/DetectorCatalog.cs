using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Profiles;

namespace TradeAnalyzer.Core.Detection;

/// <summary>The detectors that make up a default analysis, in the order their timings are reported.</summary>
public static class DetectorCatalog
{
    public static IReadOnlyList<IDetector> CreateDefault() =>
    [
        new PrecursorDetector(),
        new RouteDetector(),
        new SanctionsDetector(),
    ];

    /// <summary>The exporter profiler: profiles, 0-100 exporter scores, NEW_EXPORTER and EXPORTER_PROFILE.</summary>
    public static IExporterProfiler? CreateProfiler() => new ExporterProfiler();
}
