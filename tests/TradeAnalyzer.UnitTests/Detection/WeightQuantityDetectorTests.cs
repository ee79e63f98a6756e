using TradeAnalyzer.Core.Detection;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.UnitTests.Baselines;

namespace TradeAnalyzer.UnitTests.Detection;

public class WeightQuantityDetectorTests
{
    private static List<Flag> Run(params DeclarationLine[] lines) =>
        TestLines.Run(new WeightQuantityDetector(), TestLines.Context(lines));

    [Fact]
    public void Kg_weight_far_from_quantity_is_flagged_with_figures()
    {
        var flag = Assert.Single(Run(TestLines.Line("293339", 10, quantity: 1000, netWeightKg: 250)));
        Assert.Equal(FlagCode.WeightQuantityMismatch, flag.Code);
        Assert.Equal("Declared net weight of 250.00 kg differs by 75.00% from the declared quantity of 1,000.00 kg (HS 2933.39); both should agree in kg.", flag.Explanation);
        Assert.Equal("1,000.00 kg", flag.Expected);
        Assert.Equal("250.00 kg", flag.Observed);
        Assert.InRange(flag.Score, 77, 77.5); // ratio 4 = 1.1 x 3.64: 40 + 20 log2(3.64) = 77.25
    }

    [Theory]
    [InlineData(1000, 950)] // 5%: within 10%
    [InlineData(2, 2.9)] // 45% but only 0.9 kg
    [InlineData(1000, 1000)]
    public void Kg_weight_within_tolerance_is_not_flagged(double quantity, double weight) =>
        Assert.Empty(Run(TestLines.Line("293339", 10, quantity: quantity, netWeightKg: weight)));

    [Fact]
    public void No_weight_no_flag() => Assert.Empty(Run(TestLines.Line("293339", 10, quantity: 1000)));

    [Fact]
    public void Zero_weight_is_flagged()
    {
        var flag = Assert.Single(Run(TestLines.Line("293339", 10, quantity: 10, unit: BaseUnit.U, netWeightKg: 0)));
        Assert.Contains("0.00 kg", flag.Explanation);
    }

    [Theory]
    [InlineData(100, 500, true)] // 5 kg/l
    [InlineData(100, 20, true)] // 0.2 kg/l
    [InlineData(100, 79, false)] // acetone-like 0.79 kg/l
    [InlineData(100, 184, false)] // sulphuric acid 1.84 kg/l
    public void Litre_density_plausibility(double litres, double kg, bool flagged)
    {
        var flags = Run(TestLines.Line("281410", 10, quantity: litres, unit: BaseUnit.L, netWeightKg: kg));
        Assert.Equal(flagged, flags.Count == 1);
        if (flagged)
        {
            Assert.Contains($"density of {kg / litres:N2} kg/l", flags[0].Explanation);
        }
    }

    [Fact]
    public void Unit_weight_far_from_the_hs6_median_is_flagged()
    {
        var lines = Enumerable.Range(0, 12)
            .Select(i => TestLines.Line("847989", 1000, quantity: 10, unit: BaseUnit.U, netWeightKg: 200 + i))
            .ToList();
        lines.Add(TestLines.Line("847989", 1000, quantity: 10, unit: BaseUnit.U, netWeightKg: 15, id: "LIGHT"));
        lines.Add(TestLines.Line("847989", 1000, quantity: 10, unit: BaseUnit.U, netWeightKg: 600, id: "HEAVY3X"));
        var flag = Assert.Single(TestLines.Run(new WeightQuantityDetector(), TestLines.Context(lines)));
        Assert.Equal("LIGHT", flag.DeclarationId);
        // Median of the 13 others: 20.6 kg/u (the 7th of 20.0..21.1 and 60).
        Assert.Contains("gives 1.50 kg per unit", flag.Explanation);
        Assert.Contains("than the median 20.60 kg per unit of 13 comparable lines", flag.Explanation);
    }

    [Fact]
    public void Unit_weight_needs_enough_comparable_lines()
    {
        var lines = Enumerable.Range(0, 5)
            .Select(i => TestLines.Line("847989", 1000, quantity: 10, unit: BaseUnit.U, netWeightKg: 200))
            .Append(TestLines.Line("847989", 1000, quantity: 10, unit: BaseUnit.U, netWeightKg: 1))
            .ToList();
        Assert.Empty(TestLines.Run(new WeightQuantityDetector(), TestLines.Context(lines)));
    }

    [Fact]
    public void Median_without_a_value_equals_the_median_worked_out_by_leaving_it_out()
    {
        var random = new Random(3);
        for (var round = 0; round < 2_000; round++)
        {
            // Few distinct values, so that equal values sit at and around the middle.
            var length = 2 + random.Next(30);
            var distinct = 1 + random.Next(6);
            var sorted = Enumerable.Range(0, length).Select(_ => Math.Log(1 + random.Next(distinct))).ToArray();
            Array.Sort(sorted);
            var group = new WeightQuantityDetector.UnitWeightGroup(sorted);
            Assert.Equal(length, group.Count);
            foreach (var x in sorted)
            {
                Assert.Equal(Math.Exp(WeightQuantityDetector.MedianExcluding(sorted, x)), group.MedianWithout(x));
            }
        }
    }

    [Fact]
    public void Unit_weights_flag_the_same_lines_whichever_side_of_the_median_they_lie()
    {
        // 12 comparable lines at 1 kg/u, then lines far below and above: each is flagged against the others' median.
        var lines = Enumerable.Range(0, 12).Select(_ => TestLines.Line("847130", 100, quantity: 10, unit: BaseUnit.U, netWeightKg: 10))
            .Append(TestLines.Line("847130", 100, quantity: 10, unit: BaseUnit.U, netWeightKg: 0.5))
            .Append(TestLines.Line("847130", 100, quantity: 10, unit: BaseUnit.U, netWeightKg: 200))
            .ToArray();
        var flags = Run(lines);
        Assert.Equal(2, flags.Count);
        Assert.All(flags, f => Assert.Equal("1.00 kg/u", f.Expected));
    }

    [Fact]
    public void Unit_weights_of_interleaved_codes_are_compared_within_their_own_hs6()
    {
        // Two codes in turn over shared goods parts (as ingestion builds them): 1 kg/u and 50 kg/u typical.
        GoodsPart Goods(string code) => new() { Hs = HsCode.Parse(code), Unit = BaseUnit.U, QuantityUnit = "u", Shared = true };
        var light = Goods("8471300000");
        var heavy = Goods("8414309900");
        var heavyOther = Goods("8414309100");
        DeclarationLine On(GoodsPart goods, double kg, int n) => new(n, DeclarationParties.Empty, DeclarationRoute.Empty, goods)
        {
            DeclarationId = $"W{n}", Date = new DateOnly(2026, 1, 1), Quantity = 10, NormQuantity = 10, NetWeightKg = kg, Value = 1, ValueUsd = 1, FobUsd = 1,
        };
        var lines = new List<DeclarationLine>();
        for (var n = 0; n < 30; n++)
        {
            lines.Add(On(light, 10, n));
            lines.Add(On(n % 2 == 0 ? heavy : heavyOther, 500, 100 + n));
        }

        // 10 kg for 10 u of the heavy code (HS6 841430): 50 times lighter than its others; ordinary for the light code.
        lines.Add(On(heavyOther, 10, 999));
        var flag = Assert.Single(Run([.. lines]));
        Assert.Equal("W999", flag.DeclarationId);
        Assert.Equal("50.00 kg/u", flag.Expected);
    }

    [Fact]
    public void Lines_over_several_ranges_are_each_checked_once_from_a_list_an_array_or_another_collection()
    {
        // More lines than one range (16,384), of shared goods parts: every 7th kg line weighs three times its quantity
        // (flagged), the others agree; every unit-counted line weighs 1 kg/u but every 500th, at 100 kg/u (flagged).
        GoodsPart Goods(string code, BaseUnit unit) => new() { Hs = HsCode.Parse(code), Unit = unit, QuantityUnit = unit == BaseUnit.U ? "u" : "kg", Shared = true };
        var kg = Goods("2915390000", BaseUnit.Kg);
        var units = Goods("8471300000", BaseUnit.U);
        var lines = new List<DeclarationLine>();
        var expected = new List<string>();
        for (var n = 0; n < 40_003; n++)
        {
            var unit = n % 3 == 0;
            var flagged = unit ? n % 500 == 0 : n % 7 == 0;
            var weight = unit ? (flagged ? 1_000 : 10) : (flagged ? 300 : 100);
            lines.Add(new DeclarationLine(n, DeclarationParties.Empty, DeclarationRoute.Empty, unit ? units : kg)
            {
                DeclarationId = $"W{n}", Date = new DateOnly(2026, 1, 1), Quantity = unit ? 10 : 100, NormQuantity = unit ? 10 : 100,
                NetWeightKg = n % 11 == 5 ? null : weight, Value = 1, ValueUsd = 1, FobUsd = 1,
            });
            if (flagged && n % 11 != 5)
            {
                expected.Add($"W{n}");
            }
        }

        expected.Sort(StringComparer.Ordinal);
        foreach (IReadOnlyList<DeclarationLine> records in new IReadOnlyList<DeclarationLine>[] { lines, lines.ToArray(), lines.AsReadOnly() })
        {
            var flags = TestLines.Run(new WeightQuantityDetector(), TestLines.Context(records));
            Assert.Equal(expected, flags.Select(f => f.DeclarationId!).Order(StringComparer.Ordinal));
        }
    }
}
