using System.Text;
using TradeAnalyzer.Ingestion;
using static TradeAnalyzer.UnitTests.Ingestion.IngestTestData;

namespace TradeAnalyzer.UnitTests.Ingestion;

/// <summary>Invoice numbers and shipment ids shared by the files of one analysis: one string per text, same values.</summary>
public sealed class SharedIdsTests
{
    private const string Decl =
        "declaration_id,line_no,flow,declaration_date,reporter_country,exporter_name,importer_name,origin_country,destination_country,hs_code,quantity,quantity_unit,value,currency,invoice_number,shipment_id\n" +
        "D1,1,import,2025-03-10,MX,Acme,Imp SA,CN,MX,2933.39,10,kg,500,USD,INV-1,SHP-1\n" +
        "D1,2,import,2025-03-10,MX,Acme,Imp SA,CN,MX,2933.39,10,kg,500,USD,INV-1,SHP-1\n" +
        "D2,1,import,2025-03-11,MX,Acme,Imp SA,CN,MX,2933.39,10,kg,500,USD, INV-2 ,SHP-2\n" +
        "D3,1,import,2025-03-11,MX,Acme,Imp SA,CN,MX,2933.39,10,kg,500,USD,INV-9,\n";

    private const string Inv =
        "invoice_number,invoice_date,seller_name,buyer_name,line_no,hs_code,quantity,quantity_unit,line_total,currency,shipment_id\n" +
        "INV-2,2025-03-01,Acme,Imp SA,1,2933.39,10,kg,500,USD,SHP-2\n" +
        "INV-1,2025-03-01,Acme,Imp SA,1,2933.39,10,kg,500,USD,SHP-1\n" +
        "INV-1,2025-03-01,Acme,Imp SA,2,2933.39,10,kg,500,USD,SHP-1\n" +
        "INV-3,2025-03-01,Acme,Imp SA,1,2933.39,10,kg,500,USD,D1\n";

    [Fact]
    public void Files_read_with_one_table_share_their_invoice_and_shipment_strings_and_keep_their_values()
    {
        var ids = new SharedIds();
        var options = new IngestionOptions { Ids = ids };
        var d = Read(Decl, options).Declarations;
        var i = Read(Inv, options).Invoices;
        Assert.Equal(4, d.Count);
        Assert.Equal(4, i.Count);
        Assert.Equal(new string?[] { "INV-1", "INV-1", "INV-2", "INV-9" }, d.Select(x => x.InvoiceNumber));
        Assert.Equal(new string?[] { "SHP-1", "SHP-1", "SHP-2", null }, d.Select(x => x.ShipmentId));
        Assert.Equal(new[] { "INV-2", "INV-1", "INV-1", "INV-3" }, i.Select(x => x.InvoiceNumber));
        Assert.Equal(new string?[] { "SHP-2", "SHP-1", "SHP-1", "D1" }, i.Select(x => x.ShipmentId));

        // The same instance in both files (the trimmed cell " INV-2 " too); declaration ids are not shared (one file has them).
        Assert.Same(d[0].InvoiceNumber, i[1].InvoiceNumber);
        Assert.Same(d[2].InvoiceNumber, i[0].InvoiceNumber);
        Assert.Same(d[0].ShipmentId, i[2].ShipmentId);
        Assert.Same(d[2].ShipmentId, i[0].ShipmentId);
        Assert.NotSame(d[0].DeclarationId, i[3].ShipmentId);
        Assert.True(ids.Count <= 6 && ids.Capacity >= 1024);
    }

    [Fact]
    public void Files_read_without_a_table_make_their_own_strings()
    {
        var d = Read(Decl).Declarations;
        var i = Read(Inv).Invoices;
        Assert.Equal(d[0].InvoiceNumber, i[1].InvoiceNumber);
        Assert.NotSame(d[0].InvoiceNumber, i[1].InvoiceNumber);
        Assert.NotSame(d[0].ShipmentId, i[2].ShipmentId);
    }

    [Fact]
    public void A_full_table_still_gives_every_text_its_own_value_and_keeps_sharing_the_texts_it_holds()
    {
        var ids = new SharedIds();
        var a = ids.Open(1); // the smallest table: 1,024 slots, new texts taken until two-thirds full
        var b = ids.Open(1_000_000); // sized already: the second reader uses the same table
        Assert.Equal(1024, ids.Capacity);
        var first = new Dictionary<string, string>();
        for (var n = 0; n < 20_000; n++)
        {
            var text = $"SHP-{n:D9}";
            var got = a.Get(text.AsSpan());
            Assert.Equal(text, got);
            first[text] = got;
        }

        Assert.InRange(ids.Count, 1, 1024);
        var shared = 0;
        foreach (var (text, got) in first)
        {
            var again = b.Get(text.AsSpan());
            Assert.Equal(text, again);
            shared += ReferenceEquals(again, got) ? 1 : 0;
        }

        Assert.InRange(shared, 600, 1024); // the texts the table took (about two-thirds of its slots) are shared, no others
        Assert.Equal("x", b.Get("x".AsSpan()));
        Assert.Equal(string.Empty, b.Get(ReadOnlySpan<char>.Empty));
    }

    [Fact]
    public void Two_threads_meeting_the_same_texts_in_different_orders_get_equal_strings_and_mostly_the_same_instance()
    {
        var ids = new SharedIds();
        const int N = 100_000;
        var texts = Enumerable.Range(0, N).Select(n => $"EXP/26-27/{n:D7}").ToArray();
        var results = new string[2][];
        Parallel.For(0, 2, t =>
        {
            var reader = ids.Open(N);
            var mine = results[t] = new string[N];
            var order = Enumerable.Range(0, N).ToArray();
            new Random(t).Shuffle(order);
            foreach (var k in order)
            {
                var span = texts[k].AsSpan();
                if ((k & 1) == 0)
                {
                    var hash = SharedIds.Reader.Hash(span);
                    reader.Prefetch(hash);
                    reader.PrefetchText(hash);
                    mine[k] = reader.Get(span, hash);
                }
                else
                {
                    mine[k] = reader.Get(span);
                }
            }
        });

        var same = 0;
        for (var k = 0; k < N; k++)
        {
            Assert.Equal(texts[k], results[0][k]);
            Assert.Equal(texts[k], results[1][k]);
            same += ReferenceEquals(results[0][k], results[1][k]) ? 1 : 0;
        }

        Assert.True(same > N * 99 / 100, $"{same} of {N} shared");
        var check = ids.Open(N);
        Assert.Same(check.Get(texts[5].AsSpan()), check.Get(new StringBuilder(texts[5]).ToString().AsSpan()));
    }
}
