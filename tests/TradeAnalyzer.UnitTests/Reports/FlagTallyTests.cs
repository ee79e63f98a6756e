using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Reports.Builders;

namespace TradeAnalyzer.UnitTests.Reports;

/// <summary>The workbook's one pass over the flags (<see cref="FlagTally"/>) against separate passes.</summary>
public sealed class FlagTallyTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Flag_tally_matches_separate_passes_over_the_flags_in_score_order(bool sorted)
    {
        var random = new Random(5);
        var codes = new[] { FlagCode.PriceAboveBaseline, FlagCode.PriceBelowBaseline, FlagCode.MirrorValueGap, FlagCode.PrecursorChemical };
        var flags = new List<Flag>();
        for (var i = 0; i < 3_000; i++)
        {
            flags.Add(new Flag
            {
                Code = codes[random.Next(codes.Length)],
                Severity = (Severity)random.Next(4),
                Score = random.Next(0, 20) * 5,
                RecordType = RecordType.Declaration,
                DeclarationId = $"D{random.Next(800)}",
                LineNo = random.Next(3) == 0 ? null : random.Next(1, 3),
                ExporterKey = random.Next(4) == 0 ? null : $"K{random.Next(50)}",
                ExporterName = random.Next(10) == 0 ? null : $"Exporter {random.Next(60)}",
                HsCode = random.Next(8) == 0 ? null : $"29{random.Next(10)}3.{random.Next(10)}9",
                ValueAtRiskUsd = random.Next(5) == 0 ? null : random.NextDouble() * 1_000,
                Explanation = "x",
            });
        }

        var given = sorted ? flags.OrderByDescending(f => f.Score).ToList() : flags;
        var expected = given.OrderByDescending(f => f.Score).ToList();
        var tally = FlagTally.Of(given);

        Assert.Equal(expected, tally.Flags);
        if (sorted)
        {
            Assert.Same(given, tally.Flags);
        }

        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        var groups = new List<string>();
        var sums = new List<double>();
        var counts = new List<int>();
        for (var i = 0; i < expected.Count; i++)
        {
            var f = expected[i];
            if ((f.ExporterKey ?? f.ExporterName) is { } key)
            {
                first.TryAdd(key, i);
            }

            if (f.Code is FlagCode.PriceAboveBaseline or FlagCode.PriceBelowBaseline && f.HsCode is { } hs)
            {
                var digits = PriceHistogram.Digits(hs);
                var g = groups.IndexOf(digits);
                if (g < 0)
                {
                    g = groups.Count;
                    groups.Add(digits);
                    sums.Add(0);
                    counts.Add(0);
                }

                sums[g] += f.ValueAtRiskUsd ?? 0;
                counts[g]++;
            }
        }

        Assert.Equal(first.OrderBy(p => p.Key, StringComparer.Ordinal), tally.FirstFlag.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(groups, tally.PriceGroups);
        Assert.Equal(sums, tally.PriceSums);
        Assert.Equal(counts, tally.PriceCounts);
        for (var c = 0; c < tally.ByCode.Length; c++)
        {
            Assert.Equal(expected.Count(f => (int)f.Code == c), tally.ByCode[c]);
        }

        for (var s = 0; s < 4; s++)
        {
            Assert.Equal(expected.Count(f => (int)f.Severity == s), tally.BySeverity[s]);
        }

        var declarations = Enumerable.Range(0, 800).Select(i => ReportSamples.Declaration($"D{i}", 1, "Exporter", "2933.39", 10, 100, new DateOnly(2026, 3, 2))).ToList();
        Assert.Equal(FlaggedRecords.Find(declarations, [], expected).Declarations, tally.Records.Find(declarations, []).Declarations);
    }
}
