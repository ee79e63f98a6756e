using System.Globalization;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Text;

namespace TradeAnalyzer.Core.Detection;

/// <summary>Builds the flags of the risk detectors (precursors, routes, sanctions) with the record's identifying columns filled.</summary>
internal static class RiskFlags
{
    /// <summary>Thousands separators and 2 decimals, invariant culture: 12,345.60.</summary>
    public static string N2(double value) => DeclarationFlags.N2(value);

    public static string Percent(double share) => (share * 100).ToString("N2", CultureInfo.InvariantCulture) + "%";

    public static double Clamp(double score) => Math.Round(Math.Clamp(score, 0, 100), 1);

    public static Flag ForDeclaration(DeclarationLine d, FlagCode code, double score, string explanation, string? expected = null, string? observed = null, double? valueAtRisk = null) =>
        DeclarationFlags.Create(d, code, Clamp(score), explanation, expected, observed, valueAtRisk) with { ExporterKey = ExporterKeyOf(d) };

    public static Flag ForInvoice(InvoiceLine i, FlagCode code, double score, string explanation, string? expected = null, string? observed = null, double? valueAtRisk = null)
    {
        var s = Clamp(score);
        return new Flag
        {
            Code = code,
            Score = s,
            Severity = EnumText.SeverityFromScore(s),
            RecordType = RecordType.Invoice,
            LineNo = i.LineNo,
            InvoiceNumber = i.InvoiceNumber,
            ShipmentId = i.ShipmentId,
            ExporterName = i.SellerName,
            ImporterName = i.BuyerName,
            HsCode = i.Hs?.Display,
            ValueUsd = i.ValueUsd,
            ValueAtRiskUsd = valueAtRisk,
            Expected = expected,
            Observed = observed,
            Explanation = explanation,
            ExporterKey = PartyNames.Key(i.SellerName, i.SellerId),
            Date = i.InvoiceDate,
            OriginCountry = i.SellerCountry,
            DestinationCountry = i.BuyerCountry,
            Source = i.Source,
        };
    }

    /// <summary>The declaration's exporter key as ingestion set it, else computed the same way.</summary>
    public static string ExporterKeyOf(DeclarationLine d) =>
        string.IsNullOrEmpty(d.ExporterKey) ? PartyNames.Key(d.ExporterName, d.ExporterId) : d.ExporterKey;
}
