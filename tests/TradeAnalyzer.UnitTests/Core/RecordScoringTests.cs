using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Scoring;
using static TradeAnalyzer.UnitTests.Core.TestFlags;

namespace TradeAnalyzer.UnitTests.Core;

public sealed class RecordScoringTests
{
    /// <summary>Tricky pairs: a shipment id that reads like "declaration#line", leading zeros, '#' inside ids.</summary>
    private static readonly Flag[] Tricky =
    [
        F(RecordType.Declaration, "D1", 2),
        F(RecordType.Declaration, "D1"),
        F(RecordType.Declaration, "D1", 1),
        F(RecordType.Declaration, "D1#2", 1),
        F(RecordType.Declaration, "D1#2"),
        F(RecordType.Shipment, shipment: "D1#2"),
        F(RecordType.Shipment, shipment: "D1#02"),
        F(RecordType.Shipment, "D1", 2),
        F(RecordType.Shipment, "D1"),
        F(RecordType.Shipment, shipment: "D1#1"),
        F(RecordType.Shipment, shipment: "D1#2#1"),
        F(RecordType.Shipment, "D1#2", 1),
        F(RecordType.Shipment, shipment: "D1"),
        F(RecordType.Invoice, invoice: "D1#2"),
        F(RecordType.Invoice, invoice: "INV-9"),
        F(RecordType.Shipment, shipment: "#"),
        F(RecordType.Shipment, shipment: string.Empty),
        F(RecordType.Exporter),
    ];

    [Theory]
    [InlineData("-")]
    [InlineData("minus ")] // a negative sign of several characters (the tests run in invariant globalization mode)
    public void Record_keys_join_the_id_and_the_line_as_the_interpolated_string_does(string negativeSign)
    {
        var saved = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            var culture = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
            culture.NumberFormat.NegativeSign = negativeSign;
            System.Globalization.CultureInfo.CurrentCulture = culture;
            foreach (var line in (int[])[1, 0, 7, 1_000_000, int.MaxValue, -1, int.MinValue])
            {
                foreach (var id in (string[])["D1", "", "D1#2", "EXP/26-27/0000001"])
                {
                    var flag = F(RecordType.Declaration, id, line);
                    Assert.Equal($"{id}#{line}", RecordScorer.RecordOf(flag)!.Value.Key);
                }
            }
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Record_references_are_equal_exactly_when_the_record_keys_are()
    {
        foreach (var a in Tricky)
        {
            foreach (var b in Tricky)
            {
                var ka = RecordScorer.RecordOf(a);
                var kb = RecordScorer.RecordOf(b);
                var hasA = RecordRef.TryOf(a, out var ra);
                var hasB = RecordRef.TryOf(b, out var rb);
                Assert.Equal(ka.HasValue, hasA);
                Assert.Equal(kb.HasValue, hasB);
                if (!hasA || !hasB)
                {
                    continue;
                }

                Assert.Equal(ka!.Value.Key, ra.ToKey());
                Assert.Equal(ka.Value.Key == kb!.Value.Key, RecordRef.KeyComparer.Instance.Equals(ra, rb));
                Assert.Equal(ka.Value == kb.Value, RecordRef.TypedComparer.Instance.Equals(ra, rb));
                if (ka.Value.Key == kb.Value.Key)
                {
                    Assert.Equal(RecordRef.KeyComparer.Instance.GetHashCode(ra), RecordRef.KeyComparer.Instance.GetHashCode(rb));
                }

                if (ka.Value == kb.Value)
                {
                    Assert.Equal(RecordRef.TypedComparer.Instance.GetHashCode(ra), RecordRef.TypedComparer.Instance.GetHashCode(rb));
                }
            }
        }
    }

    [Fact]
    public void A_shipment_id_that_reads_like_a_declaration_line_is_one_record_with_it()
    {
        var scores = RecordScorer.Score([F(RecordType.Shipment, shipment: "D1#2", score: 50), F(RecordType.Shipment, "D1", 2, score: 50, code: FlagCode.MirrorMissing)]);
        var only = Assert.Single(scores);
        Assert.Equal("D1#2", only.RecordKey);
        Assert.Equal(75, only.Score);
        Assert.Equal(2, only.Codes.Count);
        Assert.Equal(400, RecordScorer.ValueAtRisk([F(RecordType.Shipment, shipment: "D1#2", atRisk: 300), F(RecordType.Shipment, "D1", 2, atRisk: 200), F(RecordType.Declaration, "D1", 2, atRisk: 100)]));
    }

    [Fact]
    public void Sorting_with_keys_built_once_gives_the_comparer_order()
    {
        var random = new Random(7);
        var flags = new List<Flag>();
        for (var i = 0; i < 2000; i++)
        {
            var code = (FlagCode)random.Next(0, 5);
            var score = random.Next(0, 4) * 10;
            flags.Add(random.Next(3) switch
            {
                0 => F(RecordType.Declaration, $"D{random.Next(50)}", random.Next(1, 4), score: score, code: code),
                1 => F(RecordType.Shipment, shipment: $"S{random.Next(50)}", score: score, code: code),
                _ => F(RecordType.Invoice, invoice: $"I{random.Next(50)}", score: score, code: code),
            });
        }

        var expected = new List<Flag>(flags);
        expected.Sort(FlagOrder.Instance);
        FlagOrder.Sort(flags);
        Assert.Equal(expected.Select(f => f.Key), flags.Select(f => f.Key));
        Assert.Equal(expected.Select(f => f.Score), flags.Select(f => f.Score));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public void Top_scores_are_the_highest_record_scores_in_order(int seed)
    {
        // Records of one flag each (so each chance is one Keep), with ties and fewer records than asked.
        var random = new Random(seed);
        var scores = Enumerable.Range(0, 300).Select(_ => random.Next(0, 4) == 0 ? 40 : Math.Round(random.NextDouble() * 100, 1)).ToArray();
        var keep = scores.Select(RecordScorer.Keep).ToArray();
        var all = scores.Select(s => RecordScorer.Combine([s])).OrderDescending().ToArray();
        foreach (var n in (int[])[0, 1, 3, 10, all.Length, all.Length + 5])
        {
            Assert.Equal(all.Take(n), RecordScorer.TopOfKeeps(keep, n));
        }

        Assert.Equal([90.0, 50.0], RecordScorer.TopOfKeeps([RecordScorer.Keep(50), RecordScorer.Keep(80) * RecordScorer.Keep(50)], 3));
    }

    [Fact]
    public void Value_at_risk_does_not_depend_on_the_order_the_flags_arrive_in()
    {
        // Detectors run in parallel, so flags arrive in a different order each run; a floating-point sum in arrival order
        // gave totals whose last digits changed between runs (1e16 + 1 + 1 is 1e16 one way and 1e16 + 2 the other).
        Flag[] flags =
        [
            F(RecordType.Declaration, "D1", 1, atRisk: 1e16),
            F(RecordType.Declaration, "D2", 1, atRisk: 1),
            F(RecordType.Declaration, "D3", 1, atRisk: 1),
            F(RecordType.Declaration, "D3", 1, atRisk: 0.5, code: FlagCode.VagueDescription),
        ];
        var expected = RecordScorer.ValueAtRisk(flags);
        Assert.Equal(1e16 + 2, expected);
        foreach (var order in (int[][])[[3, 2, 1, 0], [1, 0, 2, 3], [0, 3, 1, 2], [2, 0, 3, 1]])
        {
            Assert.Equal(expected, RecordScorer.ValueAtRisk(order.Select(i => flags[i]).ToList()));
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(11)]
    public void Merging_sorted_record_flags_with_sorted_exporter_flags_is_the_full_sort(int seed)
    {
        // The analyzer sorts the record flags while the profiler runs, then merges in the profiler's exporter flags.
        var random = new Random(seed);
        var records = new List<Flag>();
        for (var i = 0; i < 400; i++)
        {
            var score = random.Next(0, 3) == 0 ? 60 : Math.Round(random.NextDouble() * 100, 1);
            records.Add(F(RecordType.Declaration, $"D{i % 150}", 1 + (i / 150), score: score, code: (FlagCode)random.Next(0, 5)));
        }

        var exporters = new List<Flag>();
        for (var i = 0; i < 25; i++)
        {
            // Scores on both sides of, and equal to, the record flags' scores.
            exporters.Add(F(RecordType.Exporter, score: i % 5 == 0 ? 60 : random.Next(0, 101), code: i % 2 == 0 ? FlagCode.NewExporter : FlagCode.ExporterProfile) with { ExporterKey = $"E{i}" });
        }

        var all = new List<Flag>([.. records, .. exporters]);
        FlagOrder.Sort(all);
        FlagOrder.Sort(records);
        FlagOrder.Sort(exporters);
        Assert.Equal(all, FlagOrder.MergeSorted(records, exporters));
        Assert.Equal(records, FlagOrder.MergeSorted(records, []));
        Assert.Equal(exporters, FlagOrder.MergeSorted([], exporters));
    }

    [Fact]
    public void The_sort_key_written_into_a_block_is_the_flag_key_after_its_code()
    {
        Flag[] flags =
        [
            .. Tricky,
            F(RecordType.Declaration, "D 1/2", 123456, invoice: "INV|9", shipment: "S-1"),
            F(RecordType.Declaration, "D1", -4),
            F(RecordType.Exporter) with { ExporterKey = "TAX1", ExporterName = "Acme" },
            F(RecordType.Exporter) with { ExporterName = "Acme Ltd" },
            F(RecordType.Corridor, code: FlagCode.MirrorValueGap) with { ExporterKey = "K", OriginCountry = "CN", DestinationCountry = "MX", HsCode = "2933.39", Period = "202503" },
            F(RecordType.Corridor) with { OriginCountry = "CN", Period = "2025" },
            F(RecordType.Invoice, invoice: new string('9', 500), shipment: new string('x', 300)),
        ];
        foreach (var f in flags)
        {
            var key = f.Key;
            var prefix = f.Code.ToCode() + "|";
            Assert.StartsWith(prefix, key, StringComparison.Ordinal);
            Assert.Equal(key[prefix.Length..], FlagKeys.KeyAfterCode(f));
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(19)]
    public void Sorting_and_scoring_together_gives_what_the_sort_the_scores_and_the_value_at_risk_give_apart(int seed)
    {
        var random = new Random(seed);
        var flags = new List<Flag>();
        for (var i = 0; i < 3000; i++)
        {
            var code = (FlagCode)random.Next(0, 20);
            var score = random.Next(0, 3) == 0 ? 60 : Math.Round(random.NextDouble() * 100, 1);
            double? atRisk = random.Next(0, 3) switch { 0 => null, 1 => 0, _ => Math.Round(random.NextDouble() * 1e6, 2) };
            var flag = random.Next(6) switch
            {
                0 => F(RecordType.Declaration, $"D{random.Next(80)}", random.Next(1, 4), score: score, code: code, atRisk: atRisk),
                1 => F(RecordType.Shipment, shipment: $"D{random.Next(80)}#{random.Next(1, 4)}", score: score, code: code, atRisk: atRisk),
                2 => F(RecordType.Shipment, $"D{random.Next(80)}", random.Next(1, 4), score: score, code: code, atRisk: atRisk),
                3 => F(RecordType.Invoice, invoice: $"I{random.Next(80)}", score: score, code: code, atRisk: atRisk),
                4 => Tricky[random.Next(Tricky.Length)] with { Score = score, Code = code, ValueAtRiskUsd = atRisk },
                _ => F(RecordType.Exporter, score: score, code: code) with { ExporterKey = $"E{random.Next(10)}" },
            };
            flags.Add(random.Next(4) == 0 ? flag with { ExporterKey = $"X{random.Next(30)}" } : flag);
        }

        // FlagOrder, flags of equal score, code and key (the Tricky ones, which detectors never make) in arrival order:
        // a stable sort (FlagOrder.Sort leaves their order to the sort algorithm).
        var expected = flags.Order(FlagOrder.Instance).ToList();
        var expectedScores = RecordScorer.Score(expected);
        var (sorted, scores, valueAtRisk, byCode) = RecordScorer.SortAndScore(flags);
        Assert.Equal(expected, sorted);

        // Per code, the same rule as the total within each code's flags (codes with no figure left out).
        var expectedByCode = RiskBreakdown.ValueAtRiskBy(flags, f => f.Code).Where(g => g.ValueAtRiskUsd > 0).ToDictionary(g => g.Key, g => g.ValueAtRiskUsd);
        Assert.Equal(expectedByCode.OrderBy(kv => kv.Key), byCode.Where(kv => kv.Value > 0).OrderBy(kv => kv.Key));
        Assert.Equal(ShipmentRisk.ValueAtRisk(expected), valueAtRisk);
        Assert.Equal(ShipmentRisk.ValueAtRisk(flags), valueAtRisk); // whatever order the flags came in
        Assert.Equal(expectedScores.Count, scores.Count);
        for (var i = 0; i < scores.Count; i++)
        {
            Assert.Equal(expectedScores[i] with { Codes = Array.Empty<FlagCode>() }, scores[i] with { Codes = Array.Empty<FlagCode>() });
            Assert.Equal(expectedScores[i].Codes, scores[i].Codes);
        }
    }
}
