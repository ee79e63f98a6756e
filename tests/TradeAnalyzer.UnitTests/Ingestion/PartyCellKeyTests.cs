using System.Text;
using static TradeAnalyzer.UnitTests.Ingestion.IngestTestData;

namespace TradeAnalyzer.UnitTests.Ingestion;

/// <summary>The party cell cache keys rows by their exact cells: cell boundaries, long cells and rejected rows.</summary>
public sealed class PartyCellKeyTests
{
    private const string Header =
        "declaration_id,line_no,flow,declaration_date,reporter_country,exporter_name,importer_name,exporter_id,importer_id,exporter_country,importer_country,origin_country,destination_country,hs_code,quantity,quantity_unit,value,currency,incoterm,transport_mode";

    private static string Row(string id, string exporter, string importer, string exporterId = "", string importerId = "", string exporterCountry = "CN", string importerCountry = "MX") =>
        $"{id},1,import,2025-03-10,MX,{exporter},{importer},{exporterId},{importerId},{exporterCountry},{importerCountry},CN,MX,2933.39.99,100,kg,5000,USD,FOB,sea";

    [Fact]
    public void Cells_that_differ_only_in_where_one_ends_and_the_next_begins_give_different_parties()
    {
        var r = Read($"{Header}\n{Row("D1", "AB", "C")}\n{Row("D2", "A", "BC")}\n{Row("D3", "AB", "C")}\n{Row("D4", "A", "BC")}\n{Row("D5", "AB", "C", "", "X")}\n{Row("D6", "AB", "C", "X", "")}\n");
        Assert.Equal(6, r.Declarations.Count);
        var got = r.Declarations.Select(d => (d.ExporterName, d.ImporterName, d.ExporterId, d.ImporterId)).ToList();
        Assert.Equal(("AB", "C", (string?)null, (string?)null), got[0]);
        Assert.Equal(("A", "BC", (string?)null, (string?)null), got[1]);
        Assert.Equal(got[0], got[2]);
        Assert.Equal(got[1], got[3]);
        Assert.Equal(("AB", "C", (string?)null, "X"), got[4]);
        Assert.Equal(("AB", "C", "X", (string?)null), got[5]);
        Assert.NotEqual(r.Declarations[4].ExporterKey, r.Declarations[5].ExporterKey);
    }

    [Fact]
    public void Repeated_parties_after_other_rows_read_the_same_values_as_their_first_row()
    {
        var rng = new Random(42);
        var names = Enumerable.Range(0, 40).Select(i => $"Exporter {i} Ltd").ToArray();
        var countries = new[] { "CN", "cn", " CN ", "IN", "" };
        var text = new StringBuilder(Header).Append('\n');
        var expected = new List<(string, string, string?, string?)>();
        for (var i = 0; i < 2_000; i++)
        {
            var e = names[rng.Next(names.Length)];
            var m = names[rng.Next(names.Length)];
            var c = countries[rng.Next(countries.Length)];
            var id = rng.Next(3) == 0 ? $"ID{rng.Next(5)}" : string.Empty;
            text.Append(Row($"D{i}", e, m, id, string.Empty, c)).Append('\n');
            expected.Add((e, m, id.Length == 0 ? null : id, c.Trim().Length == 0 ? null : c.Trim().ToUpperInvariant()));
        }

        var r = Read(text.ToString());
        Assert.Equal(expected.Count, r.Declarations.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var d = r.Declarations[i];
            Assert.Equal(expected[i], (d.ExporterName, d.ImporterName, d.ExporterId, d.ExporterCountry));
        }
    }

    [Fact]
    public void Party_cells_longer_than_the_cache_keeps_are_still_read_and_rejected_the_same_way()
    {
        var longName = new string('N', 5_000);
        var r = Read($"{Header}\n{Row("D1", longName, "B")}\n{Row("D2", longName, "B")}\n{Row("D3", longName, "B", exporterCountry: "1X")}\n{Row("D4", longName, "B")}\n");
        Assert.Equal(3, r.Declarations.Count);
        Assert.All(r.Declarations, d => Assert.Equal(longName, d.ExporterName));
        var rejected = Assert.Single(r.Rejected);
        Assert.Equal((4L, "exporter_country"), (rejected.Row, rejected.Column));
    }

    [Fact]
    public void A_row_with_known_parties_is_still_rejected_for_its_other_cells_and_an_invalid_party_cell_is_not_cached()
    {
        var r = Read($"{Header}\n{Row("D1", "A", "B")}\n{Row("D2", "A", "B", exporterCountry: "1X")}\n{Row("D3", "A", "B", exporterCountry: "1X")}\n{Row("D1", "A", "B")}\n");
        Assert.Single(r.Declarations);
        Assert.Equal(
            [(3L, "exporter_country"), (4L, "exporter_country"), (5L, "declaration_id")],
            r.Rejected.Select(x => (x.Row, x.Column)).ToArray());
    }

    private const string InvoiceHeader =
        "invoice_number,invoice_date,seller_name,buyer_name,seller_country,buyer_country,seller_id,buyer_id,line_no,hs_code,description,cas_number,quantity,quantity_unit,unit_price,line_total,currency,incoterm,payment_terms,payer_name,payer_country,beneficiary_name,beneficiary_country,shipment_id";

    private static string InvoiceRow(string number, string seller, string buyer, string payer, string beneficiary, string sellerId = "", string buyerId = "") =>
        $"{number},2025-03-10,{seller},{buyer},CN,MX,{sellerId},{buyerId},1,2933.39.99,acid,,100,kg,2,200,USD,FOB,30 days,{payer},MX,{beneficiary},CN,S1";

    [Fact]
    public void Invoice_parties_whose_payer_or_beneficiary_repeat_another_party_cell_are_told_apart_from_those_that_do_not()
    {
        // Long cells equal to an earlier party cell are keyed by reference to it: rows that repeat a cell, rows that
        // hold the same text in another place, and rows whose names differ by one character must all keep their own values.
        string[] names = ["Seller Trading Co Ltd", "Buyer Importadora SA", "Seller Trading Co Ltc", "Third Payer Company", "Short"];
        var rng = new Random(7);
        var text = new StringBuilder(InvoiceHeader).Append('\n');
        var expected = new List<(string, string, string?, string?, string?, string?)>();
        for (var i = 0; i < 3_000; i++)
        {
            var seller = names[rng.Next(names.Length)];
            var buyer = names[rng.Next(names.Length)];
            var payer = rng.Next(3) == 0 ? string.Empty : names[rng.Next(names.Length)];
            var beneficiary = names[rng.Next(names.Length)];
            var sellerId = rng.Next(4) == 0 ? names[rng.Next(names.Length)] : string.Empty;
            text.Append(InvoiceRow($"I{i}", seller, buyer, payer, beneficiary, sellerId)).Append('\n');
            expected.Add((seller, buyer, payer.Length == 0 ? null : payer, beneficiary, sellerId.Length == 0 ? null : sellerId, null));
        }

        var r = Read(text.ToString());
        Assert.Empty(r.Rejected);
        Assert.Equal(expected.Count, r.Invoices.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var v = r.Invoices[i];
            Assert.Equal(expected[i], (v.SellerName, v.BuyerName, v.PayerName, v.BeneficiaryName, v.SellerId, v.BuyerId));
        }
    }

    [Fact]
    public void The_key_hash_depends_on_the_bytes_only_and_on_every_one_of_them()
    {
        // Every tail length of the hash (32-byte steps, then 8, 4, 2 and 1 bytes) and every position: equal bytes in
        // different arrays and offsets hash the same, and changing any one bit of any byte changes the hash.
        var rng = new Random(3);
        for (var length = 0; length <= 180; length++)
        {
            var text = new byte[length];
            rng.NextBytes(text);
            var copy = new byte[length + 5];
            text.CopyTo(copy, 5);
            var hash = TradeAnalyzer.Ingestion.CellPartCache<object>.KeyHash(text);
            Assert.Equal(hash, TradeAnalyzer.Ingestion.CellPartCache<object>.KeyHash(copy.AsSpan(5, length)));
            for (var k = 0; k < length; k++)
            {
                var changed = (byte[])text.Clone();
                changed[k] ^= (byte)(1 << rng.Next(8));
                Assert.NotEqual(hash, TradeAnalyzer.Ingestion.CellPartCache<object>.KeyHash(changed));
            }

            if (length > 0)
            {
                Assert.NotEqual(hash, TradeAnalyzer.Ingestion.CellPartCache<object>.KeyHash(text.AsSpan(0, length - 1)));
            }
        }
    }

    [Fact]
    public void Cells_narrow_to_Latin1_exactly_when_every_character_is_below_U0100_and_compare_equal_to_their_narrow_form_only()
    {
        // Every length around the eight-character steps (and the overlapping last step), a character above U+00FF at
        // every position, and characters at the edges (U+0000, U+00FF, U+0100).
        var rng = new Random(5);
        for (var length = 0; length <= 40; length++)
        {
            for (var trial = 0; trial < 20; trial++)
            {
                var cell = new char[length];
                for (var k = 0; k < length; k++)
                {
                    cell[k] = (char)(rng.Next(4) == 0 ? rng.Next(0xF0, 0x100) : rng.Next(0, 0x80));
                }

                var wideAt = trial % 2 == 1 && length > 0 ? rng.Next(length) : -1;
                if (wideAt >= 0)
                {
                    cell[wideAt] = (char)(trial % 4 == 1 ? 0x100 : rng.Next(0x100, 0x10000));
                }

                var into = new byte[length + 3];
                into.AsSpan().Fill(0xAA);
                var narrow = TradeAnalyzer.Ingestion.CellPartCache<object>.TryNarrow(cell, into.AsSpan(0, length));
                Assert.Equal(wideAt < 0, narrow);
                if (narrow)
                {
                    Assert.Equal(cell.Select(c => (byte)c).ToArray(), into[..length]);
                    Assert.Equal(new byte[] { 0xAA, 0xAA, 0xAA }, into[length..]); // nothing written past the cell
                    Assert.True(TradeAnalyzer.Ingestion.CellPartCache<object>.SameAsNarrow(cell, into.AsSpan(0, length)));
                    Assert.False(TradeAnalyzer.Ingestion.CellPartCache<object>.SameAsNarrow(cell, into.AsSpan(0, length + 1)));
                    for (var k = 0; k < length; k++)
                    {
                        // One character changed, in its low byte or only in its high byte (which the narrow form lacks).
                        var changed = (char[])cell.Clone();
                        changed[k] = (char)(k % 2 == 0 ? changed[k] ^ 1 : changed[k] | 0x100);
                        Assert.False(TradeAnalyzer.Ingestion.CellPartCache<object>.SameAsNarrow(changed, into.AsSpan(0, length)));
                    }
                }
            }
        }
    }

    [Fact]
    public void Parties_with_characters_beyond_Latin1_read_back_exactly_beside_their_Latin1_look_alikes()
    {
        // Cells kept in the key as UTF-16 (a character above U+00FF) next to Latin-1 ones of the same length, short and
        // long (past the one-byte length), repeated by the payer and beneficiary (marks): each row keeps its own values.
        var longWide = "Łódź " + new string('x', 300);
        var longNarrow = "Aódz " + new string('x', 300); // the low bytes of longWide's characters: only the high bytes tell them apart
        string[] names = ["Łódź Trading Sp. z o.o.", "Aódz Trading Sp. z o.o.", "北京贸易有限公司", "Café Nordic AB", "Cafe Nordic AB", longWide, longNarrow, "Ωmega"];
        var rng = new Random(9);
        var text = new StringBuilder(InvoiceHeader).Append('\n');
        var expected = new List<(string, string, string?, string?, string?)>();
        for (var i = 0; i < 3_000; i++)
        {
            var seller = names[rng.Next(names.Length)];
            var buyer = names[rng.Next(names.Length)];
            var payer = rng.Next(2) == 0 ? buyer : names[rng.Next(names.Length)];
            var beneficiary = rng.Next(2) == 0 ? seller : names[rng.Next(names.Length)];
            var sellerId = rng.Next(4) == 0 ? names[rng.Next(names.Length)] : string.Empty;
            text.Append(InvoiceRow($"I{i}", seller, buyer, payer, beneficiary, sellerId)).Append('\n');
            expected.Add((seller, buyer, payer, beneficiary, sellerId.Length == 0 ? null : sellerId));
        }

        var r = Read(text.ToString());
        Assert.Empty(r.Rejected);
        Assert.Equal(expected.Count, r.Invoices.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var v = r.Invoices[i];
            Assert.Equal(expected[i], (v.SellerName, v.BuyerName, v.PayerName, v.BeneficiaryName, v.SellerId));
        }
    }

    [Fact]
    public void Many_distinct_parties_read_back_exactly_with_the_probe_limit()
    {
        // 30,000 distinct party combinations, each repeated later out of order: the table grows through several sizes
        // and every look-up (hit, miss or given up after the probe limit) must give the row's own values.
        var text = new StringBuilder(Header).Append('\n');
        var rng = new Random(11);
        var expected = new List<(string, string, string?)>();
        for (var i = 0; i < 60_000; i++)
        {
            var p = i < 30_000 ? i : rng.Next(30_000);
            var exporter = $"Exporter {p % 997} Ltd";
            var importer = $"Importer {p / 997} SA";
            var id = $"X{p}";
            text.Append(Row($"D{i}", exporter, importer, id)).Append('\n');
            expected.Add((exporter, importer, id));
        }

        var r = Read(text.ToString());
        Assert.Empty(r.Rejected);
        Assert.Equal(expected.Count, r.Declarations.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var d = r.Declarations[i];
            Assert.Equal(expected[i], (d.ExporterName, d.ImporterName, d.ExporterId));
        }
    }

    [Fact]
    public void A_row_failing_in_its_party_cells_and_a_later_column_is_rejected_for_the_party_cell_and_otherwise_for_the_later_one()
    {
        // The party cells are looked up after the later columns: the reason must still be the first failing column's,
        // whether the party cells are new, known from an earlier row, or invalid.
        string Bad(string row, string from, string to) => row.Replace(from, to, StringComparison.Ordinal);
        var good = Row("D1", "Exporter Ltd", "Importer SA", "E1");
        var text = string.Join('\n',
            Header,
            good,                                                                     // row 2: accepted
            Bad(Row("D2", "Exporter Ltd", "Importer SA", "E1"), ",USD,", ",XXX,"),    // 3: known parties, bad currency
            Bad(Row("D3", "New Exporter", "Importer SA", "E2"), ",USD,", ",XXX,"),    // 4: new parties, bad currency
            Bad(Row("D4", "Exporter Ltd", "Importer SA", "E1", "", "1X"), ",USD,", ",XXX,"), // 5: bad exporter country and currency
            Bad(Row("D5", "", "Importer SA"), ",kg,", ",parsecs,"),                   // 6: missing exporter name, bad unit
            Row("D6", "Exporter Ltd", "Importer SA", "E1", "", "1X")) + "\n";        // 7: bad exporter country only
        var r = Read(text);
        Assert.Single(r.Declarations);
        Assert.Equal(
            [(3L, "currency"), (4L, "currency"), (5L, "exporter_country"), (6L, "exporter_name"), (7L, "exporter_country")],
            r.Rejected.Select(x => (x.Row, x.Column!)).ToArray());

        var invoices = string.Join('\n',
            InvoiceHeader,
            InvoiceRow("I1", "Seller Ltd", "Buyer SA", "Buyer SA", "Seller Ltd"),                                   // 2: accepted
            InvoiceRow("I2", "Seller Ltd", "Buyer SA", "Buyer SA", "Seller Ltd").Replace(",FOB,", ",XYZ,"),          // 3: known parties, bad incoterm
            InvoiceRow("I3", "", "Buyer SA", "Buyer SA", "Seller Ltd").Replace(",FOB,", ",XYZ,"),                    // 4: missing seller, bad incoterm
            InvoiceRow("I4", "Seller Ltd", "Buyer SA", "Buyer SA", "Other Co").Replace(",MX,Other Co,", ",1Q,Other Co,").Replace(",kg,", ",parsecs,"), // 5: bad unit before bad payer country
            InvoiceRow("I5", "Seller Ltd", "Buyer SA", "Buyer SA", "Other Co").Replace(",MX,Other Co,", ",1Q,Other Co,"), // 6: bad payer country only
            InvoiceRow("I6", "Seller Ltd", "Buyer SA", "Buyer SA", "Seller Ltd").Replace(",S1", ",S1").Replace("2025-03-10,Seller", "2025-03-10,Seller")) + "\n"; // 7: accepted
        var v = Read(invoices);
        Assert.Equal(2, v.Invoices.Count);
        Assert.Equal(
            [(3L, "incoterm"), (4L, "seller_name"), (5L, "quantity_unit"), (6L, "payer_country")],
            v.Rejected.Select(x => (x.Row, x.Column!)).ToArray());
    }
}
