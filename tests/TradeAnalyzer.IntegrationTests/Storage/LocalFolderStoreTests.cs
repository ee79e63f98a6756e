using System.Text;
using TradeAnalyzer.Storage;

namespace TradeAnalyzer.IntegrationTests.Storage;

/// <summary>Local-store specifics: layout on disk, confinement to the root, lease expiry, several instances on one folder.</summary>
public sealed class LocalFolderStoreTests : IDisposable
{
    private readonly string parent = Path.Combine(Path.GetTempPath(), "ta-store-" + Guid.NewGuid().ToString("N"));

    private string Root => Path.Combine(parent, "root");

    public void Dispose()
    {
        try
        {
            Directory.Delete(parent, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Layout_matches_the_account_shape_and_nothing_is_written_outside_the_root()
    {
        var store = new LocalFolderStore(Root);
        await StorageLayout.EnsureCreatedAsync(store, store);
        await store.PutAsync("reports", "uploads/u1/report.xlsx", new MemoryStream([1, 2, 3]));
        await store.UpsertAsync("Uploads", new TableEntity("2026-W47", "u1") { ["Status"] = "done" });
        Assert.True(File.Exists(Path.Combine(Root, "blobs", "reports", "uploads", "u1", "report.xlsx")));
        Assert.True(Directory.Exists(Path.Combine(Root, "blobs", "incoming")));
        Assert.True(File.Exists(Path.Combine(Root, "tables", "Uploads", "2026-W47", "partition.log")));

        foreach (var hostile in new[] { "../outside.txt", "../../outside.txt", "/tmp/outside.txt" })
        {
            await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync("reports", hostile, new MemoryStream([1])));
        }

        await store.UpsertAsync("Uploads", new TableEntity("..", "..") { ["X"] = 1 });
        await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertAsync("Uploads", new TableEntity("..", "../../../outside") { ["X"] = 1 }));
        Assert.Equal(["root"], Directory.EnumerateFileSystemEntries(parent).Select(Path.GetFileName));
        Assert.Equal(1, (await store.GetAsync("Uploads", "..", ".."))!.GetInt32("X"));
    }

    [Fact]
    public async Task Expired_lease_can_be_taken_by_someone_else()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var store = new LocalFolderStore(Root, clock);
        await store.CreateContainerIfNotExistsAsync("locks");
        await store.PutAsync("locks", "digest", new MemoryStream());
        var first = await store.TryAcquireLeaseAsync("locks", "digest", TimeSpan.FromSeconds(15));
        Assert.NotNull(first);
        clock.Advance(TimeSpan.FromSeconds(14));
        Assert.Null(await store.TryAcquireLeaseAsync("locks", "digest", TimeSpan.FromSeconds(15)));
        clock.Advance(TimeSpan.FromSeconds(2));
        var second = await store.TryAcquireLeaseAsync("locks", "digest", TimeSpan.FromSeconds(15));
        Assert.NotNull(second);
        await Assert.ThrowsAsync<StorageConflictException>(() => store.RenewLeaseAsync("locks", "digest", first));

        // A renewal extends by the original duration (20 s here), not by a fixed amount.
        await store.ReleaseLeaseAsync("locks", "digest", second);
        var third = await store.TryAcquireLeaseAsync("locks", "digest", TimeSpan.FromSeconds(20));
        clock.Advance(TimeSpan.FromSeconds(19));
        await store.RenewLeaseAsync("locks", "digest", third!);
        clock.Advance(TimeSpan.FromSeconds(19));
        Assert.Null(await store.TryAcquireLeaseAsync("locks", "digest", TimeSpan.FromSeconds(15)));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.NotNull(await store.TryAcquireLeaseAsync("locks", "digest", TimeSpan.FromSeconds(15)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.TryAcquireLeaseAsync("locks", "digest", TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Separate_instances_on_one_folder_serialise_conditional_writes()
    {
        var a = new LocalFolderStore(Root);
        var b = new LocalFolderStore(Root);
        await a.CreateContainerIfNotExistsAsync("incoming");
        var winners = 0;
        var losers = 0;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            var store = i % 2 == 0 ? a : b;
            try
            {
                await store.PutAsync("incoming", "claim", new MemoryStream(Encoding.UTF8.GetBytes($"worker {i}")), BlobPutOptions.CreateOnly());
                Interlocked.Increment(ref winners);
            }
            catch (StorageConflictException)
            {
                Interlocked.Increment(ref losers);
            }
        })));
        Assert.Equal(1, winners);
        Assert.Equal(15, losers);
    }

    [Fact]
    public async Task A_batch_torn_by_a_crash_is_ignored_and_the_next_write_replaces_it()
    {
        var store = new LocalFolderStore(Root);
        await store.CreateTableIfNotExistsAsync("Flags");
        await store.SubmitBatchAsync("Flags", [.. Enumerable.Range(0, 50).Select(i => new TableOperation(TableOperationKind.Upsert, new TableEntity("w1", $"r{i:D3}") { ["N"] = i }))]);
        var log = Path.Combine(Root, "tables", "Flags", "w1", "partition.log");
        var complete = File.ReadAllBytes(log);

        // A second batch cut short by a crash: its first half reached the disk, not the rest.
        await store.SubmitBatchAsync("Flags", [.. Enumerable.Range(50, 50).Select(i => new TableOperation(TableOperationKind.Upsert, new TableEntity("w1", $"r{i:D3}") { ["N"] = i }))]);
        var both = File.ReadAllBytes(log);
        var torn = both[..(complete.Length + ((both.Length - complete.Length) / 2))];
        File.WriteAllBytes(log, torn);

        var fresh = new LocalFolderStore(Root);
        var rows = await ToListAsync(fresh.QueryAsync("Flags", "w1"));
        Assert.Equal(50, rows.Count);
        Assert.Null(await fresh.GetAsync("Flags", "w1", "r050"));

        // The next write lands over the torn bytes and both instances read it.
        await fresh.UpsertAsync("Flags", new TableEntity("w1", "r999") { ["N"] = 999 });
        Assert.Equal(51, (await ToListAsync(new LocalFolderStore(Root).QueryAsync("Flags", "w1"))).Count);
        Assert.Equal(999, (await store.GetAsync("Flags", "w1", "r999"))!.GetInt32("N"));

        // Torn again; this time an instance that never read the partition adds to it (upserts need no read): the
        // record goes after the torn bytes, and readers skip those to find it.
        var before = File.ReadAllBytes(log);
        await store.SubmitBatchAsync("Flags", [.. Enumerable.Range(100, 50).Select(i => new TableOperation(TableOperationKind.Upsert, new TableEntity("w1", $"r{i:D3}") { ["N"] = i }))]);
        var after = File.ReadAllBytes(log);
        File.WriteAllBytes(log, after[..(before.Length + 40)]);
        await new LocalFolderStore(Root).SubmitBatchAsync("Flags", [new TableOperation(TableOperationKind.Upsert, new TableEntity("w1", "r998") { ["N"] = 998 })]);
        var keys = (await ToListAsync(new LocalFolderStore(Root).QueryAsync("Flags", "w1"))).Select(e => e.RowKey).ToList();
        Assert.Equal(52, keys.Count);
        Assert.Contains("r998", keys);
        Assert.DoesNotContain("r100", keys);
        Assert.Contains("r998", (await ToListAsync(store.QueryAsync("Flags", "w1"))).Select(e => e.RowKey));
    }

    [Fact]
    public async Task Entity_files_of_an_older_store_are_read_and_folded_into_the_log_without_resurrecting_deletes()
    {
        var store = new LocalFolderStore(Root);
        await store.CreateTableIfNotExistsAsync("Exporters");
        var dir = Path.Combine(Root, "tables", "Exporters", "ACME");
        Directory.CreateDirectory(dir);
        foreach (var (row, n) in new[] { ("a", 1), ("b", 2), ("c", 3) })
        {
            var json = "{\"PartitionKey\":\"ACME\",\"RowKey\":\"" + row + "\",\"ETag\":\"W/\\\"e" + n + "\\\"\",\"Timestamp\":\"2026-11-01T00:00:00.0000000Z\","
                + "\"Properties\":{\"N\":{\"t\":\"Int32\",\"v\":" + n + "}}}";
            File.WriteAllText(Path.Combine(dir, row + ".json"), json);
        }

        Assert.Equal(["a", "b", "c"], (await ToListAsync(store.QueryAsync("Exporters", "ACME"))).Select(e => e.RowKey));
        var b = await store.GetAsync("Exporters", "ACME", "b");
        Assert.Equal("W/\"e2\"", b!.ETag);
        await Assert.ThrowsAsync<StorageConflictException>(() => store.UpdateAsync("Exporters", new TableEntity("ACME", "b") { ["N"] = 20 }, "W/\"stale\""));

        Assert.True(await store.DeleteAsync("Exporters", "ACME", "a", "*"));
        await store.UpdateAsync("Exporters", new TableEntity("ACME", "b") { ["N"] = 20 }, b.ETag!);
        Assert.Empty(Directory.GetFiles(dir, "*.json"));

        var fresh = new LocalFolderStore(Root);
        var rows = await ToListAsync(fresh.QueryAsync("Exporters", "ACME"));
        Assert.Equal(["b", "c"], rows.Select(e => e.RowKey));
        Assert.Equal([20, 3], rows.Select(e => e.GetInt32("N")!.Value));
        Assert.Equal("W/\"e3\"", rows[1].ETag);
    }

    [Fact]
    public async Task A_rewritten_log_keeps_every_live_entity_and_other_instances_follow_it()
    {
        var a = new LocalFolderStore(Root);
        var b = new LocalFolderStore(Root);
        await a.CreateTableIfNotExistsAsync("Baselines");
        var payload = new byte[4096];
        await a.SubmitBatchAsync("Baselines", [.. Enumerable.Range(0, 20).Select(i => new TableOperation(TableOperationKind.Insert, new TableEntity("hs29", $"g{i:D2}") { ["Stats"] = payload, ["N"] = 0 }))]);
        Assert.Equal(20, (await ToListAsync(b.QueryAsync("Baselines", "hs29"))).Count);

        // Many read-modify-writes from both instances: the log is compacted on the way and nothing is lost.
        for (var round = 1; round <= 30; round++)
        {
            var writer = round % 2 == 0 ? a : b;
            var current = await ToListAsync(writer.QueryAsync("Baselines", "hs29"));
            await writer.SubmitBatchAsync("Baselines", [.. current.Select(e => new TableOperation(TableOperationKind.Update, new TableEntity("hs29", e.RowKey) { ["Stats"] = payload, ["N"] = e.GetInt32("N")!.Value + 1 }, e.ETag))]);
        }

        var log = new FileInfo(Path.Combine(Root, "tables", "Baselines", "hs29", "partition.log"));
        Assert.True(log.Length < 30 * 20 * 4096, $"the log was never compacted ({log.Length:N0} bytes)");
        foreach (var store in new[] { a, b, new LocalFolderStore(Root) })
        {
            var rows = await ToListAsync(store.QueryAsync("Baselines", "hs29"));
            Assert.Equal(20, rows.Count);
            Assert.All(rows, e => Assert.Equal(30, e.GetInt32("N")));
        }

        // A stale ETag read before the last round still conflicts.
        var before = await a.GetAsync("Baselines", "hs29", "g00");
        await b.UpdateAsync("Baselines", new TableEntity("hs29", "g00") { ["N"] = 31 }, before!.ETag!, TableUpdateMode.Merge);
        await Assert.ThrowsAsync<StorageConflictException>(() => a.UpdateAsync("Baselines", new TableEntity("hs29", "g00") { ["N"] = 32 }, before.ETag!));
        var merged = await a.GetAsync("Baselines", "hs29", "g00");
        Assert.Equal(31, merged!.GetInt32("N"));
        Assert.Equal(4096, merged.GetBinary("Stats")!.Length);
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset now = start;

        public void Advance(TimeSpan by) => now += by;

        public override DateTimeOffset GetUtcNow() => now;
    }
}
