using TradeAnalyzer.Core.Detection.Mirror;
using TradeAnalyzer.Core.Model;
using static TradeAnalyzer.UnitTests.Detection.ReconciliationFixtures;

namespace TradeAnalyzer.UnitTests.Detection;

/// <summary>The flat structures behind the mirror matching: shipment line ranges, buckets and their group layout, facts.</summary>
public class MirrorIndexTests
{
    [Fact]
    public void Lines_of_a_declaration_split_across_the_file_form_one_shipment_in_input_order()
    {
        // E1 (US export) has lines 1 and 3 far apart; E1 reported by MX as an import is another shipment.
        var index = ShipmentIndex.Build(
        [
            Export("E1", 1_000, lineNo: 1),
            Export("E2", 2_000),
            Import("E1", 500),
            Export("E1", 3_000, lineNo: 3, shipmentId: "BL-9"),
            Export("E2", 4_000, lineNo: 2),
        ]);

        Assert.Equal(3, index.All.Count);
        var e1 = index.Exports.Single(s => s.DeclarationId == "E1");
        Assert.Equal([1, 3], e1.Lines.Select(l => l.LineNo));
        Assert.Equal(4_000, e1.FobUsd);
        Assert.Equal(3_000, e1.Main.FobUsd);
        Assert.Equal("BL-9", e1.ShipmentId);
        var e2 = index.Exports.Single(s => s.DeclarationId == "E2");
        Assert.Equal([1, 2], e2.Lines.Select(l => l.LineNo));
        Assert.Equal(6_000, e2.FobUsd);
        var i1 = Assert.Single(index.Imports);
        Assert.Equal("E1", i1.DeclarationId);
        Assert.Equal(1, i1.Lines.Count);
        Assert.Equal(500, i1.ValueUsd);
    }

    [Fact]
    public void Buckets_lay_groups_out_contiguously_with_group_numbers_for_keys_and_items()
    {
        string?[] keys = ["b", "a", null, "b", "c", "a", "b"];
        var buckets = new Buckets<string>(keys.Length, i => keys[i]);

        Assert.Equal(6, buckets.Items.Length);
        Assert.Equal(-1, buckets.GroupOfItem(2));
        Assert.Equal(-1, buckets.GroupOfKey("z"));
        Assert.True(buckets.Group(-1).IsEmpty);
        foreach (var key in new[] { "a", "b", "c" })
        {
            var g = buckets.GroupOfKey(key);
            var members = buckets.Group(g).ToArray();
            Assert.Equal(Enumerable.Range(0, keys.Length).Where(i => keys[i] == key), members);
            Assert.Equal(members, buckets.Items.Slice(buckets.Start(g), members.Length).ToArray());
            Assert.Equal(members, buckets.Get(key).ToArray());
            Assert.All(members, i => Assert.Equal(g, buckets.GroupOfItem(i)));
        }
    }

    [Fact]
    public void Buckets_order_each_group_by_the_given_key_with_ties_kept_together()
    {
        long[] keys = [7, 7, 7, 7, 7, 9];
        int[] days = [30, 10, 20, 10, 5, 1];
        var buckets = new Buckets<long>(keys.Length, i => keys[i], i => days[i], MixedLongComparer.Instance);

        var group = buckets.Get(7).ToArray();
        Assert.Equal([5, 10, 10, 20, 30], group.Select(i => days[i]));
        Assert.Equal([1, 3], group[1..3].Order());
        Assert.Equal([5], buckets.Get(9).ToArray());
    }

    [Fact]
    public void Heading_codes_are_equal_for_equal_headings()
    {
        Assert.Equal(MirrorFacts.HeadingCode(HsCode.Parse("29333999")), MirrorFacts.HeadingCode(HsCode.Parse("293311")));
        Assert.NotEqual(MirrorFacts.HeadingCode(HsCode.Parse("29333999")), MirrorFacts.HeadingCode(HsCode.Parse("29343999")));
        Assert.Equal(-1, MirrorFacts.HeadingCode(default));
    }

    [Fact]
    public void Facts_give_equal_country_ids_to_equal_codes()
    {
        var index = ShipmentIndex.Build(
        [
            Export("E1", 1_000, reporter: "US", destination: "MX"),
            Export("E2", 1_000, reporter: new string(['M', 'X']), destination: "US"),
            Import("I1", 1_000, reporter: "MX", origin: "US"),
        ]);
        var facts = new MirrorFacts(index.Exports, index.Imports);

        Assert.Equal(facts.ExportReporter[0], facts.ExportDestination[1]);
        Assert.Equal(facts.ExportDestination[0], facts.ExportReporter[1]);
        Assert.Equal(facts.ImportReporter[0], facts.ExportReporter[1]);
        Assert.NotEqual(facts.ExportReporter[0], facts.ExportReporter[1]);
        Assert.Equal(facts.ImportOrigin[0], facts.ImportExporterCountry[0]);
        Assert.Equal(facts.ExportReporter[0], facts.ImportOrigin[0]);
        Assert.Equal(MirrorFacts.NoCountry, facts.Find("FR"));
        Assert.Equal(2, facts.CountryCount);
        Assert.Equal(Day0.DayNumber, facts.ExportDay[0]);
    }

    [Fact]
    public void Invoice_keys_and_shipment_ids_get_numbers_equal_exactly_when_the_texts_are()
    {
        var index = ShipmentIndex.Build(
        [
            Export("E1", 1_000, invoice: "inv-2026/001", shipmentId: "BL-1"),
            Export("E2", 1_000, invoice: "INV 2026 001", shipmentId: "BL-2"),
            Export("E3", 1_000, invoice: "EXP/26-27/0000000"),
            Export("E4", 1_000, invoice: "exp 26 27 0000000", shipmentId: new string("BL-1".AsSpan())),
            Export("E5", 1_000, invoice: "CI2026040000001"),
            Export("E6", 1_000, invoice: "--"),
            Export("E7", 1_000),
            Export("E8", 1_000, invoice: "INV2026002", shipmentId: "BL-3"),
        ]);
        var s = index.All;

        // Same key, packed (up to 12 letters and digits) or not (longer), whatever the punctuation and case.
        Assert.Equal(s[0].InvoiceId, s[1].InvoiceId);
        Assert.Equal(s[2].InvoiceId, s[3].InvoiceId);
        Assert.NotEqual(s[2].InvoiceId, s[4].InvoiceId);
        Assert.NotEqual(s[0].InvoiceId, s[7].InvoiceId);
        Assert.NotEqual(s[0].InvoiceId, s[2].InvoiceId);
        Assert.Equal("INV2026001", s[0].InvoiceKey);
        Assert.Equal("EXP26270000000", s[3].InvoiceKey);
        Assert.Equal("CI2026040000001", s[4].InvoiceKey);
        Assert.True(s[0].HasInvoiceKey && s[2].HasInvoiceKey && s[4].HasInvoiceKey);

        // A number without letters or digits has an empty key; no number, no key at all.
        Assert.Equal(string.Empty, s[5].InvoiceKey);
        Assert.False(s[5].HasInvoiceKey);
        Assert.Null(s[6].InvoiceKey);
        Assert.False(s[6].HasInvoiceKey);
        Assert.Equal("--", s[5].InvoiceNumber);

        // Shipment ids: equal texts (different instances) share a number; none is -1.
        Assert.Equal(s[0].ShipmentNumber, s[3].ShipmentNumber);
        Assert.NotEqual(s[0].ShipmentNumber, s[1].ShipmentNumber);
        Assert.NotEqual(s[1].ShipmentNumber, s[7].ShipmentNumber);
        Assert.Equal(-1, s[2].ShipmentNumber);
        Assert.True(s[0].ShipmentNumber >= 0);
    }

    [Fact]
    public void Normalised_names_and_their_ids_agree_for_lines_with_shared_or_separate_parties()
    {
        var index = ShipmentIndex.Build(
        [
            Export("E1", 1_000, exporter: "Hubei Chem Co., Ltd."),
            Export("E2", 1_000, exporter: "HUBEI CHEM CO LTD"),
            Export("E3", 1_000, exporter: "Other Trading"),
        ]);
        var s = index.All;

        Assert.Equal(s[0].ExporterNorm, s[1].ExporterNorm);
        Assert.Equal(s[0].ExporterId, s[1].ExporterId);
        Assert.NotEqual(s[0].ExporterId, s[2].ExporterId);
        Assert.Equal(s[0].PartiesKey, s[1].PartiesKey);
        Assert.Equal(s[0].ImporterNorm, s[2].ImporterNorm);
        Assert.NotEqual(string.Empty, s[2].ExporterNorm);
    }

    [Fact]
    public void A_split_declaration_is_described_from_all_its_lines_and_numbered_by_the_id_of_a_later_run()
    {
        // E1's first run has no shipment id, its later run does: the shipment takes that id, shares its number with the
        // import carrying it, and its quantity counts only lines in the main line's unit (the larger later line's).
        var index = ShipmentIndex.Build(
        [
            Export("E1", 1_000, quantity: 5, unit: BaseUnit.U, lineNo: 1),
            Import("I1", 900, shipmentId: "BL-7", invoice: "EXP/26-27/0000001"),
            Export("E2", 2_000, shipmentId: "BL-8"),
            Export("E1", 3_000, quantity: 40, lineNo: 2, shipmentId: "BL-7", invoice: "exp 26-27 0000001"),
            Export("E1", 500, quantity: 2, lineNo: 3),
        ]);

        var e1 = index.Exports.Single(s => s.DeclarationId == "E1");
        var i1 = Assert.Single(index.Imports);
        Assert.Equal([1, 2, 3], e1.Lines.Select(l => l.LineNo));
        Assert.Equal("BL-7", e1.ShipmentId);
        Assert.Equal(i1.ShipmentNumber, e1.ShipmentNumber);
        Assert.NotEqual(e1.ShipmentNumber, index.Exports.Single(s => s.DeclarationId == "E2").ShipmentNumber);
        Assert.Equal(i1.InvoiceId, e1.InvoiceId);
        Assert.Equal(BaseUnit.Kg, e1.Unit);
        Assert.Equal(42, e1.Quantity);
        Assert.Equal(4_500, e1.FobUsd);
        Assert.Equal(3_000, e1.Main.FobUsd);
    }

    [Fact]
    public void Invoice_keys_of_a_split_declaration_are_numbered_in_shipment_order_once_all_its_lines_are_read()
    {
        // E1's first run has no invoice number, its later runs do: a key of its own (a packed pair), then one that I1
        // shares; E2 has a text key. The keys are numbered once every shipment is described, in shipment order: E1's
        // key first although its lines were read last, and no number is left without a shipment.
        var index = ShipmentIndex.Build(
        [
            Export("E1", 1_000, lineNo: 1),
            Import("I1", 900, invoice: "INV-000001"),
            Export("E2", 2_000, invoice: "FAC-Ñ-7"),
            Import("I2", 800, invoice: "INV-000001"),
            Export("E1", 3_000, lineNo: 2, invoice: "EXP/26-27/0000009"),
            Export("E1", 500, lineNo: 3, invoice: "INV-000001"),
        ]);

        var all = index.All;
        Assert.Equal(["E1", "I1", "E2", "I2"], all.Select(s => s.DeclarationId));
        Assert.Equal([0, 1, 2, 1], all.Select(s => s.InvoiceKeyNumber));
        Assert.Equal(3, index.InvoiceKeyCount);
        Assert.Equal("EXP26270000009", all[0].InvoiceKey);
        Assert.Equal("FACÑ7", all[2].InvoiceKey);
        Assert.Equal(all[1].InvoiceId, all[3].InvoiceId);
        Assert.Equal(3, all.Select(s => s.InvoiceId).Distinct().Count());
    }

    [Fact]
    public void Many_long_invoice_keys_keep_distinct_numbers_as_the_table_grows()
    {
        var lines = new List<DeclarationLine>();
        for (var k = 0; k < 3_000; k++)
        {
            lines.Add(Export($"E{k}", 1_000, invoice: $"EXP/26-27/{k:D7}"));
            lines.Add(Import($"I{k}", 1_000, invoice: $"exp 26 27 {k:D7}"));
        }

        var index = ShipmentIndex.Build(lines);
        var exports = index.Exports;
        var imports = index.Imports;
        Assert.Equal(3_000, exports.Select(s => s.InvoiceId).Distinct().Count());
        for (var k = 0; k < 3_000; k++)
        {
            Assert.Equal(exports[k].InvoiceId, imports[k].InvoiceId);
            Assert.Equal($"EXP2627{k:D7}", imports[k].InvoiceKey);
        }
    }

    [Theory]
    [InlineData(1, 500, 40, 30)]
    [InlineData(2, 5_000, 300, 3)]
    [InlineData(3, 200, 1, 1_000)]
    public void Key_ranges_group_and_order_like_hashed_buckets(int seed, int count, int keyCount, int dayRange)
    {
        var random = new Random(seed);
        var keys = new int[count];
        var days = new int[count];
        for (var i = 0; i < count; i++)
        {
            keys[i] = random.Next(-1, keyCount);
            days[i] = random.Next(0, dayRange);
        }

        var ordered = new Buckets<int>(count, i => keys[i], i => days[i], include: i => keys[i] >= 0);
        var ranges = new KeyRanges(keys, keyCount, days);
        var plain = new KeyRanges(keys, keyCount);
        var hashed = new Buckets<int>(count, i => keys[i], include: i => keys[i] >= 0);

        Assert.Equal(keyCount, ranges.KeyCount);
        Assert.True(ranges.Of(-1).IsEmpty);
        for (var key = 0; key < keyCount; key++)
        {
            // The same items in the same order (ties in day included: the window scan's cap depends on it).
            var expected = ordered.Get(key).ToArray();
            Assert.Equal(expected, ranges.Of(key).ToArray());
            Assert.Equal(expected, ranges.Items.AsSpan(ranges.Start(key), ranges.End(key) - ranges.Start(key)).ToArray());
            Assert.Equal(expected.Select(i => days[i]), ranges.SortKeys.AsSpan(ranges.Start(key), expected.Length).ToArray());
            Assert.Equal(hashed.Get(key).ToArray(), plain.Of(key).ToArray());
        }

        Assert.Empty(plain.SortKeys);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public void Invoice_key_numbers_are_dense_and_equal_exactly_when_the_keys_are(int seed, bool split)
    {
        // Keys of every kind, repeated at random: packed (up to 12 letters and digits), packed pairs (13-17), longer
        // ones and ones with letters outside A-Z (kept as text), empty keys and none; numbers in sequence as invoices
        // are issued, written with other punctuation and case now and then.
        var random = new Random(seed);
        var kinds = new Func<int, string?>[]
        {
            k => $"INV-{k:D6}",
            k => $"EXP/26-27/{k:D7}",
            k => $"INVOICE-2026-{k:D12}",
            k => $"FAC-Ñ-{k}",
            _ => "--",
            _ => null,
        };
        var lines = new List<DeclarationLine>();
        var keys = new List<string?>();
        for (var n = 0; n < 6_000; n++)
        {
            var k = random.Next(n / 3 + 1);
            var kind = kinds[random.Next(kinds.Length)];
            var number = kind(k);
            if (number is not null && random.Next(4) == 0)
            {
                number = number.ToLowerInvariant().Replace('-', ' ');
            }

            lines.Add(n % 2 == 0 ? Export($"D{n}", 1_000, invoice: number) : Import($"D{n}", 1_000, invoice: number));
            keys.Add(string.IsNullOrWhiteSpace(number) ? null : ShipmentIndex.InvoiceKey(number)); // a blank number is none
        }

        if (split)
        {
            // A declaration split across the input: the general build, which describes its shipment again.
            lines.Add(Export("D0", 500, invoice: lines[0].InvoiceNumber, lineNo: 2));
        }

        var index = ShipmentIndex.Build(lines);
        var all = index.All;
        Assert.Equal(6_000, all.Count);
        var numberOfKey = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var s = 0; s < all.Count; s++)
        {
            var key = all[s].InvoiceKey;
            Assert.Equal(keys[s], key);
            var number = all[s].InvoiceKeyNumber;
            if (string.IsNullOrEmpty(key))
            {
                Assert.Equal(-1, number);
                Assert.False(all[s].HasInvoiceKey);
                continue;
            }

            Assert.True(all[s].HasInvoiceKey);
            Assert.InRange(number, 0, index.InvoiceKeyCount - 1);
            if (!numberOfKey.TryGetValue(key, out var expected))
            {
                // In order of first appearance among the shipments (each described once, in order, here).
                expected = numberOfKey[key] = numberOfKey.Count;
            }

            Assert.Equal(expected, number);
        }

        // Dense: every number stands for a key; and the invoice ids of shipments with keys agree with the numbers.
        Assert.Equal(numberOfKey.Count, index.InvoiceKeyCount);
        var keyed = all.Where(s => s.HasInvoiceKey).ToList();
        for (var a = 0; a < 2_000; a++)
        {
            var (x, y) = (keyed[random.Next(keyed.Count)], keyed[random.Next(keyed.Count)]);
            Assert.Equal(x.InvoiceKeyNumber == y.InvoiceKeyNumber, x.InvoiceId == y.InvoiceId);
        }
    }

    [Theory]
    [InlineData(1, 40, 2_000, 1_500, 60)]
    [InlineData(2, 3, 5_000, 100, 20)]
    [InlineData(3, 200, 300, 800, 400)]
    public void Windows_start_at_the_binary_search_of_each_export_and_end_with_its_pair(int seed, int pairs, int imports, int exports, int dayRange)
    {
        var random = new Random(seed);
        var importPair = new int[imports];
        var importDay = new int[imports];
        for (var i = 0; i < imports; i++)
        {
            importPair[i] = random.Next(0, pairs);
            importDay[i] = random.Next(0, dayRange);
        }

        var exportPair = new int[exports];
        var exportDay = new int[exports];
        for (var e = 0; e < exports; e++)
        {
            // Some pairs have no imports (the last five are never drawn for imports).
            exportPair[e] = random.Next(0, pairs + 5);
            exportDay[e] = random.Next(-5, dayRange + 5);
        }

        var byParties = new KeyRanges(importPair, pairs + 5, importDay);
        var windows = MirrorDetector.Windows(byParties, exportPair, exportDay, 3);

        var days = byParties.SortKeys;
        for (var e = 0; e < exports; e++)
        {
            var p = exportPair[e];
            var lo = byParties.Start(p);
            var hi = byParties.End(p);
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (days[mid] < exportDay[e] - 3)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            Assert.Equal(lo, MirrorDetector.WindowStart(windows[e]));
            Assert.Equal(byParties.End(p), MirrorDetector.WindowEnd(windows[e]));
        }
    }

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(2, 37, false)]
    [InlineData(3, 300, false)]
    [InlineData(4, 300, true)]
    public void Party_window_facts_are_each_imports_facts_in_the_given_order(int seed, int imports, bool someLeftOut)
    {
        var random = new Random(seed);
        var reporters = new[] { "MX", "US", "GT", "CO" };
        var hs = new[] { "29333999", "293339", "847130", "29343999" };
        var lines = new List<DeclarationLine>();
        for (var i = 0; i < imports; i++)
        {
            lines.Add(Import($"I{i}", 1_000 + i, date: Day0.AddDays(random.Next(90)), reporter: reporters[random.Next(4)],
                origin: reporters[random.Next(4)], hs: hs[random.Next(4)], shipmentId: random.Next(3) == 0 ? null : $"BL-{random.Next(50)}"));
        }

        var index = ShipmentIndex.Build(lines);
        var facts = new MirrorFacts(index.Exports, index.Imports);
        var shipment = index.Imports.Select(s => s.ShipmentNumber).ToArray();
        var order = Enumerable.Range(0, imports).OrderBy(_ => random.Next()).ToArray();
        if (someLeftOut)
        {
            order = order[..(imports / 2)];
        }

        var scratch = Enumerable.Repeat(-7, imports).ToArray();
        var laid = MirrorDetector.PartyWindowFacts(order, facts, shipment, scratch);

        Assert.Equal(order.Length, laid.Length);
        for (var k = 0; k < order.Length; k++)
        {
            var i = order[k];
            Assert.Equal(
                new MirrorDetector.ImportFacts(i, facts.ImportDay[i], facts.ImportReporter[i], facts.ImportExporterCountry[i], facts.ImportOrigin[i],
                    shipment[i], facts.ImportHeading[i]),
                laid[k]);
        }
    }

    [Theory]
    [InlineData("29333999", "29333911")]
    [InlineData("293339", "29333999")]
    [InlineData("2933399900", "293339")]
    [InlineData("293339", "293340")]
    [InlineData("29333999", "29343999")]
    [InlineData("293339", "293339")]
    [InlineData("847130", "29333999")]
    public void Hs_prefix_numbers_agree_with_comparing_that_many_digits(string a, string b)
    {
        var index = ShipmentIndex.Build([Export("E1", 1_000, hs: a), Import("I1", 1_000, hs: b)]);
        var facts = new MirrorFacts(index.Exports, index.Imports);
        var x = facts.HsOf(index.Exports[0].Index);
        var y = facts.HsOf(index.Imports[0].Index);
        var da = index.Exports[0].Main.Hs.Digits;
        var db = index.Imports[0].Main.Hs.Digits;

        Assert.Equal(string.CompareOrdinal(da, 0, db, 0, 2) == 0, x.Hs2 == y.Hs2);
        Assert.Equal(string.CompareOrdinal(da, 0, db, 0, 4) == 0, x.Hs4 == y.Hs4);
        Assert.Equal(string.CompareOrdinal(da, 0, db, 0, 6) == 0, x.Hs6 == y.Hs6);
        Assert.Equal(BaseUnit.Kg, facts.UnitOf(index.Exports[0].Index));
    }

    [Fact]
    public void Hash_slots_find_every_key_after_growing()
    {
        var slots = new HashSlots(4);
        var keys = Enumerable.Range(0, 5_000).Select(k => $"KEY-{k * 7919}").ToArray();
        foreach (var (key, value) in keys.Select((k, v) => (k, v)))
        {
            slots.MakeRoom();
            var hash = HashSlots.Hash(key);
            var slot = slots.Start(hash);
            while (!slots.At(slot).IsEmpty)
            {
                slot = slots.Next(slot);
            }

            slots.Fill(ref slots.At(slot), hash, value);
        }

        Assert.Equal(keys.Length, slots.Count);
        for (var v = 0; v < keys.Length; v++)
        {
            var hash = HashSlots.Hash(keys[v]);
            var slot = slots.Start(hash);
            while (!(slots.At(slot).Hash == hash && keys[slots.At(slot).Value] == keys[v]))
            {
                Assert.False(slots.At(slot).IsEmpty);
                slot = slots.Next(slot);
            }

            Assert.Equal(v, slots.At(slot).Value);
        }

        Assert.NotEqual(HashSlots.Hash("AB"), HashSlots.Hash("BA"));
    }

    [Fact]
    public void Hash_slots_hash_spreads_texts_chosen_to_share_the_unseeded_hash()
    {
        // Texts of two 8-byte blocks whose second block cancels the first's state under seed 0 (the mix is
        // h = rotl((h ^ block) * C, 29)): all share one hash without the seed; the per-process seed spreads them.
        const ulong C = 0xFF51AFD7ED558CCDUL;
        var h0 = unchecked(16 * 0x9E3779B97F4A7C15UL);
        ulong target = 0x0123456789ABCDEFUL;
        var texts = new List<string>();
        for (var i = 0; i < 2_000; i++)
        {
            var first = 0x0030_0030_0030_0030UL + (ulong)i;
            var h1 = System.Numerics.BitOperations.RotateLeft((h0 ^ first) * C, 29);
            var second = h1 ^ target;
            var chars = new char[8];
            for (var k = 0; k < 4; k++)
            {
                chars[k] = (char)(first >> (16 * k));
                chars[4 + k] = (char)(second >> (16 * k));
            }

            texts.Add(new string(chars));
        }

        Assert.Single(texts.Select(t => HashSlots.Hash(t, 0)).Distinct());
        Assert.True(texts.Select(t => HashSlots.Hash(t)).Distinct().Count() > 1_990);
    }

    [Fact]
    public void Pair_hash_spreads_keys_chosen_to_share_a_fixed_multipliers_hash()
    {
        // Multiples of the inverse of a fixed odd multiplier K: K * low is 1, 2, 3 ..., so (K * low) >> 32 is 0 for all
        // of them; the multipliers drawn per process spread them.
        const ulong K = 0x9E3779B97F4A7C15UL;
        var inverse = K;
        for (var step = 0; step < 6; step++)
        {
            inverse *= 2 - (K * inverse);
        }

        var lows = Enumerable.Range(1, 2_000).Select(i => (long)((ulong)i * inverse)).ToArray();
        Assert.All(lows, low => Assert.Equal(0, (int)(((ulong)low * K) >> 32)));
        Assert.True(lows.Select(low => HashRuns.PairHash(0, low)).Distinct().Count() > 1_990);
        Assert.True(lows.Select(low => HashRuns.PairHash(7, low)).Distinct().Count() > 1_990);
    }
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5_000)]
    public void Hash_runs_sort_like_a_stable_sort_by_hash(int count)
    {
        var random = new Random(count + 17);
        // Few distinct hashes among many items, and some with every high byte set, so that runs and every pass show.
        var pairs = Enumerable.Range(0, count)
            .Select(i => HashRuns.Pack(random.Next(4) == 0 ? random.Next(int.MinValue, int.MaxValue) : random.Next(50) * 0x01010101, i))
            .ToArray();
        var expected = pairs.OrderBy(HashRuns.HashOf).ToArray(); // LINQ's OrderBy is stable

        HashRuns.Sort(pairs, new ulong[count + 3]);

        Assert.Equal(expected, pairs);
    }

    [Fact]
    public void Shipment_ids_are_numbered_densely_in_order_of_first_appearance_like_a_dictionary()
    {
        var random = new Random(7);
        var lines = new List<DeclarationLine>();
        for (var k = 0; k < 20_000; k++)
        {
            // Repeated ids (an export and its import, amendments), fresh instances of equal texts, and none.
            var id = random.Next(5) == 0 ? null : new string($"BL-{random.Next(6_000)}".AsSpan());
            lines.Add(k % 2 == 0 ? Export($"E{k}", 1_000, shipmentId: id) : Import($"I{k}", 1_000, shipmentId: id));
        }

        var index = ShipmentIndex.Build(lines);

        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        Assert.Equal(lines.Count, index.All.Count);
        foreach (var s in index.All)
        {
            var expected = s.ShipmentId is null ? -1 : numbers.TryGetValue(s.ShipmentId, out var n) ? n : numbers[s.ShipmentId] = numbers.Count;
            Assert.Equal(expected, s.ShipmentNumber);
        }

        Assert.Equal(numbers.Count, index.ShipmentNumberCount);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(5_000)]
    public void First_of_equal_items_after_the_hash_sort_is_the_first_with_that_key_like_a_dictionary(int count)
    {
        // Keys from a small range hashed into fewer values still, so that runs of one hash mix several keys.
        var random = new Random(count + 3);
        var keys = new int[count];
        var pairs = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            keys[i] = random.Next(1_500);
            pairs[i] = HashRuns.Pack(keys[i] % 97, i);
        }

        HashRuns.Sort(pairs, new ulong[count]);
        var first = new int[count];
        HashRuns.FirstOfEqual(pairs, first, new SameKey(keys));

        var firsts = new Dictionary<int, int>();
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(firsts.TryGetValue(keys[i], out var f) ? f : firsts[keys[i]] = i, first[i]);
        }
    }

    [Fact]
    public void Parties_parts_are_numbered_by_reference_in_order_of_first_appearance_like_a_dictionary()
    {
        // 60,000 one-line declarations over 30,000 shared parties parts (enough parts for identity hashes to collide),
        // some parts distinct instances with equal names, so that equal names get equal ids across parts.
        var random = new Random(11);
        var template = Export("T", 1_000);
        var names = new[] { "Hubei Chem Co., Ltd.", "HUBEI CHEM CO LTD", "Other Trading", "Química Delta, S.A. de C.V.", "Delta Quimica" };
        var parts = new DeclarationParties[30_000];
        for (var p = 0; p < parts.Length; p++)
        {
            parts[p] = new DeclarationParties
            {
                Shared = true,
                ExporterName = p % 7 == 0 ? names[random.Next(names.Length)] : $"Exporter {random.Next(20_000)}",
                ImporterName = p % 5 == 0 ? names[random.Next(names.Length)] : $"Importer {random.Next(9_000)}",
            };
        }

        var lines = new List<DeclarationLine>();
        for (var k = 0; k < 60_000; k++)
        {
            // Runs of one part (as in files), then random ones.
            var part = parts[k < 2_000 ? k / 50 : random.Next(parts.Length)];
            lines.Add(new DeclarationLine(k, part, template.RouteRef, template.GoodsRef)
            {
                DeclarationId = $"D{k}",
                Date = Day0,
                Quantity = 1,
                NormQuantity = 1,
                Value = 1,
                ValueUsd = 1,
                FobUsd = 1,
            });
        }

        // Built twice over the same lines: the second build finds the parts marked by the first (another stamp) and
        // numbers them again, the same way; and once more with a part marked by a build that cannot be this one's.
        for (var build = 0; build < 3; build++)
        {
            if (build == 2)
            {
                parts[0].IndexMark = (long)uint.MaxValue << 32 | 7;
            }

            AssertNumbering(lines, ShipmentIndex.Build(lines));
        }

        // Fewer shipments than the numbering loop prefetches ahead (16 lines, 8 parts), and one more than that: the
        // loop's look-ahead stops at the last shipment, never past it.
        foreach (var few in new[] { 1, 7, 8, 9, 17 })
        {
            AssertNumbering(lines[..few], ShipmentIndex.Build(lines[..few]));
        }
    }

    private static void AssertNumbering(List<DeclarationLine> lines, ShipmentIndex index)
    {
        // The model: a dictionary by reference numbering the parts, one by name numbering the normalised names (the
        // empty name 0, then exporter and importer of each new part in turn).
        var numbers = new Dictionary<DeclarationParties, int>(ReferenceEqualityComparer.Instance);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal) { [string.Empty] = 0 };
        var keys = new List<long>();
        int Id(string name)
        {
            var norm = TradeAnalyzer.Core.Text.PartyNames.Normalize(name);
            return ids.TryGetValue(norm, out var id) ? id : ids[norm] = ids.Count;
        }

        Assert.Equal(lines.Count, index.All.Count);
        foreach (var s in index.All)
        {
            var part = s.Main.PartiesRef;
            if (!numbers.TryGetValue(part, out var n))
            {
                n = numbers[part] = numbers.Count;
                var exporter = Id(part.ExporterName);
                keys.Add(((long)exporter << 32) | (uint)Id(part.ImporterName));
            }

            Assert.Equal(n, s.PartyNumber);
            Assert.Equal(keys[n], s.PartiesKey);
            Assert.Same(part, index.PartyParts[n]);
        }

        Assert.Equal(numbers.Count, index.PartyCount);
        Assert.Equal(keys, index.PartKeys);
    }

    [Fact]
    public void Declarations_sharing_an_id_across_reporters_stay_apart_and_a_split_one_is_joined_however_many_share_it()
    {
        // 100 reporters declare "D1" (more than are compared pair by pair), one of them in two runs far apart.
        var lines = new List<DeclarationLine>();
        for (var r = 0; r < 100; r++)
        {
            lines.Add(Export("D1", 1_000 + r, reporter: $"R{r}", lineNo: 1));
            lines.Add(Export($"X{r}", 10, reporter: "US"));
        }

        lines.Add(Export("D1", 5, reporter: "R42", lineNo: 2));
        var index = ShipmentIndex.Build(lines);

        Assert.Equal(200, index.All.Count);
        var d1 = index.All.Where(s => s.DeclarationId == "D1").ToList();
        Assert.Equal(100, d1.Count);
        Assert.Equal([1, 2], d1.Single(s => s.Reporter == "R42").Lines.Select(l => l.LineNo));
        Assert.Equal(1_047, d1.Single(s => s.Reporter == "R42").FobUsd);

        // Without the split line the same declarations take the one-pass layout and give the same shipments.
        lines.RemoveAt(lines.Count - 1);
        var plain = ShipmentIndex.Build(lines);
        Assert.Equal(200, plain.All.Count);
        Assert.All(plain.All, s => Assert.Equal(1, s.Lines.Count));
    }

    [Theory]
    [InlineData(1, 0, true)]
    [InlineData(2, 1, true)]
    [InlineData(3, 2_000, true)]
    [InlineData(4, 50_000, true)]
    [InlineData(5, 20_000, false)]
    public void Candidate_radix_sort_gives_the_comparer_order(int seed, int count, bool exportsAscending)
    {
        // Scores drawn from a few values (ties), whole numbers, fractions and the odd -0, negative, infinite and NaN
        // score; the same (export, import) pair weighed twice with equal and with different scores; exports in runs
        // (as the matching adds them) or shuffled (the comparer fallback).
        var random = new Random(seed);
        var items = new MirrorDetector.Candidate[count];
        var export = 0;
        for (var k = 0; k < count; k++)
        {
            export = exportsAscending ? export + (random.Next(3) == 0 ? 1 : 0) : random.Next(count / 10 + 1);
            var score = random.Next(8) switch
            {
                0 => random.Next(4) * 25.0,
                1 => -0.0,
                2 => random.Next(5) == 0 ? double.NaN : random.Next(2) == 0 ? double.PositiveInfinity : -random.NextDouble(),
                _ => random.Next(0, 220) + random.NextDouble(),
            };
            var import = random.Next(40);
            items[k] = new MirrorDetector.Candidate(export, import, score);
            if (k + 1 < count && random.Next(10) == 0)
            {
                items[++k] = new MirrorDetector.Candidate(export, import, random.Next(2) == 0 ? score : score + 1);
            }
        }

        var expected = (MirrorDetector.Candidate[])items.Clone();
        Array.Sort(expected, default(MirrorDetector.CandidateOrder));
        var scratch = new MirrorDetector.Candidate[count + 3];
        CandidateSort.Sort(items, scratch);

        Assert.Equal(expected, items);
    }

    [Fact]
    public void Candidate_sort_keys_order_scores_as_descending_compare()
    {
        double[] scores = [double.NegativeInfinity, -1e300, -5.5, -double.Epsilon, -0.0, 0.0, double.Epsilon, 1, 99.75, 1e300, double.PositiveInfinity, double.NaN];
        foreach (var a in scores)
        {
            foreach (var b in scores)
            {
                Assert.Equal(Math.Sign(b.CompareTo(a)), Math.Sign(CandidateSort.Key(a).CompareTo(CandidateSort.Key(b))));
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Declared_quantities_by_unit_and_main_parts_come_from_the_index_as_from_the_lines(bool split)
    {
        // Shipments of 1-4 lines, each line in one of three units (most shipments in one unit, some mixed), with
        // quantities whose sums round differently by order; with split, every other declaration has a later run.
        var random = new Random(12);
        BaseUnit[] units = [BaseUnit.Kg, BaseUnit.L, BaseUnit.U];
        var lines = new List<DeclarationLine>();
        var later = new List<DeclarationLine>();
        for (var d = 0; d < 400; d++)
        {
            var count = random.Next(1, 5);
            var mixed = random.Next(3) == 0;
            var first = units[random.Next(units.Length)];
            var mode = random.Next(2) == 0 ? TransportMode.Sea : TransportMode.Air;
            for (var l = 0; l < count; l++)
            {
                var unit = mixed ? units[random.Next(units.Length)] : first;
                var line = Export($"E{d}", random.Next(1, 9) * 1_000.0, quantity: random.NextDouble() * 1e4, unit: unit,
                    reporter: d % 2 == 0 ? "US" : "CN", mode: mode, lineNo: l + 1);
                (split && d % 2 == 1 && l > 0 ? later : lines).Add(line);
            }
        }

        lines.AddRange(later);
        var index = ShipmentIndex.Build(lines);

        Assert.Equal(400, index.All.Count);
        var sawMixed = false;
        foreach (var s in index.All)
        {
            var fromIndex = new double[8];
            var fromLines = new double[8];
            index.AddDeclaredByUnit(s.Index, fromIndex);
            foreach (var line in s.Lines)
            {
                fromLines[(int)line.Unit] += line.NormQuantity;
            }

            for (var u = 0; u < 8; u++)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(fromLines[u]), BitConverter.DoubleToInt64Bits(fromIndex[u]));
            }

            var isMixed = s.Lines.Any(l => l.Unit != s.Main.Unit);
            Assert.Equal(isMixed, index.MixedUnits[s.Index]);
            sawMixed |= isMixed;
            Assert.Same(s.Main.RouteRef, index.RouteOf(s.Index));
            Assert.Same(s.Main.PartiesRef, index.PartiesOf(s.Index));
            Assert.Equal(s.Main.Incoterm, index.RouteOf(s.Index).Incoterm);
            Assert.Equal(s.Main.Mode, index.RouteOf(s.Index).Mode);
            Assert.Equal(s.Reporter, index.RouteOf(s.Index).ReporterCountry);
        }

        Assert.True(sawMixed);
    }

    private readonly struct SameKey(int[] keys) : HashRuns.IItemEquality
    {
        public bool Equal(int a, int b) => keys[a] == keys[b];

        public void Prefetch(int item, bool near) => Assert.InRange(item, 0, keys.Length - 1);
    }
}
