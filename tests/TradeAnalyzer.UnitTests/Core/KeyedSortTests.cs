using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Scoring;
using static TradeAnalyzer.UnitTests.Core.TestFlags;

namespace TradeAnalyzer.UnitTests.Core;

public sealed class KeyedSortTests
{
    /// <summary>Characters that test the packing: the separators, the end of a text, '\0', the last packed and the
    /// saturated characters (253-256), and non-Latin ones.</summary>
    private static readonly char[] Alphabet = ['|', '#', '0', '1', '9', 'A', 'a', ' ', '\0', (char)253, (char)254, (char)255, (char)256, 'é', 'Ж', '\uFFFF'];

    private static string RandomKey(Random random)
    {
        // Long shared prefixes (as declaration ids have) and short, varied tails of varied length.
        var prefix = random.Next(3) switch { 0 => string.Empty, 1 => "Declaration|26 02 3011 ", _ => "Declaration|26 02 3011 64210" };
        var tail = new char[random.Next(0, 22)];
        for (var k = 0; k < tail.Length; k++)
        {
            tail[k] = Alphabet[random.Next(random.Next(2) == 0 ? 5 : Alphabet.Length)];
        }

        return prefix + new string(tail);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_order_is_figure_descending_then_number_then_key_then_position(int seed)
    {
        var random = new Random(seed);
        var n = 4000;
        double[] figures = [double.NaN, 0.0, -0.0, 60, 60.5, 99.9, -1, double.PositiveInfinity];
        var figure = new double[n];
        var number = new byte[n];
        var keys = new string[n];
        for (var i = 0; i < n; i++)
        {
            figure[i] = figures[random.Next(figures.Length)];
            number[i] = (byte)random.Next(3);
            keys[i] = random.Next(10) == 0 && i > 0 ? keys[random.Next(i)] : RandomKey(random);
        }

        Assert.Equal(ExpectedOrder(figure, number, keys), KeyedSort.Order(figure, number, new Keys(keys)));
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public void Keys_that_agree_past_the_packed_characters_are_ordered_by_their_texts(int seed)
    {
        // A few families of keys that share 16 or more characters after the run's common prefix (empty here) and differ
        // only after them: their packed characters tie, so their texts and then their positions decide. Figures and
        // numbers are few, so the runs are long.
        var random = new Random(seed);
        string[] families = ["Declaration|AAAAAAAAAAAAAAAA", "Declaration|AAAAAAAAAAAAAAAAB", "Shipment|ZZZZZZZZZZZZZZZZZZZZ", "\u00FF\u00FF\u00FF"];
        var n = 3000;
        var figure = new double[n];
        var number = new byte[n];
        var keys = new string[n];
        for (var i = 0; i < n; i++)
        {
            figure[i] = random.Next(2) * 10.0;
            number[i] = (byte)random.Next(2);
            var tail = new char[random.Next(0, 5)];
            for (var k = 0; k < tail.Length; k++)
            {
                tail[k] = Alphabet[random.Next(Alphabet.Length)];
            }

            keys[i] = random.Next(20) == 0 && i > 0 ? keys[random.Next(i)] : families[random.Next(families.Length)] + new string(tail);
        }

        Assert.Equal(ExpectedOrder(figure, number, keys), KeyedSort.Order(figure, number, new Keys(keys)));
    }

    /// <summary>The order the sort must give, spelled out: figure descending, number ascending, key ordinal, position.</summary>
    private static int[] ExpectedOrder(double[] figure, byte[] number, string[] keys)
    {
        var expected = Enumerable.Range(0, figure.Length).ToArray();
        Array.Sort(expected, (a, b) =>
        {
            var c = figure[b].CompareTo(figure[a]);
            if (c == 0)
            {
                c = number[a].CompareTo(number[b]);
            }

            if (c == 0)
            {
                c = string.CompareOrdinal(keys[a], keys[b]);
            }

            return c != 0 ? c : a.CompareTo(b);
        });

        return expected;
    }

    [Fact]
    public void Packed_characters_order_as_the_texts_wherever_they_differ()
    {
        var random = new Random(7);
        for (var t = 0; t < 20000; t++)
        {
            var a = RandomKey(random);
            a = a[(a.Length - Math.Min(a.Length, random.Next(0, 11)))..];
            var b = random.Next(3) == 0 ? a[..(a.Length / 2)] + RandomKey(random) : RandomKey(random);
            var pa = KeyedSort.Pack(a, out _);
            var pb = KeyedSort.Pack(b, out _);
            if (pa != pb)
            {
                Assert.Equal(Math.Sign(string.CompareOrdinal(a, b)), pa < pb ? -1 : 1);
            }
        }
    }

    [Fact]
    public void Flag_keys_are_the_flag_key_after_its_code()
    {
        Flag[] flags =
        [
            F(RecordType.Declaration, "D 1/2", 123456, invoice: "INV|9", shipment: "S-1"),
            F(RecordType.Declaration, "D1", -4),
            F(RecordType.Shipment, shipment: "D1#2"),
            F(RecordType.Exporter) with { ExporterKey = "TAX1", ExporterName = "Acme" },
            F(RecordType.Exporter) with { ExporterName = "Acme Ltd" },
            F(RecordType.Corridor, code: FlagCode.MirrorValueGap) with { ExporterKey = "K", OriginCountry = "CN", DestinationCountry = "MX", HsCode = "2933.39", Period = "202503" },
            F(RecordType.Invoice, invoice: new string('9', 500), shipment: new string('x', 300)),
        ];
        foreach (var f in flags)
        {
            Assert.Equal(f.Key[(f.Code.ToCode().Length + 1)..], FlagKeys.KeyAfterCode(f));
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void Flags_come_in_the_order_the_flag_comparer_gives(int seed)
    {
        var random = new Random(seed);
        var flags = new List<Flag>();
        for (var i = 0; i < 40_000; i++)
        {
            var code = (FlagCode)random.Next(0, 4);
            var score = random.Next(4) == 0 ? 60 : Math.Round(random.NextDouble() * 100, random.Next(2));
            var id = "26 02 3011 " + random.Next(100_000).ToString("D7") + (random.Next(20) == 0 ? "é" : string.Empty);
            flags.Add(random.Next(5) switch
            {
                0 => F(RecordType.Declaration, id, random.Next(1, 12), score: score, code: code, invoice: "INV" + id, shipment: "CP" + id),
                1 => F(RecordType.Shipment, shipment: "CP" + id, score: score, code: code),
                2 => F(RecordType.Invoice, invoice: "INV" + id, score: score, code: code),
                3 => F(RecordType.Declaration, id, random.Next(1, 12), score: score, code: code),
                _ => F(RecordType.Exporter, score: score, code: code) with { ExporterKey = "E" + random.Next(2000) },
            });
        }

        var expected = new List<Flag>(flags);
        expected.Sort(FlagOrder.Instance);
        var order = FlagKeys.Order(flags);
        Assert.Equal(expected, order.Select(i => flags[i]));
    }

    private readonly struct Keys(string[] keys) : KeyedSort.IKeys
    {
        public ReadOnlySpan<char> Key(int index) => keys[index];
    }
}
