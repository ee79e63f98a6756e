using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Detection;

/// <summary>Builds declaration-level flags with the identifying and context columns filled from the line.</summary>
internal static class DeclarationFlags
{
    public static Flag Create(
        DeclarationLine line, FlagCode code, double score, string explanation,
        string? expected = null, string? observed = null, double? valueAtRiskUsd = null) =>
        Create(line, string.IsNullOrEmpty(line.ExporterKey) ? null : line.ExporterKey, code, score, explanation, expected, observed, valueAtRiskUsd);

    /// <summary>The flag with the given exporter key (the risk detectors' key: <see cref="RiskFlags.ExporterKeyOf"/>), made
    /// in one object rather than made and copied with another key.</summary>
    public static Flag Create(
        DeclarationLine line, string? exporterKey, FlagCode code, double score, string explanation,
        string? expected, string? observed, double? valueAtRiskUsd) =>
        Create(line, exporterKey, code, score, FlagTexts.Encode(explanation, expected, observed), valueAtRiskUsd);

    /// <summary>As the first overload, with the texts already written (<see cref="FlagTexts.Writer"/>).</summary>
    public static Flag Create(DeclarationLine line, FlagCode code, double score, FlagTexts texts, double? valueAtRiskUsd = null) =>
        Create(line, string.IsNullOrEmpty(line.ExporterKey) ? null : line.ExporterKey, code, score, texts, valueAtRiskUsd);

    /// <summary>The flag with its texts already written (<see cref="FlagTexts.Writer"/>).</summary>
    public static Flag Create(DeclarationLine line, string? exporterKey, FlagCode code, double score, FlagTexts texts, double? valueAtRiskUsd) => new()
    {
        Code = code,
        Score = score,
        Severity = EnumText.SeverityFromScore(score),
        RecordType = RecordType.Declaration,
        DeclarationId = line.DeclarationId,
        LineNo = line.LineNo,
        InvoiceNumber = line.InvoiceNumber,
        ShipmentId = line.ShipmentId,
        ExporterName = line.ExporterName,
        ImporterName = line.ImporterName,
        HsCode = HsText(line.Hs),
        ValueUsd = line.ValueUsd,
        ValueAtRiskUsd = valueAtRiskUsd,
        Texts = texts,
        ExporterKey = exporterKey,
        Date = line.Date,
        OriginCountry = line.OriginCountry,
        DestinationCountry = line.DestinationCountry,
        Source = line.Source,
    };

    /// <summary>
    /// <see cref="HsCode.Display"/> (which builds four strings each time), kept per thread by code
    /// (<see cref="ThreadMemo"/>): flags quote the few hundred codes of an upload over and over.
    /// </summary>
    public static string HsText(HsCode hs) => ThreadMemo.Get(ref t_displays, StringComparer.Ordinal, hs.Digits, hs, static code => code.Display);

    /// <summary><see cref="HsText(HsCode)"/> of a code that may be missing (an invoice line's).</summary>
    public static string? HsText(HsCode? hs) => hs is { } code ? HsText(code) : null;

    [ThreadStatic]
    private static Dictionary<string, string>? t_displays;

    /// <summary>A number with thousands separators and 2 decimals (invariant), e.g. 24,000.00.</summary>
    public static string N2(double value) => value.ToString("N2", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A count with thousands separators, e.g. 1,240.</summary>
    public static string N0(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
