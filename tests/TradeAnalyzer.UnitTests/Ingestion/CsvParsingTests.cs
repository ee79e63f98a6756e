using System.Text;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Ingestion;
using static TradeAnalyzer.UnitTests.Ingestion.IngestTestData;

namespace TradeAnalyzer.UnitTests.Ingestion;

public sealed class CsvParsingTests
{
    private static readonly string TwoRows = DeclHeader + "\n" + DeclRow() + "\r\n" + DeclRow(id: "D2") + "\n";

    [Fact]
    public void Utf8_without_bom_is_read_and_summarised()
    {
        var r = Read(TwoRows);
        Assert.Null(r.Summary.Error);
        Assert.Equal(FileKind.Declarations, r.Summary.Kind);
        Assert.Equal(2, r.Summary.RowsAccepted);
        Assert.Equal(2, r.Declarations.Count);
        Assert.StartsWith("utf-8, ','", r.Summary.Detected, StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetByteCount(TwoRows), r.Summary.Bytes);
        Assert.Equal(64, r.Summary.Sha256.Length);
        Assert.Equal(3, r.Declarations[1].Source.Row);
    }

    [Fact]
    public void Utf8_bom_is_skipped()
    {
        var r = Read(TwoRows, bom: true, encoding: new UTF8Encoding(true));
        Assert.Equal(2, r.Declarations.Count);
        Assert.Contains("bom", r.Summary.Detected, StringComparison.Ordinal);
        Assert.Equal("D1", r.Declarations[0].DeclarationId);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public void Utf16_is_detected_by_bom_or_nul_pattern(bool bigEndian, bool bom)
    {
        var text = TwoRows.Replace("piperidone", "químico", StringComparison.Ordinal);
        var r = Read(text, encoding: new UnicodeEncoding(bigEndian, false), bom: bom);
        Assert.Equal(2, r.Declarations.Count);
        Assert.Equal("químico", r.Declarations[0].Description);
        Assert.Contains(bigEndian ? "utf-16be" : "utf-16le", r.Summary.Detected, StringComparison.Ordinal);
    }

    [Fact]
    public void Windows1252_is_used_when_bytes_are_not_utf8()
    {
        var text = TwoRows.Replace("piperidone", "Química Ñandú", StringComparison.Ordinal);
        var bytes = Encoding.Latin1.GetBytes(text);
        var r = ReadBytes(bytes);
        Assert.Equal("Química Ñandú", r.Declarations[0].Description);
        Assert.Contains("windows-1252", r.Summary.Detected, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(';', "';'")]
    [InlineData('\t', "tab")]
    [InlineData('|', "'|'")]
    public void Delimiter_is_detected_from_the_header(char delimiter, string shown)
    {
        var text = TwoRows.Replace(',', delimiter);
        var r = Read(text);
        Assert.Equal(2, r.Declarations.Count);
        Assert.Contains(shown, r.Summary.Detected, StringComparison.Ordinal);
    }

    [Fact]
    public void Semicolon_files_read_decimal_comma_with_thousands()
    {
        var text = (DeclHeader + "\n" + DeclRow(value: "VALUE", qty: "QTY")).Replace(',', ';')
            .Replace("VALUE", "1.234,56", StringComparison.Ordinal).Replace("QTY", "2,5", StringComparison.Ordinal);
        var r = Read(text);
        Assert.Single(r.Declarations);
        Assert.Equal(1234.56, r.Declarations[0].Value, 6);
        Assert.Equal(2.5, r.Declarations[0].Quantity, 6);
    }

    [Fact]
    public void Quoted_fields_keep_delimiters_quotes_and_line_breaks()
    {
        var row = DeclRow().Replace("piperidone", "\"4-piperidone, \"\"pure\"\"\nline two\"", StringComparison.Ordinal);
        var r = Read(DeclHeader + "\n" + row + "\n" + DeclRow(id: "D9") + "\n");
        Assert.Equal(2, r.Declarations.Count);
        Assert.Equal("4-piperidone, \"pure\"\nline two", r.Declarations[0].Description);
        Assert.Equal(4, r.Declarations[1].Source.Row); // the quoted line break moves the next record to line 4
    }

    [Fact]
    public void Unbalanced_quote_rejects_the_row_with_a_reason()
    {
        var bad = DeclRow(id: "D2").Replace("piperidone", "\"piper\"idone", StringComparison.Ordinal);
        var r = Read(DeclHeader + "\n" + DeclRow() + "\n" + bad + "\n" + DeclRow(id: "D3") + "\n");
        Assert.Equal(2, r.Declarations.Count);
        var rej = Assert.Single(r.Rejected);
        Assert.Equal(3, rej.Row);
        Assert.Contains("quote", rej.Reason, StringComparison.Ordinal);
        AssertReconciled(r);
    }

    [Fact]
    public void Nul_bytes_reject_the_row()
    {
        var bad = DeclRow(id: "D2").Replace("piperidone", "pip\0eridone", StringComparison.Ordinal);
        var r = Read(DeclHeader + "\n" + bad + "\n" + DeclRow() + "\n");
        Assert.Single(r.Declarations);
        Assert.Contains("NUL", Assert.Single(r.Rejected).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Very_long_field_rejects_the_row()
    {
        var bad = DeclRow(id: "D2").Replace("piperidone", new string('x', 150_000), StringComparison.Ordinal);
        var r = Read(DeclHeader + "\n" + bad + "\n" + DeclRow() + "\n");
        Assert.Single(r.Declarations);
        Assert.Contains("longer than", Assert.Single(r.Rejected).Reason, StringComparison.Ordinal);
        AssertReconciled(r);
    }

    [Fact]
    public void Too_many_columns_rejects_the_row()
    {
        var bad = DeclRow(id: "D2") + new string(',', 2500);
        var r = Read(DeclHeader + "\n" + bad + "\n" + DeclRow() + "\n");
        Assert.Single(r.Declarations);
        Assert.Contains("columns", Assert.Single(r.Rejected).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Blank_lines_are_not_rows_and_headers_fold_case_spaces_and_accents()
    {
        var header = DeclHeader.Replace("declaration_id", " Declaration-ID ", StringComparison.Ordinal).Replace("hs_code", "HS Code", StringComparison.Ordinal);
        var r = Read(header + "\n\n" + DeclRow() + "\n\n");
        Assert.Single(r.Declarations);
        Assert.Equal(0, r.Summary.RowsRejected);
        Assert.Equal(3, r.Declarations[0].Source.Row);
    }

    [Fact]
    public void Random_bytes_never_throw_and_reconcile()
    {
        var rng = new Random(7);
        for (var i = 0; i < 50; i++)
        {
            var bytes = new byte[rng.Next(0, 4000)];
            rng.NextBytes(bytes);
            var prefix = Encoding.UTF8.GetBytes(DeclHeader + "\n");
            var r = ReadBytes([.. prefix, .. bytes]);
            AssertReconciled(r);
        }
    }

    [Fact]
    public void Reader_handles_records_across_buffer_boundaries()
    {
        var sb = new StringBuilder(DeclHeader).Append('\n');
        for (var i = 0; i < 20_000; i++)
        {
            sb.Append(DeclRow(id: "D" + i)).Append(i % 2 == 0 ? "\r\n" : "\n");
        }

        var r = Read(sb.ToString());
        Assert.Equal(20_000, r.Declarations.Count);
        Assert.Equal(20_001, r.Declarations[^1].Source.Row);
        Assert.Equal("D19999", r.Declarations[^1].DeclarationId);
    }

    [Fact]
    public void Progress_is_reported_every_64k_rows()
    {
        var sb = new StringBuilder(DeclHeader).Append('\n');
        for (var i = 0; i < 140_000; i++)
        {
            sb.Append(DeclRow(id: "D" + i)).Append('\n');
        }

        var reports = new List<IngestProgress>();
        using var ms = new MemoryStream(Encoding.UTF8.GetBytes(sb.ToString()));
        var r = new FileIngestor().Read(ms, "big.csv", new IngestionOptions(), new SyncProgress(reports.Add));
        Assert.Equal(140_000, r.Declarations.Count);
        Assert.Equal(2, reports.Count);
        Assert.Equal(65_536, reports[0].Rows);
        Assert.True(reports[1].Bytes > reports[0].Bytes);
    }

    private sealed class SyncProgress(Action<IngestProgress> action) : IProgress<IngestProgress>
    {
        public void Report(IngestProgress value) => action(value);
    }
}
