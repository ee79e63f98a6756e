using TradeAnalyzer.Core.Analysis;

namespace TradeAnalyzer.Core.Detection;

/// <summary>The detectors that make up a default analysis, in the order their timings are reported.</summary>
public static class DetectorCatalog
{
    public static IReadOnlyList<IDetector> CreateDefault() =>
    [
        new PriceDetector(),
        new WeightQuantityDetector(),
        new VagueDescriptionDetector(),
    ];

    public static IExporterProfiler? CreateProfiler() => null;
}
