namespace TradeAnalyzer.Core.Analysis;

/// <summary>Tunable parameters of one analysis. Defaults are documented in docs/methods.md.</summary>
public sealed record AnalysisOptions
{
    /// <summary>The "today" of the analysis (NEW_EXPORTER windows); default: the latest record date in the data.</summary>
    public DateOnly? AsOf { get; init; }

    /// <summary>Tukey fence multiplier k on log unit prices (Q1 - k IQR, Q3 + k IQR).</summary>
    public double FenceK { get; init; } = 2.0;

    /// <summary>Smallest group that makes a baseline on its own (FAO uses n > 10).</summary>
    public int MinBaselineCount { get; init; } = 11;

    /// <summary>Smallest (origin, destination) group for a corridor-specific baseline.</summary>
    public int MinCorridorCount { get; init; } = 30;

    /// <summary>Days after an export within which the partner's import is looked for.</summary>
    public int MirrorWindowDays { get; init; } = 45;

    /// <summary>Days since first seen within which an exporter counts as new.</summary>
    public int NewExporterWindowDays { get; init; } = 90;

    /// <summary>Similarity (0-1) above which a party name matches a sanctions entry.</summary>
    public double SanctionsThreshold { get; init; } = 0.92;

    /// <summary>
    /// When true the mirror detector publishes the declarations it paired (<see cref="AnalysisArtifacts.MirrorPairs"/>):
    /// the store's standing view needs them to tell a later upload's verdict on an archived shipment from silence. Off by
    /// default (the single-run analysis has no use for them).
    /// </summary>
    public bool KeepMirrorPairs { get; init; }

    /// <summary>Language of explanations and workbooks: "en" (default) or "es".</summary>
    public string Language { get; init; } = "en";

    /// <summary>True when explanations are to be written in Spanish.</summary>
    public bool Spanish => string.Equals(Language, "es", StringComparison.OrdinalIgnoreCase);
}
