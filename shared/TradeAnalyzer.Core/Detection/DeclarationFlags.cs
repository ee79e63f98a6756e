using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Detection;

/// <summary>Builds declaration-level flags with the identifying and context columns filled from the line.</summary>
internal static class DeclarationFlags
{
    public static Flag Create(
        DeclarationLine line, FlagCode code, double score, string explanation,
        string? expected = null, string? observed = null, double? valueAtRiskUsd = null) => new()
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
        HsCode = line.Hs.Display,
        ValueUsd = line.ValueUsd,
        ValueAtRiskUsd = valueAtRiskUsd,
        Expected = expected,
        Observed = observed,
        Explanation = explanation,
        ExporterKey = string.IsNullOrEmpty(line.ExporterKey) ? null : line.ExporterKey,
        Date = line.Date,
        OriginCountry = line.OriginCountry,
        DestinationCountry = line.DestinationCountry,
        Source = line.Source,
    };

    /// <summary>A number with thousands separators and 2 decimals (invariant), e.g. 24,000.00.</summary>
    public static string N2(double value) => value.ToString("N2", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A count with thousands separators, e.g. 1,240.</summary>
    public static string N0(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
