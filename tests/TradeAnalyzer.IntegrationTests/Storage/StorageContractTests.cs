using System.Text;
using TradeAnalyzer.Storage;

namespace TradeAnalyzer.IntegrationTests.Storage;

/// <summary>
/// The behaviour every <see cref="IBlobStore"/>/<see cref="ITableStore"/> must share; run against the local
/// folder store and against Azurite through the REST client.
/// </summary>
public abstract class StorageContractTests
{
    protected abstract IBlobStore Blobs { get; }

    protected abstract ITableStore Tables { get; }

    protected static string NewContainer() => "c" + Guid.NewGuid().ToString("N")[..20];

    protected static string NewTable() => "t" + Guid.NewGuid().ToString("N")[..20];

    private static MemoryStream Text(string s) => new(Encoding.UTF8.GetBytes(s));

    private static async Task<string> ReadAllAsync(BlobDownload download)
    {
        using var reader = new StreamReader(download.Content, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    private async Task<string> ContainerAsync()
    {
        var c = NewContainer();
        await Blobs.CreateContainerIfNotExistsAsync(c);
        await Blobs.CreateContainerIfNotExistsAsync(c);
        return c;
    }

    private async Task<string> TableAsync()
    {
        var t = NewTable();
        await Tables.CreateTableIfNotExistsAsync(t);
        await Tables.CreateTableIfNotExistsAsync(t);
        return t;
    }

    [Fact]
    public async Task Blob_round_trip_keeps_content_type_metadata_and_etag()
    {
        var c = await ContainerAsync();
        var metadata = new Dictionary<string, string> { ["uploadId"] = "u-42", ["kind"] = "declarations" };
        var written = await Blobs.PutAsync(c, "declarations/2026/file one.csv", Text("a,b\n1,2\n"), new BlobPutOptions { ContentType = "text/csv", Metadata = metadata });

        await using var download = await Blobs.GetAsync(c, "declarations/2026/file one.csv");
        Assert.NotNull(download);
        Assert.Equal("a,b\n1,2\n", await ReadAllAsync(download));
        Assert.Equal(written.ETag, download.Properties.ETag);
        Assert.Equal("text/csv", download.Properties.ContentType);
        Assert.Equal(8, download.Properties.Length);
        Assert.Equal("u-42", download.Properties.Metadata["uploadid"]);

        var props = await Blobs.GetPropertiesAsync(c, "declarations/2026/file one.csv");
        Assert.NotNull(props);
        Assert.Equal(written.ETag, props.ETag);
        Assert.Equal("declarations", props.Metadata["Kind"]);
        Assert.Null(await Blobs.GetAsync(c, "missing.csv"));
        Assert.Null(await Blobs.GetPropertiesAsync(c, "missing.csv"));
    }

    [Fact]
    public async Task Blob_overwrite_changes_etag_and_content()
    {
        var c = await ContainerAsync();
        var first = await Blobs.PutAsync(c, "x.txt", Text("one"));
        var second = await Blobs.PutAsync(c, "x.txt", Text("two!"));
        Assert.NotEqual(first.ETag, second.ETag);
        await using var download = await Blobs.GetAsync(c, "x.txt");
        Assert.Equal("two!", await ReadAllAsync(download!));
    }

    [Fact]
    public async Task Blob_set_metadata_replaces_metadata_and_honours_etag()
    {
        var c = await ContainerAsync();
        var written = await Blobs.PutAsync(c, "m.txt", Text("x"), new BlobPutOptions { Metadata = new Dictionary<string, string> { ["a"] = "1" } });
        await Blobs.SetMetadataAsync(c, "m.txt", new Dictionary<string, string> { ["status"] = "done" }, written.ETag);
        var props = await Blobs.GetPropertiesAsync(c, "m.txt");
        Assert.Equal("done", props!.Metadata["status"]);
        Assert.False(props.Metadata.ContainsKey("a"));
        var conflict = await Assert.ThrowsAsync<StorageConflictException>(() => Blobs.SetMetadataAsync(c, "m.txt", new Dictionary<string, string> { ["status"] = "again" }, written.ETag));
        Assert.Equal(412, conflict.Status);
        var missing = await Assert.ThrowsAsync<StorageException>(() => Blobs.SetMetadataAsync(c, "nope.txt", new Dictionary<string, string>()));
        Assert.Equal(404, missing.Status);
    }

    [Fact]
    public async Task Blob_list_pages_with_prefix_and_continuation_in_name_order()
    {
        var c = await ContainerAsync();
        var expected = new List<string>();
        for (var i = 0; i < 23; i++)
        {
            var name = $"uploads/{i % 3}/f{i:D2}.csv";
            await Blobs.PutAsync(c, name, Text(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (name.StartsWith("uploads/1/", StringComparison.Ordinal))
            {
                expected.Add(name);
            }
        }

        await Blobs.PutAsync(c, "other/u.csv", Text("z"));
        expected.Sort(StringComparer.Ordinal);

        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var page = await Blobs.ListPageAsync(c, "uploads/1/", continuation, pageSize: 3);
            Assert.True(page.Items.Count <= 3);
            seen.AddRange(page.Items.Select(b => b.Name));
            continuation = page.Continuation;
            pages++;
        }
        while (continuation is not null);

        Assert.Equal(expected, seen);
        Assert.True(pages >= 3);

        var all = new List<BlobProperties>();
        await foreach (var b in Blobs.ListAsync(c))
        {
            all.Add(b);
        }

        Assert.Equal(24, all.Count);
        Assert.Equal(all.Select(b => b.Name).OrderBy(n => n, StringComparer.Ordinal), all.Select(b => b.Name));
        Assert.All(all, b => Assert.False(string.IsNullOrEmpty(b.ETag)));
        var partial = new List<string>();
        await foreach (var b in Blobs.ListAsync(c, "uploads/2/f1"))
        {
            partial.Add(b.Name);
        }

        Assert.Equal(["uploads/2/f11.csv", "uploads/2/f14.csv", "uploads/2/f17.csv"], partial);
    }

    [Fact]
    public async Task Conditional_put_create_only_and_stale_etag_conflict()
    {
        var c = await ContainerAsync();
        var first = await Blobs.PutAsync(c, "once.txt", Text("v1"), BlobPutOptions.CreateOnly());
        var exists = await Assert.ThrowsAsync<StorageConflictException>(() => Blobs.PutAsync(c, "once.txt", Text("v2"), BlobPutOptions.CreateOnly()));
        Assert.Equal(409, exists.Status);

        var second = await Blobs.PutAsync(c, "once.txt", Text("v2"), new BlobPutOptions { IfMatch = first.ETag });
        var stale = await Assert.ThrowsAsync<StorageConflictException>(() => Blobs.PutAsync(c, "once.txt", Text("v3"), new BlobPutOptions { IfMatch = first.ETag }));
        Assert.Equal(412, stale.Status);
        await using var download = await Blobs.GetAsync(c, "once.txt");
        Assert.Equal("v2", await ReadAllAsync(download!));
        Assert.Equal(second.ETag, download!.Properties.ETag);
    }

    [Fact]
    public async Task Delete_returns_false_when_missing_and_honours_etag()
    {
        var c = await ContainerAsync();
        var written = await Blobs.PutAsync(c, "d/x.txt", Text("x"));
        await Blobs.PutAsync(c, "d/x.txt", Text("y"));
        var stale = await Assert.ThrowsAsync<StorageConflictException>(() => Blobs.DeleteAsync(c, "d/x.txt", written.ETag));
        Assert.Equal(412, stale.Status);
        Assert.True(await Blobs.DeleteAsync(c, "d/x.txt"));
        Assert.False(await Blobs.DeleteAsync(c, "d/x.txt"));
        Assert.Null(await Blobs.GetPropertiesAsync(c, "d/x.txt"));
        Assert.Empty((await Blobs.ListPageAsync(c, null, null)).Items);
    }

    [Fact]
    public async Task Lease_is_exclusive_until_released()
    {
        var c = await ContainerAsync();
        await Blobs.PutAsync(c, "lock", Text(string.Empty));
        var lease = await Blobs.TryAcquireLeaseAsync(c, "lock", TimeSpan.FromSeconds(15));
        Assert.NotNull(lease);
        Assert.Null(await Blobs.TryAcquireLeaseAsync(c, "lock", TimeSpan.FromSeconds(15)));
        await Blobs.RenewLeaseAsync(c, "lock", lease);
        await Assert.ThrowsAsync<StorageConflictException>(() => Blobs.RenewLeaseAsync(c, "lock", Guid.NewGuid().ToString()));
        await Assert.ThrowsAsync<StorageConflictException>(() => Blobs.PutAsync(c, "lock", Text("x")));
        await Blobs.PutAsync(c, "lock", Text("x"), new BlobPutOptions { LeaseId = lease });
        await Assert.ThrowsAsync<StorageConflictException>(() => Blobs.ReleaseLeaseAsync(c, "lock", Guid.NewGuid().ToString()));
        await Blobs.ReleaseLeaseAsync(c, "lock", lease);
        var again = await Blobs.TryAcquireLeaseAsync(c, "lock", TimeSpan.FromSeconds(15));
        Assert.NotNull(again);
        Assert.NotEqual(lease, again);
        await Blobs.ReleaseLeaseAsync(c, "lock", again);
        Assert.True(await Blobs.DeleteAsync(c, "lock"));
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("a/../../escape.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("C:/Windows/win.ini")]
    [InlineData("a\\b.txt")]
    [InlineData("a//b.txt")]
    [InlineData("a/./b.txt")]
    [InlineData("bad\u0001name")]
    [InlineData("")]
    public async Task Invalid_blob_names_are_rejected_before_touching_storage(string name)
    {
        var c = await ContainerAsync();
        Assert.False(BlobNames.IsValid(name));
        await Assert.ThrowsAsync<ArgumentException>(() => Blobs.PutAsync(c, name, Text("x")));
        await Assert.ThrowsAsync<ArgumentException>(() => Blobs.GetAsync(c, name));
        await Assert.ThrowsAsync<ArgumentException>(() => Blobs.DeleteAsync(c, name));
    }

    [Fact]
    public async Task Very_long_and_unusual_names_round_trip()
    {
        var c = await ContainerAsync();
        var longName = "deep/" + new string('n', 300) + "/" + new string('x', 700);
        Assert.Equal(1006, longName.Length);
        Assert.False(BlobNames.IsValid(new string('a', 1025)));
        var odd = "odd/100% ~ café: <ok> #1?.csv";
        await Blobs.PutAsync(c, longName, Text("long"));
        await Blobs.PutAsync(c, odd, Text("odd"));
        await using (var d = await Blobs.GetAsync(c, longName))
        {
            Assert.Equal("long", await ReadAllAsync(d!));
        }

        await using (var d = await Blobs.GetAsync(c, odd))
        {
            Assert.Equal("odd", await ReadAllAsync(d!));
        }

        var names = new List<string>();
        await foreach (var b in Blobs.ListAsync(c))
        {
            names.Add(b.Name);
        }

        Assert.Equal([longName, odd], names);
    }

    [Fact]
    public async Task Table_insert_get_upsert_and_typed_properties()
    {
        var t = await TableAsync();
        var when = new DateTimeOffset(2026, 11, 20, 8, 30, 15, TimeSpan.Zero);
        var id = Guid.NewGuid();
        var entity = new TableEntity("2026-W47", "row-1")
        {
            ["Name"] = "ACME Ltd",
            ["Flag"] = true,
            ["Count"] = 42,
            ["Big"] = 9_000_000_000L,
            ["Ratio"] = 2.5,
            ["Whole"] = 3.0,
            ["When"] = when,
            ["Id"] = id,
            ["Bytes"] = new byte[] { 1, 2, 3, 255 },
        };
        var etag = await Tables.InsertAsync(t, entity);
        Assert.False(string.IsNullOrEmpty(etag));
        var dup = await Assert.ThrowsAsync<StorageConflictException>(() => Tables.InsertAsync(t, entity));
        Assert.Equal(409, dup.Status);

        var read = await Tables.GetAsync(t, "2026-W47", "row-1");
        Assert.NotNull(read);
        Assert.Equal(etag, read.ETag);
        Assert.NotNull(read.Timestamp);
        Assert.Equal("ACME Ltd", read.GetString("Name"));
        Assert.True(read.GetBoolean("Flag"));
        Assert.Equal(42, read.GetInt32("Count"));
        Assert.Equal(9_000_000_000L, read.GetInt64("Big"));
        Assert.Equal(2.5, read.GetDouble("Ratio"));
        Assert.Equal(3.0, read.GetDouble("Whole"));
        Assert.Equal(when, read.GetDateTimeOffset("When"));
        Assert.Equal(id, read.GetGuid("Id"));
        Assert.Equal(new byte[] { 1, 2, 3, 255 }, read.GetBinary("Bytes"));
        Assert.Null(await Tables.GetAsync(t, "2026-W47", "missing"));

        var replaced = new TableEntity("2026-W47", "row-1") { ["Name"] = "Other" };
        var etag2 = await Tables.UpsertAsync(t, replaced);
        Assert.NotEqual(etag, etag2);
        var after = await Tables.GetAsync(t, "2026-W47", "row-1");
        Assert.Equal("Other", after!.GetString("Name"));
        Assert.Null(after["Count"]);
        await Tables.UpsertAsync(t, new TableEntity("2026-W47", "row-2") { ["Name"] = "New" });
        Assert.NotNull(await Tables.GetAsync(t, "2026-W47", "row-2"));
    }

    [Fact]
    public async Task Table_update_with_stale_etag_conflicts_and_merge_keeps_other_properties()
    {
        var t = await TableAsync();
        var etag = await Tables.InsertAsync(t, new TableEntity("p", "r") { ["A"] = "a", ["B"] = 1 });
        var etag2 = await Tables.UpdateAsync(t, new TableEntity("p", "r") { ["A"] = "a2", ["B"] = 2 }, etag);
        var stale = await Assert.ThrowsAsync<StorageConflictException>(() => Tables.UpdateAsync(t, new TableEntity("p", "r") { ["A"] = "lost" }, etag));
        Assert.Equal(412, stale.Status);

        var etag3 = await Tables.UpdateAsync(t, new TableEntity("p", "r") { ["C"] = 3.5 }, etag2, TableUpdateMode.Merge);
        var merged = await Tables.GetAsync(t, "p", "r");
        Assert.Equal(etag3, merged!.ETag);
        Assert.Equal("a2", merged.GetString("A"));
        Assert.Equal(2, merged.GetInt32("B"));
        Assert.Equal(3.5, merged.GetDouble("C"));

        await Tables.UpdateAsync(t, new TableEntity("p", "r") { ["D"] = "only" }, "*");
        var replaced = await Tables.GetAsync(t, "p", "r");
        Assert.Equal(["D"], replaced!.Properties.Keys);

        var missing = await Assert.ThrowsAsync<StorageException>(() => Tables.UpdateAsync(t, new TableEntity("p", "nope"), "*"));
        Assert.Equal(404, missing.Status);

        var staleDelete = await Assert.ThrowsAsync<StorageConflictException>(() => Tables.DeleteAsync(t, "p", "r", etag));
        Assert.Equal(412, staleDelete.Status);
        Assert.True(await Tables.DeleteAsync(t, "p", "r"));
        Assert.False(await Tables.DeleteAsync(t, "p", "r"));
    }

    [Fact]
    public async Task Table_query_by_partition_and_row_range_pages_through_continuation()
    {
        var t = await TableAsync();
        const int Count = 1234;
        for (var start = 0; start < Count; start += 100)
        {
            var ops = new List<TableOperation>();
            for (var i = start; i < Math.Min(Count, start + 100); i++)
            {
                ops.Add(new TableOperation(TableOperationKind.Insert, new TableEntity("week", $"r{i:D5}") { ["I"] = i }));
            }

            await Tables.SubmitBatchAsync(t, ops);
        }

        await Tables.InsertAsync(t, new TableEntity("weel", "r00001"));
        await Tables.InsertAsync(t, new TableEntity("wee", "r00001"));

        var all = new List<int>();
        await foreach (var e in Tables.QueryAsync(t, "week"))
        {
            all.Add(e.GetInt32("I")!.Value);
        }

        Assert.Equal(Enumerable.Range(0, Count), all);

        var page1 = await Tables.QueryPageAsync(t, "week", "r00100", "r00400", null, pageSize: 120);
        Assert.Equal(120, page1.Items.Count);
        Assert.Equal("r00100", page1.Items[0].RowKey);
        Assert.NotNull(page1.Continuation);
        var ranged = new List<string>(page1.Items.Select(e => e.RowKey));
        var continuation = page1.Continuation;
        while (continuation is not null)
        {
            var page = await Tables.QueryPageAsync(t, "week", "r00100", "r00400", continuation, pageSize: 120);
            ranged.AddRange(page.Items.Select(e => e.RowKey));
            continuation = page.Continuation;
        }

        Assert.Equal(Enumerable.Range(100, 300).Select(i => $"r{i:D5}"), ranged);

        var everything = 0;
        await foreach (var e in Tables.QueryAllAsync(t))
        {
            everything++;
        }

        Assert.Equal(Count + 2, everything);
    }

    [Fact]
    public async Task Table_batch_of_100_is_atomic()
    {
        var t = await TableAsync();
        await Tables.InsertAsync(t, new TableEntity("b", "r050") { ["V"] = "existing" });
        var ops = Enumerable.Range(0, 100)
            .Select(i => new TableOperation(TableOperationKind.Insert, new TableEntity("b", $"r{i:D3}") { ["V"] = "new" }))
            .ToList();
        var failure = await Assert.ThrowsAsync<StorageConflictException>(() => Tables.SubmitBatchAsync(t, ops));
        Assert.Equal(409, failure.Status);
        var left = new List<TableEntity>();
        await foreach (var e in Tables.QueryAsync(t, "b"))
        {
            left.Add(e);
        }

        Assert.Single(left);
        Assert.Equal("existing", left[0].GetString("V"));

        ops[50] = new TableOperation(TableOperationKind.Update, new TableEntity("b", "r050") { ["V"] = "updated" }, left[0].ETag);
        await Tables.SubmitBatchAsync(t, ops);
        var count = 0;
        await foreach (var e in Tables.QueryAsync(t, "b"))
        {
            count++;
            Assert.Equal(e.RowKey == "r050" ? "updated" : "new", e.GetString("V"));
        }

        Assert.Equal(100, count);

        var mixed = new List<TableOperation>
        {
            new(TableOperationKind.Delete, new TableEntity("b", "r000")),
            new(TableOperationKind.Upsert, new TableEntity("b", "r001") { ["V"] = "upserted" }),
            new(TableOperationKind.Merge, new TableEntity("b", "r002") { ["W"] = 1 }),
            new(TableOperationKind.Update, new TableEntity("b", "r003") { ["V"] = "stale" }, "W/\"datetime'2000-01-01T00%3A00%3A00Z'\""),
        };
        var stale = await Assert.ThrowsAsync<StorageConflictException>(() => Tables.SubmitBatchAsync(t, mixed));
        Assert.Equal(412, stale.Status);
        Assert.NotNull(await Tables.GetAsync(t, "b", "r000"));
        mixed.RemoveAt(3);
        await Tables.SubmitBatchAsync(t, mixed);
        Assert.Null(await Tables.GetAsync(t, "b", "r000"));
        Assert.Equal("upserted", (await Tables.GetAsync(t, "b", "r001"))!.GetString("V"));
        var mergedEntity = await Tables.GetAsync(t, "b", "r002");
        Assert.Equal("new", mergedEntity!.GetString("V"));
        Assert.Equal(1, mergedEntity.GetInt32("W"));

        Assert.Throws<ArgumentException>(() => { Tables.SubmitBatchAsync(t, [new(TableOperationKind.Insert, new TableEntity("x", "1")), new(TableOperationKind.Insert, new TableEntity("y", "1"))]).GetAwaiter().GetResult(); });
        Assert.Throws<ArgumentException>(() => { Tables.SubmitBatchAsync(t, Enumerable.Range(0, 101).Select(i => new TableOperation(TableOperationKind.Insert, new TableEntity("x", i.ToString(System.Globalization.CultureInfo.InvariantCulture)))).ToList()).GetAwaiter().GetResult(); });
    }

    [Theory]
    [InlineData("o'brien")]
    [InlineData("' or PartitionKey ne '")]
    [InlineData("x'') or (true")]
    [InlineData("'")]
    [InlineData("%27 and 'a' eq 'a")]
    public async Task Hostile_keys_are_escaped_in_filters_and_urls(string hostile)
    {
        var t = await TableAsync();
        await Tables.InsertAsync(t, new TableEntity(hostile, hostile + "-row") { ["V"] = "mine" });
        await Tables.InsertAsync(t, new TableEntity("victim", "secret") { ["V"] = "other" });
        await Tables.InsertAsync(t, new TableEntity("victim'", "row'") { ["V"] = "other2" });

        var got = await Tables.GetAsync(t, hostile, hostile + "-row");
        Assert.Equal("mine", got!.GetString("V"));
        var found = new List<TableEntity>();
        await foreach (var e in Tables.QueryAsync(t, hostile, hostile, hostile + "-s"))
        {
            found.Add(e);
        }

        Assert.Single(found);
        Assert.Equal(hostile, found[0].PartitionKey);
        Assert.Equal(hostile + "-row", found[0].RowKey);
        Assert.True(await Tables.DeleteAsync(t, hostile, hostile + "-row"));
        Assert.NotNull(await Tables.GetAsync(t, "victim", "secret"));
    }

    [Fact]
    public async Task Table_keys_that_look_like_paths_stay_inside_the_table()
    {
        var t = await TableAsync();
        foreach (var key in new[] { "..", ".", "~", "a b", "x:y", new string('k', 500), string.Empty })
        {
            await Tables.UpsertAsync(t, new TableEntity(key, key) { ["K"] = key });
            var read = await Tables.GetAsync(t, key, key);
            Assert.Equal(key, read!.GetString("K"));
        }

        await Assert.ThrowsAsync<ArgumentException>(() => Tables.InsertAsync(t, new TableEntity("a/b", "r")));
        await Assert.ThrowsAsync<ArgumentException>(() => Tables.InsertAsync(t, new TableEntity("p", "a#b")));
        var count = 0;
        await foreach (var e in Tables.QueryAllAsync(t))
        {
            Assert.Equal(e.PartitionKey, e.GetString("K"));
            count++;
        }

        Assert.Equal(7, count);
    }

    [Fact]
    public async Task Concurrent_read_modify_write_with_etags_loses_no_update()
    {
        var t = await TableAsync();
        await Tables.InsertAsync(t, new TableEntity("counter", "c") { ["N"] = 0L });
        const int Workers = 4;
        const int PerWorker = 10;
        var conflicts = 0;
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < PerWorker; i++)
            {
                while (true)
                {
                    var e = await Tables.GetAsync(t, "counter", "c");
                    var next = new TableEntity("counter", "c") { ["N"] = e!.GetInt64("N")!.Value + 1 };
                    try
                    {
                        await Tables.UpdateAsync(t, next, e.ETag!);
                        break;
                    }
                    catch (StorageConflictException)
                    {
                        Interlocked.Increment(ref conflicts);
                    }
                }
            }
        })));
        var final = await Tables.GetAsync(t, "counter", "c");
        Assert.Equal(Workers * PerWorker, final!.GetInt64("N"));
    }
}
