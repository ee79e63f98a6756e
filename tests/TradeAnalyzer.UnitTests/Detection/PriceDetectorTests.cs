using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Baselines;
using TradeAnalyzer.Core.Detection;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.UnitTests.Baselines;

namespace TradeAnalyzer.UnitTests.Detection;

public class PriceDetectorTests
{
    private static readonly double[] Normal11 = [9.0, 9.5, 9.8, 10.0, 10.1, 10.3, 10.6, 11.0, 11.2, 11.8, 12.5];

    private static List<DeclarationLine> GroupWith(double outlier, double outlierQty = 1000)
    {
        var lines = Normal11.Select(p => TestLines.Line("2933.39", p)).ToList();
        lines.Add(TestLines.Line("2933.39", outlier, quantity: outlierQty, id: "OUT"));
        return lines;
    }

    /// <summary>Fences computed independently from the 11 normal prices (R7 quartiles of ln price, k = 2).</summary>
    private static (double Lower, double Upper) HandFences()
    {
        var ln = Normal11.Select(x => Math.Log(x)).Order().ToArray();
        var q1 = SortedArrayStatistics.QuantileCustom(ln, 0.25, QuantileDefinition.R7);
        var q3 = SortedArrayStatistics.QuantileCustom(ln, 0.75, QuantileDefinition.R7);
        var iqr = Math.Max(q3 - q1, 0.1);
        return (Math.Exp(q1 - (2 * iqr)), Math.Exp(q3 + (2 * iqr)));
    }

    [Fact]
    public void Outlier_above_is_flagged_against_fences_that_leave_it_out()
    {
        var context = TestLines.Context(GroupWith(41.2));
        var flags = TestLines.Run(new PriceDetector(), context);
        var flag = Assert.Single(flags);
        Assert.Equal(FlagCode.PriceAboveBaseline, flag.Code);
        Assert.Equal("OUT", flag.DeclarationId);

        var (lower, upper) = HandFences();
        Assert.Equal(Math.Round((41.2 - upper) * 1000, 2), flag.ValueAtRiskUsd!.Value, 2);
        Assert.Equal($"{lower:N2}-{upper:N2} USD/kg", flag.Expected);
        Assert.Equal("41.20 USD/kg", flag.Observed);
        Assert.StartsWith("Declared 41.20 USD/kg for HS 2933.39 from CN to MX; 95% of 11 comparable lines (HS 2933.39 kg) were ", flag.Explanation);
        Assert.Contains($"the upper fence is {upper:N2} USD/kg, so about {flag.ValueAtRiskUsd:N2} USD may have moved through over-invoicing.", flag.Explanation);
        Assert.Equal(EnumText.SeverityFromScore(flag.Score), flag.Severity);
        Assert.InRange(flag.Score, 85, 100);
        Assert.Equal("N:EXPORTER CN", flag.ExporterKey);
        Assert.Equal("CN", flag.OriginCountry);
        Assert.NotNull(flag.Source);
    }

    [Fact]
    public void A_single_outlier_does_not_shift_its_own_fences()
    {
        // The outlier's fences are those of the other 11 lines, whether it is at 15 or at 1,500.
        var (_, upper) = HandFences();
        foreach (var outlier in new[] { 41.2, 1500.0 })
        {
            var flags = TestLines.Run(new PriceDetector(), TestLines.Context(GroupWith(outlier)));
            var flag = Assert.Single(flags);
            Assert.EndsWith($"-{upper:N2} USD/kg", flag.Expected);
        }
    }

    [Fact]
    public void Outlier_below_is_flagged_with_money_below_the_lower_fence()
    {
        var flags = TestLines.Run(new PriceDetector(), TestLines.Context(GroupWith(1.5, outlierQty: 2000)));
        var flag = Assert.Single(flags);
        Assert.Equal(FlagCode.PriceBelowBaseline, flag.Code);
        var (lower, _) = HandFences();
        Assert.Equal(Math.Round((lower - 1.5) * 2000, 2), flag.ValueAtRiskUsd!.Value, 2);
        Assert.Contains("under-invoicing", flag.Explanation);
    }

    [Fact]
    public void Spanish_explanation()
    {
        var context = TestLines.Context(GroupWith(41.2), new AnalysisOptions { Language = "es" });
        var flag = Assert.Single(TestLines.Run(new PriceDetector(), context));
        Assert.StartsWith("Se declararon 41.20 USD/kg para HS 2933.39 de CN a MX; el 95% de 11 líneas comparables", flag.Explanation);
        Assert.EndsWith("mediante sobrefacturación.", flag.Explanation);
    }

    [Fact]
    public void Normal_spread_is_not_flagged()
    {
        // 500 prices at the normal quantiles of ln price (sd 0.3): the extremes are 3.09 sd out, inside the k = 2
        // fences at 0.674 + 2 x 1.349 = 3.37 sd.
        var lines = new List<DeclarationLine>();
        const int n = 500;
        for (var i = 0; i < n; i++)
        {
            var z = Normal.InvCDF(0, 1, (i + 0.5) / n);
            lines.Add(TestLines.Line("2933399901", 15 * Math.Exp(0.3 * z), origin: i % 2 == 0 ? "CN" : "IN"));
        }

        var context = TestLines.Context(lines);
        Assert.Empty(TestLines.Run(new PriceDetector(), context));
        Assert.Equal(n, context.Artifacts.Counters["price.compared"]);
    }

    [Fact]
    public void Tight_group_uses_the_iqr_floor_and_z_floor()
    {
        var lines = Enumerable.Range(0, 20).Select(_ => TestLines.Line("293339", 10)).ToList();
        lines.Add(TestLines.Line("293339", 10.5, id: "NEAR"));
        lines.Add(TestLines.Line("293339", 13, id: "FAR"));
        var flags = TestLines.Run(new PriceDetector(), TestLines.Context(lines));
        var flag = Assert.Single(flags);
        Assert.Equal("FAR", flag.DeclarationId);
        // Fences ln 10 -/+ 2 x 0.1: 8.19-12.21 USD/kg.
        Assert.Equal($"{10 * Math.Exp(-0.2):N2}-{10 * Math.Exp(0.2):N2} USD/kg", flag.Expected);
    }

    [Fact]
    public void Large_binned_group_flags_extremes_and_reports_the_baseline_used()
    {
        var lines = new List<DeclarationLine>();
        for (var i = 0; i < 3000; i++)
        {
            var z = Normal.InvCDF(0, 1, 0.01 + (0.98 * (i + 0.5) / 3000));
            lines.Add(TestLines.Line("2933399901", 20 * Math.Exp(0.25 * z), origin: "CN"));
        }

        lines.Add(TestLines.Line("2933399901", 200, origin: "CN", id: "HIGH"));
        lines.Add(TestLines.Line("2933399901", 2, origin: "CN", id: "LOW"));
        var context = TestLines.Context(lines);
        var flags = TestLines.Run(new PriceDetector(), context);
        Assert.Equal(["HIGH", "LOW"], flags.Select(f => f.DeclarationId).Order());

        var used = Assert.Single(context.Artifacts.BaselinesUsed);
        Assert.Equal("HS 2933.39.9901 kg, CN to MX", used.Group);
        Assert.Equal(3002, used.UsedBy);
        Assert.Equal(3002, used.Count);
        Assert.InRange(used.Median, 20 * 0.99, 20 * 1.01);
        Assert.Equal("data", used.Source);
        Assert.NotNull(context.Artifacts.UploadBaselines);
        Assert.True(context.Artifacts.UploadBaselines!.TryGet(new BaselineKey("2933", BaseUnit.Kg, null, null), out var hs4));
        Assert.Equal(3002, hs4.Count);
    }

    [Fact]
    public void External_reference_flags_a_thin_group()
    {
        var lines = new List<DeclarationLine> { TestLines.Line("2933.39.99", 12), TestLines.Line("2933.39.99", 80, quantity: 50, id: "X") };
        var context = new AnalysisContext
        {
            Declarations = lines,
            Reference = new() { ExternalBaselines = [new("293339", BaseUnit.Kg, 12, 10, 15, 800, "Comtrade 2024", "2024")] },
        };
        var flag = Assert.Single(TestLines.Run(new PriceDetector(), context));
        var upper = 15 * Math.Pow(1.5, 2);
        Assert.Equal(Math.Round((80 - upper) * 50, 2), flag.ValueAtRiskUsd!.Value, 2);
        Assert.Contains("the Comtrade 2024 reference unit value is 12.00 USD/kg", flag.Explanation);
        var used = Assert.Single(context.Artifacts.BaselinesUsed);
        Assert.Equal("Comtrade 2024", used.Source);
        Assert.Equal(2, used.UsedBy);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(2, 40)]
    [InlineData(3, 60)]
    [InlineData(5, 85)]
    [InlineData(-5, 85)]
    [InlineData(8, 100)]
    [InlineData(30, 100)]
    public void Score_mapping_from_robust_z(double z, double score) => Assert.Equal(score, PriceStats.ScoreFromZ(z), 6);

    [Fact]
    public void Default_catalog_registers_the_detectors()
    {
        var names = DetectorCatalog.CreateDefault().Select(d => d.Name).ToList();
        Assert.Contains("price", names);
        Assert.Contains("weight", names);
        Assert.Contains("vague", names);
    }

    /// <summary>The flag texts as they were made before they were written in one string each: a string per number.</summary>
    private static (string Explanation, string Expected, string Observed) TextsNumberByNumber(DeclarationLine line, ResolvedBaseline b, PriceStats s, double x, bool spanish)
    {
        static string N2(double v) => v.ToString("N2", System.Globalization.CultureInfo.InvariantCulture);
        static string N0(long v) => v.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        var above = x > s.UpperFence;
        var price = line.UnitPriceUsd;
        var unit = line.Unit.ToText();
        var lowerPrice = Math.Exp(s.LowerFence);
        var upperPrice = Math.Exp(s.UpperFence);
        var atRisk = above ? (price - upperPrice) * line.NormQuantity : (lowerPrice - price) * line.NormQuantity;
        var expected = $"{N2(lowerPrice)}-{N2(upperPrice)} USD/{unit}";
        var observed = $"{N2(price)} USD/{unit}";
        var p025 = Math.Exp(b.LnQuantile(0.025, x));
        var p975 = Math.Exp(b.LnQuantile(0.975, x));
        var hs = line.Hs.Display;
        if (b.External is not null)
        {
            return (spanish
                ? $"Se declararon {observed} para HS {hs} de {line.OriginCountry} a {line.DestinationCountry}; el valor de referencia de {b.Source} es {N2(Math.Exp(s.LnMedian))} USD/{unit} (rango aceptado {expected}), por lo que unos {N2(atRisk)} USD podrían haberse movido mediante {(above ? "sobrefacturación" : "subfacturación")}."
                : $"Declared {observed} for HS {hs} from {line.OriginCountry} to {line.DestinationCountry}; the {b.Source} reference unit value is {N2(Math.Exp(s.LnMedian))} USD/{unit} (accepted range {expected}), so about {N2(atRisk)} USD may have moved through {(above ? "over" : "under")}-invoicing.", expected, observed);
        }

        var range = $"{N2(p025)}-{N2(p975)} USD/{unit}";
        var fence = $"{N2(above ? upperPrice : lowerPrice)} USD/{unit}";
        return (spanish
            ? $"Se declararon {observed} para HS {hs} de {line.OriginCountry} a {line.DestinationCountry}; el 95% de {N0(s.Count)} líneas comparables ({b.KeyDescription}) estuvo entre {range} y el límite {(above ? "superior" : "inferior")} es {fence}, por lo que unos {N2(atRisk)} USD podrían haberse movido mediante {(above ? "sobrefacturación" : "subfacturación")}."
            : $"Declared {observed} for HS {hs} from {line.OriginCountry} to {line.DestinationCountry}; 95% of {N0(s.Count)} comparable lines ({b.KeyDescription}) were {range} and the {(above ? "upper" : "lower")} fence is {fence}, so about {N2(atRisk)} USD may have moved through {(above ? "over" : "under")}-invoicing.", expected, observed);
    }

    [Fact]
    public void Flag_texts_written_in_one_string_equal_the_texts_made_number_by_number()
    {
        var random = new Random(17);
        var values = Enumerable.Range(0, 3_000).Select(_ => 2 + (random.NextDouble() * 3)).ToArray();
        var key = new BaselineKey("29333999", BaseUnit.Kg, "CN", "MX");
        var own = new ResolvedBaseline(key, LogHistogram.FromValues(values), includesRecords: true, "HS8", fallback: false, k: 2);
        var small = new ResolvedBaseline(key, LogHistogram.FromValues(values.AsSpan(0, 30)), includesRecords: true, "HS8", fallback: true, k: 2);
        var external = new ResolvedBaseline(key with { Origin = null, Destination = null }, new TradeAnalyzer.Core.Reference.ExternalBaseline("29333999", BaseUnit.Kg, 12.5, 9, 20, 400, "Comtrade", "2025"), "HS8", fallback: false, k: 2);
        for (var i = 0; i < 600; i++)
        {
            var b = (i % 3) switch { 0 => own, 1 => small, _ => external };
            var x = values[random.Next(values.Length)] + (random.Next(2) == 0 ? 4 : -4) + random.NextDouble();
            var quantity = Math.Round(Math.Exp(random.NextDouble() * 12), random.Next(3));
            var line = TestLines.Line(random.Next(2) == 0 ? "2933.39.99" : "2933399901", Math.Exp(x), quantity: quantity, origin: "CN", destination: "MX");
            var s = b.StatsFor(x);
            var spanish = random.Next(2) == 0;
            var flag = PriceDetector.CreateFlag(line, b, s, x, s.Z(x), spanish);
            Assert.Equal(TextsNumberByNumber(line, b, s, x, spanish), (flag.Explanation, flag.Expected!, flag.Observed!));
        }
    }
}
