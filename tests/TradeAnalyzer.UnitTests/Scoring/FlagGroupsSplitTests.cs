using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Scoring;
using static TradeAnalyzer.UnitTests.Core.TestFlags;

namespace TradeAnalyzer.UnitTests.Scoring;

public sealed class FlagGroupsSplitTests
{
    private static readonly FlagCode[] Codes = Enum.GetValues<FlagCode>();

    private static readonly string?[] MixedIds = [null, " ", "S0", "S1 ", "S9", "S17"];

    /// <summary>Random flags over many records (so both halves of the hashes have records, most of one flag, some of
    /// several flags in different places), some of no record (exporter flags), some records' flags naming other
    /// shipments (mixed records).</summary>
    private static List<Flag> RandomFlags(Random random, int count, int documents)
    {
        var flags = new List<Flag>(count);
        for (var i = 0; i < count; i++)
        {
            var code = Codes[random.Next(Codes.Length)];
            var score = Math.Round(random.NextDouble() * 100, 1);
            double? atRisk = random.Next(3) == 0 ? null : Math.Round(random.NextDouble() * 1e6, 2);
            var k = random.Next(documents);
            var f = random.Next(6) switch
            {
                0 => F(RecordType.Exporter, score: score, code: code, atRisk: atRisk),
                1 => F(RecordType.Invoice, invoice: $"I{k}", shipment: k % 3 == 0 ? $"S{k % 40}" : null, score: score, code: code, atRisk: atRisk),
                2 => F(RecordType.Shipment, shipment: $"S{k % 50}", score: score, code: code, atRisk: atRisk),
                3 => F(RecordType.Shipment, $"D{(2 * k) + 1}", random.Next(1, 4), score: score, code: code, atRisk: atRisk),
                _ => F(RecordType.Declaration, $"D{k}", random.Next(1, 4), shipment: k % 2 == 0 ? $"S{k % 30}" : null, score: score, code: code, atRisk: atRisk),
            };
            if (random.Next(6) == 0 && f.RecordType is RecordType.Declaration or RecordType.Invoice)
            {
                f = f with { ShipmentId = MixedIds[random.Next(MixedIds.Length)] };
            }

            flags.Add(f);
        }

        return flags;
    }

    private static void AssertSame(FlagGroups expected, FlagGroups actual)
    {
        Assert.Equal(expected.Facts, actual.Facts);
        Assert.Equal(expected.Records.Select(r => r.ToKey()), actual.Records.Select(r => r.ToKey()));
        Assert.Equal(expected.Records.Select(r => r.Type), actual.Records.Select(r => r.Type));
        Assert.Equal(expected.Keys, actual.Keys);
        Assert.Equal(expected.Shipments, actual.Shipments);
        Assert.Equal(expected.Mixed, actual.Mixed);
        Assert.Equal(expected.PairHashes.AsSpan(0, expected.Records.Count).ToArray(), actual.PairHashes.AsSpan(0, actual.Records.Count).ToArray());
    }

    [Theory]
    [InlineData(1, 3_000, 400)]
    [InlineData(2, 3_000, 40)]
    [InlineData(3, 20_000, 5_000)]
    [InlineData(4, 1, 1)]
    [InlineData(5, 0, 1)]
    public void Grouping_on_two_threads_gives_the_one_thread_grouping(int seed, int count, int documents)
    {
        // Records numbered in order of first appearance, each flag's group, the settled shipments, their hashes and
        // the mixed marks: the score's order and the digests depend on all of them, so the split must not change any.
        var flags = RandomFlags(new Random(seed), count, documents);
        var one = FlagGroups.OneThread(flags);
        if (count > 100)
        {
            Assert.Contains(true, one.Mixed);
            Assert.Contains(one.Facts, f => f.Group < 0);
        }

        for (var run = 0; run < 3; run++)
        {
            AssertSame(one, FlagGroups.Split(flags));
        }
    }

    [Fact]
    public void Grouping_from_the_split_size_on_uses_both_halves_with_the_same_result()
    {
        var flags = RandomFlags(new Random(7), FlagGroups.SplitAt + 5, 20_000);
        AssertSame(FlagGroups.OneThread(flags), FlagGroups.Of(flags));
    }

    [Fact]
    public void Split_grouping_rejects_the_first_flag_whose_code_does_not_fit()
    {
        var flags = RandomFlags(new Random(8), 1_000, 100);
        flags[700] = flags[700] with { Code = (FlagCode)70 };
        flags[300] = flags[300] with { Code = (FlagCode)65 };
        var e = Assert.Throws<InvalidOperationException>(() => FlagGroups.Split(flags));
        Assert.Contains("65", e.Message, StringComparison.Ordinal);
    }
}
