using System.Text;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Text;

namespace TradeAnalyzer.Core.Reference;

/// <summary>One watchlisted precursor chemical or machine (spec 1.3 `watchlist`).</summary>
public sealed record WatchlistEntry(
    string Name,
    IReadOnlyList<string> Synonyms,
    IReadOnlyList<string> CasNumbers,
    IReadOnlyList<string> HsCodes,
    string Control,
    string Source)
{
    /// <summary>True for tableting and encapsulating machines: every HS code in chapters 84-85 and no CAS number.</summary>
    public bool IsEquipment => CasNumbers.Count == 0 && HsCodes.Count > 0
        && HsCodes.All(h => h.StartsWith("84", StringComparison.Ordinal) || h.StartsWith("85", StringComparison.Ordinal));

    /// <summary>The HS codes as written, joined for explanations ("2933.39" or "2933.33 or 2933.34").</summary>
    public string HsCodesText => HsCodes.Count == 0 ? "-" : string.Join(" or ", HsCodes);
}

/// <summary>How a watchlist entry was recognised in a record.</summary>
public enum WatchlistHitKind
{
    /// <summary>The entry's name or a synonym, as a whole word (case and accents folded).</summary>
    Name,

    /// <summary>One of the entry's CAS numbers (declared, or written in the text).</summary>
    Cas,

    /// <summary>A phrase that names a tableting or encapsulating machine ("tablet press", "encapsuladora").</summary>
    Machine,

    /// <summary>A word that suggests such a machine only together with its HS code ("tableting", "encapsulat...").</summary>
    MachineWord,
}

/// <summary>One recognition of a watchlist entry: the entry, the term as found, and how.</summary>
public sealed record WatchlistHit(WatchlistEntry Entry, string Term, WatchlistHitKind Kind);

/// <summary>
/// The precursor watchlist with its indexes: by CAS number, by HS code prefix, and by the first word of every name and
/// synonym (for whole-word matching in descriptions). The default is ../shared/reference/precursors.csv, embedded.
/// Immutable once built; lookups are thread-safe.
/// </summary>
public sealed class Watchlist
{
    // Phrases that name a machine on their own (flagged under any HS code), folded.
    private static readonly string[] MachinePhrases =
    [
        "TABLET PRESS", "PILL PRESS", "TABLETING MACHINE", "TABLETTING MACHINE", "TABLET MACHINE", "TABLET DIE", "PILL MAKER",
        "CAPSULE FILLING MACHINE", "CAPSULE FILLER", "ENCAPSULATOR", "ENCAPSULATING MACHINE", "ENCAPSULATION MACHINE",
        "TABLETEADORA", "PRENSA PARA TABLETAS", "PRENSA PARA PASTILLAS", "PRENSA DE TABLETAS", "ENCAPSULADORA",
        "LLENADORA DE CAPSULAS", "MAQUINA PARA CAPSULAS",
    ];

    // Words that point to such a machine only when the HS code is a machine code too ("encapsulated fish oil" is food).
    private static readonly string[] MachineWords = ["TABLETING", "TABLETTING", "CAPSULE FILLING", "ENCAPSULAT", "TABLETEAR", "ENCAPSULAD"];

    private readonly Dictionary<string, List<WatchlistEntry>> _byCas = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Term>> _termsByFirstWord = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Term>>.AlternateLookup<ReadOnlySpan<char>> _termLookup;
    private readonly List<(string Digits, WatchlistEntry Entry, bool Specific)> _hsCodes = [];
    private readonly List<(string Phrase, WatchlistEntry Entry, bool Strong)> _machinePhrases = [];

    private static readonly Lazy<Watchlist> DefaultList = new(() => Parse(ReferenceRows.Embedded("precursors.csv")));

    public Watchlist(IEnumerable<WatchlistEntry> entries)
    {
        Entries = entries.ToList();
        _termLookup = _termsByFirstWord.GetAlternateLookup<ReadOnlySpan<char>>();
        BuildIndexes();
    }

    public static Watchlist Empty { get; } = new([]);

    /// <summary>The embedded default (precursors.csv: fentanyl and methamphetamine precursors, pill presses, capsule fillers).</summary>
    public static Watchlist Default => DefaultList.Value;

    public IReadOnlyList<WatchlistEntry> Entries { get; }

    /// <summary>
    /// Parses `name,synonyms,cas_numbers,hs_codes,control,source` rows (header first; lists ';'-separated). Rows without a
    /// name are skipped. Throws <see cref="InvalidDataException"/> when the header has no name column.
    /// </summary>
    public static Watchlist Parse(IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Dictionary<string, int>? header = null;
        int name = -1, synonyms = -1, cas = -1, hs = -1, control = -1, source = -1;
        var entries = new List<WatchlistEntry>();
        foreach (var row in rows)
        {
            if (ReferenceRows.IsBlank(row))
            {
                continue;
            }

            if (header is null)
            {
                header = ReferenceRows.Header(row);
                name = ReferenceRows.Column(header, "name", "chemical", "substance");
                synonyms = ReferenceRows.Column(header, "synonyms", "synonym", "aliases");
                cas = ReferenceRows.Column(header, "cas_numbers", "cas_number", "cas", "cas_no");
                hs = ReferenceRows.Column(header, "hs_codes", "hs_code", "hs");
                control = ReferenceRows.Column(header, "control", "controls");
                source = ReferenceRows.Column(header, "source", "sources");
                if (name < 0)
                {
                    throw new InvalidDataException("The watchlist has no 'name' column (expected name,synonyms,cas_numbers,hs_codes,control,source).");
                }

                continue;
            }

            var entryName = ReferenceRows.Field(row, name);
            if (entryName.Length == 0)
            {
                continue;
            }

            entries.Add(new WatchlistEntry(
                entryName,
                ReferenceRows.SplitList(ReferenceRows.Field(row, synonyms)),
                ReferenceRows.SplitList(ReferenceRows.Field(row, cas)),
                ReferenceRows.SplitList(ReferenceRows.Field(row, hs)),
                ReferenceRows.Field(row, control),
                ReferenceRows.Field(row, source)));
        }

        return new Watchlist(entries);
    }

    /// <summary>The entries that list <paramref name="cas"/> (trimmed) among their CAS numbers.</summary>
    public IReadOnlyList<WatchlistEntry> FindByCas(string? cas) =>
        cas is not null && _byCas.TryGetValue(cas.Trim(), out var list) ? list : [];

    /// <summary>True when <paramref name="hs"/> starts with one of the entry's HS codes (codes are prefixes: 2933.39 covers 2933.39.99).</summary>
    public static bool CodesInclude(WatchlistEntry entry, HsCode hs)
    {
        ArgumentNullException.ThrowIfNull(entry);
        foreach (var code in entry.HsCodes)
        {
            var digits = Digits(code);
            if (digits.Length > 0 && hs.StartsWith(digits))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The chemical entry whose own HS subheading <paramref name="hs"/> falls in, when that subheading identifies it alone:
    /// a code listed by one entry only and not a residual 'other' subheading (HS6 ending in 9 or 90, e.g. 2933.39 or 2926.90).
    /// Null otherwise: a residual code matches only together with a name or CAS number.
    /// </summary>
    public WatchlistEntry? SpecificEntryFor(HsCode hs)
    {
        foreach (var (digits, entry, specific) in _hsCodes)
        {
            if (specific && hs.StartsWith(digits))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>True when an HS code (digits) is a residual 'other' subheading: HS6 ending in 9 (2933.39, 8479.89) or in 90 (2926.90).</summary>
    public static bool IsResidual(string digits) =>
        digits.Length >= 6 && (digits[5] == '9' || (digits[4] == '9' && digits[5] == '0'));

    /// <summary>
    /// Names, synonyms and CAS numbers of watchlist entries found in <paramref name="text"/>, plus machine phrases.
    /// Names match as whole words after folding case and accents; a hyphen or digit next to a match means it is part of a
    /// longer name ("ephedrine" is not found in "pseudoephedrine", "4-AP" not in "1-boc-4-AP"). Where matches overlap
    /// the longest wins ("despropionyl fentanyl" is ANPP, not fentanyl).
    /// </summary>
    public IReadOnlyList<WatchlistHit> MatchText(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || Entries.Count == 0)
        {
            return [];
        }

        var folded = FoldForMatch(text);
        List<WatchlistHit>? hits = null;
        List<(int Start, int Length, Term Term)>? found = null;
        var s = folded.AsSpan();
        var i = 0;
        while (i < s.Length)
        {
            if (!char.IsLetterOrDigit(s[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < s.Length && char.IsLetterOrDigit(s[i]))
            {
                i++;
            }

            if (_termLookup.TryGetValue(s[start..i], out var terms))
            {
                foreach (var term in terms)
                {
                    if (s[start..].StartsWith(term.Folded, StringComparison.Ordinal)
                        && IsNameBoundary(s, start - 1) && IsNameBoundary(s, start + term.Folded.Length))
                    {
                        found ??= [];
                        found.Add((start, term.Folded.Length, term));
                    }
                }
            }
        }

        if (found is not null)
        {
            // Longest first; keep a match only when it does not overlap a longer one already kept.
            found.Sort((a, b) => b.Length.CompareTo(a.Length));
            var kept = new List<(int Start, int Length, Term Term)>();
            foreach (var f in found)
            {
                var overlaps = false;
                foreach (var k in kept)
                {
                    if (f.Start < k.Start + k.Length && k.Start < f.Start + f.Length)
                    {
                        overlaps = true;
                        break;
                    }
                }

                if (!overlaps)
                {
                    kept.Add(f);
                    hits ??= [];
                    AddHit(hits, new WatchlistHit(f.Term.Entry, f.Term.Original, WatchlistHitKind.Name));
                }
            }
        }

        foreach (var cas in CasNumbers.FindIn(text))
        {
            foreach (var entry in FindByCas(cas))
            {
                hits ??= [];
                AddHit(hits, new WatchlistHit(entry, cas, WatchlistHitKind.Cas));
            }
        }

        foreach (var (phrase, entry, strong) in _machinePhrases)
        {
            var at = folded.IndexOf(phrase, StringComparison.Ordinal);
            while (at >= 0 && !IsNameBoundary(s, at - 1))
            {
                at = folded.IndexOf(phrase, at + 1, StringComparison.Ordinal);
            }

            if (at >= 0)
            {
                hits ??= [];
                AddHit(hits, new WatchlistHit(entry, phrase.ToLowerInvariant(), strong ? WatchlistHitKind.Machine : WatchlistHitKind.MachineWord));
            }
        }

        return hits ?? (IReadOnlyList<WatchlistHit>)[];
    }

    private static void AddHit(List<WatchlistHit> hits, WatchlistHit hit)
    {
        foreach (var h in hits)
        {
            if (ReferenceEquals(h.Entry, hit.Entry) && h.Kind == hit.Kind)
            {
                return;
            }
        }

        hits.Add(hit);
    }

    // Letters, digits and hyphens continue a chemical name: a match must not touch them on either side.
    private static bool IsNameBoundary(ReadOnlySpan<char> s, int index) =>
        index < 0 || index >= s.Length || !(char.IsLetterOrDigit(s[index]) || s[index] == '-');

    /// <summary>Folds case and accents (<see cref="PartyNames.Fold"/>) and collapses white space to single spaces.</summary>
    internal static string FoldForMatch(string text)
    {
        var folded = PartyNames.Fold(text);
        var sb = new StringBuilder(folded.Length);
        var space = false;
        foreach (var c in folded)
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space && sb.Length > 0)
            {
                sb.Append(' ');
            }

            space = false;
            sb.Append(c is '\u2010' or '\u2011' or '\u2012' or '\u2013' ? '-' : c);
        }

        return sb.ToString();
    }

    private static string Digits(string code)
    {
        var sb = new StringBuilder(code.Length);
        foreach (var c in code)
        {
            if (char.IsAsciiDigit(c))
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private void BuildIndexes()
    {
        var codeUse = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in Entries)
        {
            foreach (var code in entry.HsCodes.Select(Digits).Where(d => d.Length >= 4).Distinct())
            {
                codeUse[code] = codeUse.GetValueOrDefault(code) + 1;
            }
        }

        foreach (var entry in Entries)
        {
            foreach (var cas in entry.CasNumbers)
            {
                if (!_byCas.TryGetValue(cas, out var list))
                {
                    _byCas[cas] = list = [];
                }

                if (!list.Contains(entry))
                {
                    list.Add(entry);
                }
            }

            foreach (var code in entry.HsCodes.Select(Digits).Where(d => d.Length >= 4).Distinct())
            {
                _hsCodes.Add((code, entry, !entry.IsEquipment && codeUse[code] == 1 && !IsResidual(code)));
            }

            if (entry.IsEquipment)
            {
                continue; // machines are recognised by phrases below, not by their (generic) names
            }

            foreach (var name in entry.Synonyms.Prepend(entry.Name).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                var folded = FoldForMatch(name).Trim();
                var firstEnd = 0;
                var firstStart = 0;
                while (firstStart < folded.Length && !char.IsLetterOrDigit(folded[firstStart]))
                {
                    firstStart++;
                }

                folded = folded[firstStart..];
                while (firstEnd < folded.Length && char.IsLetterOrDigit(folded[firstEnd]))
                {
                    firstEnd++;
                }

                if (firstEnd == 0)
                {
                    continue;
                }

                var first = folded[..firstEnd];
                if (!_termsByFirstWord.TryGetValue(first, out var terms))
                {
                    _termsByFirstWord[first] = terms = [];
                }

                terms.Add(new Term(folded, name, entry));
            }
        }

        // Longer terms first within a first word, so the overlap rule sees them early (the rule does not depend on it).
        foreach (var list in _termsByFirstWord.Values)
        {
            list.Sort((a, b) => b.Folded.Length.CompareTo(a.Folded.Length));
        }

        var tablet = Entries.FirstOrDefault(e => e.IsEquipment && NamesContain(e, "TABLET", "PILL"));
        var capsule = Entries.FirstOrDefault(e => e.IsEquipment && NamesContain(e, "CAPSUL"));
        foreach (var phrase in MachinePhrases)
        {
            var entry = phrase.Contains("CAPSUL", StringComparison.Ordinal) ? capsule : tablet;
            if (entry is not null)
            {
                _machinePhrases.Add((phrase, entry, true));
            }
        }

        foreach (var word in MachineWords)
        {
            var entry = word.Contains("CAPSUL", StringComparison.Ordinal) ? capsule : tablet;
            if (entry is not null)
            {
                _machinePhrases.Add((word, entry, false));
            }
        }
    }

    private static bool NamesContain(WatchlistEntry e, params string[] words) =>
        e.Synonyms.Prepend(e.Name).Any(n => words.Any(w => PartyNames.Fold(n).Contains(w, StringComparison.Ordinal)));

    private sealed record Term(string Folded, string Original, WatchlistEntry Entry);
}
