using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Reports;

/// <summary>The workbooks' own words (sheet names, headers, notes) in English or Spanish. Flag explanations are not translated here.</summary>
internal sealed class Labels
{
    private Labels(bool spanish) => Spanish = spanish;

    /// <summary>True for Spanish.</summary>
    public bool Spanish { get; }

    /// <summary>Language code for document properties.</summary>
    public string Code => Spanish ? "es" : "en";

    /// <summary>Labels for a language code ("es" is Spanish; anything else English).</summary>
    public static Labels For(string? language) => new(string.Equals(language, "es", StringComparison.OrdinalIgnoreCase));

    /// <summary>The English or the Spanish text.</summary>
    public string T(string english, string spanish) => Spanish ? spanish : english;

    /// <summary>A severity's display name.</summary>
    public string Severity(Severity severity) => severity switch
    {
        Core.Model.Severity.Critical => T("critical", "crítica"),
        Core.Model.Severity.High => T("high", "alta"),
        Core.Model.Severity.Medium => T("medium", "media"),
        _ => T("low", "baja"),
    };

    /// <summary>A risk tier's display name.</summary>
    public string Tier(RiskTier tier) => Severity((Severity)(int)tier);

    /// <summary>A record type's display name.</summary>
    public string RecordType(RecordType type) => type switch
    {
        Core.Model.RecordType.Declaration => T("declaration", "declaración"),
        Core.Model.RecordType.Invoice => T("invoice", "factura"),
        Core.Model.RecordType.Shipment => T("shipment", "embarque"),
        Core.Model.RecordType.Exporter => T("exporter", "exportador"),
        _ => T("corridor", "corredor"),
    };

    /// <summary>A disposition status's display name.</summary>
    public string Status(DispositionStatus status) => status switch
    {
        DispositionStatus.Pending => T("pending", "pendiente"),
        DispositionStatus.Reviewed => T("reviewed", "revisado"),
        DispositionStatus.Cleared => T("cleared", "descartado"),
        _ => T("escalated", "escalado"),
    };

    /// <summary>A note saying a list was split over several sheets.</summary>
    public string SplitNote(string name, IReadOnlyList<string> sheets) =>
        T($"{name} exceed Excel's 1,048,576 rows per sheet and continue over {sheets.Count} sheets: {string.Join(", ", sheets)}.",
          $"{name} superan las 1.048.576 filas por hoja de Excel y continúan en {sheets.Count} hojas: {string.Join(", ", sheets)}.");
}
