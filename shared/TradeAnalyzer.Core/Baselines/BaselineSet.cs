using System.Text;
using TradeAnalyzer.Core.Detection;
using TradeAnalyzer.Core.Detection.Mirror;
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
        return Build(list, out _);
    }

    /// <summary>
    /// Builds the set and also returns the finest groups (full code, unit, origin, destination) with their lines, group by
    /// group in one array, and the lines' <see cref="LnPrice"/> in the same order (computed once, so later passes over a
    /// group read one stretch of an array instead of chasing a million line objects or indices).
    /// </summary>
    internal static BaselineSet Build(IReadOnlyList<DeclarationLine> lines, out GroupedLines grouped)
    {
        grouped = GroupLines(lines);
        var groups = grouped.Groups;
        var ln = grouped.LnPrices;

        // Finest histograms, then every coarser key as a merge of the finest groups under it.
        var fine = new LogHistogram[groups.Count];
        Parallel.For(0, groups.Count, g =>
        {
            var span = ln.AsSpan(groups[g].Start, groups[g].Count);
            var valid = 0;
            foreach (var x in span)
            {
                valid += double.IsNaN(x) ? 0 : 1;
            }

            if (valid < span.Length)
            {
                // Lines without a valid price are left out: copied only for a group that has some.
                var values = new double[valid];
                var k = 0;
                foreach (var x in span)
                {
                    if (!double.IsNaN(x))
                    {
                        values[k++] = x;
                    }
                }

                span = values;
            }

            fine[g] = LogHistogram.FromValues(span);
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

    /// <summary>
    /// The finest groups of the lines, numbered in order of first appearance, and the lines and ln prices group by group
    /// (ascending line index within a group). Three passes over chunks of lines in parallel: each line's ln price and
    /// group number in its chunk; the chunk's count per (globally numbered) group; then each line's index and price
    /// written to its group's stretch. Counting first sizes every group exactly (no list per group grown by doubling).
    /// </summary>
    internal static GroupedLines GroupLines(IReadOnlyList<DeclarationLine> lines)
    {
        var n = lines.Count;
        var chunks = Math.Max(1, Math.Min(Environment.ProcessorCount, n / 50_000));
        var ln = new double[n];
        var groupOf = new int[n];
        var found = new List<(FineKey Key, int First)>[chunks];
        Parallel.For(0, chunks, c =>
        {
            var (start, end) = ChunkRange(n, chunks, c);
            var keys = new Dictionary<FineKey, int>();
            var list = new List<(FineKey Key, int First)>();

            // The key's fields live on the line's goods and route parts, which lines of one file share: the parts,
            // numbered by reference (ReferenceIds: an identity hash, no comparer), find the group by their pair of
            // numbers without hashing three strings per line. A line with the previous line's parts needs no look-up,
            // and lines of one declaration share the route. Bounded, for records that share no parts.
            var goodsIds = new ReferenceIds<GoodsPart>(1024);
            var routeIds = new ReferenceIds<DeclarationRoute>(1024);

            // The group of a pair of parts is found through dense numbers, not a hash table of pairs: each goods part's
            // number maps to the number of its (code, unit), each route part's to that of its (origin, destination), and
            // one row per (code, unit) holds the group of each (origin, destination) seen with it (codes and corridors are
            // few, parts many). A look-up of a dictionary of part pairs per part change was 11% of the detector.
            var goodsKeyOf = new List<int>();
            var routeKeyOf = new List<int>();
            var goodsKeys = new Dictionary<(string Digits, BaseUnit Unit), int>();
            var routeKeys = new Dictionary<(string Origin, string Destination), int>();
            var rows = new List<int[]>();
            var rowCells = 0;
            GoodsPart? lastGoods = null;
            DeclarationRoute? lastRoute = null;
            var lastGroup = -1;
            var routeKey = -1;
            // The line's price (FOB and quantity: its second cache line) and its parts are each a cache miss: prefetched
            // ahead as the detectors' record loops do (RecordSpan.Ahead), so that the misses of several lines overlap.
            var span = RecordSpan.Of(lines, out var all) ? all[..end] : default;
            for (var i = start; i < end; i++)
            {
                if (RecordSpan.Ahead(span, i, recordLines: 2) is { } near)
                {
                    Analysis.CacheHint.Object(near.GoodsRef);
                    Analysis.CacheHint.Object(near.RouteRef);
                }

                var line = span.Length != 0 ? span[i] : lines[i];
                ln[i] = LnPrice(line);
                var goods = line.GoodsRef;
                var route = line.RouteRef;
                if (!ReferenceEquals(goods, lastGoods) || !ReferenceEquals(route, lastRoute))
                {
                    if (!ReferenceEquals(route, lastRoute))
                    {
                        routeKey = KeyOf(PartId(routeIds, route), routeKeyOf, routeKeys, (line.OriginCountry, line.DestinationCountry));
                    }

                    var goodsKey = KeyOf(PartId(goodsIds, goods), goodsKeyOf, goodsKeys, (line.Hs.Digits, line.Unit));
                    if (goodsKey < 0 || routeKey < 0 || !TryRow(rows, goodsKey, routeKey, out lastGroup))
                    {
                        var key = new FineKey(line.Hs.Digits, line.Unit, line.OriginCountry, line.DestinationCountry);
                        if (!keys.TryGetValue(key, out lastGroup))
                        {
                            lastGroup = list.Count;
                            keys[key] = lastGroup;
                            list.Add((key, i));
                        }

                        if (goodsKey >= 0 && routeKey >= 0)
                        {
                            SetRow(rows, goodsKey, routeKey, lastGroup, ref rowCells);
                        }
                    }

                    lastGoods = goods;
                    lastRoute = route;
                }

                groupOf[i] = lastGroup;
            }

            found[c] = list;
        });

        // Global numbers in order of first appearance: the first chunk's groups, then each later chunk's new ones.
        var global = new Dictionary<FineKey, int>();
        var firsts = new List<(FineKey Key, int First)>();
        var renumber = new int[chunks][];
        for (var c = 0; c < chunks; c++)
        {
            var map = new int[found[c].Count];
            for (var k = 0; k < map.Length; k++)
            {
                var (key, first) = found[c][k];
                if (!global.TryGetValue(key, out var g))
                {
                    g = firsts.Count;
                    global[key] = g;
                    firsts.Add((key, first));
                }

                map[k] = g;
            }

            renumber[c] = map;
        }

        var count = firsts.Count;
        var next = new int[chunks][];
        Parallel.For(0, chunks, c =>
        {
            var (start, end) = ChunkRange(n, chunks, c);
            var map = renumber[c];
            var counts = new int[count];
            for (var i = start; i < end; i++)
            {
                var g = map[groupOf[i]];
                groupOf[i] = g;
                counts[g]++;
            }

            next[c] = counts;
        });

        // Each group's stretch, and within it each chunk's first position (chunks in line order).
        var starts = new int[count + 1];
        var position = 0;
        for (var g = 0; g < count; g++)
        {
            starts[g] = position;
            for (var c = 0; c < chunks; c++)
            {
                var inChunk = next[c][g];
                next[c][g] = position;
                position += inChunk;
            }
        }

        starts[count] = position;
        var order = new int[n];
        var prices = new double[n];
        Parallel.For(0, chunks, c =>
        {
            var (start, end) = ChunkRange(n, chunks, c);
            var at = next[c];
            for (var i = start; i < end; i++)
            {
                var p = at[groupOf[i]]++;
                order[p] = i;
                prices[p] = ln[i];
            }
        });

        var groups = new LineGroup[count];
        for (var g = 0; g < count; g++)
        {
            var (key, first) = firsts[g];
            groups[g] = new LineGroup(lines[first].Hs, key.Unit, key.Origin, key.Destination, starts[g], starts[g + 1] - starts[g]);
        }

        return new GroupedLines(groups, order, prices);
    }

    /// <summary>The number of a shared part, or -1 once <see cref="MaxPartPairs"/> parts are numbered and this one is not.</summary>
    private static int PartId<T>(ReferenceIds<T> ids, T part)
        where T : class =>
        ids.TryGetId(part, out var id) ? id : ids.Count < MaxPartPairs ? ids.IdOf(part, out _) : -1;

    /// <summary>
    /// The dense number of the key of the part numbered <paramref name="partId"/> (-1: not numbered): the part's first
    /// time (part numbers are given in order, so a new one is the next), its key looked up in <paramref name="numbers"/>.
    /// </summary>
    private static int KeyOf<TKey>(int partId, List<int> keyOfPart, Dictionary<TKey, int> numbers, TKey key)
        where TKey : notnull
    {
        if (partId < 0)
        {
            return -1;
        }

        if (partId < keyOfPart.Count)
        {
            return keyOfPart[partId];
        }

        ref var n = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(numbers, key, out var known);
        if (!known)
        {
            n = numbers.Count - 1;
        }

        keyOfPart.Add(n);
        return n;
    }

    /// <summary>The group of (goods key, route key) when one was set (rows hold group + 1; 0 is none).</summary>
    private static bool TryRow(List<int[]> rows, int goodsKey, int routeKey, out int group)
    {
        if (goodsKey < rows.Count && rows[goodsKey] is { } row && routeKey < row.Length && row[routeKey] != 0)
        {
            group = row[routeKey] - 1;
            return true;
        }

        group = -1;
        return false;
    }

    /// <summary>Sets the group of (goods key, route key); not when the route key or the rows' cells
    /// (<paramref name="cells"/>, summed over the rows) pass their bounds, so that a file of many codes each seen with a
    /// late corridor can't make rows of thousands of cells per code: those pairs are then looked up by their full key.</summary>
    private static void SetRow(List<int[]> rows, int goodsKey, int routeKey, int group, ref int cells)
    {
        if (routeKey >= MaxRow)
        {
            return;
        }

        while (rows.Count <= goodsKey)
        {
            rows.Add([]);
        }

        var row = rows[goodsKey];
        if (routeKey >= row.Length)
        {
            var length = Math.Min(MaxRow, Math.Max(routeKey + 1, row.Length * 2));
            if (cells + length - row.Length > MaxRowCells)
            {
                return;
            }

            cells += length - row.Length;
            Array.Resize(ref row, length);
            rows[goodsKey] = row;
        }

        row[routeKey] = group + 1;
    }

    /// <summary>Route keys beyond this many per row are looked up by their full key (rows stay small on odd inputs).</summary>
    private const int MaxRow = 1 << 12;

    /// <summary>The cells of all rows of one chunk together (4 MiB of ints).</summary>
    private const int MaxRowCells = 1 << 20;

    /// <summary>Lines [start, end) of chunk <paramref name="c"/> of <paramref name="chunks"/>.</summary>
    private static (int Start, int End) ChunkRange(int n, int chunks, int c) =>
        ((int)((long)n * c / chunks), (int)((long)n * (c + 1) / chunks));

    private const int MaxPartPairs = 1 << 18;

    private readonly record struct FineKey(string Digits, BaseUnit Unit, string Origin, string Destination);
}

/// <summary>
/// Lines sharing the full HS code, unit, origin and destination (the finest baseline group): positions
/// [<paramref name="Start"/>, Start + <paramref name="Count"/>) of <see cref="GroupedLines.Order"/> and
/// <see cref="GroupedLines.LnPrices"/>.
/// </summary>
internal sealed record LineGroup(HsCode Hs, BaseUnit Unit, string Origin, string Destination, int Start, int Count);

/// <summary>The finest baseline groups of some lines, in order of first appearance, with the lines group by group.</summary>
/// <param name="Groups">The groups.</param>
/// <param name="Order">Line indices, group by group, ascending within a group.</param>
/// <param name="LnPrices">ln unit price of the line at the same position of <paramref name="Order"/> (NaN: no valid price).</param>
internal sealed record GroupedLines(IReadOnlyList<LineGroup> Groups, int[] Order, double[] LnPrices);
