using System.Text.Json;
using TradeAnalyzer.Cli;
using TradeAnalyzer.SampleData;

namespace TradeAnalyzer.UnitTests.Cli;

/// <summary>The command line as a user meets it: exit codes, one-line errors, outputs that reconcile.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ta-cli-" + Guid.NewGuid().ToString("N"));

    public CliTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, true);

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Program.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Unknown_options_are_bad_usage_with_a_one_line_error()
    {
        var (code, _, err) = await Run("sample", "--out", _dir, "--bogus");
        Assert.Equal(2, code);
        Assert.Contains("--bogus", err);
    }

    [Fact]
    public async Task A_missing_input_file_is_bad_usage_naming_the_file()
    {
        var (code, _, err) = await Run("analyze", Path.Combine(_dir, "nope.csv"), "--out", _dir, "--no-store");
        Assert.Equal(2, code);
        Assert.Contains("nope.csv", err);
        Assert.Single(err.Trim().Split('\n'), l => l.StartsWith("tradeanalyzer:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unsupported_language_is_bad_usage()
    {
        var file = Path.Combine(_dir, "d.csv");
        await File.WriteAllTextAsync(file, "a,b\n1,2\n");
        var (code, _, err) = await Run("analyze", file, "--out", _dir, "--lang", "fr", "--no-store");
        Assert.Equal(2, code);
        Assert.Contains("--lang", err);
    }

    [Fact]
    public async Task A_file_missing_a_required_column_is_rejected_whole_with_exit_3()
    {
        var file = Path.Combine(_dir, "decl.csv");
        // Declarations without the value column.
        await File.WriteAllTextAsync(file,
            "declaration_id,line_no,flow,declaration_date,reporter_country,exporter_name,importer_name,origin_country,destination_country,hs_code,quantity,quantity_unit,currency\n" +
            "D1,1,export,2026-07-01,US,Acme,Beta,US,MX,293339,10,kg,USD\n");
        var outDir = Path.Combine(_dir, "out");
        var (code, stdout, _) = await Run("analyze", file, "--out", outDir, "--no-store", "--kind", "declarations", "-q");
        Assert.Equal(3, code);
        Assert.Contains("value", stdout);
        var rejected = await File.ReadAllTextAsync(Path.Combine(outDir, "rejected.csv"));
        Assert.Contains("value", rejected);
    }

    [Fact]
    public async Task A_file_stopped_part_way_keeps_and_analyses_the_rows_read_and_says_it_was_read_in_part()
    {
        var file = Path.Combine(_dir, "decl.csv");
        await File.WriteAllTextAsync(file, TradeAnalyzer.UnitTests.Ingestion.IngestTestData.DeclHeader + "\n" +
            string.Join("\n", Enumerable.Range(1, 5).Select(i => TradeAnalyzer.UnitTests.Ingestion.IngestTestData.DeclRow(id: $"D{i}"))) + "\n");
        var outDir = Path.Combine(_dir, "out");
        var (code, stdout, _) = await Run("analyze", file, "--out", outDir, "--no-store", "--max-rows", "3", "-q");

        Assert.Equal(0, code);
        Assert.Contains("3 accepted", stdout, StringComparison.Ordinal);
        Assert.Contains("READ IN PART: the file has more than 3 data rows", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("REJECTED", stdout, StringComparison.Ordinal);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "summary.json")));
        var f = summary.RootElement.GetProperty("files").EnumerateArray().Single();
        Assert.Equal(3, f.GetProperty("rows_accepted").GetInt64());
        Assert.Equal(f.GetProperty("rows_read").GetInt64(), f.GetProperty("rows_accepted").GetInt64() + f.GetProperty("rows_rejected").GetInt64());
        Assert.Contains("more than 3 data rows", await File.ReadAllTextAsync(Path.Combine(outDir, "rejected.csv")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_then_analyze_writes_every_output_and_the_counts_reconcile()
    {
        var samples = Path.Combine(_dir, "samples");
        var (sampleCode, _, _) = await Run("sample", "--out", samples, "--shipments", "300", "--seed", "5", "-q");
        Assert.Equal(0, sampleCode);
        var outDir = Path.Combine(_dir, "out");
        var (code, stdout, _) = await Run(
            "analyze", Path.Combine(samples, "declarations.csv"), Path.Combine(samples, "invoices.csv"), Path.Combine(samples, "declarations_messy.csv"),
            "--fx", Path.Combine(samples, "fx.csv"), "--sanctions", Path.Combine(samples, "sanctions.csv"), "--out", outDir, "--no-store", "-q");
        Assert.Equal(0, code);
        foreach (var f in new[] { "report.xlsx", "flags.csv", "flags.json", "exporters.csv", "rejected.csv", "summary.json" })
        {
            Assert.True(File.Exists(Path.Combine(outDir, f)), f);
        }

        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "summary.json")));
        var root = summary.RootElement;
        long read = 0, accepted = 0, rejected = 0;
        foreach (var file in root.GetProperty("files").EnumerateArray())
        {
            var r = file.GetProperty("rows_read").GetInt64();
            var a = file.GetProperty("rows_accepted").GetInt64();
            var j = file.GetProperty("rows_rejected").GetInt64();
            Assert.Equal(r, a + j);
            read += r;
            accepted += a;
            rejected += j;
        }

        Assert.Equal(read, root.GetProperty("rows_read").GetInt64());
        Assert.Equal(accepted, root.GetProperty("rows_accepted").GetInt64());
        Assert.Equal(rejected, root.GetProperty("rows_rejected").GetInt64());
        Assert.True(rejected > 0, "the messy file has bad rows");
        using var csv = new TradeAnalyzer.Core.Text.CsvRowReader(new StreamReader(Path.Combine(outDir, "rejected.csv")));
        var records = -1; // the header
        while (csv.TryReadRecord(out _))
        {
            records++;
        }

        Assert.Equal(rejected, records);
        Assert.Contains("Total:", stdout);
    }
}
