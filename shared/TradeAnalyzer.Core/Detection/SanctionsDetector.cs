using System.Collections.Concurrent;
using System.Globalization;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Reference;

namespace TradeAnalyzer.Core.Detection;

/// <summary>
/// SANCTIONED_PARTY: screens the exporter and importer of every declaration, and the seller, buyer, payer and
/// beneficiary of every invoice, against the sanctions list (<see cref="SanctionsScreener"/>, threshold
/// <see cref="AnalysisOptions.SanctionsThreshold"/>). Each distinct name is screened once, in parallel; the records are
/// then flagged from that table. One flag per record, naming every party that matched.
/// </summary>
public sealed class SanctionsDetector : IDetector
{
    public string Name => "sanctions";

    public void Detect(AnalysisContext context, IFlagSink sink)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(sink);
        var list = context.Reference.Sanctions;
        if (list.Entries.Count == 0)
        {
            return;
        }

        var screener = list.Screener;
        var threshold = context.Options.SanctionsThreshold;
        var spanish = context.Options.Spanish;

        // 1. Distinct raw names (millions of lines, a few thousand names).
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in context.Declarations)
        {
            names.Add(d.ExporterName);
            names.Add(d.ImporterName);
        }

        foreach (var inv in context.Invoices)
        {
            names.Add(inv.SellerName);
            names.Add(inv.BuyerName);
            if (inv.PayerName is not null)
            {
                names.Add(inv.PayerName);
            }

            if (inv.BeneficiaryName is not null)
            {
                names.Add(inv.BeneficiaryName);
            }
        }

        // 2. Screen each distinct name once; keep only the hits.
        var hits = new ConcurrentDictionary<string, SanctionsMatch>(StringComparer.Ordinal);
        Parallel.ForEach(names, name =>
        {
            var m = screener.Screen(name, threshold);
            if (m.Count > 0)
            {
                hits[name] = m[0];
            }
        });
        context.Artifacts.Counters["sanctions.names_screened"] = names.Count;
        context.Artifacts.Counters["sanctions.names_matched"] = hits.Count;
        if (hits.IsEmpty)
        {
            return;
        }

        // 3. Flag the records.
        foreach (var d in context.Declarations)
        {
            var ex = hits.GetValueOrDefault(d.ExporterName);
            var im = hits.GetValueOrDefault(d.ImporterName);
            if (ex is null && im is null)
            {
                continue;
            }

            var parts = new List<(string Role, string Name, SanctionsMatch Match)>(2);
            if (ex is not null)
            {
                parts.Add((spanish ? "El exportador" : "Exporter", d.ExporterName, ex));
            }

            if (im is not null)
            {
                parts.Add((spanish ? "El importador" : "Importer", d.ImporterName, im));
            }

            var (score, text, expected, observed) = Describe(parts, threshold, spanish);
            sink.Add(RiskFlags.ForDeclaration(d, FlagCode.SanctionedParty, score, text, expected, observed, d.ValueUsd));
        }

        foreach (var inv in context.Invoices)
        {
            var parts = new List<(string Role, string Name, SanctionsMatch Match)>();
            AddPart(inv.SellerName, spanish ? "El vendedor" : "Seller");
            AddPart(inv.BuyerName, spanish ? "El comprador" : "Buyer");
            AddPart(inv.PayerName, spanish ? "El pagador" : "Payer");
            AddPart(inv.BeneficiaryName, spanish ? "El beneficiario" : "Beneficiary");
            if (parts.Count == 0)
            {
                continue;
            }

            var (score, text, expected, observed) = Describe(parts, threshold, spanish);
            sink.Add(RiskFlags.ForInvoice(inv, FlagCode.SanctionedParty, score, text, expected, observed, inv.ValueUsd));

            void AddPart(string? name, string role)
            {
                if (name is not null && hits.TryGetValue(name, out var m) && !parts.Exists(p => p.Name == name && ReferenceEquals(p.Match.Entry, m.Entry)))
                {
                    parts.Add((role, name, m));
                }
            }
        }
    }

    /// <summary>
    /// Score 80 at the threshold rising to 95 at an exact match (+3 for each further matched party, at most 98);
    /// the explanation quotes the entry, its program and the similarity.
    /// </summary>
    internal static (double Score, string Text, string Expected, string Observed) Describe(IReadOnlyList<(string Role, string Name, SanctionsMatch Match)> parts, double threshold, bool spanish)
    {
        var best = parts.Max(p => p.Match.Similarity);
        var span = Math.Max(1e-9, 1 - threshold);
        var score = Math.Min(98, 80 + (15 * Math.Clamp((best - threshold) / span, 0, 1)) + (3 * (parts.Count - 1)));
        var sentences = parts.Select(p =>
        {
            var m = p.Match;
            var entry = m.Entry;
            var sim = m.Similarity.ToString("0.00", CultureInfo.InvariantCulture);
            var program = string.IsNullOrWhiteSpace(entry.Program) ? "-" : entry.Program;
            var alias = m.IsAlias ? (spanish ? $", alias '{m.MatchedName}'" : $", alias '{m.MatchedName}'") : string.Empty;
            return spanish
                ? $"{p.Role} '{p.Name}' coincide con la entrada de {entry.Source} '{entry.Name}'{alias} (programa {program}, similitud {sim})"
                : $"{p.Role} '{p.Name}' matches {entry.Source} entry '{entry.Name}'{alias} (program {program}, similarity {sim})";
        });
        var text = string.Join("; ", sentences) + ".";
        var expected = string.Join("; ", parts.Select(p => $"{p.Match.Entry.Source} {p.Match.Entry.Id}: {p.Match.Entry.Name}"));
        var observed = string.Join("; ", parts.Select(p => p.Name));
        return (score, text, expected, observed);
    }
}
