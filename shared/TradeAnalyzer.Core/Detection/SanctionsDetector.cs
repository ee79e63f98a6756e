using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
/// <remarks>
/// Ingestion pools the name strings of a file (one instance per distinct name), so the records are mapped to their
/// names by string instance (<see cref="NameTable"/>): a reference hash, and no hash at all when a line repeats the
/// previous line's name. Equal names held in different instances share one screening.
/// </remarks>
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

        // 1. Distinct names (millions of mentions, a few hundred thousand pooled instances, fewer distinct names).
        var table = new NameTable();
        NameTable.Memo exporter = default, importer = default, seller = default, buyer = default, payer = default, beneficiary = default;
        foreach (var d in context.Declarations)
        {
            table.Add(d.ExporterName, ref exporter);
            table.Add(d.ImporterName, ref importer);
        }

        foreach (var inv in context.Invoices)
        {
            table.Add(inv.SellerName, ref seller);
            table.Add(inv.BuyerName, ref buyer);
            table.Add(inv.PayerName, ref payer);
            table.Add(inv.BeneficiaryName, ref beneficiary);
        }

        // 2. Screen each distinct name once; keep only the hits.
        var matched = table.Screen(screener, threshold);
        context.Artifacts.Counters["sanctions.names_screened"] = table.Count;
        context.Artifacts.Counters["sanctions.names_matched"] = matched;
        if (matched == 0)
        {
            return;
        }

        // 3. Flag the records.
        exporter = importer = seller = buyer = payer = beneficiary = default;
        foreach (var d in context.Declarations)
        {
            var ex = table.HitOf(d.ExporterName, ref exporter);
            var im = table.HitOf(d.ImporterName, ref importer);
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
            var s = table.HitOf(inv.SellerName, ref seller);
            var b = table.HitOf(inv.BuyerName, ref buyer);
            var p = table.HitOf(inv.PayerName, ref payer);
            var f = table.HitOf(inv.BeneficiaryName, ref beneficiary);
            if (s is null && b is null && p is null && f is null)
            {
                continue;
            }

            var parts = new List<(string Role, string Name, SanctionsMatch Match)>(4);
            AddPart(parts, inv.SellerName, s, spanish ? "El vendedor" : "Seller");
            AddPart(parts, inv.BuyerName, b, spanish ? "El comprador" : "Buyer");
            AddPart(parts, inv.PayerName, p, spanish ? "El pagador" : "Payer");
            AddPart(parts, inv.BeneficiaryName, f, spanish ? "El beneficiario" : "Beneficiary");
            var (score, text, expected, observed) = Describe(parts, threshold, spanish);
            sink.Add(RiskFlags.ForInvoice(inv, FlagCode.SanctionedParty, score, text, expected, observed, inv.ValueUsd));
        }
    }

    /// <summary>Adds the party unless a party of the same name matching the same entry is already listed (a seller who is also the beneficiary).</summary>
    private static void AddPart(List<(string Role, string Name, SanctionsMatch Match)> parts, string? name, SanctionsMatch? match, string role)
    {
        if (name is null || match is null)
        {
            return;
        }

        foreach (var p in parts)
        {
            if (p.Name == name && ReferenceEquals(p.Match.Entry, match.Entry))
            {
                return;
            }
        }

        parts.Add((role, name, match));
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

    /// <summary>
    /// The distinct party names of an analysis and their sanctions hits, for <see cref="SanctionsDetector"/>. Names are
    /// looked up by string instance first (ingestion pools them, so a record's name is usually an instance seen before:
    /// a reference hash instead of hashing its characters), then by value, so equal names in different instances share
    /// one entry and one screening.
    /// </summary>
    private sealed class NameTable
    {
        /// <summary>String instance -> index of its value in <see cref="_names"/>.</summary>
        private readonly Dictionary<string, int> _byInstance = new(SameInstance.Comparer);

        /// <summary>Name (ordinal) -> its index in <see cref="_names"/>.</summary>
        private readonly Dictionary<string, int> _byValue = new(StringComparer.Ordinal);

        private readonly List<string> _names = [];
        private SanctionsMatch?[] _hits = [];

        /// <summary>Distinct names (ordinal) added.</summary>
        public int Count => _names.Count;

        /// <summary>Adds <paramref name="name"/> (null is ignored); <paramref name="memo"/> remembers the last name of one role.</summary>
        public void Add(string? name, ref Memo memo)
        {
            if (name is not null && !ReferenceEquals(name, memo.Name))
            {
                memo = new Memo(name, IndexOf(name), null);
            }
        }

        /// <summary>Screens every distinct name once, in parallel; returns how many matched.</summary>
        public int Screen(SanctionsScreener screener, double threshold)
        {
            var hits = new SanctionsMatch?[_names.Count];
            Parallel.For(0, _names.Count, i =>
            {
                var m = screener.Screen(_names[i], threshold);
                if (m.Count > 0)
                {
                    hits[i] = m[0];
                }
            });
            _hits = hits;
            var matched = 0;
            foreach (var h in hits)
            {
                matched += h is null ? 0 : 1;
            }

            return matched;
        }

        /// <summary>The best match of <paramref name="name"/> (added before <see cref="Screen"/>), or null.</summary>
        public SanctionsMatch? HitOf(string? name, ref Memo memo)
        {
            if (name is null)
            {
                return null;
            }

            if (!ReferenceEquals(name, memo.Name))
            {
                var index = IndexOf(name);
                memo = new Memo(name, index, _hits[index]);
            }

            return memo.Hit;
        }

        private int IndexOf(string name)
        {
            ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(_byInstance, name, out var known);
            if (!known)
            {
                ref var byValue = ref CollectionsMarshal.GetValueRefOrAddDefault(_byValue, name, out var seen);
                if (!seen)
                {
                    byValue = _names.Count;
                    _names.Add(name);
                }

                index = byValue;
            }

            return index;
        }

        /// <summary>The last name seen in one role (consecutive records usually repeat it) and its entry.</summary>
        internal readonly record struct Memo(string? Name, int Index, SanctionsMatch? Hit);

        /// <summary>Compares strings by instance.</summary>
        private sealed class SameInstance : IEqualityComparer<string>
        {
            public static readonly SameInstance Comparer = new();

            public bool Equals(string? x, string? y) => ReferenceEquals(x, y);

            public int GetHashCode(string obj) => RuntimeHelpers.GetHashCode(obj);
        }
    }
}
