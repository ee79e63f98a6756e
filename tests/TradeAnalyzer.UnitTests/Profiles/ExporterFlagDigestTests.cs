using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Profiles;
using TradeAnalyzer.Core.Scoring;
using static TradeAnalyzer.UnitTests.Core.TestFlags;

namespace TradeAnalyzer.UnitTests.Profiles;

public sealed class ExporterFlagDigestTests
{
    private static readonly FlagCode[] Codes = Enum.GetValues<FlagCode>();

    private static readonly string?[] MixedIds = [null, " ", "S0", "S1 ", "S9"];

    /// <summary>The shipment a flag belongs to, by definition: its shipment id, else its invoice (invoice records) or declaration.</summary>
    private static string ShipmentOf(Flag f) => !string.IsNullOrWhiteSpace(f.ShipmentId) ? "S:" + f.ShipmentId.Trim()
        : f.RecordType == RecordType.Invoice ? "I:" + f.InvoiceNumber : "D:" + f.DeclarationId;

    /// <summary>The document a flag was seen on: its declaration, its invoice, or the reconciled shipment record.</summary>
    private static string ViewOf(Flag f) => f.RecordType switch
    {
        RecordType.Declaration => "D:" + f.DeclarationId,
        RecordType.Invoice => "I:" + f.InvoiceNumber,
        _ => "M:" + (string.IsNullOrWhiteSpace(f.ShipmentId) ? f.DeclarationId : f.ShipmentId.Trim()),
    };

    /// <summary>Distinct shipments among declaration and shipment flags (a set per figure, the definition).</summary>
    private static int DistinctShipments(List<Flag> flags, Func<Flag, bool> which) =>
        flags.Where(f => which(f) && f.RecordType is RecordType.Declaration or RecordType.Shipment).Select(ShipmentOf).Distinct().Count();

    /// <summary>Value at risk by definition: records at their largest figure, summed per document, the largest document per shipment, summed.</summary>
    private static double ValueAtRiskByShipment(List<Flag> flags) => flags
        .Where(f => f.ValueAtRiskUsd > 0 && RecordScorer.RecordOf(f) is not null)
        .GroupBy(f => RecordScorer.RecordOf(f)!.Value)
        .Select(record => (Shipment: ShipmentOf(record.First()), View: ViewOf(record.First()), Largest: record.Max(f => f.ValueAtRiskUsd!.Value)))
        .GroupBy(r => (r.Shipment, r.View))
        .Select(view => (view.Key.Shipment, Sum: view.Sum(r => r.Largest)))
        .GroupBy(v => v.Shipment)
        .Sum(shipment => shipment.Max(v => v.Sum));

    /// <summary>
    /// Random flags of every type over few documents: declarations D0-D7 (the even ones of shipments S0-S2, so several
    /// declarations share a shipment, some ids padded), mirror records of those shipments or of the odd declarations,
    /// invoices with and without a shipment; every flag of one record names the same shipment, as detectors do.
    /// </summary>
    private static Flag RandomFlag(Random random)
    {
        var code = Codes[random.Next(Codes.Length)];
        var score = Math.Round(random.NextDouble() * 100, 1);
        double? atRisk = random.Next(3) == 0 ? null : Math.Round(random.NextDouble() * 1e6, 2) - 1e5;
        var k = random.Next(0, 8);
        string? ShipmentOfDeclaration(int d) => d % 2 == 0 ? (d == 4 ? " S2 " : $"S{d / 2 % 3}") : null;
        return random.Next(6) switch
        {
            0 => F(RecordType.Exporter, score: score, code: code, atRisk: atRisk),
            1 => F(RecordType.Invoice, invoice: $"I{k}", shipment: k < 3 ? $"S{k}" : null, score: score, code: code, atRisk: atRisk),
            2 => F(RecordType.Shipment, shipment: $"S{k % 3}", score: score, code: code, atRisk: atRisk),
            3 => F(RecordType.Shipment, $"D{(2 * k) + 1}", random.Next(1, 3), score: score, code: code, atRisk: atRisk),
            _ => F(RecordType.Declaration, $"D{k}", random.Next(1, 3), shipment: ShipmentOfDeclaration(k), score: score, code: code, atRisk: atRisk),
        };
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
            flags.Add(RandomFlag(random));
        }

        foreach (var n in (int[])[0, 1, 5, 60, flags.Count])
        {
            var some = flags.Take(n).ToList();
            var digest = ExporterFlagDigest.Of(some);
            Assert.Equal(DistinctShipments(some, _ => true), digest.FlaggedShipments);
            Assert.Equal(DistinctShipments(some, f => f.Code is FlagCode.PrecursorChemical or FlagCode.PrecursorMisdeclared), digest.PrecursorShipments);
            Assert.Equal(DistinctShipments(some, f => ExporterProfiler.IsTradeAnomaly(f.Code)), digest.AnomalyShipments);
            Assert.Equal(ValueAtRiskByShipment(some), digest.ValueAtRisk, 1e-6);
            Assert.Equal(ShipmentRisk.ValueAtRisk(some), digest.ValueAtRisk);
            Assert.Equal(RecordScorer.Score(some).Select(r => r.Score).Take(3), digest.TopScores);
            Assert.Equal(some.Select(f => f.Code).Distinct(), digest.ByCode.Keys);
            foreach (var (code, count) in digest.ByCode)
            {
                Assert.Equal(some.Count(f => f.Code == code), count);
            }

            // The figures do not depend on the order the flags arrive in (detectors run in parallel).
            var shuffled = some.OrderBy(_ => random.Next()).ToList();
            var again = ExporterFlagDigest.Of(shuffled);
            Assert.Equal(digest.ValueAtRisk, again.ValueAtRisk);
            Assert.Equal(digest.FlaggedShipments, again.FlaggedShipments);
        }
    }

    [Fact]
    public void One_scratch_reused_exporter_after_exporter_gives_the_digests_of_fresh_ones()
    {
        // Large and small sets alternate, so the record table both grows and is reused at a larger size (stale slots of
        // earlier exporters must read as empty).
        var random = new Random(11);
        var scratch = new ExporterFlagDigest.Scratch();
        foreach (var n in (int[])[300, 0, 1, 7, 2_000, 3, 40, 2_000, 1, 250])
        {
            var flags = new List<Flag>();
            for (var i = 0; i < n; i++)
            {
                flags.Add(RandomFlag(random));
            }

            var fresh = ExporterFlagDigest.Of(flags);
            var reused = ExporterFlagDigest.Of(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(flags), scratch);
            Assert.Equal(fresh.FlaggedShipments, reused.FlaggedShipments);
            Assert.Equal(fresh.PrecursorShipments, reused.PrecursorShipments);
            Assert.Equal(fresh.AnomalyShipments, reused.AnomalyShipments);
            Assert.Equal(fresh.ValueAtRisk, reused.ValueAtRisk);
            Assert.Equal(fresh.TopScores, reused.TopScores);
            Assert.Equal(fresh.ByCode, reused.ByCode);

            // The per-code counts live in the scratch: the previous exporter's must not leak in, and the order is that
            // of first appearance.
            Assert.Equal(flags.Select(f => f.Code).Distinct(), reused.ByCode.Keys);
            foreach (var (code, count) in reused.ByCode)
            {
                Assert.Equal(flags.Count(f => f.Code == code), count);
            }

            Assert.Equal(ShipmentRisk.ValueAtRisk(flags), reused.ValueAtRisk);
            Assert.Equal(RecordScorer.Score(flags).Select(r => r.Score).Take(3), reused.TopScores);
        }
    }

    [Fact]
    public void A_shipment_declared_by_both_customs_counts_once_at_its_largest_view()
    {
        List<Flag> flags =
        [
            // Export declaration E1 (two lines) and import declaration M1 of shipment BL-7, and their mirror comparison.
            F(RecordType.Declaration, "E1", 1, shipment: "BL-7", code: FlagCode.PriceBelowBaseline, score: 70, atRisk: 100),
            F(RecordType.Declaration, "E1", 2, shipment: "BL-7", code: FlagCode.PriceBelowBaseline, score: 60, atRisk: 50),
            F(RecordType.Declaration, "M1", 1, shipment: "BL-7 ", code: FlagCode.PriceBelowBaseline, score: 65, atRisk: 120),
            F(RecordType.Shipment, shipment: "BL-7", code: FlagCode.MirrorValueGap, score: 55, atRisk: 90),
            // A declaration without a shipment id is its own shipment, and its precursor line counts.
            F(RecordType.Declaration, "D9", 1, code: FlagCode.PrecursorChemical, score: 90, atRisk: 10),
            F(RecordType.Declaration, "D9", 1, code: FlagCode.PriceAboveBaseline, score: 40, atRisk: 30),
        ];
        var digest = ExporterFlagDigest.Of(flags);
        Assert.Equal(2, digest.FlaggedShipments);
        Assert.Equal(1, digest.PrecursorShipments);
        Assert.Equal(2, digest.AnomalyShipments);
        // BL-7: export view 100 + 50, import view 120, mirror 90 -> 150; D9: its line at its largest figure, 30.
        Assert.Equal(180, digest.ValueAtRisk);
        Assert.Equal(180, ShipmentRisk.ValueAtRisk(flags));
        // Scores stay per record: D9#1 combines 90 and 40.
        Assert.Equal([94.0, 70.0, 65.0], digest.TopScores);
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    public void Digests_of_one_shared_grouping_give_each_exporters_own_figures(int seed)
    {
        // Flags of many exporters grouped once (as the score stage groups them), each exporter digested from its
        // positions: the same figures as a digest of its flags alone. Some records' flags name different shipments
        // (a blank, a padded or another shipment id), and a record's flags may belong to different exporters, so an
        // exporter's share of a mixed record settles on its own shipment.
        var random = new Random(seed);
        var flags = new List<Flag>();
        var exporterOf = new List<int>();
        for (var i = 0; i < 3_000; i++)
        {
            var f = RandomFlag(random);
            if (random.Next(5) == 0 && f.RecordType is RecordType.Declaration or RecordType.Invoice)
            {
                f = f with { ShipmentId = MixedIds[random.Next(MixedIds.Length)] };
            }

            flags.Add(f);
            exporterOf.Add(random.Next(4) == 0 ? random.Next(40) : random.Next(3));
        }

        var groups = FlagGroups.Of(flags);
        Assert.Contains(true, groups.Mixed);
        var scratch = new ExporterFlagDigest.Scratch();
        for (var e = 0; e < 40; e++)
        {
            var positions = Enumerable.Range(0, flags.Count).Where(k => exporterOf[k] == e).ToArray();
            var own = positions.Select(k => flags[k]).ToList();
            var shared = ExporterFlagDigest.Of(positions, groups, scratch);
            Assert.Equal(ShipmentRisk.ValueAtRisk(own), shared.ValueAtRisk);
            Assert.Equal(RecordScorer.Score(own).Select(r => r.Score).Take(3), shared.TopScores);
            Assert.Equal(own.Select(f => f.Code).Distinct(), shared.ByCode.Keys);
            foreach (var (code, count) in shared.ByCode)
            {
                Assert.Equal(own.Count(f => f.Code == code), count);
            }

            // Distinct shipments by definition: each record at the first of its flags' shipments (ShipmentRef order).
            int Shipments(Func<Flag, bool> which) => own
                .Where(f => f.RecordType is RecordType.Declaration or RecordType.Shipment && RecordScorer.RecordOf(f) is not null)
                .GroupBy(f => RecordScorer.RecordOf(f)!.Value)
                .Where(record => record.Any(which))
                .Select(record => record.Select(f => ShipmentRef.TryOf(f, out var s, out var v) ? (s, v) : default).Aggregate(ShipmentRef.Earlier).s)
                .Distinct()
                .Count();
            Assert.Equal(Shipments(_ => true), shared.FlaggedShipments);
            Assert.Equal(Shipments(f => f.Code is FlagCode.PrecursorChemical or FlagCode.PrecursorMisdeclared), shared.PrecursorShipments);
            Assert.Equal(Shipments(f => ExporterProfiler.IsTradeAnomaly(f.Code)), shared.AnomalyShipments);
        }
    }
    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    public void Each_records_pair_hash_is_that_of_its_settled_shipment_and_view(int seed)
    {
        // The grouping hashes a record's (shipment, view) when it first sees the record, and again when a later flag of
        // the record settles an earlier pair (ShipmentRef.Earlier): a stale hash would split one shipment's records
        // between groups in the value at risk.
        var random = new Random(seed);
        var flags = new List<Flag>();
        for (var i = 0; i < 3_000; i++)
        {
            var f = RandomFlag(random);
            if (random.Next(3) == 0 && f.RecordType is RecordType.Declaration or RecordType.Invoice)
            {
                f = f with { ShipmentId = MixedIds[random.Next(MixedIds.Length)] };
            }

            flags.Add(f);
        }

        var groups = FlagGroups.Of(flags);
        Assert.Contains(true, groups.Mixed);
        for (var g = 0; g < groups.Records.Count; g++)
        {
            var (shipment, view) = groups.Shipments[g];
            Assert.Equal(ShipmentRisk.PairHash(shipment, view), groups.PairHashes[g]);
        }

        Assert.Equal(ShipmentRisk.ValueAtRisk(flags), RecordScorer.SortAndScore(flags).ValueAtRisk);
    }

    [Theory]
    [InlineData(33)]
    [InlineData(34)]
    public void Grouping_from_a_list_an_array_and_another_collection_is_alike(int seed)
    {
        // The grouping prefetches flags ahead when they are a list or an array (a span) and reads other collections one
        // flag at a time: the same records, keys, facts, shipments, mixed marks and pair hashes either way, over the
        // whole of the flags (the first and last 16, with no flag ahead, included).
        var random = new Random(seed);
        var flags = new List<Flag>();
        for (var i = 0; i < 2_000; i++)
        {
            var f = RandomFlag(random);
            if (random.Next(3) == 0 && f.RecordType is RecordType.Declaration or RecordType.Invoice)
            {
                f = f with { ShipmentId = MixedIds[random.Next(MixedIds.Length)] };
            }

            flags.Add(f);
        }

        var other = FlagGroups.Of(flags.AsReadOnly());
        Assert.Contains(true, other.Mixed);
        foreach (var groups in new[] { FlagGroups.Of(flags), FlagGroups.Of(flags.ToArray()) })
        {
            Assert.Equal(other.Facts, groups.Facts);
            Assert.Equal(other.Keys, groups.Keys);
            Assert.Equal(other.Records.Select(r => r.ToKey()), groups.Records.Select(r => r.ToKey()));
            Assert.Equal(other.Shipments, groups.Shipments);
            Assert.Equal(other.Mixed, groups.Mixed);
            Assert.Equal(other.PairHashes, groups.PairHashes);
        }

        // A few flags (fewer than the prefetch distance, and fewer, as many and more than the hashes taken ahead) too,
        // repeated so that records are found again in the table by the hashes taken ahead.
        for (var n = 0; n <= 9; n++)
        {
            var few = flags.Take(n).Concat(flags.Take(n)).ToList();
            var one = FlagGroups.Of(few.AsReadOnly());
            Assert.Equal(one.Facts, FlagGroups.Of(few).Facts);
            Assert.Equal(one.Keys, FlagGroups.Of(few.ToArray()).Keys);
        }
    }
}
