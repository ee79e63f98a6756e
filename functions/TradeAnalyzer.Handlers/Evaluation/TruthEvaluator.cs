using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Text;

namespace TradeAnalyzer.Handlers.Evaluation;

/// <summary>One labelled anomaly (a row of truth.csv): the code expected and the identifiers of the record it is on.</summary>
public sealed record TruthRow(
    FlagCode Code,
    string? DeclarationId,
    int? LineNo,
    string? InvoiceNumber,
    string? ShipmentId,
    string? ExporterName,
    string? Note);

/// <summary>Recall and precision of one flag code, counted in shipments (or exporters for exporter-level codes).</summary>
public sealed record CodeScore(FlagCode Code, int Expected, int Found, int Flagged, int Correct)
{
    /// <summary>Share of labelled shipments that were flagged with this code (1 when none were labelled).</summary>
    public double Recall => Expected == 0 ? 1 : (double)Found / Expected;

    /// <summary>Share of flagged shipments that were labelled with this code (1 when none were flagged).</summary>
    public double Precision => Flagged == 0 ? 1 : (double)Correct / Flagged;
}

/// <summary>
/// Scores flags against a truth file at the shipment level. A shipment is the union of the identifiers that name
/// it in the data: the declaration ids of both customs (linked by shipment id) and the shipment id itself, so a
/// mirror finding reported on the import side counts for the export it mirrors. Exporter-level codes are matched on
/// the normalised exporter name, invoice-level ones on the invoice number or the declarations that cite it.
/// </summary>
public static class TruthEvaluator
{
    public static IReadOnlyList<TruthRow> ReadTruth(TextReader reader)
    {
        using var csv = new CsvRowReader(reader, leaveOpen: true);
        if (!csv.TryReadRecord(out var header))
        {
            return [];
        }

        var columns = header.Select((h, i) => (h.Trim().ToLowerInvariant(), i)).ToDictionary(x => x.Item1, x => x.i, StringComparer.Ordinal);
        var rows = new List<TruthRow>();
        while (csv.TryReadRecord(out var f))
        {
            string? Get(string name) => columns.TryGetValue(name, out var i) && i < f.Count && f[i].Length > 0 ? f[i] : null;
            if (!FlagCodes.TryParse(Get("flag"), out var code))
            {
                continue;
            }

            rows.Add(new TruthRow(
                code,
                Get("declaration_id"),
                int.TryParse(Get("line_no"), out var line) ? line : null,
                Get("invoice_number"),
                Get("shipment_id"),
                Get("exporter_name"),
                Get("note")));
        }

        return rows;
    }

    public static IReadOnlyList<CodeScore> Evaluate(
        IReadOnlyList<TruthRow> truth,
        IReadOnlyList<Flag> flags,
        IReadOnlyList<DeclarationLine> declarations,
        IReadOnlyList<InvoiceLine> invoices)
    {
        var units = new UnitResolver(declarations, invoices);
        var scores = new List<CodeScore>();
        foreach (var code in FlagCodes.All)
        {
            var expected = Shipments(truth.Where(t => t.Code == code).Select(units.OfTruth));
            var flagged = Shipments(flags.Where(f => f.Code == code).Select(units.OfFlag));
            var expectedUnits = expected.SelectMany(s => s).ToHashSet(StringComparer.Ordinal);
            var flaggedUnits = flagged.SelectMany(s => s).ToHashSet(StringComparer.Ordinal);
            var found = expected.Count(s => s.Overlaps(flaggedUnits));
            var correct = flagged.Count(s => s.Overlaps(expectedUnits));
            scores.Add(new CodeScore(code, expected.Count, found, flagged.Count, correct));
        }

        return scores;
    }

    /// <summary>Distinct shipments (grouped by their first, canonical unit), each with all the units that name it.</summary>
    private static List<HashSet<string>> Shipments(IEnumerable<List<string>> unitLists) =>
        [.. unitLists.Where(u => u.Count > 0)
            .GroupBy(u => u[0], StringComparer.Ordinal)
            .Select(g => g.SelectMany(u => u).ToHashSet(StringComparer.Ordinal))];

    /// <summary>Maps identifiers to canonical shipment units with a union-find over declaration ids and shipment ids.</summary>
    private sealed class UnitResolver
    {
        private readonly Dictionary<string, string> _parent = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<string>> _declarationsByInvoice = new(StringComparer.Ordinal);

        public UnitResolver(IReadOnlyList<DeclarationLine> declarations, IReadOnlyList<InvoiceLine> invoices)
        {
            foreach (var d in declarations)
            {
                var decl = "D:" + d.DeclarationId;
                Find(decl);
                if (!string.IsNullOrEmpty(d.ShipmentId))
                {
                    Union(decl, "S:" + d.ShipmentId);
                }

                if (!string.IsNullOrEmpty(d.InvoiceNumber))
                {
                    if (!_declarationsByInvoice.TryGetValue(d.InvoiceNumber, out var list))
                    {
                        _declarationsByInvoice[d.InvoiceNumber] = list = [];
                    }

                    list.Add(decl);
                }
            }

            foreach (var i in invoices)
            {
                if (!string.IsNullOrEmpty(i.ShipmentId))
                {
                    Find("S:" + i.ShipmentId);
                }
            }
        }

        public List<string> OfTruth(TruthRow t) => Units(t.Code, t.DeclarationId, t.ShipmentId, t.InvoiceNumber, t.ExporterName);

        public List<string> OfFlag(Flag f) => Units(f.Code, f.DeclarationId, f.ShipmentId, f.InvoiceNumber, f.ExporterName);

        private List<string> Units(FlagCode code, string? declarationId, string? shipmentId, string? invoiceNumber, string? exporter)
        {
            var units = new List<string>();
            if (code is FlagCode.NewExporter or FlagCode.ExporterProfile)
            {
                if (!string.IsNullOrEmpty(exporter))
                {
                    units.Add("E:" + PartyNames.Normalize(exporter));
                }

                return units;
            }

            if (!string.IsNullOrEmpty(declarationId))
            {
                units.Add(Find("D:" + declarationId));
            }

            if (!string.IsNullOrEmpty(shipmentId))
            {
                units.Add(Find("S:" + shipmentId));
            }

            if (!string.IsNullOrEmpty(invoiceNumber))
            {
                if (units.Count == 0 && _declarationsByInvoice.TryGetValue(invoiceNumber, out var decls))
                {
                    units.AddRange(decls.Select(Find));
                }

                units.Add("I:" + invoiceNumber);
            }

            return [.. units.Distinct(StringComparer.Ordinal)];
        }

        private string Find(string x)
        {
            if (!_parent.TryGetValue(x, out var p))
            {
                _parent[x] = x;
                return x;
            }

            if (p == x)
            {
                return x;
            }

            var root = Find(p);
            _parent[x] = root;
            return root;
        }

        private void Union(string a, string b)
        {
            var ra = Find(a);
            var rb = Find(b);
            if (ra != rb)
            {
                _parent[ra] = rb;
            }
        }
    }
}
