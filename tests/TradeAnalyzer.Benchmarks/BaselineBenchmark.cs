using System.Diagnostics;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Baselines;
using TradeAnalyzer.Core.Detection;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Benchmarks;

/// <summary>
/// Times the price filter on synthetic declarations generated in memory: baseline build, merge with a history of
/// the same size, serialisation, and the full price detector (build, resolve, leave-one-out fences, flags).
/// </summary>
public static class BaselineBenchmark
{
    /// <summary>Runs the benchmark on <paramref name="lines"/> synthetic lines and prints times and rows/s.</summary>
    public static void Run(int lines)
    {
        var sw = Stopwatch.StartNew();
        var data = Generate(lines, seed: 1);
        var history = Generate(lines, seed: 2);
        Console.WriteLine($"baselines: generated {lines:N0} lines (+ history) in {sw.Elapsed.TotalMilliseconds:N0} ms, {Environment.ProcessorCount} cores");

        // Warm up the JIT on a small slice so timings measure the steady state.
        _ = BaselineSet.Build(data.Take(Math.Min(lines, 20_000)).ToList());

        // Calibration: the cheapest possible pass (ln of every unit price), to read the figures on a shared machine.
        Mark(sw);
        var sum = 0.0;
        foreach (var line in data)
        {
            sum += BaselineSet.LnPrice(line);
        }

        Report("calibration ln pass", lines, sw.Elapsed);
        Console.WriteLine($"  (checksum {sum:F1})");

        Mark(sw);
        var upload = BaselineSet.Build(data);
        Report("build", lines, sw.Elapsed);
        Console.WriteLine($"  groups: {upload.Count:N0}");

        var historySet = BaselineSet.Build(history);
        Mark(sw);
        var merged = historySet.Merge(upload);
        Report("merge", lines, sw.Elapsed);

        Mark(sw);
        using var ms = new MemoryStream();
        merged.Write(ms);
        ms.Position = 0;
        _ = BaselineSet.Read(ms);
        Report("write+read", lines, sw.Elapsed);
        Console.WriteLine($"  stored size: {ms.Length / 1024.0:N0} KiB for {merged.Count:N0} groups");

        foreach (var withHistory in new[] { false, true })
        {
            var context = new AnalysisContext { Declarations = data, HistoryBaselines = withHistory ? historySet : null };
            var sink = new CountingSink();
            Mark(sw);
            new PriceDetector().Detect(context, sink);
            Report(withHistory ? "detect (with history)" : "detect", lines, sw.Elapsed);
            Console.WriteLine($"  flags: {sink.Count:N0}, baselines used: {context.Artifacts.BaselinesUsed.Count:N0}");
        }
    }

    private static TimeSpan _cpuMark;
    private static TimeSpan _gcMark;
    private static int _gen2Mark;

    private static void Mark(Stopwatch sw)
    {
        _cpuMark = Process.GetCurrentProcess().TotalProcessorTime;
        _gcMark = GC.GetTotalPauseDuration();
        _gen2Mark = GC.CollectionCount(2);
        sw.Restart();
    }

    /// <summary>Wall time, rows/s on wall time, and process CPU time (meaningful when the machine is shared).</summary>
    private static void Report(string stage, int lines, TimeSpan elapsed)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - _cpuMark;
        var gc = GC.GetTotalPauseDuration() - _gcMark;
        Console.WriteLine($"  {stage,-22} wall {elapsed.TotalMilliseconds,9:N0} ms  {lines / Math.Max(elapsed.TotalSeconds, 1e-9),12:N0} rows/s  cpu {cpu.TotalMilliseconds,9:N0} ms  gc pause {gc.TotalMilliseconds,7:N0} ms ({GC.CollectionCount(2) - _gen2Mark} gen2)");
    }

    /// <summary>Lines over 2,000 national lines (under 400 HS6), 12 origins, 3 destinations, lognormal prices, 0.5% outliers.</summary>
    public static List<DeclarationLine> Generate(int count, int seed)
    {
        var rng = new Random(seed);
        string[] origins = ["CN", "IN", "DE", "US", "KR", "JP", "NL", "BE", "FR", "IT", "ES", "BR"];
        string[] destinations = ["MX", "US", "GT"];
        var codes = new HsCode[2000];
        var centres = new double[codes.Length];
        for (var i = 0; i < codes.Length; i++)
        {
            var hs6 = 280000 + ((i / 5) * 37 % 99_999);
            codes[i] = HsCode.Parse($"{hs6:D6}{i % 5:D2}{i % 3:D2}");
            centres[i] = rng.NextDouble() * 8;
        }

        var source = new SourceRef("bench.csv", 0);
        var date = new DateOnly(2025, 1, 1);
        var list = new List<DeclarationLine>(count);
        for (var n = 0; n < count; n++)
        {
            // Skewed code popularity: a few lines are very common.
            var c = (int)(codes.Length * Math.Pow(rng.NextDouble(), 2));
            var origin = origins[(int)(origins.Length * Math.Pow(rng.NextDouble(), 1.5))];
            var z = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            var ln = centres[c] + (0.35 * z) + (rng.NextDouble() < 0.005 ? (rng.NextDouble() < 0.5 ? -2.5 : 2.5) : 0);
            var qty = 10 + (rng.NextDouble() * 5000);
            var fob = Math.Exp(ln) * qty;
            list.Add(new DeclarationLine
            {
                Source = source with { Row = n + 2 },
                DeclarationId = $"B{n}",
                Flow = TradeFlow.Import,
                Date = date,
                ReporterCountry = "MX",
                ExporterName = "Exporter",
                ImporterName = "Importer",
                OriginCountry = origin,
                DestinationCountry = destinations[n % destinations.Length],
                Hs = codes[c],
                Quantity = qty,
                QuantityUnit = "kg",
                NormQuantity = qty,
                Unit = BaseUnit.Kg,
                Value = fob,
                Currency = "USD",
                ValueUsd = fob,
                FobUsd = fob,
            });
        }

        return list;
    }

    private sealed class CountingSink : IFlagSink
    {
        private int _count;

        public int Count => _count;

        public void Add(Flag flag) => Interlocked.Increment(ref _count);
    }
}
