using System.Diagnostics;
using System.Globalization;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Profiles;
using TradeAnalyzer.Core.Reference;
using TradeAnalyzer.Core.Text;

namespace TradeAnalyzer.Benchmarks;

/// <summary>
/// Times the risk detectors (precursor, route, sanctions) and the exporter profiler on synthetic declaration lines
/// with a 20,000-entry synthetic sanctions list, all built in memory, and prints one line per stage.
/// </summary>
public static class RiskBenchmark
{
    /// <summary>Builds <paramref name="lines"/> records, runs each stage once to warm up on a small sample, then times it on all of them.</summary>
    public static void Run(int lines)
    {
        var sw = Stopwatch.StartNew();
        var records = Records(lines, seed: 42);
        // 20,000 entries: synthetic names from their own vocabulary, plus 10 exporters of the data written the OFAC way.
        var planted = records.Select(r => r.ExporterName).Distinct().Take(10)
            .Select((n, i) => new SanctionsEntry($"P{i}", n.Replace(" Co., Ltd.", string.Empty, StringComparison.Ordinal).ToUpperInvariant() + ", S.A. DE C.V.", [], null, "SDNTK", "OFAC SDN"));
        var sanctions = new SanctionsList(Sanctions(20_000 - 10, seed: 7).Entries.Concat(planted));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"risk: built {records.Count:N0} lines and {sanctions.Entries.Count:N0} sanctions entries in {sw.Elapsed.TotalMilliseconds:N0} ms"));

        var reference = new ReferenceData { Watchlist = Watchlist.Default, Jurisdictions = JurisdictionList.Default, Sanctions = sanctions };
        sw.Restart();
        _ = sanctions.Screener;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"risk: sanctions index ({sanctions.Screener.IndexedNames:N0} names) built in {sw.Elapsed.TotalMilliseconds:N0} ms"));

        // The precursor stage's fixed cost: matching each distinct description once.
        var distinct = records.Select(r => r.Description ?? string.Empty).Distinct(StringComparer.Ordinal).ToArray();
        _ = Watchlist.Default.MatchText(distinct[0]);
        sw.Restart();
        var matched = 0;
        foreach (var text in distinct)
        {
            matched += Watchlist.Default.MatchText(text).Count > 0 ? 1 : 0;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"risk: watchlist matching of {distinct.Length:N0} distinct descriptions ({matched:N0} with hits) took {sw.Elapsed.TotalMilliseconds:N0} ms single-threaded"));

        var warm = new AnalysisContext { Declarations = records.Take(5_000).ToList(), Reference = reference };
        var context = new AnalysisContext { Declarations = records, Reference = reference };
        var all = new List<Flag>();
        foreach (var detector in new IDetector[] { new PrecursorDetector(), new RouteDetector(), new SanctionsDetector() })
        {
            detector.Detect(warm, new Sink());
            var sink = new Sink();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            var bytes = GC.GetTotalAllocatedBytes(precise: true);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            sw.Restart();
            detector.Detect(context, sink);
            var ms = sw.Elapsed.TotalMilliseconds;
            var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
            var mb = (GC.GetTotalAllocatedBytes(precise: true) - bytes) / 1e6;
            all.AddRange(sink.Flags);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"risk: {detector.Name,-10} {ms,8:N0} ms wall {cpuMs,8:N0} ms CPU {mb,8:N0} MB allocated  {sink.Flags.Count,9:N0} flags  ({records.Count / Math.Max(ms, 1) * 1000:N0} lines/s)"));
        }

        var profileSink = new Sink();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var pbytes = GC.GetTotalAllocatedBytes(precise: true);
        var pcpu = Process.GetCurrentProcess().TotalProcessorTime;
        sw.Restart();
        var profiles = new ExporterProfiler().Profile(context, all, profileSink);
        var pms = sw.Elapsed.TotalMilliseconds;
        var pcpuMs = (Process.GetCurrentProcess().TotalProcessorTime - pcpu).TotalMilliseconds;
        var pmb = (GC.GetTotalAllocatedBytes(precise: true) - pbytes) / 1e6;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"risk: {"profile",-10} {pms,8:N0} ms wall {pcpuMs,8:N0} ms CPU {pmb,8:N0} MB allocated  {profileSink.Flags.Count,9:N0} flags  ({profiles.Count:N0} exporters, {profiles.Count(p => p.Tier >= RiskTier.High):N0} high or critical)"));
    }

    /// <summary>Synthetic declaration lines: 5,000 exporters, 50,000 distinct descriptions, ~1% precursors, ~10% with transit.</summary>
    public static List<DeclarationLine> Records(int count, int seed)
    {
        var rng = new Random(seed);
        string[] goods = ["ethyl acetate", "acetone", "toluene", "sodium hydroxide", "citric acid", "polyethylene resin", "pharmaceutical intermediate", "heterocyclic compound", "industrial mixer", "bottle filling machine", "cotton t-shirts", "auto parts", "steel pipes", "LED lamps"];
        string[] precursors = ["4-AP (CAS 23056-29-3)", "1-boc-4-piperidone", "N-phenethyl-4-piperidone", "pseudoephedrine HCl", "ephedrine sulfate", "phenylacetone", "single punch tablet press", "norfentanyl"];
        string[] hs = ["2915.39.99", "2914.11.01", "2902.30.01", "2815.11.01", "2918.14.01", "3901.10.01", "2933.39.99", "2933.39.99", "8479.82.99", "8422.30.01", "6109.10.01", "8708.99.99", "7304.19.99", "8539.52.01"];
        string[] countries = ["CN", "CN", "CN", "IN", "IN", "US", "DE", "KR", "JP", "GT", "CO", "VE"];
        string[] hubs = ["HK", "SG", "AE", "PA", "NL", "BE", "CH", "US"];
        var descriptions = new string[50_000];
        var descHs = new HsCode[descriptions.Length];
        for (var i = 0; i < descriptions.Length; i++)
        {
            var precursor = i % 100 == 0;
            var g = rng.Next(goods.Length);
            descriptions[i] = precursor
                ? $"{precursors[rng.Next(precursors.Length)]} lot {i.ToString(CultureInfo.InvariantCulture)}"
                : $"{goods[g]}, grade {rng.Next(1, 99).ToString(CultureInfo.InvariantCulture)}, lot {i.ToString(CultureInfo.InvariantCulture)}";
            descHs[i] = HsCode.Parse(precursor ? (rng.Next(3) == 0 ? "2915.39.99" : "2933.39.99") : hs[g]);
        }

        var exporters = Enumerable.Range(0, 5_000).Select(i => $"Exporter {Word(rng)} {Word(rng)} Co., Ltd.").ToArray();
        var exporterKeys = exporters.Select(e => PartyNames.Key(e, null)).ToArray();
        var importers = Enumerable.Range(0, 3_000).Select(i => $"{Word(rng)} {Word(rng)} SA de CV").ToArray();
        string[] none = [];
        var list = new List<DeclarationLine>(count);
        var start = new DateOnly(2025, 1, 1);
        for (var i = 0; i < count; i++)
        {
            var e = rng.Next(exporters.Length);
            var d = rng.Next(descriptions.Length);
            if (d % 100 == 0 && e % 20 != 0)
            {
                d++; // precursors come from one exporter in twenty
            }

            var value = Math.Round(Math.Pow(10, 3 + (3 * rng.NextDouble())), 2);
            var transit = rng.Next(10) == 0 ? (rng.Next(4) == 0 ? new[] { hubs[rng.Next(hubs.Length)], hubs[rng.Next(hubs.Length)] } : [hubs[rng.Next(hubs.Length)]]) : none;
            list.Add(new DeclarationLine
            {
                Source = new SourceRef("synthetic", i + 2),
                DeclarationId = "S" + i.ToString(CultureInfo.InvariantCulture),
                Flow = TradeFlow.Import,
                Date = start.AddDays(rng.Next(700)),
                ReporterCountry = "MX",
                ExporterName = exporters[e],
                ImporterName = importers[rng.Next(importers.Length)],
                OriginCountry = rng.Next(1_000) == 0 ? "IR" : countries[rng.Next(countries.Length)],
                DestinationCountry = "MX",
                Hs = descHs[d],
                Description = descriptions[d],
                Quantity = 100,
                QuantityUnit = "kg",
                NormQuantity = 100,
                Unit = BaseUnit.Kg,
                Value = value,
                Currency = "USD",
                ValueUsd = value,
                FobUsd = value,
                TransitCountries = transit,
                ExporterKey = exporterKeys[e],
            });
        }

        return list;
    }

    /// <summary>A synthetic sanctions list of company and person names, a quarter of them with an alias.</summary>
    public static SanctionsList Sanctions(int count, int seed)
    {
        var rng = new Random(seed);
        string[] kinds = ["Chemical", "Pharma", "Biotech", "Trading", "Logistics", "Import Export", "Industrial", "Technology", "Holdings"];
        var entries = new List<SanctionsEntry>(count);
        for (var i = 0; i < count; i++)
        {
            var name = i % 3 == 0
                ? $"{Word(rng, ListSyllables).ToUpperInvariant()} {Word(rng, ListSyllables).ToUpperInvariant()}, {Word(rng, ListSyllables)}"
                : $"{Word(rng, ListSyllables)} {Word(rng, ListSyllables)} {kinds[rng.Next(kinds.Length)]} Co., Ltd.";
            entries.Add(new SanctionsEntry((i + 1).ToString(CultureInfo.InvariantCulture), name, i % 4 == 0 ? [$"{Word(rng, ListSyllables)} {Word(rng, ListSyllables)}"] : [], null, "SDNTK", "OFAC SDN"));
        }

        return new SanctionsList(entries);
    }

    private static readonly string[] TraderSyllables = ["ka", "lo", "mi", "ra", "te", "zu", "xin", "hao", "wei", "run", "de", "ta", "mar", "vel", "quo", "pen", "dor", "li", "san", "fer", "gu", "zan"];
    private static readonly string[] ListSyllables = ["bor", "kin", "vask", "tul", "gra", "nef", "osk", "pri", "dun", "mel", "sto", "kar", "jub", "wex", "hil", "yom"];

    private static string Word(Random rng, string[]? syllables = null)
    {
        var s = syllables ?? TraderSyllables;
        var n = rng.Next(2, 4);
        var w = string.Empty;
        for (var i = 0; i < n; i++)
        {
            w += s[rng.Next(s.Length)];
        }

        return char.ToUpperInvariant(w[0]) + w[1..];
    }

    private sealed class Sink : IFlagSink
    {
        private readonly object _gate = new();

        public List<Flag> Flags { get; } = [];

        public void Add(Flag flag)
        {
            lock (_gate)
            {
                Flags.Add(flag);
            }
        }
    }
}
