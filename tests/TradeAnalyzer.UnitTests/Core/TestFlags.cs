using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.UnitTests.Core;

/// <summary>Record-level flags for the scoring and profile tests: only the fields that place a flag on its record.</summary>
internal static class TestFlags
{
    public static Flag F(RecordType type, string? declarationId = null, int? lineNo = null, string? invoice = null, string? shipment = null,
        double score = 50, FlagCode code = FlagCode.PriceAboveBaseline, double? atRisk = null) => new()
    {
        Code = code,
        Severity = EnumText.SeverityFromScore(score),
        Score = score,
        RecordType = type,
        DeclarationId = declarationId,
        LineNo = lineNo,
        InvoiceNumber = invoice,
        ShipmentId = shipment,
        ValueAtRiskUsd = atRisk,
        Explanation = "x",
    };
}
