using TradeAnalyzer.Core.Text;

namespace TradeAnalyzer.Core.Reference;

/// <summary>
/// Fuzzy, alias-aware screening of party names against one sanctions list. Every primary name and alias is normalised
/// (<see cref="PartyNames.Tokens"/>: case, accents, punctuation, legal forms) and indexed by the first three letters of
/// each token. A screened name gathers the names sharing such keys with it, keeps those sharing at least half of the
/// larger key set, and scores only those with <see cref="Similarity"/>: no all-pairs loop, so a 20,000-entry list
/// screens in microseconds per name. Built once per list; <see cref="Screen"/> is thread-safe.
/// </summary>
public sealed class SanctionsScreener
{
    private const int KeyLength = 3;

    private readonly SanctionsEntry[] _entryOf;
    private readonly string[] _nameOf;
    private readonly bool[] _isAlias;
    private readonly string[][] _tokens;
    private readonly int[] _keyCount;
    private readonly Dictionary<string, int[]> _postings;
    private readonly Dictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly ThreadLocal<Scratch> _scratch;

    public SanctionsScreener(SanctionsList list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var entryOf = new List<SanctionsEntry>();
        var nameOf = new List<string>();
        var isAlias = new List<bool>();
        var tokens = new List<string[]>();
        var keyCount = new List<int>();
        var postings = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var entry in list.Entries)
        {
            Add(entry, entry.Name, false);
            foreach (var alias in entry.Aliases)
            {
                Add(entry, alias, true);
            }
        }

        _entryOf = [.. entryOf];
        _nameOf = [.. nameOf];
        _isAlias = [.. isAlias];
        _tokens = [.. tokens];
        _keyCount = [.. keyCount];
        _postings = postings.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
        _lookup = _postings.GetAlternateLookup<ReadOnlySpan<char>>();
        var size = _nameOf.Length;
        _scratch = new ThreadLocal<Scratch>(() => new Scratch(size));

        void Add(SanctionsEntry entry, string name, bool alias)
        {
            var t = PartyNames.Tokens(name);
            if (t.Count == 0)
            {
                return;
            }

            var index = nameOf.Count;
            entryOf.Add(entry);
            nameOf.Add(name);
            isAlias.Add(alias);
            tokens.Add([.. t]);
            var keys = t.Select(KeyOf).Distinct(StringComparer.Ordinal).ToList();
            keyCount.Add(keys.Count);
            foreach (var key in keys)
            {
                if (!postings.TryGetValue(key, out var p))
                {
                    postings[key] = p = [];
                }

                p.Add(index);
            }
        }
    }

    /// <summary>Names indexed: primary names and aliases with at least one token.</summary>
    public int IndexedNames => _nameOf.Length;

    /// <summary>
    /// The entries <paramref name="name"/> matches with a similarity at or above <paramref name="threshold"/>, best first,
    /// each entry once (at its best-matching name or alias).
    /// </summary>
    public IReadOnlyList<SanctionsMatch> Screen(string? name, double threshold)
    {
        var query = PartyNames.Tokens(name);
        if (query.Count == 0 || _nameOf.Length == 0)
        {
            return [];
        }

        var queryTokens = query.ToArray();
        var keys = new List<string>(queryTokens.Length);
        foreach (var t in queryTokens)
        {
            var k = KeyOf(t);
            if (!keys.Contains(k))
            {
                keys.Add(k);
            }
        }

        var scratch = _scratch.Value!;
        var counts = scratch.Counts;
        var touched = scratch.Touched;
        touched.Clear();
        foreach (var key in keys)
        {
            if (!_lookup.TryGetValue(key, out var posting))
            {
                continue;
            }

            foreach (var n in posting)
            {
                if (counts[n]++ == 0)
                {
                    touched.Add(n);
                }
            }
        }

        List<SanctionsMatch>? matches = null;
        foreach (var n in touched)
        {
            var shared = counts[n];
            counts[n] = 0;
            var larger = Math.Max(keys.Count, _keyCount[n]);
            if (2 * shared < larger)
            {
                continue; // fewer than half of the words in common: cannot reach a useful similarity
            }

            var similarity = Similarity(queryTokens, _tokens[n]);
            if (similarity < threshold)
            {
                continue;
            }

            matches ??= [];
            var existing = matches.FindIndex(m => ReferenceEquals(m.Entry, _entryOf[n]));
            var match = new SanctionsMatch(_entryOf[n], _nameOf[n], _isAlias[n], Math.Round(similarity, 4));
            if (existing < 0)
            {
                matches.Add(match);
            }
            else if (similarity > matches[existing].Similarity || (similarity == matches[existing].Similarity && !_isAlias[n]))
            {
                matches[existing] = match;
            }
        }

        if (matches is null)
        {
            return [];
        }

        matches.Sort((a, b) => b.Similarity != a.Similarity ? b.Similarity.CompareTo(a.Similarity) : string.CompareOrdinal(a.Entry.Id, b.Entry.Id));
        return matches;
    }

    /// <summary>
    /// Token-set similarity of two normalised names, 0-1: each token of one name takes its best Jaro-Winkler score among
    /// the other's tokens; the scores are averaged weighted by token length, in both directions, and the lower of the two
    /// directions is the result. Word order does not matter; an extra or missing word lowers the score in proportion to
    /// its length.
    /// </summary>
    public static double Similarity(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count == 0 || b.Count == 0)
        {
            return 0;
        }

        return Math.Min(Directed(a, b), Directed(b, a));
    }

    private static double Directed(IReadOnlyList<string> from, IReadOnlyList<string> to)
    {
        double sum = 0, weight = 0;
        foreach (var t in from)
        {
            var best = 0.0;
            foreach (var u in to)
            {
                var s = JaroWinkler.Similarity(t, u);
                if (s > best)
                {
                    best = s;
                    if (best >= 1)
                    {
                        break;
                    }
                }
            }

            sum += best * t.Length;
            weight += t.Length;
        }

        return weight == 0 ? 0 : sum / weight;
    }

    private static string KeyOf(string token) => token.Length <= KeyLength ? token : token[..KeyLength];

    private sealed class Scratch(int size)
    {
        public int[] Counts { get; } = new int[size];

        public List<int> Touched { get; } = [];
    }
}
