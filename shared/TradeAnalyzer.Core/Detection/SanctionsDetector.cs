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
/// <see cref="AnalysisOptions.SanctionsThreshold"/>). Each distinct name is screened once, when first met, in one pass
/// over the records. One flag per record, naming every party that matched.
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

        // One pass over the records: each distinct name is screened when first met (a few thousand names for
        // millions of mentions), and a record is flagged as soon as one of its parties matched.
        var scan = new Scan(new NameTable(screener, threshold), sink, threshold, spanish);
        // The records are read in order but each one and its parties part is a cache miss (1.9M records, 86,000
        // parts): RecordSpan prefetches both a few records ahead, so that the misses overlap instead of stalling each record.
        var declarationPass = new DeclarationPass(scan);
        RecordSpan.Run(context.Declarations, ref declarationPass);
        var invoicePass = new InvoicePass(scan);
        RecordSpan.Run(context.Invoices, ref invoicePass);

        var table = scan.Table;
        context.Artifacts.Counters["sanctions.names_screened"] = table.Count;
        context.Artifacts.Counters["sanctions.names_matched"] = table.Matched;
    }

    private readonly struct DeclarationPass(Scan scan) : IRecordPass<DeclarationLine>
    {
        public object? PartOf(DeclarationLine record) => record.PartiesRef;

        public void Visit(DeclarationLine record) => scan.Declaration(record);
    }

    private readonly struct InvoicePass(Scan scan) : IRecordPass<InvoiceLine>
    {
        public object? PartOf(InvoiceLine record) => record.PartiesRef;

        public void Visit(InvoiceLine record) => scan.Invoice(record);
    }

    /// <summary>The state of one pass: the name table, each role's memo of its last name, and the texts per combination of matched parties.</summary>
    private sealed class Scan(NameTable table, IFlagSink sink, double threshold, bool spanish)
    {
        private readonly RiskFlags.ExporterKeys _keys = new();

        // A flag's texts depend only on the parties that matched (the other names are not quoted): a few hundred
        // combinations for tens of thousands of flagged records, so each is described once.
        private readonly Descriptions<(string? Exporter, string? Importer)> _declarationTexts = new();
        private readonly Descriptions<(string? Seller, string? Buyer, string? Payer, string? Beneficiary)> _invoiceTexts = new();
        private NameTable.Memo _exporter, _importer, _seller, _buyer, _payer, _beneficiary;

        public NameTable Table => table;

        /// <summary>Flags <paramref name="d"/> when its exporter or importer matched.</summary>
        public void Declaration(DeclarationLine d)
        {
            var ex = table.HitOf(d.ExporterName, ref _exporter);
            var im = table.HitOf(d.ImporterName, ref _importer);
            if (ex is null && im is null)
            {
                return;
            }

            var matched = (ex is null ? null : d.ExporterName, im is null ? null : d.ImporterName);
            if (!_declarationTexts.TryGet(matched, out var described))
            {
                var parts = new List<(string Role, string Name, SanctionsMatch Match)>(2);
                if (ex is not null)
                {
                    parts.Add((spanish ? "El exportador" : "Exporter", d.ExporterName, ex));
                }

                if (im is not null)
                {
                    parts.Add((spanish ? "El importador" : "Importer", d.ImporterName, im));
                }

                described = _declarationTexts.Add(matched, Describe(parts, threshold, spanish));
            }

            sink.Add(RiskFlags.ForDeclaration(d, _keys.Of(d), FlagCode.SanctionedParty, described.Score, described.Texts, d.ValueUsd));
        }

        /// <summary>Flags <paramref name="inv"/> when its seller, buyer, payer or beneficiary matched.</summary>
        public void Invoice(InvoiceLine inv)
        {
            var s = table.HitOf(inv.SellerName, ref _seller);
            var b = table.HitOf(inv.BuyerName, ref _buyer);
            var p = table.HitOf(inv.PayerName, ref _payer);
            var f = table.HitOf(inv.BeneficiaryName, ref _beneficiary);
            if (s is null && b is null && p is null && f is null)
            {
                return;
            }

            var matched = (s is null ? null : inv.SellerName, b is null ? null : inv.BuyerName, p is null ? null : inv.PayerName, f is null ? null : inv.BeneficiaryName);
            if (!_invoiceTexts.TryGet(matched, out var described))
            {
                var parts = new List<(string Role, string Name, SanctionsMatch Match)>(4);
                AddPart(parts, inv.SellerName, s, spanish ? "El vendedor" : "Seller");
                AddPart(parts, inv.BuyerName, b, spanish ? "El comprador" : "Buyer");
                AddPart(parts, inv.PayerName, p, spanish ? "El pagador" : "Payer");
                AddPart(parts, inv.BeneficiaryName, f, spanish ? "El beneficiario" : "Beneficiary");
                described = _invoiceTexts.Add(matched, Describe(parts, threshold, spanish));
            }

            sink.Add(RiskFlags.ForInvoice(inv, FlagCode.SanctionedParty, described.Score, described.Texts, inv.ValueUsd));
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
    /// The flag texts (<see cref="Describe"/>) by the names of the parties that matched (null for a party that did not):
    /// the names decide the matches (<see cref="NameTable"/> screens by name), so equal keys give equal texts. Bounded
    /// (cleared when full), so that records matching in ever new combinations keep no more than a few thousand texts.
    /// </summary>
    internal sealed class Descriptions<TKey>
        where TKey : notnull
    {
        /// <summary>Most combinations remembered at once.</summary>
        internal const int MaxRemembered = 4096;

        private readonly Dictionary<TKey, Described> _byNames = [];

        /// <summary>The texts described for <paramref name="names"/>, when remembered.</summary>
        public bool TryGet(TKey names, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Described? described) =>
            _byNames.TryGetValue(names, out described);

        /// <summary>Remembers the texts for <paramref name="names"/> and returns them.</summary>
        public Described Add(TKey names, (double Score, string Text, string Expected, string Observed) texts)
        {
            if (_byNames.Count >= MaxRemembered)
            {
                _byNames.Clear();
            }

            var described = new Described(texts.Score, texts.Text, texts.Expected, texts.Observed);
            _byNames[names] = described;
            return described;
        }
    }

    /// <summary>What <see cref="Describe"/> gives for one combination of matched parties.</summary>
    internal sealed record Described(double Score, string Text, string Expected, string Observed)
    {
        /// <summary>
        /// The texts as UTF-8, written once: every flag of the same parties refers to the same bytes (a chunk's texts
        /// never change once written), as they shared these strings before.
        /// </summary>
        public FlagTexts Texts { get; } = FlagTexts.Encode(Text, Expected, Observed);
    }

    /// <summary>
    /// The distinct party names of an analysis and their sanctions hits, for <see cref="SanctionsDetector"/>. Names are
    /// looked up by string instance first (ingestion pools them, so a record's name is usually an instance seen before:
    /// a reference hash instead of hashing its characters), then by value, so equal names in different instances share
    /// one entry and one screening.
    /// </summary>
    private sealed class NameTable(SanctionsScreener screener, double threshold)
    {
        /// <summary>String instances numbered by reference; <see cref="_byInstance"/> holds each number's best match, or null.</summary>
        private readonly ReferenceIds<string> _instances = new(16_384);

        private readonly List<SanctionsMatch?> _byInstance = [];

        /// <summary>Name (ordinal) -> its best match, or null: each distinct name screened once.</summary>
        private readonly Dictionary<string, SanctionsMatch?> _byValue = new(StringComparer.Ordinal);

        /// <summary>Distinct names (ordinal) screened.</summary>
        public int Count => _byValue.Count;

        /// <summary>Distinct names that matched an entry.</summary>
        public int Matched { get; private set; }

        /// <summary>The best match of <paramref name="name"/>, or null; <paramref name="memo"/> remembers the last name of one role.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public SanctionsMatch? HitOf(string? name, ref Memo memo)
        {
            if (name is null)
            {
                return null;
            }

            // Most mentions repeat the role's previous name: answered inline, without a call.
            return ReferenceEquals(name, memo.Name) ? memo.Hit : Look(name, ref memo);
        }

        /// <summary><see cref="HitOf"/> for a name other than the memo's.</summary>
        private SanctionsMatch? Look(string name, ref Memo memo)
        {
            var number = _instances.IdOf(name, out var added);
            if (added)
            {
                ref var byValue = ref CollectionsMarshal.GetValueRefOrAddDefault(_byValue, name, out var screened);
                if (!screened)
                {
                    var m = screener.Screen(name, threshold);
                    byValue = m.Count > 0 ? m[0] : null;
                    Matched += m.Count > 0 ? 1 : 0;
                }

                _byInstance.Add(byValue);
            }

            var hit = _byInstance[number];
            memo = new Memo(name, hit);
            return hit;
        }

        /// <summary>The last name seen in one role (consecutive records usually repeat it) and its match.</summary>
        internal readonly record struct Memo(string? Name, SanctionsMatch? Hit);
    }
}
