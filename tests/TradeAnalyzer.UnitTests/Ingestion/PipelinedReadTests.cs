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
