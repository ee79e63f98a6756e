using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Reference;

namespace TradeAnalyzer.Core.Detection;

/// <summary>
/// PRECURSOR_CHEMICAL and PRECURSOR_MISDECLARED on declarations and invoices, against the watchlist
/// (docs/methods-risk.md). A record is a precursor when its description names a watchlisted chemical (whole words), a
/// declared or written CAS number is one of its numbers, or its HS code is a subheading specific to one chemical;
/// a residual subheading such as 2933.39 ('other') counts only with a name or CAS number. Machines need their HS code
/// (8479.89, 8422.30) and a machine word, or a phrase that names the machine on its own. A named precursor declared
/// under none of its HS codes is also PRECURSOR_MISDECLARED. Descriptions are matched once per distinct text.
/// </summary>
public sealed class PrecursorDetector : IDetector
{
    private const int MaxCachedTexts = 500_000;

    public string Name => "precursor";

    public void Detect(AnalysisContext context, IFlagSink sink)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(sink);
        var watchlist = context.Reference.Watchlist;
        if (watchlist.Entries.Count == 0)
        {
            return;
        }

        var cache = new TextCache();
        var spanish = context.Options.Spanish;
        var declarations = context.Declarations;
        var hits = 0L;
        // Everything Evaluate reads (code, description, CAS numbers) is on the line's goods part, which lines with the
        // same goods share: each thread evaluates a distinct part once (a few hundred per file) instead of every line.
        Parallel.ForEach(Ranges.Of(declarations.Count), () => (Memo: new GoodsMemo(declarations: true), Keys: new RiskFlags.ExporterKeys()), (range, _, local) =>
        {
            var (memo, keys) = local;
            var found = 0L;
            // Most lines only compare their goods part with the previous line's, so the loop waits on the record and
            // (when the part changes) the part's header for its identity hash: both are prefetched ahead within the
            // range (Detection/RecordSpan), so that the misses overlap.
            var span = RecordSpan.Of(declarations, out var all) ? all[..range.Item2] : default;
            for (var i = range.Item1; i < range.Item2; i++)
            {
                if (RecordSpan.Ahead(span, i) is { } near)
                {
                    CacheHint.Object(near.GoodsRef);
                }

                var d = span.Length != 0 ? span[i] : declarations[i];
                var finding = memo.Get(d.GoodsRef, watchlist, cache);
                if (finding is null)
                {
                    continue;
                }

                found++;
                // The record's own words and the finding's text in one string (no intermediate "what" and figure strings).
                var t = finding.TextsFor(spanish);
                var key = keys.Of(d);
                sink.Add(RiskFlags.ForDeclaration(d, key, FlagCode.PrecursorChemical, t.Score, LineTexts(d, t.ChemicalTail, null, t.Observed, spanish), d.ValueUsd));
                if (t.MisdeclaredTail is not null)
                {
                    sink.Add(RiskFlags.ForDeclaration(d, key, FlagCode.PrecursorMisdeclared, t.MisdeclaredScore, LineTexts(d, t.MisdeclaredTail, t.MisdeclaredExpected, t.MisdeclaredObserved, spanish), d.ValueUsd));
                }
            }

            Interlocked.Add(ref hits, found);
            return local;
        }, _ => { });

        var invoiceMemo = new GoodsMemo(declarations: false);
        var sellerKeys = new RiskFlags.SellerKeys();
        var invoices = context.Invoices;
        // As the declaration ranges: the record 16 ahead and its goods part 8 ahead prefetched when the invoices are a span.
        var invoiceSpan = RecordSpan.Of(invoices, out var ispan) ? ispan : default;
        for (var i = 0; i < invoices.Count; i++)
        {
            if (RecordSpan.Ahead(invoiceSpan, i) is { } near)
            {
                CacheHint.Object(near.GoodsRef);
            }

            var inv = invoiceSpan.Length != 0 ? invoiceSpan[i] : invoices[i];
            var finding = invoiceMemo.Get(inv.GoodsRef, watchlist, cache);
            if (finding is null)
            {
                continue;
            }

            hits++;
            // As the declarations: the record's words and the finding's tail written once into the flag's texts, the
            // seller's key remembered by seller (this loop runs on one thread, the invoice flags are ~half its time).
            var t = finding.TextsFor(spanish);
            var key = sellerKeys.Of(inv);
            sink.Add(RiskFlags.ForInvoice(inv, key, FlagCode.PrecursorChemical, t.Score, InvoiceTexts(inv, t.ChemicalTail, null, t.Observed, spanish), inv.ValueUsd));
            if (t.MisdeclaredTail is not null)
            {
                sink.Add(RiskFlags.ForInvoice(inv, key, FlagCode.PrecursorMisdeclared, t.MisdeclaredScore, InvoiceTexts(inv, t.MisdeclaredTail, t.MisdeclaredExpected, t.MisdeclaredObserved, spanish), inv.ValueUsd));
            }
        }

        context.Artifacts.Counters.AddOrUpdate("precursor.records", hits, (_, v) => v + hits);
    }

    /// <summary>
    /// "Line D/n (quantity unit, value USD)" followed by <paramref name="tail"/>, as the flag's explanation: the same text
    /// as formatting the line's words and appending the tail (figures invariant, the line number as an int with the
    /// current culture: the same digits for every culture when not negative), written once.
    /// </summary>
    /// <summary>
    /// The flag's texts with <see cref="LineText"/> as the explanation, written straight into UTF-8
    /// (<see cref="FlagTexts.Writer"/>) for a line numbered as usual.
    /// </summary>
    internal static FlagTexts LineTexts(DeclarationLine d, string tail, string? expected, string? observed, bool spanish)
    {
        if (d.LineNo < 0)
        {
            return FlagTexts.Encode(LineText(d, tail, spanish), expected, observed);
        }

        var invariant = CultureInfo.InvariantCulture;
        var w = FlagTexts.Writer.Begin();
        w.Put(FlagTexts.Expected, expected);
        w.Put(FlagTexts.Observed, observed);
        if (spanish)
        {
            w.Put(FlagTexts.Explanation, invariant, $"La línea {d.DeclarationId}/{d.LineNo} ({d.Quantity:N2} {d.QuantityUnit}, {d.ValueUsd:N2} USD){tail}");
        }
        else
        {
            w.Put(FlagTexts.Explanation, invariant, $"Line {d.DeclarationId}/{d.LineNo} ({d.Quantity:N2} {d.QuantityUnit}, {d.ValueUsd:N2} USD){tail}");
        }

        return w.End();
    }

    /// <summary>
    /// An invoice line's flag texts: "Invoice N line n (quantity unit, value USD)" followed by <paramref name="tail"/> as
    /// the explanation (<see cref="InvoiceText"/>), written straight into UTF-8 (<see cref="FlagTexts.Writer"/>) for a line
    /// numbered as usual.
    /// </summary>
    internal static FlagTexts InvoiceTexts(InvoiceLine inv, string tail, string? expected, string? observed, bool spanish)
    {
        if (inv.LineNo < 0)
        {
            return FlagTexts.Encode(InvoiceText(inv, tail, spanish), expected, observed);
        }

        var invariant = CultureInfo.InvariantCulture;
        var w = FlagTexts.Writer.Begin();
        w.Put(FlagTexts.Expected, expected);
        w.Put(FlagTexts.Observed, observed);
        if (spanish)
        {
            w.Put(FlagTexts.Explanation, invariant, $"La factura {inv.InvoiceNumber} línea {inv.LineNo} ({inv.Quantity:N2} {inv.QuantityUnit}, {inv.ValueUsd:N2} USD){tail}");
        }
        else
        {
            w.Put(FlagTexts.Explanation, invariant, $"Invoice {inv.InvoiceNumber} line {inv.LineNo} ({inv.Quantity:N2} {inv.QuantityUnit}, {inv.ValueUsd:N2} USD){tail}");
        }

        return w.End();
    }

    /// <summary>The explanation <see cref="InvoiceTexts"/> writes, as a string: the line number with the current culture,
    /// the figures invariant (<see cref="RiskFlags.N2"/>), as the invoice flags were worded.</summary>
    internal static string InvoiceText(InvoiceLine inv, string tail, bool spanish)
    {
        var what = spanish
            ? $"La factura {inv.InvoiceNumber} línea {inv.LineNo} ({RiskFlags.N2(inv.Quantity)} {inv.QuantityUnit}, {RiskFlags.N2(inv.ValueUsd)} USD)"
            : $"Invoice {inv.InvoiceNumber} line {inv.LineNo} ({RiskFlags.N2(inv.Quantity)} {inv.QuantityUnit}, {RiskFlags.N2(inv.ValueUsd)} USD)";
        return what + tail;
    }

    internal static string LineText(DeclarationLine d, string tail, bool spanish)
    {
        if (d.LineNo < 0)
        {
            var what = spanish
                ? $"La línea {d.DeclarationId}/{d.LineNo} ({RiskFlags.N2(d.Quantity)} {d.QuantityUnit}, {RiskFlags.N2(d.ValueUsd)} USD)"
                : $"Line {d.DeclarationId}/{d.LineNo} ({RiskFlags.N2(d.Quantity)} {d.QuantityUnit}, {RiskFlags.N2(d.ValueUsd)} USD)";
            return what + tail;
        }

        var invariant = CultureInfo.InvariantCulture;
        return spanish
            ? string.Create(invariant, $"La línea {d.DeclarationId}/{d.LineNo} ({d.Quantity:N2} {d.QuantityUnit}, {d.ValueUsd:N2} USD){tail}")
            : string.Create(invariant, $"Line {d.DeclarationId}/{d.LineNo} ({d.Quantity:N2} {d.QuantityUnit}, {d.ValueUsd:N2} USD){tail}");
    }

    /// <summary>True when the declared code is in the same 4-digit heading as one of the machine's own codes (its parts).</summary>
    private static bool SameHeading(WatchlistEntry entry, HsCode hs)
    {
        foreach (var code in entry.HsCodes)
        {
            var digits = string.Concat(code.Where(char.IsAsciiDigit));
            if (digits.Length >= 4 && string.CompareOrdinal(digits, 0, hs.Digits, 0, 4) == 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What the watchlist says about one record, or null when nothing matched. Exposed for tests.</summary>
    internal static Finding? Evaluate(Watchlist watchlist, TextCache? cache, HsCode? hs, string? description, IReadOnlyList<string> declaredCas)
    {
        IReadOnlyList<WatchlistHit> textHits = [];
        if (!string.IsNullOrWhiteSpace(description))
        {
            if (cache is null)
            {
                textHits = watchlist.MatchText(description);
            }
            else if (!cache.Hits.TryGetValue(description, out textHits!))
            {
                textHits = watchlist.MatchText(description);
                cache.TryAdd(description, textHits);
            }
        }

        List<WatchlistHit>? all = null;
        if (textHits.Count > 0)
        {
            all = [.. textHits];
        }

        foreach (var raw in declaredCas)
        {
            foreach (var entry in watchlist.FindByCas(raw))
            {
                all ??= [];
                if (!all.Exists(h => ReferenceEquals(h.Entry, entry) && h.Kind == WatchlistHitKind.Cas))
                {
                    all.Add(new WatchlistHit(entry, raw.Trim(), WatchlistHitKind.Cas));
                }
            }
        }

        if (all is null)
        {
            var specific = hs is { } code ? watchlist.SpecificEntryFor(code) : null;
            return specific is null ? null : new Finding(hs, [new Part(specific, PartKind.HsOnly, [])]);
        }

        var parts = new List<Part>();
        foreach (var group in all.GroupBy(h => h.Entry))
        {
            var entry = group.Key;
            var evidence = group.ToList();
            if (entry.IsEquipment)
            {
                var strong = evidence.Exists(h => h.Kind == WatchlistHitKind.Machine);
                if (hs is not { } mhs)
                {
                    if (strong)
                    {
                        parts.Add(new Part(entry, PartKind.Machine, evidence));
                    }
                }
                else if (Watchlist.CodesInclude(entry, mhs))
                {
                    parts.Add(new Part(entry, PartKind.Machine, evidence));
                }
                else if (strong && SameHeading(entry, mhs))
                {
                    parts.Add(new Part(entry, PartKind.MachineOtherCode, evidence));
                }
                else if (strong)
                {
                    parts.Add(new Part(entry, PartKind.Misdeclared, evidence));
                }

                continue;
            }

            parts.Add(new Part(entry, hs is { } chs && !Watchlist.CodesInclude(entry, chs) ? PartKind.Misdeclared : PartKind.Named, evidence));
        }

        if (parts.Count == 0 && hs is { } h2 && watchlist.SpecificEntryFor(h2) is { } only)
        {
            parts.Add(new Part(only, PartKind.HsOnly, []));
        }

        return parts.Count == 0 ? null : new Finding(hs, parts);
    }

    /// <summary>
    /// Findings by goods part (reference identity: a part never changes once a record holds it), for one thread. Bounded:
    /// records built one by one (no shared parts) stop being remembered after <see cref="MaxCachedParts"/> and are
    /// evaluated each time, as before.
    /// </summary>
    /// <param name="declarations">Parts of declaration lines, whose HS code is required (an unset one reads as the default code).</param>
    internal sealed class GoodsMemo(bool declarations)
    {
        private const int MaxCachedParts = 100_000;
        private readonly ReferenceIds<GoodsPart> _parts = new();
        private readonly List<Finding?> _findings = [];
        private GoodsPart? _last;
        private Finding? _lastFinding;

        public Finding? Get(GoodsPart goods, Watchlist watchlist, TextCache cache)
        {
            if (ReferenceEquals(goods, _last))
            {
                return _lastFinding;
            }

            Finding? finding;
            if (_parts.TryGetId(goods, out var id))
            {
                finding = _findings[id];
            }
            else
            {
                finding = Evaluate(watchlist, cache, declarations ? goods.Hs.GetValueOrDefault() : goods.Hs, goods.Description, goods.CasNumbers);
                if (_parts.Count < MaxCachedParts)
                {
                    _parts.IdOf(goods, out _);
                    _findings.Add(finding);
                }
            }

            _last = goods;
            _lastFinding = finding;
            return finding;
        }
    }

    /// <summary>Watchlist hits by distinct description, bounded so that an upload of unique texts cannot exhaust memory.</summary>
    internal sealed class TextCache
    {
        private int _count;

        public ConcurrentDictionary<string, IReadOnlyList<WatchlistHit>> Hits { get; } = new(StringComparer.Ordinal);

        public void TryAdd(string text, IReadOnlyList<WatchlistHit> hits)
        {
            if (Volatile.Read(ref _count) < MaxCachedTexts && Hits.TryAdd(text, hits))
            {
                Interlocked.Increment(ref _count);
            }
        }
    }

    internal enum PartKind
    {
        /// <summary>Named (or CAS) and declared under one of its codes, or no HS code to compare.</summary>
        Named,

        /// <summary>Named (or CAS) but declared under none of its codes.</summary>
        Misdeclared,

        /// <summary>The HS subheading alone identifies the chemical.</summary>
        HsOnly,

        /// <summary>A tableting or encapsulating machine under its own HS code (or, on an invoice, named outright).</summary>
        Machine,

        /// <summary>A machine named outright but classified elsewhere in its own heading (e.g. 8479.90, parts of 8479 machines).</summary>
        MachineOtherCode,
    }

    internal sealed record Part(WatchlistEntry Entry, PartKind Kind, IReadOnlyList<WatchlistHit> Evidence);

    /// <summary>The matched entries of one record, turned into at most one flag per code.</summary>
    internal sealed record Finding(HsCode? Hs, IReadOnlyList<Part> Parts)
    {
        private Texts? _english;
        private Texts? _spanish;

        /// <summary>
        /// Everything of the flags but the record's own words ("Line D1/2 (...)"), which depends on the finding alone and
        /// many records share (one per distinct goods): built once per language, then each record only prefixes its words.
        /// </summary>
        internal Texts TextsFor(bool spanish) => spanish ? _spanish ??= BuildTexts(true) : _english ??= BuildTexts(false);

        private Texts BuildTexts(bool spanish)
        {
            var hsText = Hs is { } h ? h.Display : (spanish ? "sin fracción" : "no HS code");
            var chemical = new List<string>();
            var score = 0.0;
            foreach (var p in Parts)
            {
                var (s, sentence) = Describe(p, hsText, spanish);
                score = Math.Max(score, s);
                chemical.Add(sentence);
            }

            var observed = $"{string.Join("; ", Parts.Select(p => p.Entry.Name).Distinct())}; HS {hsText}";
            var lead = spanish ? " corresponde a la lista de precursores: " : " matches the precursor watchlist: ";
            var texts = new Texts(score, lead + string.Join("; ", chemical) + ".", observed);

            var mis = Parts.Where(p => p.Kind == PartKind.Misdeclared).ToList();
            if (mis.Count > 0)
            {
                var sb = new StringBuilder();
                foreach (var p in mis)
                {
                    if (sb.Length > 0)
                    {
                        sb.Append("; ");
                    }

                    sb.Append(spanish
                        ? $"la descripción nombra {p.Entry.Name} ({EvidenceText(p.Evidence, true)}) pero se declaró con la fracción {hsText}, no con {p.Entry.HsCodesText} donde se clasifica"
                        : $"the description names {p.Entry.Name} ({EvidenceText(p.Evidence, false)}) but it is declared under HS {hsText}, not {p.Entry.HsCodesText} where {p.Entry.Name} is classified");
                }

                texts.MisdeclaredExpected = "HS " + string.Join(" or ", mis.SelectMany(p => p.Entry.HsCodes).Distinct());
                texts.MisdeclaredScore = mis.Any(p => p.Evidence.Any(e => e.Kind == WatchlistHitKind.Cas)) ? 88 : 85;
                texts.MisdeclaredTail = $": {sb}.";
                texts.MisdeclaredObserved = $"HS {hsText}";
            }

            return texts;
        }

        /// <summary>The record-independent parts of a finding's flags in one language.</summary>
        internal sealed class Texts(double score, string chemicalTail, string observed)
        {
            public double Score { get; } = score;

            public string ChemicalTail { get; } = chemicalTail;

            public string Observed { get; } = observed;

            public string? MisdeclaredTail { get; set; }

            public string? MisdeclaredExpected { get; set; }

            public string? MisdeclaredObserved { get; set; }

            public double MisdeclaredScore { get; set; }
        }

        private static (double Score, string Sentence) Describe(Part p, string hs, bool es)
        {
            var e = p.Entry;
            var evidence = EvidenceText(p.Evidence, es);
            var control = string.IsNullOrWhiteSpace(e.Control) ? string.Empty : $" [{e.Control}]";
            var bothNameAndCas = p.Evidence.Any(x => x.Kind == WatchlistHitKind.Cas) && p.Evidence.Any(x => x.Kind == WatchlistHitKind.Name);
            return p.Kind switch
            {
                PartKind.Named => (bothNameAndCas ? 85 : 80, es
                    ? $"{e.Name} ({evidence}) bajo la fracción {hs}{control}"
                    : $"{e.Name} ({evidence}) under HS {hs}{control}"),
                PartKind.Misdeclared when e.IsEquipment => (80, es
                    ? $"{e.Name} ({evidence}) declarada con la fracción {hs} en lugar de {e.HsCodesText}{control}"
                    : $"{e.Name} ({evidence}) declared under HS {hs} instead of {e.HsCodesText}{control}"),
                PartKind.Misdeclared => (80, es
                    ? $"{e.Name} ({evidence}) bajo la fracción {hs}, que no es la suya ({e.HsCodesText}){control}"
                    : $"{e.Name} ({evidence}) under HS {hs}, which is not its own ({e.HsCodesText}){control}"),
                PartKind.HsOnly => (70, es
                    ? $"la fracción {hs} es la subpartida propia de {e.Name}{control}, aunque la descripción no lo nombra"
                    : $"HS {hs} is the subheading of {e.Name}{control}, although the description does not name it"),
                PartKind.Machine => (p.Evidence.Any(x => x.Kind == WatchlistHitKind.Machine) ? 78 : 72, es
                    ? $"{e.Name} ({evidence}) bajo la fracción {hs}{control}"
                    : $"{e.Name} ({evidence}) under HS {hs}{control}"),
                _ => (65, es
                    ? $"{e.Name} ({evidence}) clasificada en la fracción {hs} y no en {e.HsCodesText} (¿partes o equipo similar?){control}"
                    : $"{e.Name} ({evidence}) classified under HS {hs} rather than {e.HsCodesText} (parts or similar equipment?){control}"),
            };
        }

        private static string EvidenceText(IReadOnlyList<WatchlistHit> evidence, bool es)
        {
            var items = new List<string>();
            foreach (var h in evidence)
            {
                items.Add(h.Kind switch
                {
                    WatchlistHitKind.Cas => $"CAS {h.Term}",
                    _ => es ? $"texto '{h.Term}'" : $"text '{h.Term}'",
                });
            }

            return string.Join(", ", items.Distinct());
        }
    }
}
