using System.Globalization;
using System.Text;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Ingestion;

namespace TradeAnalyzer.UnitTests.Ingestion;

/// <summary>A CSV file split into rows on a second thread reads exactly as it does on one.</summary>
public sealed class PipelinedReadTests
{
    private static readonly IngestionOptions OneThread = new() { PipelineMinBytes = long.MaxValue };
    private static readonly IngestionOptions TwoThreads = new() { PipelineMinBytes = 0 };

    // Thousands of rows (several batches) with quoted cells, doubled quotes, line breaks inside quotes, CRLF, blank
    // lines, bad rows, duplicates and one cell far longer than a batch's block.
    private static string MessyFile(int rows)
    {
        var sb = new StringBuilder(IngestTestData.DeclHeader).Append("\r\n");
        var rng = new Random(11);
        for (var i = 0; i < rows; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"D{i / 2}");
            var line = ((i % 2) + 1).ToString(CultureInfo.InvariantCulture);
            var row = IngestTestData.DeclRow(id, line, qty: rng.Next(1, 999).ToString(CultureInfo.InvariantCulture));
            switch (rng.Next(12))
            {
                case 0:
                    row = row.Replace("Hebei Chem Co Ltd", "\"Hebei \"\"Chem\"\"\nCo, Ltd\"", StringComparison.Ordinal);
                    break;
                case 1:
                    row = row.Replace("piperidone", "\"multi\r\nline\r\ndescription\"", StringComparison.Ordinal);
                    break;
                case 2:
                    row = row.Replace("2025-03-10", "2025-13-40", StringComparison.Ordinal);
                    break;
                case 3:
                    sb.Append("\r\n");
                    break;
                case 4:
                    row = row.Replace("piperidone", "\"stray\"quote", StringComparison.Ordinal);
                    break;
                case 5:
                    row = IngestTestData.DeclRow("D0", "1");
                    break;
            }

            if (i == rows / 2)
            {
                row = row.Replace("piperidone", "\"" + new string('x', 300_000) + "\"", StringComparison.Ordinal);
            }

            sb.Append(row).Append(i % 3 == 0 ? "\n" : "\r\n");
        }

        return sb.ToString();
    }

    private static void AssertSame(FileReadResult a, FileReadResult b)
    {
        Assert.Equal(a.Summary, b.Summary);
        Assert.Equal(a.Rejected, b.Rejected);
        Assert.Equal(a.Declarations.Count, b.Declarations.Count);
        for (var i = 0; i < a.Declarations.Count; i++)
        {
            var x = a.Declarations[i];
            var y = b.Declarations[i];
            Assert.Equal((x.Source, x.DeclarationId, x.LineNo, x.ExporterName, x.Description, x.ValueUsd), (y.Source, y.DeclarationId, y.LineNo, y.ExporterName, y.Description, y.ValueUsd));
        }
    }

    [Fact]
    public void Messy_file_reads_the_same_on_two_threads()
    {
        var text = MessyFile(9_000);
        var one = IngestTestData.Read(text, OneThread);
        var two = IngestTestData.Read(text, TwoThreads);
        Assert.True(one.Declarations.Count > 5_000);
        Assert.Contains(one.Rejected, r => r.Reason.Contains("duplicate line", StringComparison.Ordinal));
        Assert.Contains(one.Rejected, r => r.Reason.Contains("closing quote", StringComparison.Ordinal));
        Assert.Contains(one.Declarations, d => d.Description == "multi\r\nline\r\ndescription");
        AssertSame(one, two);
    }

    [Fact]
    public void Utf16_file_with_bom_reads_the_same_on_two_threads()
    {
        var text = MessyFile(3_000).Replace("Quimica", "Química", StringComparison.Ordinal);
        var one = IngestTestData.Read(text, OneThread, encoding: Encoding.Unicode, bom: true);
        var two = IngestTestData.Read(text, TwoThreads, encoding: Encoding.Unicode, bom: true);
        Assert.Contains(one.Declarations, d => d.ImporterName.Contains("Química", StringComparison.Ordinal));
        AssertSame(one, two);
    }

    [Fact]
    public void Row_limit_stops_at_the_same_row_and_hashes_the_whole_file()
    {
        var text = MessyFile(6_000);
        var one = IngestTestData.Read(text, OneThread with { MaxRows = 4_321 });
        var two = IngestTestData.Read(text, TwoThreads with { MaxRows = 4_321 });
        Assert.Equal(4_321, one.Summary.RowsRead);
        Assert.NotNull(one.Summary.Error);
        Assert.Equal(IngestTestData.Read(text).Summary.Sha256, two.Summary.Sha256);
        AssertSame(one, two);
    }

    [Fact]
    public void Size_limit_hit_while_streaming_fails_at_the_same_row()
    {
        var bytes = Encoding.UTF8.GetBytes(MessyFile(8_000));
        FileReadResult ReadCapped(IngestionOptions options)
        {
            using var stream = new NonSeekable(bytes);
            return new FileIngestor().Read(stream, "big.csv", options with { MaxFileBytes = bytes.Length / 2 });
        }

        var one = ReadCapped(OneThread);
        var two = ReadCapped(new IngestionOptions { PipelineMinBytes = -1 });
        Assert.Contains("byte limit", one.Summary.Error, StringComparison.Ordinal);
        Assert.True(one.Summary.RowsRead > 1_000);
        AssertSame(one, two);
    }

    [Fact]
    public void Cancellation_stops_the_reading_thread()
    {
        var text = MessyFile(20_000);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        using var ms = new MemoryStream(Encoding.UTF8.GetBytes(text));
        Assert.ThrowsAny<OperationCanceledException>(() => new FileIngestor().Read(ms, "c.csv", TwoThreads, null, cts.Token));
    }

    [Fact]
    public void Pipelined_source_gives_the_rows_of_the_inner_source()
    {
        var text = "a,\"b\"\"c\",d\r\n\r\n\"x\ny\",2\n3";
        using var plain = CsvTabularSource.FromText(new StringReader(text), ',');
        using var piped = new PipelinedTabularSource(CsvTabularSource.FromText(new StringReader(text), ','));
        while (plain.Read())
        {
            Assert.True(piped.Read());
            Assert.Equal(plain.RowNumber, piped.RowNumber);
            Assert.Equal(plain.RowError, piped.RowError);
            Assert.Equal(plain.GetStrings(), piped.GetStrings());
            Assert.True(piped.GetSpan(plain.FieldCount).IsEmpty);
        }

        Assert.False(piped.Read());
        Assert.False(piped.Read());
    }

    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}

/// <summary>Rows whose party cells repeat an earlier row's reuse its parties part: each row reads as it does alone.</summary>
public sealed class PartyCellCacheTests
{
    private const string DeclHeader =
        "declaration_id,line_no,flow,declaration_date,reporter_country,exporter_name,importer_name,exporter_id,importer_id,exporter_country,importer_country,origin_country,destination_country,hs_code,quantity,quantity_unit,value,currency";

    private const string InvHeader =
        "invoice_number,invoice_date,seller_name,buyer_name,seller_country,buyer_country,seller_id,buyer_id,line_no,hs_code,quantity,quantity_unit,line_total,currency,payer_name,payer_country,beneficiary_name,beneficiary_country";

    private static readonly string[] DeclRows =
    [
        "D1,1,import,2025-03-10,MX,Acme Chem,Imp SA,X1,,cn,MX,CN,MX,2933.39,10,kg,500,USD",
        "D2,1,import,2025-03-10,MX,Acme Chem,Imp SA,X1,,cn,MX,CN,MX,2933.39,10,kg,500,USD",
        "D3,1,import,2025-03-10,MX,Acme Chem,Imp SA,X1,,Z9,MX,CN,MX,2933.39,10,kg,500,USD",
        "D4,1,import,2025-03-10,MX,Acme Chem,Imp SA,X1,,CN,MX,CN,MX,2933.39,10,kg,500,USD",
        "D5,1,import,2025-99-10,MX,Acme Chem,Imp SA,X1,,cn,MX,CN,MX,2933.39,10,kg,500,USD",
        "D6,1,import,2025-03-10,MX,Acme Chem,Imp SA,X2,,cn,MX,CN,MX,2933.39,10,kg,500,USD",
        "D7,1,import,2025-03-10,MX,Acme Chem,Imp SA,,,cn,MX,CN,MX,2933.39,10,kg,500,USD",
        "D8,1,import,2025-03-10,MX, Acme Chem ,Imp SA,X1,,cn,MX,CN,MX,2933.39,10,kg,500,USD",
        "D9,1,import,2025-03-10,MX,Acme Che,m Imp SA,X1,,cn,MX,CN,MX,2933.39,10,kg,500,USD",
        "D10,1,import,2025-03-10,MX,Acme Chem,Imp SA,X1,,cn,MX,CN,MX,2933.39,10,kg,500,USD",
        "D11,1,import,2025-03-10,MX,,Imp SA,X1,,cn,MX,CN,MX,2933.39,10,kg,500,USD",
    ];

    private static readonly string[] InvRows =
    [
        "I1,2025-03-10,Acme,Buyer,CN,MX,S1,B1,1,2933.39,10,kg,500,USD,Payer Ltd,HK,Ben,PA",
        "I2,2025-03-10,Acme,Buyer,CN,MX,S1,B1,1,2933.39,10,kg,500,USD,Payer Ltd,HK,Ben,PA",
        "I3,2025-03-10,Acme,Buyer,CN,MX,S1,B1,1,2933.39,10,kg,500,USD,Payer Ltd,X9,Ben,PA",
        "I4,2025-03-10,Acme,Buyer,CN,MX,S1,B1,1,2933.39,10,kg,500,USD,Payer Ltd,HK,Ben,pa",
        "I5,2025-03-10,Acme,Buyer,CN,MX,S1,B1,1,2933.39,10,kg,500,USD,,,,",
        "I6,2025-03-10,Acme,Buyer,CN,MX,S1,B1,1,2933.39,10,kg,500,USD,Payer Ltd,HK,Ben,PA",
        "I7,2025-03-10,Acme,Buyer,CN,MX,S1,B1,1,2933.39,10,lbs?,500,USD,Payer Ltd,HK,Ben,PA",
    ];

    [Fact]
    public void Declaration_rows_read_together_as_each_reads_alone() => RowsReadTogetherAsEachAlone(
        DeclHeader, DeclRows, 3, r => r.Declarations, d => d.DeclarationId,
        d => (d.ExporterName, d.ImporterName, d.ExporterId, d.ImporterId, d.ExporterCountry, d.ImporterCountry, d.ExporterKey));

    [Fact]
    public void Invoice_rows_read_together_as_each_reads_alone() => RowsReadTogetherAsEachAlone(
        InvHeader, InvRows, 2, r => r.Invoices, i => i.InvoiceNumber,
        i => (i.SellerName, i.BuyerName, i.SellerCountry, i.BuyerCountry, i.SellerId, i.BuyerId, i.PayerName, i.PayerCountry, i.BeneficiaryName, i.BeneficiaryCountry));

    /// <summary>
    /// Each row read within the whole file is accepted with the same parties, or rejected for the same column, reason
    /// and value, as the same row read alone in a file of its own (no state of an earlier row leaks into a later one).
    /// </summary>
    private static void RowsReadTogetherAsEachAlone<TRecord, TParties>(string header, string[] rows, int rejectedTogether,
        Func<FileReadResult, IReadOnlyList<TRecord>> records, Func<TRecord, string?> idOf, Func<TRecord, TParties> partiesOf)
    {
        var all = IngestTestData.Read(header + "\n" + string.Join("\n", rows) + "\n");
        Assert.Equal(rejectedTogether, all.Rejected.Count);
        for (var i = 0; i < rows.Length; i++)
        {
            var alone = IngestTestData.Read(header + "\n" + rows[i] + "\n");
            var id = rows[i].Split(',')[0];
            var rejected = all.Rejected.SingleOrDefault(r => r.Row == i + 2);
            if (records(alone).Count == 0)
            {
                Assert.NotNull(rejected);
                Assert.Equal((alone.Rejected[0].Column, alone.Rejected[0].Reason, alone.Rejected[0].Value), (rejected.Column, rejected.Reason, rejected.Value));
                continue;
            }

            Assert.Null(rejected);
            Assert.Equal(partiesOf(records(alone)[0]), partiesOf(records(all).Single(r => idOf(r) == id)));
        }
    }
}
