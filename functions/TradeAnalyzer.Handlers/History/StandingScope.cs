using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Handlers.Analysis;

namespace TradeAnalyzer.Handlers.History;

/// <summary>
/// What one upload's analysis judged and reported on, beyond its own lines: the subjects (<see cref="ExporterDigest.SubjectOf"/>)
/// for which its findings, or their absence, replace those of earlier uploads in the standing view (docs/methods-risk.md,
/// "Standing profile across uploads"). Only a verdict counts, never silence: a declaration's mirror status is judged
/// when the mirror detector paired it with the other customs' declaration; an export left unpaired and not flagged (the
/// partner's data for the period, or the arrival horizon, missing from this analysis) is no verdict, and an earlier
/// MIRROR_MISSING on it stands. A pair counts only where the upload reports its findings (<see cref="OwnFindings.Of"/>:
/// an archived pair that touches none of the upload's records is not reported, so it speaks for nothing). Other
/// detectors' findings are not withdrawn by a later upload's silence: they are about the record itself, and a later
/// analysis of an archived record (against a history that now holds it) is no better judge; a re-sent line replaces
/// them instead.
/// </summary>
public static class StandingScope
{
    /// <summary>
    /// The (exporter key, subject) pairs the analysis judged: for each mirror pair reported by the upload, the export's and
    /// the import's one-sided subjects and the pair's own, each under the exporter key its findings would carry.
    /// </summary>
    public static List<(string ExporterKey, ulong Subject)> Of(IReadOnlyList<MirrorPair>? pairs, IReadOnlyList<DeclarationLine> declarations, IReadOnlyList<InvoiceLine> invoices)
    {
        var covered = new List<(string, ulong)>();
        if (pairs is not { Count: > 0 })
        {
            return covered;
        }

        var own = OwnFindings.Of(declarations, invoices);
        foreach (var p in pairs)
        {
            // As the mirror detector's flags name them: a one-sided shipment by its own declaration and shipment id, the
            // pair by the import's declaration and the export's shipment id (else the import's).
            Add(covered, own, p.ExportExporterKey, p.ExportDeclarationId, p.ExportShipmentId);
            Add(covered, own, p.ImportExporterKey, p.ImportDeclarationId, p.ImportShipmentId);
            Add(covered, own, p.ExportExporterKey, p.ImportDeclarationId, p.ExportShipmentId ?? p.ImportShipmentId);
        }

        return covered;
    }

    private static void Add(List<(string, ulong)> covered, Func<Flag, bool> own, string exporterKey, string declarationId, string? shipmentId)
    {
        if (exporterKey.Length == 0)
        {
            return;
        }

        var probe = new Flag
        {
            Code = FlagCode.MirrorMissing,
            Severity = Severity.Low,
            Score = 0,
            RecordType = RecordType.Shipment,
            DeclarationId = declarationId,
            ShipmentId = shipmentId,
            ExporterKey = exporterKey,
            Explanation = string.Empty,
        };
        if (own(probe))
        {
            covered.Add((exporterKey, ExporterDigest.SubjectOf(probe)));
        }
    }
}
