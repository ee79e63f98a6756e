using System.Text;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Text;
using TradeAnalyzer.Handlers.Digest;
using TradeAnalyzer.Handlers.Exporters;
using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.Handlers.Ingest;
using TradeAnalyzer.SampleData;
using TradeAnalyzer.Storage;
using TradeAnalyzer.Tests;

namespace TradeAnalyzer.IntegrationTests.Handlers;

/// <summary>
/// The host-agnostic handlers end to end against a store: run once against the local folder store and once against
/// Azurite (subclasses), with the same assertions.
/// </summary>
public abstract class HandlerTests
{
    /// <summary>A fresh, empty store (containers and tables created).</summary>
    protected abstract Task<HistoryStore> NewStoreAsync();

    /// <summary>Sample files (shared by the tests of a run: generation is deterministic).</summary>
    private static readonly Lazy<string> Samples = new(() =>
    {
        var dir = TestTemp.Folder("handler-samples");
        if (!File.Exists(Path.Combine(dir, "declarations.csv")))
        {
            SampleGenerator.Write(dir, new SampleOptions { Shipments = 100, Seed = 7 });
        }

        return dir;
    });

    private static byte[] SampleBytes(string file) => File.ReadAllBytes(Path.Combine(Samples.Value, file));

    private static async Task PutAsync(HistoryStore store, string name, byte[] bytes)
    {
        using var ms = new MemoryStream(bytes);
        await store.Blobs.PutAsync(StoreLayout.Incoming, name, ms);
    }

    private static async Task<List<string>> NamesAsync(HistoryStore store, string container, string? prefix = null)
    {
        var names = new List<string>();
        await foreach (var b in store.Blobs.ListAsync(container, prefix))
        {
            names.Add(b.Name);
        }

        return names;
    }

    private static async Task<Dictionary<string, (long Count, double Median)>> BaselinesAsync(HistoryStore store)
    {
        var set = await store.LoadBaselinesAsync();
        return set.Groups.ToDictionary(g => g.Key.ToString(), g => (g.Value.Count, Math.Round(g.Value.Median, 6)), StringComparer.Ordinal);
    }

    private static async Task<int> CountAsync(HistoryStore store, string table)
    {
        var n = 0;
        await foreach (var _ in store.Tables.QueryAllAsync(table))
        {
            n++;
        }

        return n;
    }

    [Fact]
    public async Task An_upload_is_analysed_archived_merged_and_reported()
    {
        var store = await NewStoreAsync();
        await PutAsync(store, "declarations/week.csv", SampleBytes("declarations.csv"));
        var handler = new IngestUploadHandler(store);

        var result = await handler.HandleAsync("declarations/week.csv");

        Assert.Equal(IngestOutcome.Processed, result.Outcome);
        var reports = await NamesAsync(store, StoreLayout.Reports, StoreLayout.UploadReportPrefix(result.UploadId!));
        foreach (var file in new[] { "report.xlsx", "flags.csv", "flags.json", "rejected.csv", "summary.json", "exporters.csv" })
        {
            Assert.Contains(StoreLayout.UploadReportPrefix(result.UploadId!) + file, reports);
        }

        Assert.Contains(StoreLayout.ArchivePrefix(result.UploadId!) + "declarations.csv", await NamesAsync(store, StoreLayout.Archive));

        // flags.csv and flags.json (written in one pass) each list every flag of the upload, in the same order.
        var archived = await store.LoadArchivedFlagsAsync(result.UploadId!);
        Assert.NotEmpty(archived);
        var csvRows = new List<string[]>();
        await using (var csv = await store.Blobs.GetAsync(StoreLayout.Reports, StoreLayout.UploadReportPrefix(result.UploadId!) + "flags.csv"))
        {
            using var reader = new CsvRowReader(new StreamReader(csv!.Content));
            while (reader.TryReadRecord(out var row))
            {
                csvRows.Add(row.ToArray());
            }
        }

        using (var json = System.Text.Json.JsonDocument.Parse(await ReadTextAsync(store, StoreLayout.Reports, StoreLayout.UploadReportPrefix(result.UploadId!) + "flags.json")))
        {
            var items = json.RootElement.EnumerateArray().ToList();
            Assert.Equal(archived.Count, items.Count);
            Assert.Equal(archived.Count, csvRows.Count - 1);
            for (var i = 0; i < items.Count; i++)
            {
                Assert.Equal(csvRows[i + 1][0], items[i].GetProperty("flag").GetString());
            }
        }

        Assert.NotEmpty(await BaselinesAsync(store));
        Assert.True(await CountAsync(store, StoreLayout.FlagsTable) > 0);
        Assert.NotEmpty(await store.LoadExportersAsync());
        var receipt = Assert.Single(await ListAsync(store.ListReceiptsAsync()));
        Assert.Equal(UploadStatus.Done, receipt.Status);
        Assert.Equal(receipt.RowsRead, receipt.RowsAccepted + receipt.RowsRejected);
        Assert.True(receipt.RowsAccepted > 0);
    }

    [Fact]
    public async Task The_same_file_twice_changes_nothing()
    {
        var store = await NewStoreAsync();
        var bytes = SampleBytes("declarations.csv");
        await PutAsync(store, "declarations/a.csv", bytes);
        await PutAsync(store, "declarations/copy-of-a.csv", bytes);
        var handler = new IngestUploadHandler(store);

        var first = await handler.HandleAsync("declarations/a.csv");
        var baselines = await BaselinesAsync(store);
        var flags = await CountAsync(store, StoreLayout.FlagsTable);
        var exporters = (await store.LoadExportersAsync()).Select(e => (e.Key, e.Shipments)).ToList();
        var second = await handler.HandleAsync("declarations/copy-of-a.csv");
        var again = await handler.HandleAsync("declarations/a.csv");

        Assert.Equal(IngestOutcome.Processed, first.Outcome);
        Assert.Equal(IngestOutcome.Duplicate, second.Outcome);
        Assert.Equal(IngestOutcome.Duplicate, again.Outcome);
        Assert.Equal(baselines, await BaselinesAsync(store));
        Assert.Equal(flags, await CountAsync(store, StoreLayout.FlagsTable));
        Assert.Equal(exporters, (await store.LoadExportersAsync()).Select(e => (e.Key, e.Shipments)).ToList());
    }

    [Fact]
    public async Task Ten_racing_uploads_give_the_same_baselines_as_sequential_ones()
    {
        var chunks = Split(SampleBytes("declarations.csv"), 10);
        var sequential = await NewStoreAsync();
        var handler = new IngestUploadHandler(sequential);
        for (var i = 0; i < chunks.Count; i++)
        {
            await PutAsync(sequential, $"declarations/part{i}.csv", chunks[i]);
            Assert.Equal(IngestOutcome.Processed, (await handler.HandleAsync($"declarations/part{i}.csv")).Outcome);
        }

        var racing = await NewStoreAsync();
        for (var i = 0; i < chunks.Count; i++)
        {
            await PutAsync(racing, $"declarations/part{i}.csv", chunks[i]);
        }

        // Each upload gets its own handler, as separate function instances would.
        var results = await Task.WhenAll(Enumerable.Range(0, chunks.Count).Select(i => Task.Run(() => new IngestUploadHandler(racing).HandleAsync($"declarations/part{i}.csv"))));
        Assert.All(results, r => Assert.Equal(IngestOutcome.Processed, r.Outcome));

        var expected = await BaselinesAsync(sequential);
        var actual = await BaselinesAsync(racing);
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (key, value) in expected)
        {
            Assert.Equal(value, actual[key]);
        }
    }

    [Fact]
    public async Task A_garbage_file_ends_in_poison_with_its_error_beside_it()
    {
        var store = await NewStoreAsync();
        var garbage = new byte[20_000];
        new Random(3).NextBytes(garbage);
        await PutAsync(store, "declarations/garbage.csv", garbage);

        var result = await new IngestUploadHandler(store).HandleAsync("declarations/garbage.csv");

        Assert.Equal(IngestOutcome.Rejected, result.Outcome);
        var poison = await NamesAsync(store, StoreLayout.Poison);
        Assert.Contains("declarations/garbage.csv", poison);
        Assert.Contains("declarations/garbage.csv.error.txt", poison);
        Assert.DoesNotContain("declarations/garbage.csv", await NamesAsync(store, StoreLayout.Incoming));
        await using var kept = await store.Blobs.GetAsync(StoreLayout.Poison, "declarations/garbage.csv");
        using var copy = new MemoryStream();
        await kept!.Content.CopyToAsync(copy);
        Assert.Equal(garbage, copy.ToArray()); // nothing is lost
    }

    [Fact]
    public async Task A_failing_upload_is_retried_then_poisoned_after_five_attempts()
    {
        var inner = await NewStoreAsync();
        var store = new HistoryStore(new FailingReportsBlobStore(inner.Blobs), inner.Tables);
        await PutAsync(store, "declarations/x.csv", SampleBytes("declarations.csv"));
        var handler = new IngestUploadHandler(store, new IngestOptions { MaxAttempts = 5 });

        var outcomes = new List<IngestOutcome>();
        for (var i = 0; i < 5; i++)
        {
            outcomes.Add((await handler.HandleAsync("declarations/x.csv")).Outcome);
        }

        Assert.Equal([IngestOutcome.Failed, IngestOutcome.Failed, IngestOutcome.Failed, IngestOutcome.Failed, IngestOutcome.Poisoned], outcomes);
        Assert.Contains("declarations/x.csv.error.txt", await NamesAsync(store, StoreLayout.Poison));
        Assert.Equal(IngestOutcome.Missing, (await handler.HandleAsync("declarations/x.csv")).Outcome);
    }

    [Fact]
    public async Task A_report_is_never_complete_while_its_flags_failed_to_record()
    {
        // The report is written while the flags are recorded; summary.json (which marks the report complete and lets a
        // retry skip straight to the merge) must wait for the flags, or a retry would skip flags that never landed.
        var inner = await NewStoreAsync();
        var failing = new FailingTableBatches(inner.Tables, succeedFirst: 0, StoreLayout.FlagsTable);
        var store = new HistoryStore(inner.Blobs, failing);
        await PutAsync(store, "declarations/f.csv", SampleBytes("declarations.csv"));
        var handler = new IngestUploadHandler(store);

        var failed = await handler.HandleAsync("declarations/f.csv");

        Assert.Equal(IngestOutcome.Failed, failed.Outcome);
        var reports = await NamesAsync(store, StoreLayout.Reports);
        Assert.DoesNotContain(reports, n => n.EndsWith("/summary.json", StringComparison.Ordinal));
        Assert.Empty(await BaselinesAsync(store));

        failing.Heal();
        var retried = await handler.HandleAsync("declarations/f.csv");

        Assert.Equal(IngestOutcome.Processed, retried.Outcome);
        Assert.NotEmpty(await store.LoadArchivedFlagsAsync(retried.UploadId!));
        Assert.Contains(StoreLayout.UploadReportPrefix(retried.UploadId!) + "summary.json", await NamesAsync(store, StoreLayout.Reports));
    }

    [Fact]
    public async Task An_attempt_stopped_after_its_report_finishes_only_the_merge_and_counts_once()
    {
        var bytes = SampleBytes("declarations.csv");
        var clean = await NewStoreAsync();
        await PutAsync(clean, "declarations/x.csv", bytes);
        Assert.Equal(IngestOutcome.Processed, (await new IngestUploadHandler(clean).HandleAsync("declarations/x.csv")).Outcome);

        // The second store loses its baseline writes on the first attempt, after half of the partitions went through.
        var inner = await NewStoreAsync();
        var failing = new FailingTableBatches(inner.Tables, succeedFirst: 3);
        var store = new HistoryStore(inner.Blobs, failing);
        await PutAsync(store, "declarations/x.csv", bytes);
        var handler = new IngestUploadHandler(store);
        var first = await handler.HandleAsync("declarations/x.csv");
        Assert.Equal(IngestOutcome.Failed, first.Outcome);
        Assert.NotNull(await store.Blobs.GetPropertiesAsync(StoreLayout.Reports, StoreLayout.UploadReportPrefix(first.UploadId!) + "summary.json"));

        failing.Heal();
        var second = await handler.HandleAsync("declarations/x.csv");
        Assert.Equal(IngestOutcome.Processed, second.Outcome);
        Assert.Contains("resumed", second.Message, StringComparison.Ordinal);
        Assert.Equal(await BaselinesAsync(clean), await BaselinesAsync(store));
        Assert.Equal(await CountAsync(clean, StoreLayout.FlagsTable), await CountAsync(store, StoreLayout.FlagsTable));
        Assert.Equal(
            (await clean.LoadExportersAsync()).Select(e => (e.Key, e.Shipments)).ToList(),
            (await store.LoadExportersAsync()).Select(e => (e.Key, e.Shipments)).ToList());
    }

    [Fact]
    public async Task The_timer_catches_up_missed_weeks()
    {
        var store = await NewStoreAsync();
        await PutAsync(store, "declarations/d.csv", SampleBytes("declarations.csv"));
        await new IngestUploadHandler(store).HandleAsync("declarations/d.csv");
        var timer = new WeeklyDigestHandler(store);

        var monday = new DateTimeOffset(2026, 11, 2, 6, 0, 0, TimeSpan.Zero);
        var first = await timer.RunDueAsync(monday.AddHours(1));
        Assert.Equal(["digests/2026-W44.xlsx"], first);

        // The host is down for three Mondays; the next run catches up all three, oldest first.
        var caughtUp = await timer.RunDueAsync(monday.AddDays(21).AddHours(2));
        Assert.Equal(["digests/2026-W45.xlsx", "digests/2026-W46.xlsx", "digests/2026-W47.xlsx"], caughtUp);
        Assert.Empty(await timer.RunDueAsync(monday.AddDays(21).AddHours(3)));
        var names = await NamesAsync(store, StoreLayout.Reports, "digests/");
        Assert.Equal(4, names.Count);
    }

    [Fact]
    public async Task Invoices_uploaded_after_their_declarations_are_reconciled_with_them()
    {
        var store = await NewStoreAsync();
        await PutAsync(store, "declarations/d.csv", SampleBytes("declarations.csv"));
        await PutAsync(store, "invoices/i.csv", SampleBytes("invoices.csv"));
        var handler = new IngestUploadHandler(store);
        await handler.HandleAsync("declarations/d.csv");

        var result = await handler.HandleAsync("invoices/i.csv");

        Assert.Equal(IngestOutcome.Processed, result.Outcome);
        var flags = await store.LoadArchivedFlagsAsync(result.UploadId!);
        Assert.Contains(flags, f => f.Code is Core.Model.FlagCode.InvoiceValueMismatch or Core.Model.FlagCode.InvoiceQuantityMismatch or Core.Model.FlagCode.ThirdPartyPayment);
    }

    [Fact]
    public async Task An_exporter_known_from_an_earlier_upload_keeps_its_first_seen_date()
    {
        // The handler looks up first-seen dates for the upload's own exporters only: the later upload must still see
        // the date the earlier one recorded, and an exporter of the later upload that is not in the store is new.
        var store = await NewStoreAsync();
        var lines = Encoding.UTF8.GetString(SampleBytes("declarations.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string Dated(string row, string idPrefix, string date)
        {
            var parts = row.TrimEnd('\r').Split(',', 5);
            return $"{idPrefix}{parts[0]},{parts[1]},{parts[2]},{date},{parts[4]}";
        }

        var known = lines[1];
        var other = lines.Skip(2).First(l => l.Split(',')[5] != known.Split(',')[5]);
        await PutAsync(store, "declarations/june.csv", Encoding.UTF8.GetBytes(lines[0] + "\n" + Dated(known, "A-", "2026-06-01") + "\n"));
        await PutAsync(store, "declarations/sept.csv", Encoding.UTF8.GetBytes(lines[0] + "\n" + Dated(known, "B-", "2026-09-01") + "\n" + Dated(other, "B-", "2026-09-02") + "\n"));
        var handler = new IngestUploadHandler(store);
        Assert.Equal(IngestOutcome.Processed, (await handler.HandleAsync("declarations/june.csv")).Outcome);

        var result = await handler.HandleAsync("declarations/sept.csv");

        Assert.Equal(IngestOutcome.Processed, result.Outcome);
        await using var csv = await store.Blobs.GetAsync(StoreLayout.Reports, StoreLayout.UploadReportPrefix(result.UploadId!) + "exporters.csv");
        using var reader = new StreamReader(csv!.Content);
        var text = await reader.ReadToEndAsync();
        Assert.Contains(",2026-06-01,2026-09-01,", text, StringComparison.Ordinal);
        Assert.Contains(",2026-09-02,2026-09-02,", text, StringComparison.Ordinal);
    }

    private static async Task<string> ReadTextAsync(HistoryStore store, string container, string name)
    {
        await using var blob = await store.Blobs.GetAsync(container, name);
        using var reader = new StreamReader(blob!.Content);
        return await reader.ReadToEndAsync();
    }

    /// <summary>Each exporter's standing shipments and value (cents), by key.</summary>
    private static async Task<Dictionary<string, (int Shipments, long Cents)>> StandingAsync(HistoryStore store) =>
        (await store.LoadExportersAsync()).ToDictionary(e => e.Key, e => (e.Shipments, (long)Math.Round(e.ValueUsd * 100)), StringComparer.Ordinal);

    private static void AssertSameStanding(Dictionary<string, (int Shipments, long Cents)> expected, Dictionary<string, (int Shipments, long Cents)> actual)
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, (shipments, cents)) in expected)
        {
            Assert.True(shipments == actual[key].Shipments, $"{key}: {shipments} shipments expected, {actual[key].Shipments} standing");
            Assert.True(Math.Abs(cents - actual[key].Cents) <= 1, $"{key}: {cents} cents expected, {actual[key].Cents} standing"); // sums in another order
        }
    }

    /// <summary>The CSV's rows (header first) and a row's fields, for files made of the sample's rows.</summary>
    private static List<string> Rows(byte[] csv) => [.. Encoding.UTF8.GetString(csv).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => r.TrimEnd('\r'))];

    private static List<string> Fields(string row)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < row.Length; i++)
        {
            var c = row[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < row.Length && row[i + 1] == '"')
                {
                    sb.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    sb.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(sb.ToString());
                sb.Clear();
            }
            else
            {
                sb.Append(c);
            }
        }

        fields.Add(sb.ToString());
        return fields;
    }

    private static string Join(IEnumerable<string> fields) => string.Join(',', fields.Select(f => Core.Text.CsvRowReader.Escape(f)));

    private static byte[] CsvOf(string header, IEnumerable<string> rows) => Encoding.UTF8.GetBytes(header + "\n" + string.Join('\n', rows) + "\n");

    [Fact]
    public async Task A_shipment_whose_export_and_import_declarations_arrive_in_two_uploads_counts_once()
    {
        var rows = Rows(SampleBytes("declarations.csv"));
        var flow = Fields(rows[0]).IndexOf("flow");
        var exports = rows.Skip(1).Where(r => Fields(r)[flow] == "export").ToList();
        var imports = rows.Skip(1).Where(r => Fields(r)[flow] != "export").ToList();
        Assert.NotEmpty(exports);
        Assert.NotEmpty(imports);

        var one = await NewStoreAsync();
        await PutAsync(one, "declarations/all.csv", SampleBytes("declarations.csv"));
        Assert.Equal(IngestOutcome.Processed, (await new IngestUploadHandler(one).HandleAsync("declarations/all.csv")).Outcome);

        var two = await NewStoreAsync();
        await PutAsync(two, "declarations/exports.csv", CsvOf(rows[0], exports));
        await PutAsync(two, "declarations/imports.csv", CsvOf(rows[0], imports));
        var handler = new IngestUploadHandler(two);
        Assert.Equal(IngestOutcome.Processed, (await handler.HandleAsync("declarations/exports.csv")).Outcome);
        Assert.Equal(IngestOutcome.Processed, (await handler.HandleAsync("declarations/imports.csv")).Outcome);

        // The same shipments and value as when both customs' declarations came in one file.
        AssertSameStanding(await StandingAsync(one), await StandingAsync(two));
    }

    [Fact]
    public async Task Two_uploads_of_the_same_exporters_at_once_lose_no_update()
    {
        var rows = Rows(SampleBytes("declarations.csv"));
        var flow = Fields(rows[0]).IndexOf("flow");
        var one = await NewStoreAsync();
        await PutAsync(one, "declarations/all.csv", SampleBytes("declarations.csv"));
        Assert.Equal(IngestOutcome.Processed, (await new IngestUploadHandler(one).HandleAsync("declarations/all.csv")).Outcome);

        var racing = await NewStoreAsync();
        await PutAsync(racing, "declarations/exports.csv", CsvOf(rows[0], rows.Skip(1).Where(r => Fields(r)[flow] == "export")));
        await PutAsync(racing, "declarations/imports.csv", CsvOf(rows[0], rows.Skip(1).Where(r => Fields(r)[flow] != "export")));
        var results = await Task.WhenAll(
            Task.Run(() => new IngestUploadHandler(racing).HandleAsync("declarations/exports.csv")),
            Task.Run(() => new IngestUploadHandler(racing).HandleAsync("declarations/imports.csv")));

        Assert.All(results, r => Assert.Equal(IngestOutcome.Processed, r.Outcome));
        AssertSameStanding(await StandingAsync(one), await StandingAsync(racing));
    }

    [Fact]
    public async Task A_line_sent_again_in_a_later_file_counts_once_with_its_latest_version()
    {
        var rows = Rows(SampleBytes("declarations.csv"));
        var value = Fields(rows[0]).IndexOf("value");
        var resent = new Dictionary<int, string>();
        for (var i = 1; i <= 40 && i < rows.Count; i++)
        {
            // A corrected extract: the first 40 lines again, every other one with its value corrected.
            var fields = Fields(rows[i]);
            if (i % 2 == 0 && double.TryParse(fields[value], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v))
            {
                fields[value] = (v * 1.5).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
            }

            resent[i] = Join(fields);
        }

        // What the analyst means: the first file with the corrections applied.
        var corrected = await NewStoreAsync();
        await PutAsync(corrected, "declarations/corrected.csv", CsvOf(rows[0], rows.Skip(1).Select((r, i) => resent.GetValueOrDefault(i + 1, r))));
        Assert.Equal(IngestOutcome.Processed, (await new IngestUploadHandler(corrected).HandleAsync("declarations/corrected.csv")).Outcome);

        var store = await NewStoreAsync();
        await PutAsync(store, "declarations/first.csv", SampleBytes("declarations.csv"));
        await PutAsync(store, "declarations/resent.csv", CsvOf(rows[0], resent.Values));
        var handler = new IngestUploadHandler(store);
        Assert.Equal(IngestOutcome.Processed, (await handler.HandleAsync("declarations/first.csv")).Outcome);
        Assert.Equal(IngestOutcome.Processed, (await handler.HandleAsync("declarations/resent.csv")).Outcome);

        AssertSameStanding(await StandingAsync(corrected), await StandingAsync(store));

        // The review workbook of the exporter of a corrected line lists the same lines, in their latest version.
        var exporter = Fields(rows[2])[Fields(rows[0]).IndexOf("exporter_name")];
        var expected = await new ExporterReviewService(corrected).BuildReviewAsync(exporter, "en", default);
        var actual = await new ExporterReviewService(store).BuildReviewAsync(exporter, "en", default);
        Assert.Equal(
            expected!.Shipments.Select(d => (d.RecordKey, d.Value)).Order().ToList(),
            actual!.Shipments.Select(d => (d.RecordKey, d.Value)).Order().ToList());
        Assert.Equal(expected.Profile.Shipments, actual.Profile.Shipments);
    }

    /// <summary>A one-kilogram line of exporter Acme (N:ACME) to Mexico, valued in USD: the standing-profile tests' line.</summary>
    private static DeclarationLine AcmeLine(string declaration, TradeFlow flow, string? shipment, double usd, int row = 2) => new()
    {
        Source = new SourceRef("t.csv", row),
        DeclarationId = declaration,
        LineNo = 1,
        Flow = flow,
        Date = new DateOnly(2026, 5, 4),
        ReporterCountry = "MX",
        ExporterName = "Acme",
        ExporterKey = "N:ACME",
        ImporterName = "Importadora",
        OriginCountry = "CN",
        DestinationCountry = "MX",
        Hs = HsCode.Parse("293339"),
        Quantity = 1,
        QuantityUnit = "kg",
        NormQuantity = 1,
        Unit = BaseUnit.Kg,
        Value = usd,
        Currency = "USD",
        ValueUsd = usd,
        FobUsd = usd,
        Incoterm = Incoterm.Fob,
        ShipmentId = shipment,
    };

    [Fact]
    public async Task Recording_an_upload_again_changes_nothing_and_a_large_digest_goes_to_a_blob()
    {
        var store = await NewStoreAsync();
        static DeclarationLine Line(string declaration, TradeFlow flow, string? shipment, double usd) => AcmeLine(declaration, flow, shipment, usd);

        ExporterProfile Profile(int shipments, double value) => new() { Key = "N:ACME", Name = "Acme", Shipments = shipments, ValueUsd = value, FirstSeen = new(2026, 5, 4), LastSeen = new(2026, 5, 4), Score = 10 };

        // Upload a: 2,500 export lines (about 72 KB of digest: more than a table property holds) of 2,500 shipments.
        var big = Enumerable.Range(0, 2_500).Select(i => Line($"E{i}", TradeFlow.Export, $"S{i}", 10)).ToArray();
        await store.RecordExportersAsync("a", [Profile(2_500, 25_000)], ExporterDigest.Build(big, []), 1);
        var row = await store.Tables.GetAsync(StoreLayout.ExportersTable, "N:ACME", "u:a");
        Assert.Null(row!.GetBinary("Digest"));
        Assert.NotNull(await store.Blobs.GetPropertiesAsync(StoreLayout.Archive, row.GetString("DigestBlob")!));

        // Upload b: the import declarations of the first 100 of those shipments and one shipment of its own.
        var small = Enumerable.Range(0, 100).Select(i => Line($"I{i}", TradeFlow.Import, $"S{i}", 11)).Append(Line("X", TradeFlow.Import, null, 7)).ToArray();
        await store.RecordExportersAsync("b", [Profile(101, 1_107)], ExporterDigest.Build(small, []), 2);
        var standing = await store.LoadExporterAsync("N:ACME");
        Assert.Equal(2_501, standing!.Shipments);
        Assert.Equal(25_007, standing.ValueUsd);

        // The same upload recorded again (a retry, later): nothing changes, and it keeps its place in upload order.
        await store.RecordExportersAsync("b", [Profile(101, 1_107)], ExporterDigest.Build(small, []), 99);
        await store.RecordExportersAsync("a", [Profile(2_500, 25_000)], ExporterDigest.Build(big, []), 98);
        var again = await store.LoadExporterAsync("N:ACME");
        Assert.Equal(JsonRecords.Serialize(standing), JsonRecords.Serialize(again!));
        Assert.Equal(2L, (await store.Tables.GetAsync(StoreLayout.ExportersTable, "N:ACME", "u:b"))!.GetInt64("Stamp"));
        Assert.Equal(["a", "b"], await store.LoadExporterUploadsInOrderAsync("N:ACME"));
    }

    /// <summary>The weekly digests' flags (by key) of the weeks of <paramref name="dates"/>, as the digest handler builds them.</summary>
    private static async Task<Dictionary<string, Flag>> DigestFlagsAsync(HistoryStore store, IEnumerable<DateOnly> dates)
    {
        var handler = new WeeklyDigestHandler(store);
        var flags = new Dictionary<string, Flag>(StringComparer.Ordinal);
        foreach (var date in dates.Distinct())
        {
            var day = date.ToDateTime(TimeOnly.MinValue);
            var model = await handler.BuildAsync(System.Globalization.ISOWeek.GetYear(day), System.Globalization.ISOWeek.GetWeekOfYear(day));
            foreach (var f in model.Flags)
            {
                flags[f.Key] = f;
            }
        }

        return flags;
    }

    [Fact]
    public async Task A_mirror_missing_is_not_shown_once_a_later_upload_pairs_the_export_with_its_import()
    {
        var rows = Rows(SampleBytes("declarations.csv"));
        var header = Fields(rows[0]);
        var flow = header.IndexOf("flow");
        var shipment = header.IndexOf("shipment_id");
        var data = rows.Skip(1).Select(Fields).ToList();

        // The shipments declared at both ends that one analysis of everything pairs (no MIRROR_MISSING on them).
        var one = await NewStoreAsync();
        await PutAsync(one, "declarations/all.csv", SampleBytes("declarations.csv"));
        var all = await new IngestUploadHandler(one).HandleAsync("declarations/all.csv");
        var missingInOne = (await one.LoadArchivedFlagsAsync(all.UploadId!)).Where(f => f.Code == FlagCode.MirrorMissing).Select(f => f.ShipmentId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var exported = data.Where(f => f[flow] == "export" && f[shipment].Length > 0).Select(f => f[shipment]).ToHashSet(StringComparer.Ordinal);
        var held = data.Where(f => f[flow] == "import" && exported.Contains(f[shipment]) && !missingInOne.Contains(f[shipment])).Select(f => f[shipment]).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(held);

        // Upload A: everything but those shipments' import declarations; upload B, later: the imports.
        bool Late(List<string> f) => f[flow] == "import" && held.Contains(f[shipment]);
        var store = await NewStoreAsync();
        await PutAsync(store, "declarations/early.csv", CsvOf(rows[0], data.Where(f => !Late(f)).Select(Join)));
        await PutAsync(store, "declarations/late.csv", CsvOf(rows[0], data.Where(Late).Select(Join)));
        var handler = new IngestUploadHandler(store);
        var a = await handler.HandleAsync("declarations/early.csv");
        Assert.Equal(IngestOutcome.Processed, a.Outcome);
        var missing = (await store.LoadArchivedFlagsAsync(a.UploadId!)).Where(f => f.Code == FlagCode.MirrorMissing && held.Contains(f.ShipmentId ?? string.Empty)).ToList();
        Assert.NotEmpty(missing); // A saw those exports one-sided
        var exporters = missing.Select(f => f.ExporterKey!).Distinct(StringComparer.Ordinal).ToList();
        var before = (await store.LoadExportersAsync()).ToDictionary(e => e.Key, e => e.FlagsByCode.GetValueOrDefault(FlagCode.MirrorMissing), StringComparer.Ordinal);
        var shown = await DigestFlagsAsync(store, missing.Select(f => f.Date!.Value));
        Assert.All(missing, f => Assert.True(shown.ContainsKey(f.Key), $"{f.Key} not in the digest after A"));

        var b = await handler.HandleAsync("declarations/late.csv");
        Assert.Equal(IngestOutcome.Processed, b.Outcome);
        Assert.DoesNotContain(await store.LoadArchivedFlagsAsync(b.UploadId!), f => f.Code == FlagCode.MirrorMissing); // B paired them

        // The weekly digest, the review workbooks and the standing profiles no longer show A's findings.
        var digest = await DigestFlagsAsync(store, missing.Select(f => f.Date!.Value));
        Assert.All(missing, f => Assert.False(digest.ContainsKey(f.Key), $"{f.Key} still in the digest"));
        var keys = missing.Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        var after = (await store.LoadExportersAsync()).ToDictionary(e => e.Key, e => e.FlagsByCode.GetValueOrDefault(FlagCode.MirrorMissing), StringComparer.Ordinal);
        foreach (var exporter in exporters)
        {
            var review = await new ExporterReviewService(store).BuildReviewAsync(exporter, "en", default);
            Assert.DoesNotContain(review!.Flags, f => keys.Contains(f.Key));
            Assert.Equal(before[exporter] - missing.Count(f => f.ExporterKey == exporter), after[exporter]);
        }
    }

    [Fact]
    public async Task The_weekly_digest_leaves_out_findings_on_a_line_version_a_later_upload_replaced()
    {
        var rows = Rows(SampleBytes("declarations.csv"));
        var header = Fields(rows[0]);
        var (id, line, description) = (header.IndexOf("declaration_id"), header.IndexOf("line_no"), header.IndexOf("description"));
        var store = await NewStoreAsync();
        await PutAsync(store, "declarations/first.csv", SampleBytes("declarations.csv"));
        var handler = new IngestUploadHandler(store);
        var first = await handler.HandleAsync("declarations/first.csv");
        var vague = (await store.LoadArchivedFlagsAsync(first.UploadId!)).Where(f => f.Code == FlagCode.VagueDescription && f.RecordType == RecordType.Declaration).ToList();
        Assert.NotEmpty(vague);
        var lines = vague.Select(f => $"{f.DeclarationId}#{f.LineNo ?? 1}").ToHashSet(StringComparer.Ordinal);
        var shown = await DigestFlagsAsync(store, vague.Select(f => f.Date!.Value));
        Assert.All(vague, f => Assert.True(shown.ContainsKey(f.Key), $"{f.Key} not in the digest after the first upload"));

        // A corrected extract: those lines again, with the goods described.
        var resent = Rows(SampleBytes("declarations.csv")).Skip(1).Select(Fields)
            .Where(f => lines.Contains($"{f[id]}#{(f[line].Length == 0 ? "1" : f[line])}"))
            .Select(f =>
            {
                f[description] = "Polyethylene terephthalate preforms for 500 ml bottles";
                return Join(f);
            })
            .ToList();
        Assert.Equal(lines.Count, resent.Count);
        await PutAsync(store, "declarations/corrected.csv", CsvOf(rows[0], resent));
        var corrected = await handler.HandleAsync("declarations/corrected.csv");
        Assert.Equal(IngestOutcome.Processed, corrected.Outcome);
        Assert.DoesNotContain(await store.LoadArchivedFlagsAsync(corrected.UploadId!), f => f.Code == FlagCode.VagueDescription);

        var digest = await DigestFlagsAsync(store, vague.Select(f => f.Date!.Value));
        Assert.All(vague, f => Assert.False(digest.ContainsKey(f.Key), $"{f.Key} still in the digest"));
        foreach (var exporter in vague.Select(f => f.ExporterKey!).Distinct(StringComparer.Ordinal))
        {
            var review = await new ExporterReviewService(store).BuildReviewAsync(exporter, "en", default);
            Assert.DoesNotContain(review!.Flags, f => f.Code == FlagCode.VagueDescription && lines.Contains($"{f.DeclarationId}#{f.LineNo ?? 1}"));
            Assert.Equal(review.Flags.Count(f => f.Code == FlagCode.VagueDescription), (await store.LoadExporterAsync(exporter))!.FlagsByCode.GetValueOrDefault(FlagCode.VagueDescription));
        }
    }

    [Fact]
    public async Task A_long_list_of_withdrawn_findings_goes_to_a_blob_and_reads_back()
    {
        var store = await NewStoreAsync();
        static DeclarationLine Line(int i, double usd) => AcmeLine($"D{i}", TradeFlow.Import, null, usd, row: i + 2);

        static Flag Price(int i) => new()
        {
            Code = FlagCode.PriceAboveBaseline,
            Severity = Severity.High,
            Score = 80,
            RecordType = RecordType.Declaration,
            DeclarationId = $"D{i}",
            LineNo = 1,
            ExporterKey = "N:ACME",
            ValueAtRiskUsd = 50,
            Explanation = "test",
        };

        ExporterProfile Profile(int shipments) => new() { Key = "N:ACME", Name = "Acme", Shipments = shipments, FirstSeen = new(2026, 5, 4), LastSeen = new(2026, 5, 4), Score = 10 };

        // 8,000 lines with a price finding each, then all of them again, corrected and without findings: 64,000 bytes of
        // withdrawn findings, more than the profile row keeps.
        var first = Enumerable.Range(0, 8_000).Select(i => Line(i, 100)).ToArray();
        await store.RecordExportersAsync("a", [Profile(8_000)], ExporterDigest.Build(first, [.. Enumerable.Range(0, 8_000).Select(Price)]), 1);
        var corrected = Enumerable.Range(0, 8_000).Select(i => Line(i, 60)).ToArray();
        await store.RecordExportersAsync("b", [Profile(8_000)], ExporterDigest.Build(corrected, []), 2);

        var row = await store.Tables.GetAsync(StoreLayout.ExportersTable, "N:ACME", "profile");
        Assert.Null(row!.GetBinary("Withdrawn"));
        Assert.NotNull(await store.Blobs.GetPropertiesAsync(StoreLayout.Archive, row.GetString("WithdrawnBlob")!));
        var withdrawn = await store.LoadWithdrawnFindingsAsync("N:ACME");
        Assert.Equal(8_000, withdrawn.Count);
        Assert.Contains(ExporterDigest.FindingKeyOf(Price(7_999)), withdrawn);
        var (profiles, sets) = await store.LoadStandingExportersAsync();
        Assert.False(Assert.Single(profiles).FlagsByCode.ContainsKey(FlagCode.PriceAboveBaseline));
        Assert.Empty(HistoryStore.WithoutWithdrawn([Price(0), Price(7_999)], sets));
    }

    private static async Task<List<T>> ListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var x in items)
        {
            list.Add(x);
        }

        return list;
    }

    /// <summary>Splits a CSV into parts, each with the header.</summary>
    private static List<byte[]> Split(byte[] csv, int parts)
    {
        var lines = Encoding.UTF8.GetString(csv).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0];
        var body = lines[1..];
        return [.. Enumerable.Range(0, parts).Select(p => Encoding.UTF8.GetBytes(header + "\n" + string.Join('\n', body.Where((_, i) => i % parts == p)) + "\n"))];
    }
}

/// <summary>A blob store whose writes to `reports` fail, to drive the retry and poison path.</summary>
internal sealed class FailingReportsBlobStore(IBlobStore inner) : IBlobStore
{
    public Task CreateContainerIfNotExistsAsync(string container, CancellationToken ct = default) => inner.CreateContainerIfNotExistsAsync(container, ct);

    public Task<BlobWriteResult> PutAsync(string container, string name, Stream content, BlobPutOptions? options = null, CancellationToken ct = default) =>
        container == StoreLayout.Reports ? throw new StorageException(500, "InternalError", "injected failure") : inner.PutAsync(container, name, content, options, ct);

    public Task<BlobDownload?> GetAsync(string container, string name, CancellationToken ct = default) => inner.GetAsync(container, name, ct);

    public Task<BlobProperties?> GetPropertiesAsync(string container, string name, CancellationToken ct = default) => inner.GetPropertiesAsync(container, name, ct);

    public Task<BlobPage> ListPageAsync(string container, string? prefix, string? continuation, int pageSize = 1000, CancellationToken ct = default) => inner.ListPageAsync(container, prefix, continuation, pageSize, ct);

    public IAsyncEnumerable<BlobProperties> ListAsync(string container, string? prefix = null, CancellationToken ct = default) => inner.ListAsync(container, prefix, ct);

    public Task<bool> DeleteAsync(string container, string name, string? ifMatch = null, CancellationToken ct = default) => inner.DeleteAsync(container, name, ifMatch, ct);

    public Task SetMetadataAsync(string container, string name, IReadOnlyDictionary<string, string> metadata, string? ifMatch = null, CancellationToken ct = default) => inner.SetMetadataAsync(container, name, metadata, ifMatch, ct);

    public Task<string?> TryAcquireLeaseAsync(string container, string name, TimeSpan duration, CancellationToken ct = default) => inner.TryAcquireLeaseAsync(container, name, duration, ct);

    public Task RenewLeaseAsync(string container, string name, string leaseId, CancellationToken ct = default) => inner.RenewLeaseAsync(container, name, leaseId, ct);

    public Task ReleaseLeaseAsync(string container, string name, string leaseId, CancellationToken ct = default) => inner.ReleaseLeaseAsync(container, name, leaseId, ct);
}

/// <summary>A table store whose batches to one table (Baselines unless told) fail after the first few, until healed.</summary>
internal sealed class FailingTableBatches(ITableStore inner, int succeedFirst, string failingTable = StoreLayout.BaselinesTable) : DelegatingTableStore(inner)
{
    private int _batches;
    private volatile bool _healed;

    public void Heal() => _healed = true;

    public override Task SubmitBatchAsync(string table, IReadOnlyList<TableOperation> operations, CancellationToken ct = default) =>
        table == failingTable && !_healed && Interlocked.Increment(ref _batches) > succeedFirst
            ? throw new StorageException(503, "ServerBusy", "injected failure")
            : Inner.SubmitBatchAsync(table, operations, ct);
}
