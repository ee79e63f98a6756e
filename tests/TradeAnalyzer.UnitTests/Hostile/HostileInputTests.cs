using System.Diagnostics;
using System.Text.Json;
using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.Handlers.Ingest;
using TradeAnalyzer.Storage;

namespace TradeAnalyzer.UnitTests.Hostile;

/// <summary>
/// Every hostile case through `analyze` and through the ingest handler: the documented exit code, a clear message,
/// rows reconciled (read = accepted + rejected, each rejected row in rejected.csv), bounded time, nothing read from disk.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ta-hostile-" + Guid.NewGuid().ToString("N"));

    public HostileInputTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, true);

    public static TheoryData<HostileCase> Cases()
    {
        var data = new TheoryData<HostileCase>();
        foreach (var c in HostileCorpus.All())
        {
            data.Add(c);
        }

        return data;
    }

    [Fact]
    public void The_corpus_has_at_least_forty_cases() => Assert.True(HostileCorpus.All().Count() >= 40);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Analyze_survives_reconciles_and_exits_as_documented(HostileCase hostile)
    {
        var input = Path.Combine(_dir, hostile.FileName);
        await File.WriteAllBytesAsync(input, hostile.Bytes());
        var outDir = Path.Combine(_dir, "out");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var clock = Stopwatch.StartNew();

        var code = await TradeAnalyzer.Cli.Program.RunAsync(["analyze", input, "--out", outDir, "--no-store", "-q"], stdout, stderr);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        Assert.True(code == hostile.ExpectedExit, $"exit {code}, expected {hostile.ExpectedExit}; stdout: {stdout}; stderr: {stderr}");
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "summary.json")));
        var file = summary.RootElement.GetProperty("files").EnumerateArray().Single();
        var read = file.GetProperty("rows_read").GetInt64();
        var accepted = file.GetProperty("rows_accepted").GetInt64();
        var rejected = file.GetProperty("rows_rejected").GetInt64();
        Assert.Equal(read, accepted + rejected);
        var rejectedCsv = await File.ReadAllTextAsync(Path.Combine(outDir, "rejected.csv"));
        Assert.DoesNotContain("root:x:0:0", rejectedCsv, StringComparison.Ordinal); // no external entity was resolved
        if (hostile.WholeFileRejected)
        {
            Assert.Equal(0, accepted);
            Assert.Contains(hostile.FileName, rejectedCsv, StringComparison.Ordinal);
            Assert.Contains("REJECTED", stdout.ToString(), StringComparison.Ordinal);
        }

        if (hostile.MessageContains is { } m)
        {
            Assert.Contains(m, rejectedCsv, StringComparison.OrdinalIgnoreCase);
        }

        if (rejected > 0)
        {
            // Every rejected row is listed with the file, a row number and a reason.
            using var csv = new TradeAnalyzer.Core.Text.CsvRowReader(new StringReader(rejectedCsv));
            Assert.True(csv.TryReadRecord(out var header));
            Assert.Equal(["file", "row", "column", "reason", "value"], header);
            var n = 0;
            while (csv.TryReadRecord(out var row))
            {
                n++;
                Assert.Equal(hostile.FileName, Path.GetFileName(row[0]));
                Assert.False(string.IsNullOrWhiteSpace(row[3]), "a reason");
            }

            Assert.True(n >= Math.Min(rejected, 1));
            if (!hostile.WholeFileRejected)
            {
                Assert.Equal(rejected, n);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_ingest_handler_never_throws_and_poisons_what_it_cannot_use(HostileCase hostile)
    {
        var (blobs, tables) = StorageFactory.Create(Path.Combine(_dir, "store"), null, null, null, null);
        var store = new HistoryStore(blobs, tables);
        await store.EnsureCreatedAsync();
        var name = "uploads/" + hostile.FileName;
        using (var ms = new MemoryStream(hostile.Bytes()))
        {
            await blobs.PutAsync(StoreLayout.Incoming, name, ms);
        }

        var result = await new IngestUploadHandler(store).HandleAsync(name);

        if (hostile.ExpectedExit == 3)
        {
            Assert.Equal(IngestOutcome.Rejected, result.Outcome);
            Assert.NotNull(await blobs.GetPropertiesAsync(StoreLayout.Poison, name + ".error.txt"));
        }
        else
        {
            Assert.True(IngestOutcome.Processed == result.Outcome, result.ToString());
        }
    }
}
