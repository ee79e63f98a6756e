using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Analysis;

/// <summary>Receives flags; implementations are thread-safe.</summary>
public interface IFlagSink
{
    void Add(Flag flag);
}

/// <summary>
/// One detector: reads the context, adds flags. Detectors are independent of each other and may run in parallel;
/// they must not mutate the records.
/// </summary>
public interface IDetector
{
    /// <summary>Short stage name used in timings (e.g. "price", "mirror").</summary>
    string Name { get; }

    void Detect(AnalysisContext context, IFlagSink sink);
}

/// <summary>Builds exporter profiles after the record detectors ran, adding exporter-level flags.</summary>
public interface IExporterProfiler
{
    /// <summary>
    /// Optional work that needs only the records, not the flags; the analyzer runs it beside the detectors, before
    /// <see cref="Profile"/> on the same context.
    /// </summary>
    void Prepare(AnalysisContext context)
    {
    }

    IReadOnlyList<ExporterProfile> Profile(AnalysisContext context, IReadOnlyList<Flag> recordFlags, IFlagSink sink);
}
