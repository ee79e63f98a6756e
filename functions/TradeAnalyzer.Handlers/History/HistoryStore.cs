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

    /// <summary>
    /// The flags of the given ISO weeks that stand: each finding once (one row per finding, at the figure of the upload
    /// that recorded it last), none that its exporter's standing profile lists as withdrawn (<see cref="ExporterStanding"/>:
    /// on a replaced line version, or judged otherwise by a later upload). <paramref name="withdrawn"/> is
    /// <see cref="LoadStandingExportersAsync"/>'s, by exporter key; flags of exporters not in it are all kept.
    /// </summary>
    public async Task<List<Flag>> LoadStandingFlagsAsync(IEnumerable<string> weeks, IReadOnlyDictionary<string, HashSet<ulong>> withdrawn, CancellationToken cancellationToken = default) =>
        WithoutWithdrawn(await LoadFlagsAsync(weeks, cancellationToken).ConfigureAwait(false), withdrawn);

    /// <summary>The flags that stand: those whose exporter's withdrawn set (by exporter key) does not hold their finding.</summary>
    public static List<Flag> WithoutWithdrawn(IEnumerable<Flag> flags, IReadOnlyDictionary<string, HashSet<ulong>> withdrawn)
    {
        ArgumentNullException.ThrowIfNull(flags);
        ArgumentNullException.ThrowIfNull(withdrawn);
        var list = new List<Flag>();
        foreach (var f in flags)
        {
            if (f.ExporterKey is { } key && withdrawn.TryGetValue(key, out var set) && set.Contains(ExporterDigest.FindingKeyOf(f)))
            {
                continue;
            }

            list.Add(f);
        }

        return list;
    }

    /// <summary>The flags of the given ISO weeks ("2026-W47"), read from their partitions, as recorded.</summary>
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

    /// <summary>Largest digest kept in the contribution row itself (a table property holds at most 64 KiB); larger
    /// ones go to a blob beside the archive, named by the exporter and the upload.</summary>
    internal const int InlineDigestBytes = 60_000;

    /// <summary>
    /// Records each exporter's profile from one upload (row "u:{upload}", idempotent) together with the exporter's
    /// roll-up (row "profile") recomputed from all its uploads: both rows go in one atomic batch conditioned on the
    /// roll-up's ETag, so concurrent uploads never drop one and a contribution never lands without its roll-up.
    /// Without digests the roll-up can only add the uploads' profiles up; see the overload with digests.
    /// </summary>
    public Task RecordExportersAsync(string uploadId, IReadOnlyList<ExporterProfile> profiles, CancellationToken cancellationToken = default) =>
        RecordExportersAsync(uploadId, profiles, null, 0, cancellationToken);

    /// <summary>
    /// Records each exporter's profile and <see cref="ExporterDigest"/> from one upload (row "u:{upload}": the profile,
    /// the digest, or the name of the blob holding a digest too large for the row, and <paramref name="stamp"/>, the
    /// upload's place in upload order) together with the exporter's roll-up (row "profile"): the contributions of all its
    /// uploads combined by <see cref="ExporterRollup"/>, which counts each line and each shipment once. Both rows go in
    /// one atomic batch conditioned on the roll-up's ETag, so concurrent uploads never drop one and a contribution never
    /// lands without its roll-up. A contribution recorded again (a retried upload) keeps its first stamp, so recording
    /// the same upload twice changes nothing. The other uploads' digests are read from the exporter's partition (and
    /// their blobs), never from the archive of normalised records.
    /// </summary>
    public async Task RecordExportersAsync(string uploadId, IReadOnlyList<ExporterProfile> profiles, IReadOnlyDictionary<string, ExporterDigest>? digests, long stamp, CancellationToken cancellationToken = default)
    {
        await Parallel.ForEachAsync(
            profiles,
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (p, ct) => await RecordExporterAsync(uploadId, p, digests?.GetValueOrDefault(p.Key), stamp, ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>The blob (in `archive`) of a digest too large for its row: named by a hash of the exporter key, since keys
    /// are free text and blob names are not paths.</summary>
    internal static string DigestBlobName(string exporterKey, string uploadId) =>
        $"exporter-digests/{Hash(exporterKey)}/{uploadId}.bin";

    private async Task RecordExporterAsync(string uploadId, ExporterProfile profile, ExporterDigest? digest, long stamp, CancellationToken cancellationToken)
    {
        var pk = TableKeys.Encode(profile.Key);
        var ownRow = "u:" + uploadId;
        var ownJson = JsonRecords.Serialize(profile);
        var own = JsonRecords.Deserialize<ExporterProfile>(ownJson) ?? profile; // as it reads back from the store
        var digestBytes = digest?.ToBytes();
        // Written before the row that names it (same content on a retry), so a recorded row's blob always exists.
        var digestBlob = digestBytes is null ? null
            : await SpillIfLargeAsync(digestBytes, DigestBlobName(profile.Key, uploadId), cancellationToken).ConfigureAwait(false);

        // Other uploads' contributions do not change (a re-recorded one is the same): read once across attempts.
        var known = new Dictionary<string, (string? ETag, ExporterContribution Contribution)>(StringComparer.Ordinal);
        for (var attempt = 1; ; attempt++)
        {
            // One read of the partition's roll-up and contributions ("profile" sorts before "u:", dispositions "d:" before both).
            TableEntity? current = null;
            var parts = new List<ExporterContribution>();
            long? ownStamp = null;
            await foreach (var e in Tables.QueryAsync(StoreLayout.ExportersTable, pk, "profile", "u;", cancellationToken).ConfigureAwait(false))
            {
                if (e.RowKey == "profile")
                {
                    current = e;
                }
                else if (e.RowKey == ownRow)
                {
                    ownStamp = e.GetInt64("Stamp");
                }
                else if (e.RowKey.StartsWith("u:", StringComparison.Ordinal))
                {
                    if (known.TryGetValue(e.RowKey, out var k) && k.ETag == e.ETag)
                    {
                        parts.Add(k.Contribution);
                    }
                    else if (await ReadContributionAsync(e, cancellationToken).ConfigureAwait(false) is { } c)
                    {
                        known[e.RowKey] = (e.ETag, c);
                        parts.Add(c);
                    }
                }
            }

            // A retried upload keeps the place in upload order it was first given.
            var ownStampValue = ownStamp ?? stamp;
            parts.Add(new ExporterContribution(uploadId, ownStampValue, own, digest));
            var standing = ExporterRollup.Stand(parts);
            var rolled = standing.Profile;
            var entity = new TableEntity(pk, "profile")
            {
                ["Profile"] = JsonRecords.Serialize(rolled),
                ["Score"] = rolled.Score,
                ["FirstSeen"] = rolled.FirstSeen.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                ["Uploads"] = parts.Count,
            };
            if (standing.Withdrawn.Length > 0)
            {
                // Named by this upload, written before the row that names it: a concurrent upload of the same exporter
                // writes its own blob, and whichever row wins names a complete one.
                var withdrawn = HashBytes(standing.Withdrawn);
                if (await SpillIfLargeAsync(withdrawn, WithdrawnBlobName(profile.Key, uploadId), cancellationToken).ConfigureAwait(false) is { } name)
                {
                    entity["WithdrawnBlob"] = name;
                }
                else
                {
                    entity["Withdrawn"] = withdrawn;
                }
            }
            var ownEntity = new TableEntity(pk, ownRow) { ["Profile"] = ownJson, ["Stamp"] = ownStampValue };
            if (digestBlob is not null)
            {
                ownEntity["DigestBlob"] = digestBlob;
            }
            else if (digestBytes is not null)
            {
                ownEntity["Digest"] = digestBytes;
            }

            TableOperation[] batch =
            [
                new TableOperation(TableOperationKind.Upsert, ownEntity),
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

    /// <summary>
    /// Writes <paramref name="bytes"/> to the blob <paramref name="blobName"/> (in `archive`) when they are too large
    /// for a table property (above <see cref="InlineDigestBytes"/>) and returns its name; null when they fit the row.
    /// </summary>
    private async Task<string?> SpillIfLargeAsync(byte[] bytes, string blobName, CancellationToken cancellationToken)
    {
        if (bytes.Length <= InlineDigestBytes)
        {
            return null;
        }

        using var content = new MemoryStream(bytes, writable: false);
        await Blobs.PutAsync(StoreLayout.Archive, blobName, content, new BlobPutOptions { ContentType = "application/octet-stream" }, cancellationToken).ConfigureAwait(false);
        return blobName;
    }

    /// <summary>The bytes a row holds in <paramref name="inline"/>, or in the blob its <paramref name="blobProperty"/>
    /// names (<see cref="SpillIfLargeAsync"/>); null when it holds neither.</summary>
    private async Task<byte[]?> ReadSpilledAsync(TableEntity row, string inline, string blobProperty, string what, CancellationToken cancellationToken)
    {
        if (row.GetBinary(inline) is { } bytes)
        {
            return bytes;
        }

        if (row.GetString(blobProperty) is not { Length: > 0 } blob)
        {
            return null;
        }

        await using var download = await Blobs.GetAsync(StoreLayout.Archive, blob, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"The {what} blob {blob} is missing.");
        using var buffer = new MemoryStream();
        await download.Content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>The blob (in `archive`) of a withdrawn-findings list too large for the standing profile's row.</summary>
    internal static string WithdrawnBlobName(string exporterKey, string uploadId) =>
        $"exporter-digests/{Hash(exporterKey)}/withdrawn/{uploadId}.bin";

    private static byte[] HashBytes(ulong[] hashes)
    {
        var bytes = new byte[hashes.Length * 8];
        for (var i = 0; i < hashes.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), hashes[i]);
        }

        return bytes;
    }

    /// <summary>The findings a standing profile row lists as withdrawn (from the row, or its blob); empty for rows
    /// written before the list existed.</summary>
    private async Task<HashSet<ulong>> ReadWithdrawnAsync(TableEntity profileRow, CancellationToken cancellationToken)
    {
        var bytes = await ReadSpilledAsync(profileRow, "Withdrawn", "WithdrawnBlob", "withdrawn-findings", cancellationToken).ConfigureAwait(false);

        var set = new HashSet<ulong>();
        for (var at = 0; bytes is not null && at + 8 <= bytes.Length; at += 8)
        {
            set.Add(System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at)));
        }

        return set;
    }

    /// <summary>The findings an exporter's standing profile lists as withdrawn (empty when none, or unknown).</summary>
    public async Task<HashSet<ulong>> LoadWithdrawnFindingsAsync(string exporterKey, CancellationToken cancellationToken = default)
    {
        var e = await Tables.GetAsync(StoreLayout.ExportersTable, TableKeys.Encode(exporterKey), "profile", cancellationToken).ConfigureAwait(false);
        return e is null ? [] : await ReadWithdrawnAsync(e, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A contribution row with its digest (from the row, or its blob); null when the row holds no profile.</summary>
    private async Task<ExporterContribution?> ReadContributionAsync(TableEntity e, CancellationToken cancellationToken)
    {
        if (JsonRecords.Deserialize<ExporterProfile>(e.GetString("Profile")) is not { } p)
        {
            return null;
        }

        var bytes = await ReadSpilledAsync(e, "Digest", "DigestBlob", "exporter digest", cancellationToken).ConfigureAwait(false);
        var digest = bytes is null ? null : ExporterDigest.FromBytes(bytes);
        return new ExporterContribution(e.RowKey[2..], e.GetInt64("Stamp") ?? 0, p, digest);
    }

    /// <summary>
    /// The uploads an exporter appears in, in upload order (the order its standing profile takes a re-sent line's latest
    /// version in): contributions recorded before stamps existed first, by upload id.
    /// </summary>
    public async Task<List<string>> LoadExporterUploadsInOrderAsync(string exporterKey, CancellationToken cancellationToken = default)
    {
        var rows = new List<(long Stamp, string Id)>();
        await foreach (var e in Tables.QueryAsync(StoreLayout.ExportersTable, TableKeys.Encode(exporterKey), "u:", "u;", cancellationToken).ConfigureAwait(false))
        {
            rows.Add((e.GetInt64("Stamp") ?? 0, e.RowKey[2..]));
        }

        rows.Sort(static (x, y) => x.Stamp != y.Stamp ? x.Stamp.CompareTo(y.Stamp) : string.CompareOrdinal(x.Id, y.Id));
        var ids = new List<string>(rows.Count);
        foreach (var (_, id) in rows)
        {
            ids.Add(id);
        }

        return ids;
    }

    /// <summary>Every exporter's roll-up, highest risk first.</summary>
    public async Task<List<ExporterProfile>> LoadExportersAsync(CancellationToken cancellationToken = default) =>
        (await LoadStandingExportersAsync(withdrawn: false, cancellationToken).ConfigureAwait(false)).Profiles;

    /// <summary>
    /// Every exporter's roll-up, highest risk first, and (with <paramref name="withdrawn"/>) the findings each lists as
    /// withdrawn, by exporter key (exporters with none are left out): what <see cref="LoadStandingFlagsAsync"/> filters by.
    /// </summary>
    public async Task<(List<ExporterProfile> Profiles, Dictionary<string, HashSet<ulong>> Withdrawn)> LoadStandingExportersAsync(bool withdrawn = true, CancellationToken cancellationToken = default)
    {
        var list = new List<ExporterProfile>();
        var sets = new Dictionary<string, HashSet<ulong>>(StringComparer.Ordinal);
        await foreach (var e in Tables.QueryAllAsync(StoreLayout.ExportersTable, cancellationToken).ConfigureAwait(false))
        {
            if (e.RowKey == "profile" && JsonRecords.Deserialize<ExporterProfile>(e.GetString("Profile")) is { } p)
            {
                list.Add(p);
                if (withdrawn && (e.GetBinary("Withdrawn") is not null || e.GetString("WithdrawnBlob") is { Length: > 0 }))
                {
                    sets[p.Key] = await ReadWithdrawnAsync(e, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        list.Sort((a, b) => b.Score.CompareTo(a.Score) is var c && c != 0 ? c : string.CompareOrdinal(a.Key, b.Key));
        return (list, sets);
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
