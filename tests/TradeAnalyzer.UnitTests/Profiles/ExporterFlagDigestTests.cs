using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Profiles;
using TradeAnalyzer.Core.Scoring;
using static TradeAnalyzer.UnitTests.Core.TestFlags;

namespace TradeAnalyzer.UnitTests.Profiles;

public sealed class ExporterFlagDigestTests
{
    private static readonly FlagCode[] Codes = Enum.GetValues<FlagCode>();

    /// <summary>Records by key whatever their type, as the profile counts them (a set per figure, the definition).</summary>
    private static int DistinctRecords(List<Flag> flags, Func<Flag, bool> which)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in flags)
        {
            if (which(f) && f.RecordType is RecordType.Declaration or RecordType.Shipment && RecordScorer.RecordOf(f) is { } r)
            {
                set.Add(r.Key);
            }
        }

        return set.Count;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Digest_gives_the_figures_of_one_set_per_figure(int seed)
    {
        var random = new Random(seed);
        var flags = new List<Flag>();
        for (var i = 0; i < 400; i++)
        {
            var code = Codes[random.Next(Codes.Length)];
            var score = Math.Round(random.NextDouble() * 100, 1);
            double? atRisk = random.Next(3) == 0 ? null : Math.Round(random.NextDouble() * 1e6, 2) - 1e5;
            // Few distinct ids, and shipment ids that read like "declaration#line", so records of different types share keys.
            flags.Add(random.Next(6) switch
            {
                0 => F(RecordType.Exporter, score: score, code: code, atRisk: atRisk),
                1 => F(RecordType.Invoice, invoice: $"D{random.Next(0, 8)}#1", score: score, code: code, atRisk: atRisk),
                2 => F(RecordType.Shipment, shipment: $"D{random.Next(0, 8)}#{random.Next(1, 3)}", score: score, code: code, atRisk: atRisk),
                3 => F(RecordType.Shipment, $"D{random.Next(0, 8)}", random.Next(1, 3), score: score, code: code, atRisk: atRisk),
                _ => F(RecordType.Declaration, $"D{random.Next(0, 8)}", random.Next(1, 3), score: score, code: code, atRisk: atRisk),
            });
        }

        foreach (var n in (int[])[0, 1, 5, 60, flags.Count])
        {
            var some = flags.Take(n).ToList();
            var digest = ExporterFlagDigest.Of(some);
            Assert.Equal(DistinctRecords(some, _ => true), digest.FlaggedRecords);
            Assert.Equal(DistinctRecords(some, f => f.Code is FlagCode.PrecursorChemical or FlagCode.PrecursorMisdeclared), digest.PrecursorRecords);
            Assert.Equal(DistinctRecords(some, f => ExporterProfiler.IsTradeAnomaly(f.Code)), digest.AnomalyRecords);
            Assert.Equal(RecordScorer.ValueAtRisk(some), digest.ValueAtRisk);
            Assert.Equal(RecordScorer.Score(some).Select(r => r.Score).Take(3), digest.TopScores);
            Assert.Equal(some.Select(f => f.Code).Distinct(), digest.ByCode.Keys);
            foreach (var (code, count) in digest.ByCode)
            {
                Assert.Equal(some.Count(f => f.Code == code), count);
            }
        }
    }

    [Fact]
    public void A_declaration_line_and_a_shipment_with_its_key_are_one_record()
    {
        List<Flag> flags =
        [
            F(RecordType.Declaration, "D1", 2, code: FlagCode.PrecursorChemical, score: 80),
            F(RecordType.Shipment, shipment: "D1#2", code: FlagCode.MirrorValueGap, score: 50, atRisk: 100),
            F(RecordType.Shipment, "D1", 2, code: FlagCode.PrecursorMisdeclared, score: 50, atRisk: 300),
        ];
        var digest = ExporterFlagDigest.Of(flags);
        Assert.Equal(1, digest.FlaggedRecords);
        Assert.Equal(1, digest.PrecursorRecords);
        Assert.Equal(1, digest.AnomalyRecords);
        // Value at risk and scores group by type too (the shipment flags are one record of type shipment).
        Assert.Equal(300, digest.ValueAtRisk);
        Assert.Equal([80.0, 75.0], digest.TopScores);
    }
}
