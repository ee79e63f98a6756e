using TradeAnalyzer.Core.Baselines;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.UnitTests.Baselines;

/// <summary>
/// The price detector's grouping (<see cref="BaselineSet.GroupLines"/>: counted, then written group by group) against a
/// plain dictionary of lists, and the per-bin statistics of <see cref="ResolvedBaseline.StatsFor"/> against working
/// them out directly.
/// </summary>
public class GroupedLinesTests
{
    private static readonly string[] Codes = ["2933399901", "2933399902", "29333100", "293349", "2914110000", "8414309900"];
    private static readonly string[] Countries = ["CN", "IN", "DE", "US", "MX"];

    /// <summary>
    /// Lines over shared goods and route parts (as ingestion builds them), some with parts of their own holding the same
    /// fields as a shared one, some without a valid price; enough lines for several chunks.
    /// </summary>
    private static List<DeclarationLine> RandomLines(int count, int seed, int countries = 0, int moreCodes = 0)
    {
        // countries > 0: that many countries instead of five (countries^2 corridors; over 4,096 the grouping's rows of
        // corridors by code are full and the rest are looked up by their full key).
        string[] countryCodes = countries == 0 ? Countries : [.. Enumerable.Range(0, countries).Select(c => $"{(char)('A' + (c / 26))}{(char)('A' + (c % 26))}")];
        var random = new Random(seed);
        var goods = new List<GoodsPart>();
        // moreCodes > 0: that many more codes (with many corridors, more rows of corridors than the grouping's bound on
        // their cells: the pairs past it are looked up by their full key).
        foreach (var code in Codes.Concat(Enumerable.Range(0, moreCodes).Select(c => $"29{c:D6}")))
        {
            foreach (var unit in (ReadOnlySpan<BaseUnit>)[BaseUnit.Kg, BaseUnit.U])
            {
                goods.Add(Goods(code, unit, shared: true));
            }
        }

        var routes = new List<DeclarationRoute>();
        foreach (var origin in countryCodes)
        {
            foreach (var destination in countryCodes)
            {
                routes.Add(Route(origin, destination, shared: true));
            }
        }

        var lines = new List<DeclarationLine>(count);
        for (var i = 0; i < count; i++)
        {
            var g = goods[random.Next(goods.Count)];
            var r = routes[random.Next(routes.Count)];
            if (random.Next(20) == 0)
            {
                g = Goods(g.Hs!.Value.Digits, g.Unit, shared: false);
            }

            if (random.Next(20) == 0)
            {
                r = Route(r.OriginCountry, r.DestinationCountry, shared: false);
            }

            var quantity = random.Next(10) == 0 ? 0 : 1 + random.Next(1000);
            var fob = random.Next(15) == 0 ? -5 : Math.Exp(random.NextDouble() * 8) * Math.Max(1, quantity);
            lines.Add(new DeclarationLine(i + 2, DeclarationParties.Empty, r, g)
            {
                DeclarationId = $"D{i}",
                Date = new DateOnly(2026, 1, 1),
                Quantity = quantity,
                NormQuantity = quantity,
                Value = fob,
                ValueUsd = fob,
                FobUsd = fob,
            });

            // Runs of lines with the same parts, as lines of one declaration.
            if (random.Next(4) == 0 && i + 1 < count)
            {
                lines.Add(new DeclarationLine(i + 3, DeclarationParties.Empty, r, g)
                {
                    DeclarationId = $"D{i}",
                    LineNo = 2,
                    Date = new DateOnly(2026, 1, 1),
                    Quantity = 3,
                    NormQuantity = 3,
                    Value = 30,
                    ValueUsd = 30,
                    FobUsd = 30,
                });
                i++;
            }
        }

        return lines;
    }

    private static GoodsPart Goods(string code, BaseUnit unit, bool shared) =>
        new() { Hs = HsCode.Parse(code), Unit = unit, QuantityUnit = unit.ToText(), Shared = shared };

    private static DeclarationRoute Route(string origin, string destination, bool shared) => new()
    {
        File = "t.csv", ReporterCountry = destination, OriginCountry = origin, DestinationCountry = destination, Currency = "USD", Shared = shared,
    };

    [Theory]
    [InlineData(0, 1)]
    [InlineData(7, 2)]
    [InlineData(1_000, 3)]
    [InlineData(160_000, 4)]
    [InlineData(160_000, 5, 70)]
    [InlineData(160_000, 6, 70, 300)]
    public void Grouping_equals_a_dictionary_of_lists_in_order_of_first_appearance(int count, int seed, int countries = 0, int moreCodes = 0)
    {
        var lines = RandomLines(count, seed, countries, moreCodes);
        var expected = new Dictionary<(string, BaseUnit, string, string), List<int>>();
        for (var i = 0; i < lines.Count; i++)
        {
            var l = lines[i];
            var key = (l.Hs.Digits, l.Unit, l.OriginCountry, l.DestinationCountry);
            if (!expected.TryGetValue(key, out var list))
            {
                list = [];
                expected[key] = list;
            }

            list.Add(i);
        }

        var grouped = BaselineSet.GroupLines(lines);
        Assert.Equal(expected.Count, grouped.Groups.Count);

        // A list is read as a span with its lines and parts prefetched ahead; another collection line by line: alike.
        var other = BaselineSet.GroupLines(lines.AsReadOnly());
        Assert.Equal(grouped.Groups, other.Groups);
        Assert.Equal(grouped.Order, other.Order);
        Assert.Equal(grouped.LnPrices.Select(BitConverter.DoubleToInt64Bits), other.LnPrices.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(lines.Count, grouped.Order.Length);
        var g = 0;
        var position = 0;
        foreach (var ((digits, unit, origin, destination), list) in expected)
        {
            var group = grouped.Groups[g++];
            Assert.Equal(digits, group.Hs.Digits);
            Assert.Equal(lines[list[0]].Hs, group.Hs);
            Assert.Equal(unit, group.Unit);
            Assert.Equal(origin, group.Origin);
            Assert.Equal(destination, group.Destination);
            Assert.Equal(position, group.Start);
            Assert.Equal(list, grouped.Order.AsSpan(group.Start, group.Count).ToArray());
            foreach (var i in list)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(BaselineSet.LnPrice(lines[i])), BitConverter.DoubleToInt64Bits(grouped.LnPrices[position++]));
            }
        }
    }

    [Fact]
    public void Built_groups_equal_the_groups_built_from_their_valid_prices()
    {
        var lines = RandomLines(20_000, 5);
        var set = BaselineSet.Build(lines);
        foreach (var (key, histogram) in set.Groups)
        {
            if (key.HsPrefix.Length < 10 || !key.IsCorridor)
            {
                continue;
            }

            var values = lines
                .Where(l => l.Hs.Digits == key.HsPrefix && l.Unit == key.Unit && l.OriginCountry == key.Origin && l.DestinationCountry == key.Destination)
                .Select(BaselineSet.LnPrice)
                .Where(x => !double.IsNaN(x))
                .ToArray();
            Assert.True(LogHistogram.FromValues(values).ContentEquals(histogram), key.ToString());
        }
    }

    [Fact]
    public void Binned_statistics_by_bin_equal_the_statistics_worked_out_for_each_value()
    {
        var random = new Random(11);
        var values = Enumerable.Range(0, 5_000).Select(_ => 3 + (random.NextDouble() * 2) + (random.Next(50) == 0 ? 4 : 0)).ToArray();
        var histogram = LogHistogram.FromValues(values);
        Assert.False(histogram.IsExact);
        var baseline = new ResolvedBaseline(new BaselineKey("293339", BaseUnit.Kg, null, null), histogram, includesRecords: true, "HS6", fallback: false, k: 1.5);

        // Every value (most bins asked for many times, from several threads), and values whose bin is empty.
        var asked = values.Concat([-50.0, 50.0, 6.7, 2.9]).ToArray();
        var stats = new PriceStats[asked.Length];
        Parallel.For(0, asked.Length, i => stats[i] = baseline.StatsFor(asked[i]));
        for (var i = 0; i < asked.Length; i++)
        {
            Assert.Equal(PriceStats.FromHistogram(histogram, asked[i], 1.5), stats[i]);
        }
    }

    [Fact]
    public void Bin_slots_number_the_occupied_bins_in_order()
    {
        // Every fourth bin occupied (values at the middle of bins 2, 6, 10, ...).
        static double Middle(int bin) => (bin + 0.5) * LogHistogram.BinWidth;
        var histogram = LogHistogram.FromValues(Enumerable.Range(0, 200).Select(i => Middle(((i % 40) * 4) + 2)).ToArray());
        Assert.Equal(40, histogram.BinCount);
        for (var b = 0; b < 40; b++)
        {
            Assert.Equal(b, histogram.BinSlotOf(Middle((b * 4) + 2)));
            Assert.Equal(-1, histogram.BinSlotOf(Middle((b * 4) + 1)));
        }

        Assert.Equal(-1, histogram.BinSlotOf(double.NaN));
        Assert.Equal(-1, histogram.BinSlotOf(-1));
        var exact = LogHistogram.FromValues([1.0, 2.0]);
        Assert.Equal(0, exact.BinCount);
        Assert.Equal(-1, exact.BinSlotOf(1.0));
    }
}
