using System.Text.Json;
using TradeAnalyzer.Benchmarks;
using TradeAnalyzer.Cli;
using TradeAnalyzer.Core.Text;
using TradeAnalyzer.SampleData;

namespace TradeAnalyzer.UnitTests.EndToEnd;

/// <summary>
/// Analysts upload workbooks as often as CSV. The generated samples (clean declarations and invoices, and the messy
/// Windows-1252, decimal-comma declarations) saved as Excel saves them must give the same analysis as the CSV files:
/// every flag, every exporter's score, every rejection and the counts, whichever reader split the rows.
/// </summary>
public sealed class WorkbookInputTests : IDisposable
{
    private static readonly string[] Inputs = ["declarations", "invoices", "declarations_messy"];

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ta-wb-e2e-" + Guid.NewGuid().ToString("N"));

    public WorkbookInputTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, true);

    private async Task<string> Analyze(string name, string extension, string samples)
    {
        var outDir = Path.Combine(_dir, name);
        var args = new List<string> { "analyze" };
        args.AddRange(Inputs.Select(f => Path.Combine(_dir, name + "-in", f + extension)));
        args.AddRange(["--fx", Path.Combine(samples, "fx.csv"), "--sanctions", Path.Combine(samples, "sanctions.csv"), "--out", outDir, "--no-store", "-q"]);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Program.RunAsync([.. args], stdout, stderr);
        Assert.True(code == 0, $"analyze {name}: exit {code}: {stderr}");
        return outDir;
    }

    /// <summary>
    /// rejected.csv without its file and row columns (a workbook's row is the record's, a CSV's the line it starts on),
    /// the value with a decimal point: the workbook stores "-12,50" of a ';' file as the number -12.50, and the value
    /// column shows the cell as stored.
    /// </summary>
    private static List<string> Rejections(string dir)
    {
        using var csv = new CsvRowReader(new StreamReader(Path.Combine(dir, "rejected.csv")));
        var rows = new List<string>();
        while (csv.TryReadRecord(out var record))
        {
            rows.Add($"{record[2]} | {record[3]} | {record[4].Replace(',', '.')}");
        }

        return rows;
    }

    private static List<(string Kind, long Read, long Accepted, long Rejected)> Counts(string dir)
    {
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        return summary.RootElement.GetProperty("files").EnumerateArray()
            .Select(f => (f.GetProperty("kind").GetString()!, f.GetProperty("rows_read").GetInt64(), f.GetProperty("rows_accepted").GetInt64(), f.GetProperty("rows_rejected").GetInt64()))
            .ToList();
    }

    [Theory]
    [InlineData(11)]
    [InlineData(42)]
    public async Task The_samples_saved_as_workbooks_give_the_same_flags_exporters_and_rejections_as_the_csv_files(int seed)
    {
        var samples = Path.Combine(_dir, "samples");
        SampleGenerator.Write(samples, new SampleOptions { Shipments = 600, Seed = seed });
        Directory.CreateDirectory(Path.Combine(_dir, "csv-in"));
        Directory.CreateDirectory(Path.Combine(_dir, "xlsx-in"));
        foreach (var f in Inputs)
        {
            File.Copy(Path.Combine(samples, f + ".csv"), Path.Combine(_dir, "csv-in", f + ".csv"));
            WorkbookInputWriter.Run(Path.Combine(samples, f + ".csv"), Path.Combine(_dir, "xlsx-in", f + ".xlsx"), 1_048_575);
            Assert.Equal("PK"u8.ToArray(), File.ReadAllBytes(Path.Combine(_dir, "xlsx-in", f + ".xlsx"))[..2]);
        }

        var fromCsv = await Analyze("csv", ".csv", samples);
        var fromXlsx = await Analyze("xlsx", ".xlsx", samples);

        var flags = await File.ReadAllTextAsync(Path.Combine(fromCsv, "flags.csv"));
        Assert.True(flags.Split('\n').Length > 100, "the samples raise flags of every kind");
        Assert.Equal(flags, await File.ReadAllTextAsync(Path.Combine(fromXlsx, "flags.csv")));
        Assert.Equal(
            await File.ReadAllTextAsync(Path.Combine(fromCsv, "exporters.csv")),
            await File.ReadAllTextAsync(Path.Combine(fromXlsx, "exporters.csv")));

        var rejected = Rejections(fromCsv);
        Assert.True(rejected.Count > 5, "the messy file has bad rows");
        Assert.Equal(rejected, Rejections(fromXlsx));
        Assert.Equal(Counts(fromCsv), Counts(fromXlsx));
    }
}
