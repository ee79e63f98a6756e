using System.Text;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Baselines;

/// <summary>
/// Mergeable price statistics per (HS level and prefix, unit, corridor): the baselines the price filter compares
/// against, persisted in the store and merged per upload without rereading history. Each valid declaration line
/// (positive, finite USD FOB unit price) adds ln(unit price) to the groups of its full national line, HS8, HS6 and
/// HS4 (each distinct prefix once), each over all origins and for its (origin, destination) corridor.
/// </summary>
public sealed class BaselineSet
{
    private const int StreamVersion = 1;
    private static readonly byte[] Magic = "TABS"u8.ToArray();

    private readonly Dictionary<BaselineKey, LogHistogram> _groups;

    /// <summary>An empty set.</summary>
    public BaselineSet()
        : this(new Dictionary<BaselineKey, LogHistogram>())
    {
    }

    private BaselineSet(Dictionary<BaselineKey, LogHistogram> groups) => _groups = groups;

    /// <summary>Number of groups.</summary>
    public int Count => _groups.Count;

    /// <summary>Every group and its histogram (unordered).</summary>
    public IEnumerable<KeyValuePair<BaselineKey, LogHistogram>> Groups => _groups;

    /// <summary>The histogram of one group.</summary>
    public bool TryGet(BaselineKey key, out LogHistogram histogram) => _groups.TryGetValue(key, out histogram!);

    /// <summary>ln of the line's USD FOB unit price, or NaN when the price is not positive and finite.</summary>
    public static double LnPrice(DeclarationLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var p = line.UnitPriceUsd;
        return p > 0 && double.IsFinite(p) ? Math.Log(p) : double.NaN;
    }

    /// <summary>The distinct HS prefixes of a code, most specific first: full line, HS8, HS6, HS4.</summary>
    public static IReadOnlyList<string> PrefixesOf(HsCode hs)
    {
        var d = hs.Digits;
        var list = new List<string>(4) { d };
        foreach (var len in (ReadOnlySpan<int>)[8, 6, 4])
        {
            if (d.Length > len)
            {
                list.Add(d[..len]);
            }
        }

        return list;
    }

    /// <summary>Builds the statistics of the given lines in one grouping pass (parallel over chunks and groups).</summary>
    public static BaselineSet Build(IEnumerable<DeclarationLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var list = lines as IReadOnlyList<DeclarationLine> ?? lines.ToList();
        return Build(list, out _, out _);
    }

    /// <summary>
    /// Builds the set and also returns the finest groups (full code, unit, origin, destination) with their line indices,
    /// and every line's <see cref="LnPrice"/> by index (computed once, in line order, so later passes over a group read
    /// one array instead of chasing a million line objects).
    /// </summary>
    internal static BaselineSet Build(IReadOnlyList<DeclarationLine> lines, out IReadOnlyList<LineGroup> lineGroups, out double[] lnPrices)
    {
        var ln = new double[lines.Count];
        var groups = GroupLines(lines, ln);
        lineGroups = groups;
        lnPrices = ln;

        // Finest histograms, then every coarser key as a merge of the finest groups under it.
        var fine = new LogHistogram[groups.Count];
        Parallel.For(0, groups.Count, g =>
        {
            var idx = groups[g].Indices;
            var values = new double[idx.Length];
            var k = 0;
            foreach (var i in idx)
            {
                var x = ln[i];
                if (!double.IsNaN(x))
                {
                    values[k++] = x;
                }
            }

            fine[g] = LogHistogram.FromValues(values.AsSpan(0, k));
        });

        var parts = new Dictionary<BaselineKey, List<LogHistogram>>();
        for (var g = 0; g < groups.Count; g++)
        {
            if (fine[g].Count == 0)
            {
                continue;
            }

            var lg = groups[g];
            foreach (var prefix in PrefixesOf(lg.Hs))
            {
                Append(parts, new BaselineKey(prefix, lg.Unit, lg.Origin, lg.Destination), fine[g]);
                Append(parts, new BaselineKey(prefix, lg.Unit, null, null), fine[g]);
            }
        }

        var keys = parts.Keys.ToArray();
        var merged = new LogHistogram[keys.Length];
        var taken = new HashSet<LogHistogram>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < keys.Length; i++)
        {
            // A key made of one finest group takes that histogram itself (the first time; later keys copy it).
            var list = parts[keys[i]];
            if (list.Count == 1)
            {
                merged[i] = taken.Add(list[0]) ? list[0] : list[0].Clone();
            }
        }

        Parallel.For(0, keys.Length, i =>
        {
            if (merged[i] is null)
            {
                merged[i] = LogHistogram.MergeAll(parts[keys[i]]);
            }
        });

        var result = new Dictionary<BaselineKey, LogHistogram>(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            result[keys[i]] = merged[i];
        }

        return new BaselineSet(result);
    }

    /// <summary>A new set holding the values of this set and <paramref name="other"/> (neither is changed).</summary>
    public BaselineSet Merge(BaselineSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var result = new Dictionary<BaselineKey, LogHistogram>(Math.Max(_groups.Count, other._groups.Count));
        foreach (var (key, h) in _groups)
        {
            result[key] = h.Clone();
        }

        foreach (var (key, h) in other._groups)
        {
            if (result.TryGetValue(key, out var mine))
            {
                mine.Merge(h);
            }
            else
            {
                result[key] = h.Clone();
            }
        }

        return new BaselineSet(result);
    }

    /// <summary>Adds the values of <paramref name="other"/> to this set in place.</summary>
    public void MergeFrom(BaselineSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (key, h) in other._groups)
        {
            if (_groups.TryGetValue(key, out var mine))
            {
                mine.Merge(h);
            }
            else
            {
                _groups[key] = h.Clone();
            }
        }
    }

    /// <summary>Sets (replaces) one group's histogram, e.g. when loading rows from the storage table.</summary>
    public void Set(BaselineKey key, LogHistogram histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        _groups[key] = histogram;
    }

    /// <summary>True when both sets have the same groups with the same contents.</summary>
    public bool ContentEquals(BaselineSet? other)
    {
        if (other is null || other._groups.Count != _groups.Count)
        {
            return false;
        }

        foreach (var (key, h) in _groups)
        {
            if (!other._groups.TryGetValue(key, out var oh) || !h.ContentEquals(oh))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Writes "TABS", a version, the group count, then (key text, histogram bytes) per group in key order.</summary>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(StreamVersion);
        w.Write(_groups.Count);
        foreach (var (key, h) in _groups.OrderBy(g => g.Key.ToString(), StringComparer.Ordinal))
        {
            w.Write(key.ToString());
            var bytes = h.ToBytes();
            w.Write(bytes.Length);
            w.Write(bytes);
        }
    }

    /// <summary>Reads what <see cref="Write"/> wrote.</summary>
    /// <exception cref="FormatException">Not a baseline stream, or an unknown version.</exception>
    public static BaselineSet Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (!r.ReadBytes(4).AsSpan().SequenceEqual(Magic) || r.ReadInt32() != StreamVersion)
        {
            throw new FormatException("Not a version 1 baseline set.");
        }

        var n = r.ReadInt32();
        var groups = new Dictionary<BaselineKey, LogHistogram>(n);
        for (var i = 0; i < n; i++)
        {
            var text = r.ReadString();
            if (!BaselineKey.TryParse(text, out var key))
            {
                throw new FormatException($"Bad baseline key '{text}'.");
            }

            var len = r.ReadInt32();
            groups[key] = LogHistogram.FromBytes(r.ReadBytes(len));
        }

        return new BaselineSet(groups);
    }

    private static void Append(Dictionary<BaselineKey, List<LogHistogram>> parts, BaselineKey key, LogHistogram h)
    {
        if (!parts.TryGetValue(key, out var list))
        {
            list = new List<LogHistogram>(2);
            parts[key] = list;
        }

        list.Add(h);
    }

    private static List<LineGroup> GroupLines(IReadOnlyList<DeclarationLine> lines, double[] ln)
    {
        var chunks = Math.Max(1, Math.Min(Environment.ProcessorCount, lines.Count / 50_000));
        var partial = new Dictionary<FineKey, List<int>>[chunks];
        Parallel.For(0, chunks, c =>
        {
            var start = (int)((long)lines.Count * c / chunks);
            var end = (int)((long)lines.Count * (c + 1) / chunks);
            var d = new Dictionary<FineKey, List<int>>();

            // The key's fields live on the line's goods and route parts, which lines of one file share: the pair of
            // parts (hashed by reference) finds the group without hashing three strings per line. Bounded, for records
            // that share no parts.
            var byParts = new Dictionary<(GoodsPart, DeclarationRoute), List<int>>(PartPairComparer.Instance);
            for (var i = start; i < end; i++)
            {
                var line = lines[i];
                ln[i] = LnPrice(line);
                var parts = (line.GoodsRef, line.RouteRef);
                if (!byParts.TryGetValue(parts, out var list))
                {
                    var key = new FineKey(line.Hs.Digits, line.Unit, line.OriginCountry, line.DestinationCountry);
                    if (!d.TryGetValue(key, out list))
                    {
                        list = [];
                        d[key] = list;
                    }

                    if (byParts.Count < MaxPartPairs)
                    {
                        byParts[parts] = list;
                    }
                }

                list.Add(i);
            }

            partial[c] = d;
        });

        var all = partial[0];
        for (var c = 1; c < chunks; c++)
        {
            foreach (var (key, list) in partial[c])
            {
                if (all.TryGetValue(key, out var mine))
                {
                    mine.AddRange(list);
                }
                else
                {
                    all[key] = list;
                }
            }
        }

        var result = new List<LineGroup>(all.Count);
        foreach (var (key, list) in all)
        {
            result.Add(new LineGroup(lines[list[0]].Hs, key.Unit, key.Origin, key.Destination, list.ToArray()));
        }

        return result;
    }

    private const int MaxPartPairs = 1 << 18;

    private readonly record struct FineKey(string Digits, BaseUnit Unit, string Origin, string Destination);

    /// <summary>Equality of (goods, route) pairs by reference: parts are never changed once a line holds them.</summary>
    private sealed class PartPairComparer : IEqualityComparer<(GoodsPart Goods, DeclarationRoute Route)>
    {
        public static readonly PartPairComparer Instance = new();

        public bool Equals((GoodsPart Goods, DeclarationRoute Route) x, (GoodsPart Goods, DeclarationRoute Route) y) =>
            ReferenceEquals(x.Goods, y.Goods) && ReferenceEquals(x.Route, y.Route);

        public int GetHashCode((GoodsPart Goods, DeclarationRoute Route) obj) =>
            HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Goods), System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Route));
    }
}

/// <summary>Lines sharing the full HS code, unit, origin and destination (the finest baseline group), by index.</summary>
internal sealed record LineGroup(HsCode Hs, BaseUnit Unit, string Origin, string Destination, int[] Indices);
