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
        Assert.True(File.Exists(Path.Combine(Root, "tables", "Uploads", "2026-W47", "u1.json")));

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

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset now = start;

        public void Advance(TimeSpan by) => now += by;

        public override DateTimeOffset GetUtcNow() => now;
    }
}
