using FsCheck.Xunit;
using TradeAnalyzer.Core.Detection.Invoices;
using TradeAnalyzer.Core.Detection.Mirror;
using TradeAnalyzer.Core.Model;
using static TradeAnalyzer.UnitTests.Detection.ReconciliationFixtures;

namespace TradeAnalyzer.UnitTests.Detection;

public class InvoiceIndexTests
{
    [Fact]
    public void Lines_of_one_number_and_seller_form_one_document_in_input_order_even_when_not_consecutive()
    {
        var a1 = Invoice("INV-1", 100, quantity: 1);
        var b = Invoice("INV-2", 50);
        var a2 = Invoice("inv 1", 300, quantity: 2);
        var a3 = Invoice("INV1", 300, quantity: 3);
        var other = Invoice("INV-1", 70, seller: "Pacific Trading Ltd");
        var index = new InvoiceIndex([a1, b, a2, other, a3]);

        Assert.Equal(3, index.DocumentCount);
        var doc = index.Document(0);
        Assert.Equal([a1, a2, a3], doc.Lines.ToArray());
        Assert.Same(a2, doc.Main); // the largest FOB, the first of equals
        Assert.Equal((700.0, 700.0, 6.0), doc.Totals(null));
        Assert.Equal([b], index.Document(1).Lines.ToArray());
        Assert.Equal([other], index.Document(2).Lines.ToArray());

        // By number, the declared exporter's invoice is preferred, else the first seller's.
        Assert.Equal(2, index.Find("INV1", null, "PACIFIC TRADING", null)!.Value.Id);
        Assert.Equal(0, index.Find("INV1", null, "SOMEONE ELSE", null)!.Value.Id);
        Assert.True(index.HasSeller("PACIFIC TRADING"));
        Assert.False(index.HasSeller("SOMEONE ELSE"));
    }

    [Fact]
    public void The_same_documents_come_from_a_list_an_array_and_any_other_read_only_list()
    {
        // The index reads a List or an array in place as a span and copies any other list first: all three must agree.
        var lines = new List<InvoiceLine>();
        for (var k = 0; k < 40; k++)
        {
            lines.Add(Invoice($"INV-{k % 7}", 10 + (k % 5), seller: k % 3 == 0 ? "Pacific Trading Ltd" : "Acme Exports"));
        }

        foreach (var source in new IReadOnlyList<InvoiceLine>[] { lines.ToArray(), lines.AsReadOnly() })
        {
            var expected = new InvoiceIndex(lines);
            var index = new InvoiceIndex(source);
            Assert.Equal(expected.DocumentCount, index.DocumentCount);
            Assert.Equal(14, index.DocumentCount);
            for (var d = 0; d < index.DocumentCount; d++)
            {
                Assert.Equal(expected.Document(d).Lines.ToArray(), index.Document(d).Lines.ToArray());
                Assert.Same(expected.Document(d).Main, index.Document(d).Main);
            }
        }
    }

    [Fact]
    public void Prefetching_any_document_or_one_out_of_range_changes_no_document()
    {
        // The invoice detector asks for the document of the shipment CompareAhead on, which may be -1 (no invoice by
        // number): a hint only, never a throw, and no line, main line or name changed (multi-line documents whose
        // main line is not the first too).
        var lines = new List<InvoiceLine>();
        for (var k = 0; k < 30; k++)
        {
            lines.Add(Invoice($"INV-{k % 9}", 10 + (k % 4), seller: k % 2 == 0 ? "Pacific Trading Ltd" : "Acme Exports"));
        }

        var expected = new InvoiceIndex(lines);
        var index = new InvoiceIndex(lines);
        foreach (var doc in new[] { -1, int.MinValue, index.DocumentCount, int.MaxValue })
        {
            index.Prefetch(doc);
        }

        Assert.Contains(Enumerable.Range(0, index.DocumentCount), d => !ReferenceEquals(index.Document(d).Lines[0], index.Document(d).Main));
        for (var d = 0; d < index.DocumentCount; d++)
        {
            index.Prefetch(d);
            Assert.Equal(expected.Document(d).Lines.ToArray(), index.Document(d).Lines.ToArray());
            Assert.Same(expected.Document(d).Main, index.Document(d).Main);
            Assert.Equal(expected.Document(d).SellerNorm, index.Document(d).SellerNorm);
            Assert.Equal(expected.Document(d).BuyerNorm, index.Document(d).BuyerNorm);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(33)]
    [InlineData(600)]
    public void Numbers_packed_ahead_of_their_run_give_the_documents_of_a_grouping_by_key_and_seller(int count)
    {
        // The build packs each number InvoiceIndex.KeyAhead lines ahead and keeps it in a ring for its run: runs of one
        // to three lines, numbers that pack, that are too long or have a letter outside A-Z (looked up another way),
        // numbers written differently with one key, and numbers seen again more than the ring's length later.
        var lines = new List<InvoiceLine>();
        var random = new Random(6);
        while (lines.Count < count)
        {
            var k = random.Next(40);
            var number = (k % 4) switch
            {
                0 => $"INV-{k}",
                1 => $"inv {k}",
                2 => $"INV-2026-0000000000{k:D2}",
                _ => $"FAC-Ñ-{k}",
            };
            var seller = random.Next(3) == 0 ? "Pacific Trading Ltd" : "Acme Exports";
            for (var run = random.Next(1, 4); run > 0 && lines.Count < count; run--)
            {
                lines.Add(Invoice(number, 10 + lines.Count, seller: seller));
            }
        }

        var index = new InvoiceIndex(lines);
        var expected = new Dictionary<(string Key, string Seller), List<InvoiceLine>>();
        var order = new List<List<InvoiceLine>>();
        foreach (var line in lines)
        {
            var key = (ShipmentIndex.InvoiceKey(line.InvoiceNumber), line.SellerName);
            if (!expected.TryGetValue(key, out var doc))
            {
                expected[key] = doc = [];
                order.Add(doc);
            }

            doc.Add(line);
        }

        Assert.Equal(order.Count, index.DocumentCount);
        for (var d = 0; d < order.Count; d++)
        {
            Assert.Equal(order[d], index.Document(d).Lines.ToArray());
        }
    }

    [Theory]
    [InlineData("INV-2026-000000000001")] // longer than a packed key
    [InlineData("FAC-Ñ-77")] // a letter outside A-Z
    [InlineData("123456789012")] // exactly the longest packed key
    [InlineData("-/-")] // no letter or digit at all: an empty key, never looked up by number
    public void Numbers_that_do_or_do_not_pack_are_found_by_their_normalised_key(string number)
    {
        var line = Invoice(number, 100, shipmentId: " BL-9 ");
        var index = new InvoiceIndex([Invoice("X-1", 5), line]);
        var key = ShipmentIndex.InvoiceKey(number);
        if (key.Length > 0)
        {
            Assert.Same(line, index.Find(key, null, "HUBEI CHEM", null)!.Value.Main);
        }

        Assert.Null(index.Find(key + "9", null, "HUBEI CHEM", null));
        Assert.Same(line, index.Find(null, "BL-9", "HUBEI CHEM", null)!.Value.Main);
    }

    [Fact]
    public void Packed_keys_differ_for_keys_that_differ_only_by_leading_zeros_or_length()
    {
        string[] keys = ["", "0", "00", "A", "0A", "00A", "Z", "10", "ZZZZZZZZZZZZ", "999999999999", "0000000000000"];
        var packed = new HashSet<long>();
        foreach (var key in keys)
        {
            if (InvoiceIndex.TryPack(key, out var p))
            {
                Assert.True(packed.Add(p), key);
            }
            else
            {
                Assert.True(key.Length > InvoiceIndex.MaxPackedLength, key);
            }
        }

        Assert.False(InvoiceIndex.TryPack("AB-1", out _));
        Assert.False(InvoiceIndex.TryPack("ab1", out _));
    }

    /// <summary>The index keys invoices by characters computed without a string; they must be those of <see cref="ShipmentIndex.InvoiceKey"/>, which the declarations use.</summary>
    [Property(MaxTest = 300)]
    public bool Key_characters_are_those_of_the_declarations_invoice_key(string? number, bool decorate)
    {
        var text = (number ?? string.Empty) + (decorate ? "-inv/ñ 7" : string.Empty);
        var scratch = new char[2];
        return InvoiceIndex.KeyChars(text, ref scratch).SequenceEqual(ShipmentIndex.InvoiceKey(text));
    }

    /// <summary>The one-pass packing must give exactly the pair of the two-pass path (key characters, then packed), and
    /// decline only the numbers that path does not pack into a pair or that hold non-ASCII characters.</summary>
    [Theory]
    [InlineData("EXP/26-27/0000000")] // 14 characters once the punctuation is dropped
    [InlineData("CI2026040000001")] // its own key, 15 characters
    [InlineData("inv-2026-0042")] // lower case
    [InlineData("123456789012")] // the longest key in a long
    [InlineData("1234567890123")] // the shortest in a pair
    [InlineData("12345678901234567")] // the longest in a pair
    [InlineData("1-2-3-4-5-6-7-8-9-0-1-2-3-4-5-6-7")] // 17 characters among punctuation
    [InlineData("123456789012345678")] // too long to pack
    [InlineData("ZZZZZZZZZZZZZZZZZ")]
    [InlineData("zzzzzzzzzzzz")]
    [InlineData("A")]
    [InlineData("0")]
    [InlineData("-/ .")] // an empty key
    [InlineData("")]
    [InlineData("FAC-Ñ-77")] // a letter outside A-Z: a text key
    [InlineData("FAC\u2013077")] // a non-ASCII dash, which the key leaves out
    [InlineData("INV\u00A0001")] // a no-break space
    public void One_pass_packing_agrees_with_the_key_characters_packed(string number)
    {
        number = System.Text.RegularExpressions.Regex.Unescape(number);
        var expected = TwoPass(number);
        var actual = OnePass(number);
        if (number.Any(c => c >= 128))
        {
            Assert.Null(actual); // the two-pass path decides (Ñ is a letter, the dash and the space are left out)
        }
        else
        {
            Assert.Equal(expected, actual);
            Assert.Equal(actual is null, number.Count(char.IsAsciiLetterOrDigit) is 0 or > InvoiceKeyTable.MaxLength);
        }
    }

    [Property(MaxTest = 500)]
    public bool One_pass_packing_agrees_with_the_key_characters_packed_for_any_number(string? number, bool decorate)
    {
        var text = (number ?? string.Empty) + (decorate ? "-inv/7" : string.Empty);
        var expected = TwoPass(text);
        var actual = OnePass(text);
        // Declined only for what the two-pass path does not pack, or for a non-ASCII character; agreed otherwise.
        return actual is { } a
            ? expected == a
            : expected is null || text.Any(c => c >= 128);
    }

    private static (int High, long Low)? OnePass(string number) =>
        InvoiceIndex.TryPackNumber(number, out var high, out var low) ? (high, low) : null;

    private static (int High, long Low)? TwoPass(string number)
    {
        var scratch = new char[2];
        var key = InvoiceIndex.KeyChars(number, ref scratch);
        if (key.IsEmpty || !InvoiceKeyTable.TryPack(key, out var high, out var low))
        {
            return null;
        }

        // A key of up to 12 characters is (0, its long), as the shipment index's invoice ids take it.
        Assert.Equal(key.Length <= InvoiceIndex.MaxPackedLength, high == 0);
        if (high == 0)
        {
            Assert.True(InvoiceIndex.TryPack(key, out var packed));
            Assert.Equal(packed, low);
        }

        return (high, low);
    }

    [Fact]
    public void Instance_cache_gives_equal_names_in_other_instances_the_same_normalised_name_and_id()
    {
        var names = new InstanceNames();
        var name = "Química Delta, S.A. de C.V.";
        var norm = names.Normalize(name, out var id);
        var again = names.Normalize(new string(name.AsSpan()), out var id2);
        var upper = names.Normalize("QUIMICA DELTA SA DE CV", out var id3);
        var other = names.Normalize("Pacific Trading Ltd", out var id4);
        Assert.Equal("QUIMICA DELTA", norm);
        Assert.Same(norm, again);
        Assert.Equal((id, id), (id2, id3));
        Assert.Equal("QUIMICA DELTA", upper);
        Assert.NotEqual(id, id4);
        Assert.Equal("PACIFIC TRADING", other);
        Assert.Equal(string.Empty, names.Normalize(null, out var none));
        Assert.Equal(0, none);
        Assert.Same(norm, names.Normalize(name)); // the memo of the previous name is not stale
    }

    [Fact]
    public void Sequential_keys_of_interleaved_series_fill_windows_across_growth_and_the_table_end()
    {
        // Invoice numbers issued in sequence across a few series (as the benchmark's files: one counter, several
        // prefixes, some 12 characters, some pairs), each series' keys filling 256-slot windows densely, in a table that
        // starts smaller than one window (so windows wrap around its end) and grows several times.
        string[] series = ["INV26{0:D7}", "CI202604{0:D7}", "CI202605{0:D7}", "EXP2627{0:D7}"];
        var table = new InvoiceKeyTable(10);
        var expected = new Dictionary<(int, long), int>();
        for (var k = 0; k < 40_000; k++)
        {
            var key = string.Format(System.Globalization.CultureInfo.InvariantCulture, series[k % 7 % series.Length], k);
            Assert.True(InvoiceKeyTable.TryPack(key, out var high, out var low), key);
            var value = expected.Count;
            if (!expected.TryAdd((high, low), value))
            {
                value = expected[(high, low)];
            }

            Assert.Equal(value, table.GetOrAdd(high, low, expected.Count - 1, out _));
        }

        Assert.Equal(expected.Count, table.Count);
        foreach (var ((high, low), value) in expected)
        {
            Assert.Equal(value, table.Find(high, low));
        }

        Assert.True(InvoiceKeyTable.TryPack("INV260040000", out var h, out var l));
        Assert.Equal(-1, table.Find(h, l));
        Assert.Equal(-1, table.Find(1, l));
    }

    [Fact]
    public void Wide_packed_keys_are_distinct_agree_with_the_short_packing_and_survive_growth()
    {
        string[] keys = ["", "0", "A", "123456789012", "0123456789012", "1234567890120", "EXP26270000000", "EXP2627000000", "EXP262700000000",
            "ZZZZZZZZZZZZZZZZZ", "ZZZZZZZZZZZZZZZZZZ", "00000000000000000", "000000000000000000", "AB-1", "CI2026040000001"];
        var table = new InvoiceKeyTable(2); // grows several times
        var pairs = new HashSet<(int, long)>();
        for (var k = 0; k < keys.Length; k++)
        {
            var key = keys[k];
            if (!InvoiceKeyTable.TryPack(key, out var high, out var low))
            {
                Assert.True(key.Length > InvoiceKeyTable.MaxLength || key.Contains('-', StringComparison.Ordinal), key);
                continue;
            }

            Assert.True(pairs.Add((high, low)), key);
            if (InvoiceIndex.TryPack(key, out var packed))
            {
                Assert.Equal((0, packed), (high, low)); // what the shipment index's invoice ids look up
            }

            Assert.Equal(k, table.GetOrAdd(high, low, k, out var added));
            Assert.True(added);
        }

        for (var k = 0; k < keys.Length; k++)
        {
            if (InvoiceKeyTable.TryPack(keys[k], out var high, out var low))
            {
                Assert.Equal(k, table.Find(high, low));
                Assert.Equal(k, table.GetOrAdd(high, low, 99, out var added));
                Assert.False(added);
            }
        }

        Assert.Equal(pairs.Count, table.Count);
        Assert.Equal(-1, table.Find(0, 12345));
    }

    [Fact]
    public void Shipment_ids_lead_to_the_document_of_their_first_line_in_input_order()
    {
        // Document 0 (INV-1) starts first but its line of BL-2 comes after INV-2's line of BL-2.
        var index = new InvoiceIndex([
            Invoice("INV-1", 10, shipmentId: "BL-1"),
            Invoice("INV-2", 20, shipmentId: " BL-2"),
            Invoice("INV-1", 30, shipmentId: "BL-2"),
            Invoice("INV-3", 40, shipmentId: "BL-3 "),
        ]);
        var wanted = new Dictionary<string, int>(StringComparer.Ordinal) { ["BL-2"] = 0, ["BL-3"] = 0, ["BL-9"] = 0, ["BL-1"] = 7 };
        index.FindByShipment(wanted);
        Assert.Equal(1, wanted["BL-2"]);
        Assert.Equal(2, wanted["BL-3"]);
        Assert.Equal(-1, wanted["BL-9"]);
        Assert.Equal(0, wanted["BL-1"]);
        foreach (var (id, doc) in wanted)
        {
            Assert.Equal(doc < 0 ? null : doc, index.Find(null, id, "HUBEI CHEM", null)?.Id); // the single look-up agrees
        }
    }
    [Fact]
    public void Shipments_find_documents_by_their_invoice_ids_as_by_the_key_text_whatever_the_key_length()
    {
        // Up to 12 characters (packed in a long), 13-17 (a pair: no key string), longer or with other letters (text).
        string[] numbers = ["INV-1", "EXP/26-27/0000001", "exp 26 27 0000001", "CI2026040000001", "ABCDEFGHIJKLMNOPQ", "ABCDEFGHIJKLMNOPQR",
            "LONG/INVOICE/NUMBER/0001", "Ärzte-Rechnung 7", "ÄRZTERECHNUNG7", "MISSING/2026/000001"];
        var random = new Random(3);
        var more = Enumerable.Range(0, 3_000).Select(k => $"EXP/26-27/{random.Next(2_000):D7}").ToArray();
        var declared = numbers.Concat(more).ToArray();
        var shipments = ShipmentIndex.Build(declared.Select((n, k) => Export($"E{k}", 1_000, invoice: n)).ToList());
        var invoices = new InvoiceIndex(declared.Where(n => !n.StartsWith("MISSING", StringComparison.Ordinal)).Take(1_500)
            .Select(n => Invoice(n, 100)).ToList());

        for (var k = 0; k < declared.Length; k++)
        {
            var s = shipments.All[k];
            Assert.Equal(ShipmentIndex.InvoiceKey(declared[k]), s.InvoiceKey);
            Assert.Equal(invoices.Find(s.InvoiceKey, null, s.ExporterNorm, null)?.Id ?? -1,
                invoices.Find(shipments, s.InvoiceId, null, s.ExporterNorm, null, out _)?.Id ?? -1);
            for (var j = 0; j < k; j += 1 + (k / 200))
            {
                Assert.Equal(s.InvoiceKey == shipments.All[j].InvoiceKey, s.InvoiceId == shipments.All[j].InvoiceId);
            }
        }

        Assert.Equal(shipments.All[1].InvoiceId, shipments.All[2].InvoiceId);
        Assert.Equal(shipments.All[7].InvoiceId, shipments.All[8].InvoiceId);
        Assert.NotEqual(shipments.All[4].InvoiceId, shipments.All[5].InvoiceId);
    }
}
