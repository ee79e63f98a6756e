using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Scoring;

namespace TradeAnalyzer.Handlers.Analysis;

/// <summary>
/// When an upload is analysed together with archived counterpart records, keeps the findings that touch the upload's
/// own records (a declaration, invoice or shipment of this upload, or an exporter that ships in it), and the exporter
/// profiles of the upload's exporters, so history is never reported or counted twice.
/// </summary>
public static class OwnFindings
{
    public static AnalysisResult Keep(AnalysisResult result, IReadOnlyList<DeclarationLine> declarations, IReadOnlyList<InvoiceLine> invoices)
    {
        var own = Of(declarations, invoices);
        var exporters = declarations.Select(d => d.ExporterKey).ToHashSet(StringComparer.Ordinal);
        var flags = result.Flags.Where(own).ToList();
        return new AnalysisResult
        {
            Flags = flags,
            Exporters = [.. result.Exporters.Where(e => exporters.Contains(e.Key))],
            RecordScores = RecordScorer.Score(flags),
            BaselinesUsed = result.BaselinesUsed,
            TimingsMs = result.TimingsMs,
            Counters = result.Counters,
            ValueAtRiskUsd = ShipmentRisk.ValueAtRisk(flags),
            ValueAtRiskByCode = RiskBreakdown.ValueAtRiskBy(flags, f => f.Code).ToDictionary(g => g.Key, g => g.ValueAtRiskUsd),
        };
    }

    /// <summary>
    /// Whether a finding touches the upload's own records (<paramref name="declarations"/>, <paramref name="invoices"/>):
    /// the test <see cref="Keep"/> applies, and the one that tells which archived records a later upload's findings speak
    /// for (History.StandingScope).
    /// </summary>
    public static Func<Flag, bool> Of(IReadOnlyList<DeclarationLine> declarations, IReadOnlyList<InvoiceLine> invoices)
    {
        var declarationIds = declarations.Select(d => d.DeclarationId).ToHashSet(StringComparer.Ordinal);
        var invoiceNumbers = invoices.Select(i => i.InvoiceNumber).ToHashSet(StringComparer.Ordinal);
        var shipments = declarations.Select(d => d.ShipmentId).Concat(invoices.Select(i => i.ShipmentId))
            .OfType<string>().ToHashSet(StringComparer.Ordinal);
        var exporters = declarations.Select(d => d.ExporterKey).ToHashSet(StringComparer.Ordinal);

        return f => f.RecordType switch
        {
            RecordType.Exporter => f.ExporterKey is not null && exporters.Contains(f.ExporterKey),
            RecordType.Corridor => true,
            _ => (f.DeclarationId is not null && declarationIds.Contains(f.DeclarationId))
                 || (f.InvoiceNumber is not null && invoiceNumbers.Contains(f.InvoiceNumber) && f.DeclarationId is null)
                 || (f.RecordType == RecordType.Invoice && f.InvoiceNumber is not null && invoiceNumbers.Contains(f.InvoiceNumber))
                 || (f.ShipmentId is not null && shipments.Contains(f.ShipmentId)),
        };
    }
}
