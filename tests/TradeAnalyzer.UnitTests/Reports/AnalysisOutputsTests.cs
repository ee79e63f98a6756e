using System.Text;
using System.Text.Json;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Text;
using TradeAnalyzer.Reports;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.UnitTests.Reports;

public sealed class AnalysisOutputsTests
{
    private static List<string[]> ReadCsv(byte[] bytes)
    {
        using var reader = new CsvRowReader(new StringReader(Encoding.UTF8.GetString(bytes)));
        var rows = new List<string[]>();
        while (reader.TryReadRecord(out var row))
        {
            rows.Add(row.ToArray());
        }

        return rows;
    }

    [Fact]
    public void Flags_csv_has_the_spec_columns_in_order_and_is_formula_safe()
    {
        var model = ReportSamples.Upload();
        using var s = new MemoryStream();
        AnalysisOutputs.WriteFlagsCsv(s, model.Result.Flags);
        var rows = ReadCsv(s.ToArray());
        Assert.Equal(
            ["flag", "severity", "score", "record_type", "declaration_id", "line_no", "invoice_number", "shipment_id", "exporter_name", "importer_name", "hs_code", "value_usd", "value_at_risk_usd", "expected", "observed", "explanation"],
            rows[0]);
        Assert.Equal(model.Result.Flags.Count + 1, rows.Count);
        Assert.Equal("PRICE_ABOVE_BASELINE", rows[1][0]);
        Assert.Equal("critical", rows[1][1]);
        var fields = rows.Skip(1).SelectMany(r => r).ToList();
        Assert.Contains("'+1", fields);
        Assert.Contains("'@SUM(A1)", fields);
        Assert.Contains("'\tX", fields);
        Assert.DoesNotContain(fields, f => f.Length > 0 && f[0] is '=' or '+' or '@' or '\t' or '\r');
        Assert.DoesNotContain(fields, f => f.StartsWith('-') && !double.TryParse(f, System.Globalization.CultureInfo.InvariantCulture, out _));
    }

    [Fact]
    public void Csv_bytes_are_the_escaped_formula_safe_fields_in_utf8_with_crlf()
    {
        // Reference: every field through CellText's apostrophe rule and CsvRowReader.Escape, joined with commas and
        // CRLF, encoded once as UTF-8 (no BOM).
        string Safe(string? v) => CellText.NeedsQuotePrefix(v) ? "'" + v : v ?? string.Empty;
        string Num(double? v) => v is { } d ? Math.Round(d, 4).ToString("0.####", System.Globalization.CultureInfo.InvariantCulture) : string.Empty;
        var tricky = new[] { "a,b", "say \"hi\"", "line\r\nbreak", "-5 kg", "=cmd", "Farmacéutica 化学 😀", new string('x', 20_000) + "\"" };
        var rejected = tricky.Select((t, i) => new RejectedRow("f" + t, i - 1, "col", "reason " + t, t)).ToList();
        using var s = new MemoryStream();
        AnalysisOutputs.WriteRejectedCsv(s, rejected);
        var expected = new StringBuilder("file,row,column,reason,value\r\n");
        foreach (var r in rejected)
        {
            expected.Append(string.Join(",", new[] { r.File, r.Row.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Column, r.Reason, r.Value }.Select(f => CsvRowReader.Escape(Safe(f))))).Append("\r\n");
        }

        Assert.Equal(Encoding.UTF8.GetBytes(expected.ToString()), s.ToArray());

        var model = ReportSamples.Upload();
        var flags = model.Result.Flags.Select((f, i) => f with { Explanation = tricky[i % tricky.Length], ImporterName = tricky[(i + 3) % tricky.Length], ValueUsd = -1234.56789, LineNo = i == 0 ? -3 : f.LineNo }).ToList();
        using var flagsCsv = new MemoryStream();
        AnalysisOutputs.WriteFlagsCsv(flagsCsv, flags);
        expected.Clear().Append(string.Join(",", AnalysisOutputs.FlagColumns)).Append("\r\n");
        foreach (var f in flags)
        {
            string?[] fields =
            [
                f.Code.ToCode(), f.Severity.ToText(), Num(f.Score), f.RecordType.ToText(), Safe(f.DeclarationId), f.LineNo is { } n ? Safe(n.ToString(System.Globalization.CultureInfo.InvariantCulture)) : null,
                Safe(f.InvoiceNumber), Safe(f.ShipmentId), Safe(f.ExporterName), Safe(f.ImporterName), Safe(f.HsCode), Safe(Num(f.ValueUsd)), Safe(Num(f.ValueAtRiskUsd)),
                Safe(f.Expected), Safe(f.Observed), Safe(f.Explanation),
            ];
            expected.Append(string.Join(",", fields.Select(x => CsvRowReader.Escape(x)))).Append("\r\n");
        }

        Assert.Equal(Encoding.UTF8.GetBytes(expected.ToString()), flagsCsv.ToArray());
    }

    [Fact]
    public void Summary_json_has_the_spec_shape()
    {
        var model = ReportSamples.Upload();
        using var s = new MemoryStream();
        AnalysisOutputs.WriteSummaryJson(s, model);
        using var doc = JsonDocument.Parse(s.ToArray());
        var root = doc.RootElement;
        var file = root.GetProperty("files")[0];
        Assert.Equal("decl.csv", file.GetProperty("path").GetString());
        Assert.Equal("declarations", file.GetProperty("kind").GetString());
        Assert.Equal(file.GetProperty("rows_read").GetInt64(), file.GetProperty("rows_accepted").GetInt64() + file.GetProperty("rows_rejected").GetInt64());
        Assert.Equal(33, root.GetProperty("rows_read").GetInt64());
        Assert.Equal(31, root.GetProperty("rows_accepted").GetInt64());
        Assert.Equal(2, root.GetProperty("rows_rejected").GetInt64());
        Assert.Equal(3, root.GetProperty("flags_by_code").GetProperty("PRICE_ABOVE_BASELINE").GetInt32());
        Assert.Equal(7170, root.GetProperty("value_at_risk_usd").GetDouble());
        var timings = root.GetProperty("timings_ms");
        Assert.Equal(40, timings.GetProperty("ingest").GetDouble());
        Assert.Equal(12.5, timings.GetProperty("price").GetDouble());
    }

    [Fact]
    public void Flags_json_uses_snake_case_spec_keys_and_raw_values()
    {
        var model = ReportSamples.Upload();
        using var s = new MemoryStream();
        AnalysisOutputs.WriteFlagsJson(s, model.Result.Flags);
        using var doc = JsonDocument.Parse(s.ToArray());
        var first = doc.RootElement[0];
        foreach (var column in AnalysisOutputs.FlagColumns)
        {
            Assert.True(first.TryGetProperty(column, out _), column);
        }

        Assert.Contains(doc.RootElement.EnumerateArray(), e => e.GetProperty("explanation").GetString() == "@SUM(A1)");
    }

    [Fact]
    public void Flags_csv_and_json_written_in_one_pass_are_the_bytes_of_the_separate_writers()
    {
        // Many flags, so the JSON writer flushes along the way; hostile and non-ASCII texts in them.
        var flags = ReportSamples.Upload(flagCopies: 2_000).Result.Flags;
        using var csv = new MemoryStream();
        using var json = new MemoryStream();
        AnalysisOutputs.WriteFlags(csv, json, flags);
        using var csvAlone = new MemoryStream();
        using var jsonAlone = new MemoryStream();
        AnalysisOutputs.WriteFlagsCsv(csvAlone, flags);
        AnalysisOutputs.WriteFlagsJson(jsonAlone, flags);

        Assert.True(json.Length > 1 << 17);
        Assert.Equal(csvAlone.ToArray(), csv.ToArray());
        Assert.Equal(jsonAlone.ToArray(), json.ToArray());
        Assert.Equal(flags.Count, JsonDocument.Parse(json.ToArray()).RootElement.GetArrayLength());
    }

    [Fact]
    public void Flags_counted_by_code_in_the_flag_files_pass_are_the_results_counts_and_the_bytes_do_not_change()
    {
        var flags = ReportSamples.Upload(flagCopies: 300).Result.Flags;
        using var csv = new MemoryStream();
        using var json = new MemoryStream();
        var counts = new int[AnalysisOutputs.FlagCodeCount];
        AnalysisOutputs.WriteFlags(csv, json, flags, counts);
        using var csvPlain = new MemoryStream();
        using var jsonPlain = new MemoryStream();
        AnalysisOutputs.WriteFlags(csvPlain, jsonPlain, flags);

        Assert.Equal(csvPlain.ToArray(), csv.ToArray());
        Assert.Equal(jsonPlain.ToArray(), json.ToArray());
        var expected = flags.GroupBy(f => f.Code).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(expected.Count > 1);
        var byCode = AnalysisOutputs.ByCode(counts);
        Assert.Equal(expected.OrderBy(kv => kv.Key), byCode.OrderBy(kv => kv.Key));

        // A sequence that is not a list takes the plain enumeration, and is counted the same.
        var again = new int[AnalysisOutputs.FlagCodeCount];
        AnalysisOutputs.WriteFlags(Stream.Null, Stream.Null, flags.Select(f => f), again);
        Assert.Equal(counts, again);
    }

    [Fact]
    public void Write_gives_the_summary_json_that_WriteSummaryJson_writes()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ta-reports-" + Guid.NewGuid().ToString("N"));
        try
        {
            var model = ReportSamples.Upload(flagCopies: 50);
            var files = AnalysisOutputs.Write(dir, model);
            using var s = new MemoryStream();
            AnalysisOutputs.WriteSummaryJson(s, model);
            Assert.Equal(s.ToArray(), File.ReadAllBytes(files.SummaryJson));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Write_creates_every_output_file()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ta-reports-" + Guid.NewGuid().ToString("N"));
        try
        {
            var files = AnalysisOutputs.Write(dir, ReportSamples.Upload());
            foreach (var path in new[] { files.Report, files.FlagsCsv, files.FlagsJson, files.RejectedCsv, files.SummaryJson, files.ExportersCsv })
            {
                Assert.True(new FileInfo(path).Length > 0, path);
            }

            var rejected = ReadCsv(File.ReadAllBytes(files.RejectedCsv));
            Assert.Equal(["file", "row", "column", "reason", "value"], rejected[0]);
            Assert.Equal("'-12", rejected[2][4]);
            var exporters = ReadCsv(File.ReadAllBytes(files.ExportersCsv));
            Assert.Equal(4, exporters.Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// A second run into the same folder: the earlier run's big files are moved aside and deleted (not truncated in the
    /// writers' path), small ones overwritten, planted symbolic links (one dangling) replaced instead of written through; the folder
    /// ends with exactly the new outputs, equal to a run into an empty folder.
    /// </summary>
    [Fact]
    public void A_run_over_an_earlier_runs_outputs_leaves_exactly_the_new_files_and_never_writes_through_a_link()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ta-reports-" + Guid.NewGuid().ToString("N"));
        var fresh = Path.Combine(Path.GetTempPath(), "ta-reports-" + Guid.NewGuid().ToString("N"));
        var outside = Path.Combine(Path.GetTempPath(), "ta-outside-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, "flags.csv"), new byte[(int)AnalysisOutputs.SetAsideBytes + 5]);
            File.WriteAllBytes(Path.Combine(dir, "report.xlsx"), new byte[3 << 20]);
            File.WriteAllText(Path.Combine(dir, "exporters.csv"), "old");
            File.WriteAllText(outside, "not an output");
            File.CreateSymbolicLink(Path.Combine(dir, "flags.json"), outside);
            File.CreateSymbolicLink(Path.Combine(dir, "rejected.csv"), outside + ".planted");
            File.WriteAllText(Path.Combine(dir, "notes.txt"), "the analyst's");

            var model = ReportSamples.Upload(flagCopies: 20);
            var files = AnalysisOutputs.Write(dir, model);
            AnalysisOutputs.Write(fresh, model);

            Assert.Equal("not an output", File.ReadAllText(outside));
            Assert.False(File.Exists(outside + ".planted"), "a dangling link was written through");
            Assert.Null(new FileInfo(files.FlagsJson).LinkTarget);
            Assert.Null(new FileInfo(files.RejectedCsv).LinkTarget);
            Assert.Equal(
                ["exporters.csv", "flags.csv", "flags.json", "notes.txt", "rejected.csv", "report.xlsx", "summary.json"],
                Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            foreach (var name in new[] { "flags.csv", "flags.json", "exporters.csv", "rejected.csv" })
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(fresh, name)), File.ReadAllBytes(Path.Combine(dir, name)));
            }

            using var report = new System.IO.Compression.ZipArchive(File.OpenRead(files.Report));
            using var freshReport = new System.IO.Compression.ZipArchive(File.OpenRead(Path.Combine(fresh, "report.xlsx")));
            Assert.Equal(freshReport.Entries.Select(e => (e.FullName, e.Length)), report.Entries.Select(e => (e.FullName, e.Length)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
            Directory.Delete(fresh, recursive: true);
            File.Delete(outside);
            File.Delete(outside + ".planted");
        }
    }

    [Fact]
    public void Workbook_file_over_a_longer_old_file_holds_the_parts_written_to_memory()
    {
        // The workbook's file buffers 1 MiB per write while the zip seeks back to finish each entry's header: the file
        // must be truncated, flushed and hold every part exactly as the same workbook written to memory.
        var model = ReportSamples.Upload();
        var path = Path.Combine(Path.GetTempPath(), "ta-workbook-" + Guid.NewGuid().ToString("N") + ".xlsx");
        try
        {
            File.WriteAllBytes(path, new byte[3 << 20]);
            using (var file = AnalysisOutputs.CreateWorkbookFile(path))
            {
                UploadReport.Write(file, model);
            }

            using var memory = new MemoryStream();
            UploadReport.Write(memory, model);
            memory.Position = 0;
            var expected = Parts(memory);
            using var written = File.OpenRead(path);
            var actual = Parts(written);
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (name, bytes) in expected)
            {
                if (name != "docProps/core.xml")
                {
                    Assert.True(bytes.AsSpan().SequenceEqual(actual[name]), name);
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static Dictionary<string, byte[]> Parts(Stream zip)
    {
        using var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Read, leaveOpen: true);
        var parts = new Dictionary<string, byte[]>();
        foreach (var entry in archive.Entries)
        {
            using var s = entry.Open();
            using var copy = new MemoryStream();
            s.CopyTo(copy);
            parts[entry.FullName] = copy.ToArray();
        }

        return parts;
    }
}
