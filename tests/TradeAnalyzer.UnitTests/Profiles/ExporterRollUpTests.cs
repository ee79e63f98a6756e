using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Profiles;
using TradeAnalyzer.Core.Text;

namespace TradeAnalyzer.UnitTests.Profiles;

/// <summary>
/// The columnar roll-up (<see cref="ExporterRollUp"/>) against a plain reading of the rule in docs/methods-risk.md:
/// shipments by shipment id, else declaration; a shipment declared at export counts with its export lines; sums in
/// input order.
/// </summary>
public class ExporterRollUpTests
{
    private static readonly DateOnly AsOf = new(2026, 11, 30);

    private static readonly string[] Exporters = ["Acme Quimica SA de CV", "Shanghai Fine Chemical Co., Ltd.", "Hoffmann Handel GmbH", "Delta Traders"];

    private static readonly string[] Importers = ["Distribuidora Norte SA de CV", "Farma Sur", "Global Imports LLC"];

    private static readonly string[] Codes = ["2915.39.99", "2915.39.10", "2933.39.99", "8479.89.99", "2106.90"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Median_by_selection_is_the_median_of_the_sorted_values(int seed)
    {
        // Few distinct values (many ties), NaN, both zeros, infinities and every length from 0 to 40, plus long runs.
        var random = new Random(seed);
        double[] odd = [double.NaN, -0.0, 0.0, double.PositiveInfinity, double.NegativeInfinity, -1.5, 2.25];
        foreach (var length in Enumerable.Range(0, 41).Concat([257, 1_000, 4_096]))
        {
            for (var round = 0; round < 6; round++)
            {
                var values = new double[length];
                for (var i = 0; i < length; i++)
                {
                    values[i] = round switch
                    {
                        0 => Math.Round(random.NextDouble() * 1e6, 2),
                        1 => random.Next(4),
                        2 => odd[random.Next(odd.Length)],
                        3 => random.Next(8) == 0 ? double.NaN : random.Next(-3, 4),
                        4 => i, // ascending
                        _ => length - i, // descending
                    };
                }

                var sorted = values.ToArray();
                Array.Sort(sorted);
                var expected = length == 0 ? 0 : length % 2 == 1 ? sorted[length / 2] : (sorted[(length / 2) - 1] + sorted[length / 2]) / 2;
                var actual = ExporterRollUp.Median(values);
                // The same value; the sign of a zero may differ (the ratio only uses a median above 0).
                Assert.True(expected.Equals(actual) || (expected == 0 && actual == 0), $"length {length}, round {round}: {expected} against {actual}");
                Assert.Equal(sorted, values.Order().ToArray(), (a, b) => a.Equals(b) || (a == 0 && b == 0)); // a permutation
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Columnar_roll_up_matches_the_rule_on_interleaved_lines(int seed)
    {
        var lines = RandomLines(seed, 3_000);
        AssertRolledUp(lines, Reference(lines));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public void Lines_sharing_parties_parts_roll_up_alike_again_and_side_by_side(int seed)
    {
        // As ingestion makes them: one shared parties part per combination, so the roll-up numbers parties by part (a
        // mark on the part). After a roll-up of the same lines in reverse order (its marks, other numbers, left on the
        // parts), again, and eight times side by side on the same parts (their marks overwriting each other's), each
        // roll-up gives the rule's figures.
        var owned = RandomLines(seed, 3_000);
        var expected = Reference(owned);
        var shared = Shared(owned);
        Assert.True(shared.Select(l => l.PartiesRef).Distinct(ReferenceEqualityComparer.Instance).Count() < 100);
        var reversed = shared.AsEnumerable().Reverse().ToList();
        Assert.Equal(Reference(reversed).Select(e => e.Key), ExporterRollUp.Of(reversed, latest => latest ?? AsOf, (_, _) => false).Exporters.Select(e => e.Key));
        AssertRolledUp(shared, expected);
        AssertRolledUp(shared, expected);
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ => AssertRolledUp(shared, expected));
    }

    [Theory]
    [InlineData(7, 0)]
    [InlineData(7, 1)]
    [InlineData(8, 2)]
    [InlineData(8, 3)]
    public void Newcomers_medians_beside_the_exporters_roll_ups_give_each_newcomers_ratio(int seed, int which)
    {
        // The newcomers' medians run as one more item of the exporters' loop: with no newcomer, every exporter one, only
        // the first or only the last exporter one, each newcomer gets its ratio (and no one else), the rest the rule's figures.
        var lines = RandomLines(seed, 2_000);
        var expected = Reference(lines);
        var keys = expected.Select(e => e.Key).ToList();
        Func<string, bool> isNew = which switch
        {
            0 => _ => false,
            1 => _ => true,
            2 => k => k == keys[0],
            _ => k => k == keys[^1],
        };
        var (exporters, _) = ExporterRollUp.Of(lines, latest => latest ?? AsOf, (a, _) => isNew(a.Key));
        Assert.Equal(keys, exporters.Select(e => e.Key));
        Assert.Contains(expected, e => e.MaxValueRatio > 0);
        foreach (var (a, e) in exporters.Zip(expected))
        {
            Assert.Equal(isNew(e.Key) ? e.MaxValueRatio : 0, a.MaxValueRatio);
            Assert.Equal(e.Value, a.Value);
            Assert.Equal(e.Shipments, a.Shipments);
            Assert.Equal(e.Commodities, a.Commodities);
        }
    }

    [Theory]
    [InlineData(9)]
    [InlineData(10)]
    public void Lines_from_a_list_an_array_and_another_collection_roll_up_alike(int seed)
    {
        // A list or an array is read as a span with the records and their parts prefetched ahead; any other collection
        // one line at a time. All three give the rule's figures.
        var lines = Shared(RandomLines(seed, 3_000));
        var expected = Reference(lines);
        AssertRolledUp(lines, expected);
        AssertRolledUp(lines.ToArray(), expected);
        AssertRolledUp(lines.AsReadOnly(), expected);
    }

    [Fact]
    public void A_declaration_id_that_reads_as_another_declarations_shipment_id_is_another_shipment()
    {
        // The runs' texts are compared only within equal hashes, whose lowest bit is the kind: a declaration without a
        // shipment id (its id is its shipment) and a shipment id that read the same are two shipments.
        List<DeclarationLine> lines =
        [
            Line("A", "X-1", 1, TradeFlow.Export, null, 100),
            Line("A", "D2", 1, TradeFlow.Export, "X-1", 200),
            Line("A", "M2", 1, TradeFlow.Import, " X-1 ", 300), // the import view of D2's shipment: not counted
            Line("A", "X-1", 2, TradeFlow.Export, "  ", 400), // blank shipment id: declaration X-1 again
        ];
        var a = ExporterRollUp.Of(lines, latest => latest ?? AsOf, (_, _) => false).Exporters.Single();
        Assert.Equal(2, a.Shipments);
        Assert.Equal((100 * 1.1) + (200 * 1.1) + (400 * 1.1), a.Value);
        Assert.Equal((100 * 1.1) + (400 * 1.1), a.MaxShipment);
    }

    [Fact]
    public void Exporters_with_fewer_as_many_and_more_runs_than_the_prefetch_distance_roll_up_by_the_rule()
    {
        // Written for a prefetch of the runs a few ahead in the exporters' loop (measured, not adopted: docs/benchmarks-history.md,
        // twentieth pass second round): exporters of 1 to 24 runs (around such a distance), shipments declared at export
        // and at import, repeated and alone, give the rule's figures; so do the same lines as a list and as an array.
        var lines = new List<DeclarationLine>();
        for (var runs = 1; runs <= 24; runs++)
        {
            var exporter = $"Exporter {runs}";
            for (var r = 0; r < runs; r++)
            {
                var shipment = r % 3 == 2 ? null : $"BL-{runs}-{r / 2}";
                var flow = r % 2 == 0 ? TradeFlow.Export : TradeFlow.Import;
                lines.Add(Line(exporter, $"D{runs}-{r}", 1, flow, shipment, 10 + r, hs: Codes[r % Codes.Length]));
                lines.Add(Line(exporter, $"D{runs}-{r}", 2, flow == TradeFlow.Export && r % 4 == 0 ? TradeFlow.Import : flow, shipment, 1_000 * (r + 1)));
            }
        }

        var expected = Reference(lines);
        Assert.Equal(24, expected.Count);
        AssertRolledUp(lines, expected);
        AssertRolledUp(lines.ToArray(), expected);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Shipments_are_numbered_in_order_of_first_appearance_whatever_the_hashes(int hashing)
    {
        // The table finds the earlier runs of equal hash and compares their texts: with every hash equal (every run
        // collides), a few hashes shared by many texts, and distinct hashes, each run gets the number of its text's first
        // run, counted in order of first appearance; the table is cleared first (left dirty by the exporter before).
        var random = new Random(17 + hashing);
        var table = new int[4096];
        foreach (var m in new[] { 1, 2, 7, 8, 9, 15, 16, 17, 100, 1_000, 2_048 })
        {
            var texts = new string[m];
            for (var j = 0; j < m; j++)
            {
                texts[j] = $"S{random.Next(1 + (m / 2))}";
            }

            var hashes = texts.Select(t => hashing switch
            {
                0 => 42,
                1 => t.Length & ~1,
                _ => string.GetHashCode(t, StringComparison.Ordinal),
            }).ToArray();
            var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, 2 * m));
            random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(table.AsSpan()));
            var shipmentOf = new int[m];
            var representative = new int[m];
            var hashOf = new int[m];
            var count = ExporterRollUp.NumberShipments(new TextRuns(hashes, texts), m, shipmentOf, representative, hashOf, table.AsSpan(0, size));

            var first = new Dictionary<string, int>();
            for (var j = 0; j < m; j++)
            {
                if (!first.TryGetValue(texts[j], out var s))
                {
                    s = first.Count;
                    first.Add(texts[j], s);
                    Assert.Equal(j, representative[s]);
                }

                Assert.Equal(s, shipmentOf[j]);
            }

            Assert.Equal(first.Count, count);
        }
    }

    private readonly struct TextRuns(int[] hashes, string[] texts) : ExporterRollUp.IShipmentRuns
    {
        public int Hash(int j) => hashes[j];

        public bool Same(int j, int k) => string.Equals(texts[j], texts[k], StringComparison.Ordinal);
    }

    [Fact]
    public void A_copy_of_a_parties_part_carries_no_roll_up_mark()
    {
        var part = new DeclarationParties { ExporterName = "A", ImporterName = "B", Shared = true, RollUpMark = PartStamps.Next() | 7 };
        var line = new DeclarationLine(2, part, DeclarationRoute.Empty, GoodsPart.Empty) { DeclarationId = "D1", ExporterName = "C" };
        Assert.NotSame(part, line.PartiesRef);
        Assert.Equal(0, line.PartiesRef.RollUpMark);
        Assert.NotEqual(PartStamps.Next(), PartStamps.Next());
    }

    private static void AssertRolledUp(IReadOnlyList<DeclarationLine> lines, List<Expected> expected)
    {
        var (exporters, asOf) = ExporterRollUp.Of(lines, latest => latest ?? AsOf, (a, _) => a.First >= new DateOnly(2026, 10, 1));

        Assert.Equal(lines.Max(l => l.Date), asOf);
        Assert.Equal(expected.Select(e => e.Key), exporters.Select(e => e.Key)); // order of first appearance
        foreach (var (a, e) in exporters.Zip(expected))
        {
            Assert.Equal(e.Shipments, a.Shipments);
            Assert.Equal(e.Value, a.Value); // exactly: the same additions in the same order
            Assert.Equal(e.MaxShipment, a.MaxShipment);
            Assert.Equal(e.First, a.First);
            Assert.Equal(e.Last, a.Last);
            Assert.Equal(e.Digits, a.Digits);
            Assert.Equal(e.Round, a.Round);
            Assert.Equal(e.ValueCount, a.ValueCount);
            Assert.Equal(e.Id, a.Id);
            Assert.Equal(e.Commodities, a.Commodities);
            Assert.Equal(e.Counterparties, a.Counterparties);
            Assert.Equal(e.First >= new DateOnly(2026, 10, 1) ? e.MaxValueRatio : 0, a.MaxValueRatio);
        }
    }

    /// <summary>The same lines with one shared parties part per (exporter, importer, exporter id), as ingestion builds them.</summary>
    private static List<DeclarationLine> Shared(List<DeclarationLine> lines)
    {
        var parts = new Dictionary<(string, string, string?), DeclarationParties>();
        var result = new List<DeclarationLine>(lines.Count);
        foreach (var l in lines)
        {
            if (!parts.TryGetValue((l.ExporterName, l.ImporterName, l.ExporterId), out var part))
            {
                part = new DeclarationParties
                {
                    ExporterName = l.ExporterName,
                    ImporterName = l.ImporterName,
                    ExporterId = l.ExporterId,
                    ExporterKey = l.ExporterKey,
                    Shared = true,
                };
                parts.Add((l.ExporterName, l.ImporterName, l.ExporterId), part);
            }

            result.Add(new DeclarationLine(l.Source.Row, part, l.RouteRef, l.GoodsRef)
            {
                DeclarationId = l.DeclarationId,
                LineNo = l.LineNo,
                Date = l.Date,
                Value = l.Value,
                ValueUsd = l.ValueUsd,
                ShipmentId = l.ShipmentId,
            });
        }

        return result;
    }

    [Fact]
    public void Exporters_whose_runs_of_different_lengths_alternate_roll_up_from_their_own_lines()
    {
        // The exporters' loop reads the lines from a copy in exporter order (each run's lines placed at its exporter's
        // cursor): 37 exporters whose runs of 1 to 5 lines alternate round-robin, with values that tell every line apart
        // (a line placed in another exporter's stretch or another run's place changes the value, the largest shipment or
        // the lists), and an exporter of one line first and last. Figures against the rule's reading, list and array.
        var lines = new List<DeclarationLine> { Line("First", "F1", 1, TradeFlow.Export, null, 7) };
        for (var round = 0; round < 6; round++)
        {
            for (var x = 0; x < 37; x++)
            {
                var length = 1 + ((x + round) % 5);
                var flow = (x + round) % 3 == 0 ? TradeFlow.Import : TradeFlow.Export;
                var shipment = round % 2 == 0 ? $"BL-{x}-{round / 3}" : null;
                for (var k = 1; k <= length; k++)
                {
                    lines.Add(Line($"Exporter {x}", $"D{x}-{round}", k, k == 2 ? TradeFlow.Import : flow, shipment,
                        (1_000 * x) + (100 * round) + k, Importers[(x + k) % Importers.Length], Codes[(x + round + k) % Codes.Length]));
                }
            }
        }

        lines.Add(Line("Last", "L1", 1, TradeFlow.Import, "BL-last", 9));
        var expected = Reference(lines);
        Assert.Equal(39, expected.Count);
        AssertRolledUp(lines, expected);
        AssertRolledUp(lines.ToArray(), expected);
    }

    [Fact]
    public void A_declaration_split_by_other_exporters_lines_is_still_one_shipment()
    {
        List<DeclarationLine> lines =
        [
            Line("A", "D1", 1, TradeFlow.Export, "BL-1", 100),
            Line("B", "D2", 1, TradeFlow.Export, null, 10),
            Line("A", "D1", 2, TradeFlow.Export, "BL-1", 200),
            Line("A", "M1", 1, TradeFlow.Import, "BL-1 ", 330), // the import view of BL-1: not counted
            Line("A", "D3", 1, TradeFlow.Import, "  ", 50), // blank shipment id: its declaration
            Line("B", "D2", 2, TradeFlow.Export, null, 20),
        ];
        var (exporters, _) = ExporterRollUp.Of(lines, latest => latest ?? AsOf, (_, _) => false);
        var a = exporters[0];
        var b = exporters[1];
        Assert.Equal(2, a.Shipments);
        Assert.Equal((100 * 1.1) + (200 * 1.1) + (50 * 1.1), a.Value); // USD, the import line of BL-1 left out
        Assert.Equal((100 * 1.1) + (200 * 1.1), a.MaxShipment);
        Assert.Equal(1, b.Shipments);
        Assert.Equal((10 * 1.1) + (20 * 1.1), b.MaxShipment);
    }

    [Fact]
    public void A_declaration_of_mixed_flows_counts_only_its_export_lines_when_its_shipment_is_declared_at_export()
    {
        // The roll-up keeps a per-run "has an export line" bit and skips a run without one when its shipment was declared
        // at export: a run (one declaration) whose lines mix flows must still be read line by line, and a run whose
        // export line is not its first must still mark its shipment. Figures against the rule's reading.
        List<DeclarationLine> lines =
        [
            Line("A", "D1", 1, TradeFlow.Import, "BL-1", 1),
            Line("A", "D1", 2, TradeFlow.Export, "BL-1", 20), // the run's only export line, not its first
            Line("A", "D1", 3, TradeFlow.Import, "BL-1", 300),
            Line("A", "M1", 1, TradeFlow.Import, "BL-1", 4_000), // another run of BL-1, import only: left out
            Line("A", "M2", 1, TradeFlow.Import, "BL-2", 50_000), // BL-2 has no export line: all of it counts
            Line("A", "M3", 1, TradeFlow.Import, "BL-2", 600_000),
            Line("A", "D4", 1, TradeFlow.Import, null, 7_000_000),
            Line("A", "D4", 2, TradeFlow.Export, null, 80_000_000),
        ];
        var (exporters, _) = ExporterRollUp.Of(lines, latest => latest ?? AsOf, (_, _) => false);
        var a = Assert.Single(exporters);
        Assert.Equal(3, a.Shipments);
        Assert.Equal((20 * 1.1) + (50_000 * 1.1) + (600_000 * 1.1) + (80_000_000 * 1.1), a.Value);
        Assert.Equal(80_000_000 * 1.1, a.MaxShipment);
        AssertRolledUp(lines, Reference(lines));
    }

    private static DeclarationLine Line(string exporter, string id, int lineNo, TradeFlow flow, string? shipment, double value,
        string importer = "Farma Sur", string hs = "2915.39.99", DateOnly? date = null, string? exporterId = null) => new()
    {
        Source = new SourceRef("test.csv", lineNo + 1),
        DeclarationId = id,
        LineNo = lineNo,
        Flow = flow,
        Date = date ?? new DateOnly(2026, 11, 20),
        ReporterCountry = flow == TradeFlow.Export ? "CN" : "MX",
        ExporterName = exporter,
        ImporterName = importer,
        ExporterId = exporterId,
        OriginCountry = "CN",
        DestinationCountry = "MX",
        Hs = HsCode.Parse(hs),
        Description = "goods",
        CasNumbers = [],
        Quantity = 1,
        QuantityUnit = "kg",
        NormQuantity = 1,
        Unit = BaseUnit.Kg,
        Value = value,
        Currency = "USD",
        ValueUsd = value * 1.1,
        FobUsd = value,
        TransitCountries = [],
        ExporterKey = PartyNames.Key(exporter, exporterId),
        ShipmentId = shipment,
    };

    /// <summary>Declarations of 1-3 lines, shipments declared at export, at import or both (ids padded or blank),
    /// declarations interrupted by other exporters' lines, round and odd values, zero values.</summary>
    private static List<DeclarationLine> RandomLines(int seed, int count)
    {
        var rng = new Random(seed);
        var lines = new List<DeclarationLine>();
        var pending = new List<DeclarationLine>();
        var n = 0;
        while (lines.Count + pending.Count < count)
        {
            var exporter = Exporters[rng.Next(Exporters.Length)];
            var exporterId = rng.Next(5) == 0 ? "RFC" + rng.Next(3) : null;
            var shipment = rng.Next(4) switch
            {
                0 => null,
                1 => "   ",
                _ => "BL-" + rng.Next(400),
            };
            var flows = rng.Next(3) switch
            {
                0 => new[] { TradeFlow.Export },
                1 => new[] { TradeFlow.Import },
                _ => new[] { TradeFlow.Export, TradeFlow.Import },
            };
            foreach (var flow in flows)
            {
                var id = $"{(flow == TradeFlow.Export ? "E" : "M")}{n++ % 700}";
                var lineCount = 1 + rng.Next(3);
                for (var k = 1; k <= lineCount; k++)
                {
                    var value = rng.Next(5) switch
                    {
                        0 => 1000.0 * rng.Next(1, 50),
                        1 => 0,
                        _ => Math.Round(Math.Pow(10, 2 + (4 * rng.NextDouble())), 2),
                    };
                    var line = Line(exporter, id, k, flow, shipment is null ? null : flow == TradeFlow.Import && rng.Next(2) == 0 ? shipment + " " : shipment, value,
                        Importers[rng.Next(Importers.Length)], Codes[rng.Next(Codes.Length)], new DateOnly(2026, 6, 1).AddDays(rng.Next(180)), exporterId);

                    // Some lines wait and come later, between other declarations' lines.
                    if (rng.Next(6) == 0)
                    {
                        pending.Add(line);
                    }
                    else
                    {
                        lines.Add(line);
                    }
                }

                if (pending.Count > 0 && rng.Next(3) == 0)
                {
                    lines.AddRange(pending);
                    pending.Clear();
                }
            }
        }

        lines.AddRange(pending);
        return lines;
    }

    private sealed record Expected(string Key)
    {
        public int Shipments { get; set; }

        public double Value { get; set; }

        public double MaxShipment { get; set; }

        public DateOnly First { get; set; }

        public DateOnly Last { get; set; }

        public int[] Digits { get; } = new int[10];

        public int Round { get; set; }

        public int ValueCount { get; set; }

        public string? Id { get; set; }

        public List<string> Commodities { get; set; } = [];

        public List<string> Counterparties { get; set; } = [];

        public double MaxValueRatio { get; set; }
    }

    /// <summary>The rule read plainly: dictionaries of shipments per exporter, the lines in input order.</summary>
    private static List<Expected> Reference(List<DeclarationLine> lines)
    {
        static (bool Declared, string Text) ShipmentOf(DeclarationLine d) =>
            string.IsNullOrWhiteSpace(d.ShipmentId) ? (false, d.DeclarationId) : (true, d.ShipmentId.Trim());

        var result = new List<Expected>();
        foreach (var group in lines.GroupBy(l => l.ExporterKey))
        {
            var mine = group.ToList();
            var e = new Expected(group.Key)
            {
                First = mine.Min(l => l.Date),
                Last = mine.Max(l => l.Date),
                Id = mine[0].ExporterId,
            };
            var exported = mine.Where(l => l.Flow == TradeFlow.Export).Select(ShipmentOf).ToHashSet();
            var shipmentValue = new Dictionary<(bool, string), double>();
            var commodities = new Dictionary<string, double>(StringComparer.Ordinal);
            var counterparties = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var l in mine)
            {
                var s = ShipmentOf(l);
                shipmentValue.TryAdd(s, 0);
                if (exported.Contains(s) && l.Flow != TradeFlow.Export)
                {
                    continue;
                }

                shipmentValue[s] += l.ValueUsd;
                e.Value += l.ValueUsd;
                e.Id ??= l.ExporterId;
                var digit = Benford.FirstDigit(l.Value);
                e.Digits[digit] += digit > 0 ? 1 : 0;
                e.ValueCount += l.Value > 0 ? 1 : 0;
                e.Round += l.Value > 0 && Benford.IsRound(l.Value) ? 1 : 0;
                commodities[l.Hs.Digits] = commodities.GetValueOrDefault(l.Hs.Digits) + l.ValueUsd;
                counterparties[l.ImporterName] = counterparties.GetValueOrDefault(l.ImporterName) + l.ValueUsd;
            }

            e.Digits[0] = 0;
            e.Shipments = shipmentValue.Count;
            e.MaxShipment = shipmentValue.Count == 0 ? 0 : shipmentValue.Values.Max();
            e.Commodities = Top(commodities.GroupBy(kv => kv.Key[..6]).ToDictionary(g => $"{g.Key[..4]}.{g.Key[4..]}", g => g.Sum(kv => kv.Value)));
            e.Counterparties = Top(counterparties);
            e.MaxValueRatio = mine.Max(l => lines.Where(o => o.Hs.Digits[..6] == l.Hs.Digits[..6]).Select(o => o.ValueUsd).Order().ToList() is var v
                && (v.Count % 2 == 1 ? v[v.Count / 2] : (v[(v.Count / 2) - 1] + v[v.Count / 2]) / 2) is var median && median > 0
                ? l.ValueUsd / median : 0);
            result.Add(e);
        }

        return result;

        static List<string> Top(Dictionary<string, double> values) =>
            [.. values.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(ExporterProfiler.MaxListed).Select(kv => kv.Key)];
    }
}
