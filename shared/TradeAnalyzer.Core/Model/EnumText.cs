namespace TradeAnalyzer.Core.Model;

/// <summary>Lower-case wire names of the model's enums, as written to CSV, JSON and storage.</summary>
public static class EnumText
{
    public static string ToText(this RecordType value) => value switch
    {
        RecordType.Declaration => "declaration",
        RecordType.Invoice => "invoice",
        RecordType.Shipment => "shipment",
        RecordType.Exporter => "exporter",
        RecordType.Corridor => "corridor",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    public static string ToText(this Severity value) => value switch
    {
        Severity.Low => "low",
        Severity.Medium => "medium",
        Severity.High => "high",
        Severity.Critical => "critical",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    public static string ToText(this TradeFlow value) => value == TradeFlow.Import ? "import" : "export";

    public static string ToText(this BaseUnit value) => value switch
    {
        BaseUnit.Kg => "kg",
        BaseUnit.L => "l",
        BaseUnit.U => "u",
        BaseUnit.Pair => "pr",
        BaseUnit.M => "m",
        BaseUnit.M2 => "m2",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    public static string ToText(this FileKind value) => value switch
    {
        FileKind.Declarations => "declarations",
        FileKind.Invoices => "invoices",
        FileKind.Fx => "fx",
        FileKind.Baselines => "baselines",
        FileKind.Sanctions => "sanctions",
        FileKind.Watchlist => "watchlist",
        FileKind.Jurisdictions => "jurisdictions",
        FileKind.Comtrade => "comtrade",
        _ => "unknown",
    };

    public static bool TryParseFileKind(string? text, out FileKind kind)
    {
        kind = (text ?? string.Empty).Trim().ToLowerInvariant() switch
        {
            "declarations" or "declaration" => FileKind.Declarations,
            "invoices" or "invoice" => FileKind.Invoices,
            "fx" => FileKind.Fx,
            "baselines" or "baseline" => FileKind.Baselines,
            "sanctions" => FileKind.Sanctions,
            "watchlist" => FileKind.Watchlist,
            "jurisdictions" => FileKind.Jurisdictions,
            "comtrade" => FileKind.Comtrade,
            _ => FileKind.Unknown,
        };
        return kind != FileKind.Unknown;
    }

    public static Severity SeverityFromScore(double score) => score switch
    {
        >= 80 => Severity.Critical,
        >= 60 => Severity.High,
        >= 40 => Severity.Medium,
        _ => Severity.Low,
    };
}
