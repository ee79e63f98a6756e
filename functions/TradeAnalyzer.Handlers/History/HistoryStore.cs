using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TradeAnalyzer.Core.Baselines;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Storage;

namespace TradeAnalyzer.Handlers.History;

/// <summary>
/// The analyzer's memory in the store: merged price baselines, flags by ISO week, exporter profiles and dispositions,
/// upload receipts and the archive of normalised records. Every write is idempotent (keyed by the upload or the
/// finding) or guarded by ETags, so a retried upload changes nothing and racing uploads lose no update.
/// </summary>
public sealed class HistoryStore
{
    /// <summary>How many recent upload ids a baseline group remembers, to skip a merge it already has.</summary>
    private const int AppliedMemory = 64;

    private readonly ILogger _log;

    public HistoryStore(IBlobStore blobs, ITableStore tables, ILogger? logger = null)
    {
        Blobs = blobs;
        Tables = tables;
        _log = logger ?? NullLogger.Instance;
    }

    public IBlobStore Blobs { get; }

    public ITableStore Tables { get; }

    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) =>
        StorageLayout.EnsureCreatedAsync(Blobs, Tables, cancellationToken);

    // ---- Baselines -------------------------------------------------------------------------------------------

    /// <summary>All merged baselines (one entity per group): what a new upload's prices are compared against.</summary>
    public async Task<BaselineSet> LoadBaselinesAsync(CancellationToken cancellationToken = default)
    {
        var set = new BaselineSet();
        await foreach (var e in Tables.QueryAllAsync(StoreLayout.BaselinesTable, cancellationToken).ConfigureAwait(false))
        {
            if (e.GetBinary("Stats") is { } bytes && BaselineKey.TryParse(TableKeys.Decode(e.RowKey), out var key))
            {
                set.Set(key, LogHistogram.FromBytes(bytes));
            }
        }

        return set;
    }

    /// <summary>
    /// Merges one upload's statistics into the stored groups, a partition (HS chapter) at a time: the partition is read
    /// once, every group merged, and the changes written in atomic batches of up to 100 conditioned on the ETags read.
    /// A batch that meets a concurrent merge fails whole and its partition is read and merged again, so racing uploads
    /// lose no update. Each group remembers the uploads merged into it, so a retried upload is not counted twice.
    /// </summary>
    public async Task MergeBaselinesAsync(string uploadId, BaselineSet upload, CancellationToken cancellationToken = default)
    {
        var partitions = upload.Groups
            .Select(g => (Text: g.Key.ToString(), Stats: g.Value))
            .GroupBy(g => BaselinePartition(g.Text), StringComparer.Ordinal)
            .ToList();
        await Parallel.ForEachAsync(
            partitions,
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (partition, ct) => await MergePartitionAsync(uploadId, partition.Key, [.. partition], ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private static string BaselinePartition(string keyText) => "hs" + (keyText.Length >= 2 ? keyText[..2] : keyText);

    private async Task MergePartitionAsync(string uploadId, string pk, IReadOnlyList<(string Text, LogHistogram Stats)> groups, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
            await foreach (var e in Tables.QueryAsync(StoreLayout.BaselinesTable, pk, null, null, cancellationToken).ConfigureAwait(false))
            {
                stored[e.RowKey] = e;
            }

            var operations = new List<TableOperation>(groups.Count);
            foreach (var (text, stats) in groups)
            {
                var rk = TableKeys.Encode(text);
                stored.TryGetValue(rk, out var existing);
                var applied = (existing?.GetString("Applied") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
                if (applied.Contains(uploadId, StringComparer.Ordinal))
                {
                    continue;
                }

                var merged = existing?.GetBinary("Stats") is { } bytes ? LogHistogram.FromBytes(bytes) : new LogHistogram();
                merged.Merge(stats);
                applied.Add(uploadId);
                if (applied.Count > AppliedMemory)
                {
                    applied.RemoveRange(0, applied.Count - AppliedMemory);
                }

                var entity = new TableEntity(pk, rk)
                {
                    ["Stats"] = merged.ToBytes(),
                    ["Count"] = merged.Count,
                    ["Applied"] = string.Join(',', applied),
                };
                operations.Add(existing is null
                    ? new TableOperation(TableOperationKind.Insert, entity, null)
                    : new TableOperation(TableOperationKind.Update, entity, existing.ETag));
            }

            try
            {
                foreach (var chunk in operations.Chunk(100))
                {
                    await Tables.SubmitBatchAsync(StoreLayout.BaselinesTable, chunk, cancellationToken).ConfigureAwait(false);
                }

                return;
            }
            catch (StorageConflictException) when (attempt < 50)
            {
                // Someone merged into this partition since we read it: read again and merge on top of theirs. Chunks
                // that went through are skipped next time (their groups remember this upload).
                await Task.Delay(Random.Shared.Next(5, 20 * Math.Min(attempt, 10)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // ---- Flags -----------------------------------------------------------------------------------------------

    /// <summary>Records flags in their ISO-week partitions; the row key is a hash of the finding, so re-recording is a no-op.</summary>
    public async Task RecordFlagsAsync(string uploadId, IReadOnlyList<Flag> flags, DateOnly fallbackDate, CancellationToken cancellationToken = default)
    {
        var batches = flags
            .GroupBy(f => StoreLayout.WeekKey(f.Date ?? fallbackDate), StringComparer.Ordinal)
            .SelectMany(week => week
                .Select(f => new TableEntity(week.Key, Hash(f.Key))
                {
                    ["Code"] = f.Code.ToCode(),
                    ["Score"] = f.Score,
                    ["ExporterKey"] = f.ExporterKey ?? string.Empty,
                    ["UploadId"] = uploadId,
                    ["Flag"] = JsonRecords.Serialize(f),
                })
                .DistinctBy(e => e.RowKey, StringComparer.Ordinal)
                .Chunk(100))
            .ToList();

        // Upserts keyed by the finding: batches can go in any order and in parallel, and a retry rewrites the same rows.
        await Parallel.ForEachAsync(
            batches,
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (chunk, ct) => await Tables.SubmitBatchAsync(
                StoreLayout.FlagsTable,
                [.. chunk.Select(e => new TableOperation(TableOperationKind.Upsert, e, null))],
                ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>The flags of the given ISO weeks ("2026-W47"), read from their partitions.</summary>
    public async Task<List<Flag>> LoadFlagsAsync(IEnumerable<string> weeks, CancellationToken cancellationToken = default)
    {
        var flags = new List<Flag>();
        foreach (var week in weeks)
        {
            await foreach (var e in Tables.QueryAsync(StoreLayout.FlagsTable, week, null, null, cancellationToken).ConfigureAwait(false))
            {
                if (JsonRecords.Deserialize<Flag>(e.GetString("Flag")) is { } f)
                {
                    flags.Add(f);
                }
            }
        }

        return flags;
    }

    // ---- Exporters -------------------------------------------------------------------------------------------

    /// <summary>
    /// Records each exporter's profile from one upload (row "u:{upload}", idempotent) together with the exporter's
    /// roll-up (row "profile") recomputed from all its uploads: both rows go in one atomic batch conditioned on the
    /// roll-up's ETag, so concurrent uploads never drop one and a contribution never lands without its roll-up.
    /// </summary>
    public async Task RecordExportersAsync(string uploadId, IReadOnlyList<ExporterProfile> profiles, CancellationToken cancellationToken = default)
    {
        await Parallel.ForEachAsync(
            profiles,
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (p, ct) => await RecordExporterAsync(uploadId, p, ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private async Task RecordExporterAsync(string uploadId, ExporterProfile profile, CancellationToken cancellationToken)
    {
        var pk = TableKeys.Encode(profile.Key);
        var ownRow = "u:" + uploadId;
        var ownJson = JsonRecords.Serialize(profile);
        var own = JsonRecords.Deserialize<ExporterProfile>(ownJson) ?? profile; // as it reads back from the store
        for (var attempt = 1; ; attempt++)
        {
            // One read of the partition's roll-up and contributions ("profile" sorts before "u:", dispositions "d:" before both).
            TableEntity? current = null;
            var parts = new List<(string Row, ExporterProfile Profile)>();
            await foreach (var e in Tables.QueryAsync(StoreLayout.ExportersTable, pk, "profile", "u;", cancellationToken).ConfigureAwait(false))
            {
                if (e.RowKey == "profile")
                {
                    current = e;
                }
                else if (e.RowKey.StartsWith("u:", StringComparison.Ordinal) && e.RowKey != ownRow
                    && JsonRecords.Deserialize<ExporterProfile>(e.GetString("Profile")) is { } p)
                {
                    parts.Add((e.RowKey, p));
                }
            }

            // The contributions in row-key order, as the query returns them, with this upload's in its place.
            var at = 0;
            while (at < parts.Count && string.CompareOrdinal(parts[at].Row, ownRow) < 0)
            {
                at++;
            }

            parts.Insert(at, (ownRow, own));
            var rolled = ExporterRollup.Combine([.. parts.Select(x => x.Profile)]);
            var entity = new TableEntity(pk, "profile")
            {
                ["Profile"] = JsonRecords.Serialize(rolled),
                ["Score"] = rolled.Score,
                ["FirstSeen"] = rolled.FirstSeen.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                ["Uploads"] = parts.Count,
            };
            TableOperation[] batch =
            [
                new TableOperation(TableOperationKind.Upsert, new TableEntity(pk, ownRow) { ["Profile"] = ownJson }),
                current is null
                    ? new TableOperation(TableOperationKind.Insert, entity)
                    : new TableOperation(TableOperationKind.Update, entity, current.ETag),
            ];
            try
            {
                await Tables.SubmitBatchAsync(StoreLayout.ExportersTable, batch, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (StorageConflictException) when (attempt < 50)
            {
                // Another upload rolled this exporter up since we read it: read again and combine with theirs.
                await Task.Delay(Random.Shared.Next(5, 20 * Math.Min(attempt, 10)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Every exporter's roll-up, highest risk first.</summary>
    public async Task<List<ExporterProfile>> LoadExportersAsync(CancellationToken cancellationToken = default)
    {
        var list = new List<ExporterProfile>();
        await foreach (var e in Tables.QueryAllAsync(StoreLayout.ExportersTable, cancellationToken).ConfigureAwait(false))
        {
            if (e.RowKey == "profile" && JsonRecords.Deserialize<ExporterProfile>(e.GetString("Profile")) is { } p)
            {
                list.Add(p);
            }
        }

        list.Sort((a, b) => b.Score.CompareTo(a.Score) is var c && c != 0 ? c : string.CompareOrdinal(a.Key, b.Key));
        return list;
    }

    public async Task<ExporterProfile?> LoadExporterAsync(string exporterKey, CancellationToken cancellationToken = default)
    {
        var e = await Tables.GetAsync(StoreLayout.ExportersTable, TableKeys.Encode(exporterKey), "profile", cancellationToken).ConfigureAwait(false);
        return JsonRecords.Deserialize<ExporterProfile>(e?.GetString("Profile"));
    }

    /// <summary>The uploads an exporter appears in (for its review workbook's shipments and flags).</summary>
    public async Task<List<string>> LoadExporterUploadsAsync(string exporterKey, CancellationToken cancellationToken = default)
    {
        var ids = new List<string>();
        await foreach (var e in Tables.QueryAsync(StoreLayout.ExportersTable, TableKeys.Encode(exporterKey), "u:", "u;", cancellationToken).ConfigureAwait(false))
        {
            ids.Add(e.RowKey[2..]);
        }

        return ids;
    }

    /// <summary>First-seen dates of every known exporter, for NEW_EXPORTER (reads the whole exporters table: for `analyze`).</summary>
    public async Task<Dictionary<string, DateOnly>> LoadExporterFirstSeenAsync(CancellationToken cancellationToken = default)
    {
        var map = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        await foreach (var e in Tables.QueryAllAsync(StoreLayout.ExportersTable, cancellationToken).ConfigureAwait(false))
        {
            if (e.RowKey == "profile" && DateOnly.TryParseExact(e.GetString("FirstSeen"), "yyyy-MM-dd", out var d))
            {
                map[TableKeys.Decode(e.PartitionKey)] = d;
            }
        }

        return map;
    }

    /// <summary>
    /// First-seen dates of the given exporters only: one point read of each one's roll-up (16 at a time), so an upload's
    /// cost follows its own exporters, not the number of exporters and uploads in the history.
    /// </summary>
    public async Task<Dictionary<string, DateOnly>> LoadExporterFirstSeenAsync(IEnumerable<string> exporterKeys, CancellationToken cancellationToken = default)
    {
        var keys = exporterKeys.Where(k => !string.IsNullOrEmpty(k)).Distinct(StringComparer.Ordinal).ToArray();
        var found = new System.Collections.Concurrent.ConcurrentDictionary<string, DateOnly>(StringComparer.Ordinal);
        var options = new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(keys, options, async (key, ct) =>
        {
            var e = await Tables.GetAsync(StoreLayout.ExportersTable, TableKeys.Encode(key), "profile", ct).ConfigureAwait(false);
            if (e is not null && DateOnly.TryParseExact(e.GetString("FirstSeen"), "yyyy-MM-dd", out var d))
            {
                found[key] = d;
            }
        }).ConfigureAwait(false);

        return new Dictionary<string, DateOnly>(found, StringComparer.Ordinal);
    }

    /// <summary>Records an analyst's decision; decisions are kept newest first (row key counts down).</summary>
    public async Task AddDispositionAsync(Disposition disposition, CancellationToken cancellationToken = default)
    {
        var rk = "d:" + (DateTimeOffset.MaxValue.UtcTicks - disposition.At.UtcTicks).ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
        await Tables.UpsertAsync(StoreLayout.ExportersTable, new TableEntity(TableKeys.Encode(disposition.ExporterKey), rk)
        {
            ["Disposition"] = JsonRecords.Serialize(disposition),
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<List<Disposition>> LoadDispositionsAsync(string exporterKey, CancellationToken cancellationToken = default)
    {
        var list = new List<Disposition>();
        await foreach (var e in Tables.QueryAsync(StoreLayout.ExportersTable, TableKeys.Encode(exporterKey), "d:", "d;", cancellationToken).ConfigureAwait(false))
        {
            if (JsonRecords.Deserialize<Disposition>(e.GetString("Disposition")) is { } d)
            {
                list.Add(d);
            }
        }

        return list;
    }

    /// <summary>The latest disposition of every exporter that has one.</summary>
    public async Task<List<Disposition>> LoadLatestDispositionsAsync(CancellationToken cancellationToken = default)
    {
        var latest = new Dictionary<string, Disposition>(StringComparer.Ordinal);
        await foreach (var e in Tables.QueryAllAsync(StoreLayout.ExportersTable, cancellationToken).ConfigureAwait(false))
        {
            if (e.RowKey.StartsWith("d:", StringComparison.Ordinal) && JsonRecords.Deserialize<Disposition>(e.GetString("Disposition")) is { } d
                && (!latest.TryGetValue(d.ExporterKey, out var have) || have.At < d.At))
            {
                latest[d.ExporterKey] = d;
            }
        }

        return [.. latest.Values];
    }

    // ---- Archive ---------------------------------------------------------------------------------------------

    public async Task ArchiveAsync(string uploadId, IReadOnlyList<DeclarationLine> declarations, IReadOnlyList<InvoiceLine> invoices, IReadOnlyList<Flag> flags, CancellationToken cancellationToken = default)
    {
        var prefix = StoreLayout.ArchivePrefix(uploadId);
        if (declarations.Count > 0)
        {
            await Outputs.UploadOutputs.PutAsync(Blobs, StoreLayout.Archive, prefix + "declarations.csv", s => ArchiveCsv.WriteDeclarations(s, declarations), Outputs.ContentTypes.Csv, cancellationToken).ConfigureAwait(false);
        }

        if (invoices.Count > 0)
        {
            await Outputs.UploadOutputs.PutAsync(Blobs, StoreLayout.Archive, prefix + "invoices.csv", s => ArchiveCsv.WriteInvoices(s, invoices), Outputs.ContentTypes.Csv, cancellationToken).ConfigureAwait(false);
        }

        await Outputs.UploadOutputs.PutAsync(Blobs, StoreLayout.Archive, prefix + "flags.jsonl", s => JsonRecords.WriteFlagLines(s, flags), "application/x-ndjson", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An archived upload's flags.</summary>
    public async Task<List<Flag>> LoadArchivedFlagsAsync(string uploadId, CancellationToken cancellationToken = default)
    {
        await using var download = await Blobs.GetAsync(StoreLayout.Archive, StoreLayout.ArchivePrefix(uploadId) + "flags.jsonl", cancellationToken).ConfigureAwait(false);
        return download is null ? [] : [.. JsonRecords.ReadFlagLines(download.Content)];
    }

    // ---- Upload receipts -------------------------------------------------------------------------------------

    public async Task<UploadReceipt?> GetReceiptAsync(string sha256, CancellationToken cancellationToken = default)
    {
        var e = await Tables.GetAsync(StoreLayout.UploadsTable, UploadReceipt.Partition, sha256, cancellationToken).ConfigureAwait(false);
        return e is null ? null : UploadReceipt.FromEntity(e);
    }

    /// <summary>Writes a receipt; with <paramref name="ifMatch"/> null it must not exist yet. False when someone else got there first.</summary>
    public async Task<bool> TryWriteReceiptAsync(UploadReceipt receipt, string? ifMatch, CancellationToken cancellationToken = default)
    {
        try
        {
            if (ifMatch is null)
            {
                await Tables.InsertAsync(StoreLayout.UploadsTable, receipt.ToEntity(), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await Tables.UpdateAsync(StoreLayout.UploadsTable, receipt.ToEntity(), ifMatch, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (StorageConflictException)
        {
            _log.LogDebug("Upload receipt {Sha} changed concurrently.", receipt.Sha256);
            return false;
        }
    }

    /// <summary>Every processed upload, for the counterpart window and listings.</summary>
    public async IAsyncEnumerable<UploadReceipt> ListReceiptsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var e in Tables.QueryAsync(StoreLayout.UploadsTable, UploadReceipt.Partition, null, null, cancellationToken).ConfigureAwait(false))
        {
            yield return UploadReceipt.FromEntity(e);
        }
    }

    private static string Hash(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..32];
}
