using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace TradeAnalyzer.Storage.Local;

/// <summary>
/// The entities of one table partition in the local store: an append-only file `partition.log` in the partition's
/// folder. A write (one operation or a whole batch) appends one record, so a batch of 100 entities costs one file
/// append instead of 100 file creations, and it is atomic: a record counts only when complete (length and CRC-32C
/// checked), so a record torn by a crash is skipped and its batch was never applied. Later records win; a delete is a
/// tombstone. The log is rewritten (compacted, via a temp file and a rename, under a new generation id) once it is
/// mostly superseded versions. Entity files of older stores (`{row}.json` beside the log) are read as a base layer
/// the log overrides, and folded into the log at the partition's first write.
/// </summary>
/// <remarks>
/// File: header "TALOG001" + 16-byte generation id, then records: an 8-byte marker (never valid UTF-8 JSON, so a
/// reader can find the next record after a torn one), payload length (int32 LE), CRC-32C of the payload (uint32 LE),
/// payload. Payload: entry count (int32), then per entry a kind byte (1 put, 2 delete) and a length-prefixed UTF-8
/// value: the entity file JSON (with keys, ETag and timestamp) for a put, the row key for a delete.
/// Callers serialise writers with the partition's lock file; readers need no lock (they see whole records only).
/// An instance caches the parsed partition and reads only what other writers appended since.
/// </remarks>
internal sealed class PartitionLog
{
    /// <summary>The log's file name in the partition folder (entity files always end in ".json").</summary>
    public const string FileName = "partition.log";

    private const int HeaderLength = 24;
    private const int RecordHeaderLength = 16;
    private const byte PutEntry = 1;
    private const byte DeleteEntry = 2;

    /// <summary>Logs larger than this are not kept parsed between calls (bounded memory on long-lived hosts).</summary>
    private const long MaxCachedLength = 32L << 20;

    /// <summary>Compaction starts above this length, when less than half of the log is live.</summary>
    private const long CompactAbove = 256L << 10;

    private static readonly byte[] FileMagic = "TALOG001"u8.ToArray();
    private static readonly byte[] RecordMagic = [0x00, 0xFF, (byte)'T', (byte)'A', (byte)'R', (byte)'E', (byte)'C', 0xFE];

    private readonly string directory;
    private readonly string path;
    private readonly string tempRoot;
    private readonly SemaphoreSlim gate = new(1, 1);

    // The parsed partition (valid while `loaded`): rows by row key, and how far the log was read.
    private Dictionary<string, Row> rows = new(StringComparer.Ordinal);
    private bool loaded;
    private Guid generation;
    private long readTo;
    private long liveBytes;
    private int legacyFiles;

    public PartitionLog(string directory, string tempRoot)
    {
        this.directory = directory;
        this.tempRoot = tempRoot;
        path = Path.Combine(directory, FileName);
    }

    /// <summary>One live entity and the size of its latest version in the log.</summary>
    private readonly record struct Row(TableEntity Entity, int Bytes, bool Legacy);

    /// <summary>
    /// Copies of up to <paramref name="pageSize"/> live entities in row-key order with keys in
    /// [<paramref name="from"/>, <paramref name="to"/>) after <paramref name="after"/> (each bound optional), and
    /// whether more follow.
    /// </summary>
    public async Task<(List<TableEntity> Items, bool More)> PageAsync(string? from, string? to, string? after, int pageSize, CancellationToken ct)
    {
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            Refresh();
            var keys = new List<string>();
            foreach (var key in rows.Keys)
            {
                if ((from is null || string.CompareOrdinal(key, from) >= 0)
                    && (to is null || string.CompareOrdinal(key, to) < 0)
                    && (after is null || string.CompareOrdinal(key, after) > 0))
                {
                    keys.Add(key);
                }
            }

            keys.Sort(StringComparer.Ordinal);
            var items = new List<TableEntity>(Math.Min(pageSize, keys.Count));
            for (var i = 0; i < keys.Count && i < pageSize; i++)
            {
                items.Add(rows[keys[i]].Entity.Clone());
            }

            Trim();
            return (items, keys.Count > pageSize);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The partition key of any live entity (for partition folders whose name is a hash), or null.</summary>
    public async Task<string?> AnyPartitionKeyAsync(CancellationToken ct)
    {
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            Refresh();
            string? pk = null;
            foreach (var row in rows.Values)
            {
                pk = row.Entity.PartitionKey;
                break;
            }

            Trim();
            return pk;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A copy of one entity, or null.</summary>
    public async Task<TableEntity?> GetAsync(string rowKey, CancellationToken ct)
    {
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            Refresh();
            var found = rows.TryGetValue(rowKey, out var row) ? row.Entity.Clone() : null;
            Trim();
            return found;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Applies operations (the caller holds the partition's lock file): every condition is checked against the current
    /// log first, then one record is appended, so a failed condition applies nothing. Returns the new ETags.
    /// </summary>
    public async Task<string[]> ApplyAsync(IReadOnlyList<TableOperation> operations, DateTimeOffset now, CancellationToken ct)
    {
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Upserts have no condition: when the partition is not parsed here, they need not read it (a big week of
            // flags is not reread to add to it). The record goes at the end of the file, past anything torn.
            var blind = !loaded && operations.All(o => o.Kind == TableOperationKind.Upsert);
            if (!blind)
            {
                Refresh();
            }

            var etags = new string[operations.Count];
            var entries = new (byte Kind, string RowKey, TableEntity? Entity, byte[] Value)[operations.Count];
            for (var i = 0; i < operations.Count; i++)
            {
                var op = operations[i];
                var rowKey = op.Entity.RowKey;
                var existing = !blind && rows.TryGetValue(rowKey, out var row) ? row.Entity : null;
                var prefix = operations.Count > 1 ? $"{i}:" : string.Empty;
                var ifMatch = op.IfMatch ?? "*";
                switch (op.Kind)
                {
                    case TableOperationKind.Insert when existing is not null:
                        throw new StorageConflictException(409, "EntityAlreadyExists", $"{prefix}The entity already exists.");
                    case TableOperationKind.Update or TableOperationKind.Merge or TableOperationKind.Delete when existing is null:
                        throw new StorageException(404, "ResourceNotFound", $"{prefix}The entity does not exist.");
                    case TableOperationKind.Update or TableOperationKind.Merge or TableOperationKind.Delete when ifMatch != "*" && ifMatch != existing!.ETag:
                        throw new StorageConflictException(412, "UpdateConditionNotSatisfied", $"{prefix}The entity changed since it was read.");
                }

                if (op.Kind == TableOperationKind.Delete)
                {
                    entries[i] = (DeleteEntry, rowKey, null, Encoding.UTF8.GetBytes(rowKey));
                    continue;
                }

                var target = op.Kind == TableOperationKind.Merge ? existing!.Clone() : new TableEntity(op.Entity.PartitionKey, rowKey);
                foreach (var (name, value) in op.Entity.Properties)
                {
                    if (value is null)
                    {
                        target.Properties.Remove(name);
                    }
                    else
                    {
                        target.Properties[name] = value is byte[] b ? (byte[])b.Clone() : value;
                    }
                }

                etags[i] = "W/\"datetime'" + Uri.EscapeDataString(now.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture)) + "'-" + Guid.NewGuid().ToString("N")[..8] + "\"";
                target.ETag = etags[i];
                target.Timestamp = now;
                entries[i] = (PutEntry, rowKey, target, EntityFile.Write(target, etags[i], now, indented: false));
            }

            var record = Record(entries.Select(e => (e.Kind, e.Value)));
            try
            {
                if (blind)
                {
                    AppendAtEnd(record);
                    return etags;
                }

                if (legacyFiles > 0)
                {
                    // An older store's entity files: fold them into the log first (this write then lands on top).
                    Compact();
                }

                Append(record);
            }
            catch
            {
                // The file may hold more than the cache knows: read it afresh next time.
                loaded = false;
                throw;
            }

            for (var i = 0; i < entries.Length; i++)
            {
                var (kind, rowKey, entity, value) = entries[i];
                if (rows.Remove(rowKey, out var old))
                {
                    liveBytes -= old.Bytes;
                }

                if (kind == PutEntry)
                {
                    rows[rowKey] = new Row(entity!, value.Length + 5, false);
                    liveBytes += value.Length + 5;
                }
            }

            readTo += record.Length;
            if (readTo > CompactAbove && liveBytes * 2 < readTo)
            {
                try
                {
                    Compact();
                }
                catch
                {
                    loaded = false;
                    throw;
                }
            }

            Trim();
            return etags;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Drops the parsed rows of a big partition after use.</summary>
    private void Trim()
    {
        if (readTo > MaxCachedLength)
        {
            loaded = false;
            rows = new Dictionary<string, Row>(StringComparer.Ordinal);
        }
    }

    /// <summary>Brings the parsed rows up to date with the file: what was appended since, or everything after a compaction.</summary>
    private void Refresh()
    {
        FileStream? file = null;
        try
        {
            try
            {
                file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
            }
            catch (FileNotFoundException)
            {
            }
            catch (DirectoryNotFoundException)
            {
            }

            Span<byte> header = stackalloc byte[HeaderLength];
            var fileGeneration = Guid.Empty;
            if (file is not null)
            {
                if (file.Length < HeaderLength || file.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false) < HeaderLength || !header[..8].SequenceEqual(FileMagic))
                {
                    throw new StorageException(500, "CorruptPartition", $"The local table partition log {path} has no valid header.");
                }

                fileGeneration = new Guid(header[8..]);
            }

            if (loaded && file is not null && fileGeneration == generation && file.Length >= readTo)
            {
                ReadRecords(file, readTo);
                return;
            }

            if (loaded && file is null && generation == Guid.Empty && legacyFiles == 0 && rows.Count == 0)
            {
                return;
            }

            // Full read: older entity files first, the log over them.
            rows = new Dictionary<string, Row>(StringComparer.Ordinal);
            liveBytes = 0;
            legacyFiles = 0;
            if (Directory.Exists(directory))
            {
                foreach (var legacy in Directory.EnumerateFiles(directory, "*.json", SearchOption.TopDirectoryOnly))
                {
                    byte[] bytes;
                    try
                    {
                        bytes = File.ReadAllBytes(legacy);
                    }
                    catch (FileNotFoundException)
                    {
                        continue;
                    }

                    var entity = EntityFile.Read(bytes);
                    rows[entity.RowKey] = new Row(entity, bytes.Length, true);
                    liveBytes += bytes.Length;
                    legacyFiles++;
                }
            }

            generation = fileGeneration;
            readTo = file is null ? 0 : HeaderLength;
            loaded = true;
            if (file is not null)
            {
                ReadRecords(file, HeaderLength);
            }
        }
        catch
        {
            loaded = false;
            throw;
        }
        finally
        {
            file?.Dispose();
        }
    }

    /// <summary>Applies the complete records from <paramref name="from"/> on; stops before a record still being written.</summary>
    private void ReadRecords(FileStream file, long from)
    {
        var length = file.Length;
        if (length <= from)
        {
            return;
        }

        var buffer = new byte[length - from];
        file.Position = from;
        var n = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var data = buffer.AsSpan(0, n);
        var at = 0;
        while (at < data.Length)
        {
            if (TryRecord(data[at..], out var payload, out var size))
            {
                ApplyPayload(payload);
                at += size;
                readTo = from + at;
                continue;
            }

            // Not a complete record here: a torn write (skip to the next marker) or one still being appended (stop).
            var next = data[(at + 1)..].IndexOf(RecordMagic);
            if (next < 0)
            {
                return;
            }

            at += 1 + next;
            if (!TryRecord(data[at..], out _, out _))
            {
                // The marker starts an incomplete record too: wait for more bytes before skipping anything.
                if (at + RecordHeaderLength > data.Length || at + RecordHeaderLength + BinaryPrimitives.ReadInt32LittleEndian(data.Slice(at + 8, 4)) > data.Length)
                {
                    return;
                }
            }

            readTo = from + at;
        }
    }

    private static bool TryRecord(ReadOnlySpan<byte> data, out ReadOnlySpan<byte> payload, out int size)
    {
        payload = default;
        size = 0;
        if (data.Length < RecordHeaderLength || !data[..8].SequenceEqual(RecordMagic))
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(8, 4));
        if (length < 4 || length > data.Length - RecordHeaderLength)
        {
            return false;
        }

        payload = data.Slice(RecordHeaderLength, length);
        if (Crc(payload) != BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(12, 4)))
        {
            return false;
        }

        size = RecordHeaderLength + length;
        return true;
    }

    private void ApplyPayload(ReadOnlySpan<byte> payload)
    {
        var count = BinaryPrimitives.ReadInt32LittleEndian(payload);
        var at = 4;
        for (var i = 0; i < count; i++)
        {
            var kind = payload[at];
            var length = BinaryPrimitives.ReadInt32LittleEndian(payload.Slice(at + 1, 4));
            var value = payload.Slice(at + 5, length);
            at += 5 + length;
            var rowKey = kind == PutEntry ? null : Encoding.UTF8.GetString(value);
            var entity = kind == PutEntry ? EntityFile.Read(value) : null;
            rowKey ??= entity!.RowKey;
            if (rows.Remove(rowKey, out var old))
            {
                liveBytes -= old.Bytes;
            }

            if (entity is not null)
            {
                rows[rowKey] = new Row(entity, length + 5, false);
                liveBytes += length + 5;
            }
        }
    }

    private static byte[] Record(IEnumerable<(byte Kind, byte[] Value)> entries)
    {
        var list = entries.ToList();
        var payloadLength = 4 + list.Sum(e => 5 + e.Value.Length);
        var record = new byte[RecordHeaderLength + payloadLength];
        RecordMagic.CopyTo(record, 0);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(8), payloadLength);
        var payload = record.AsSpan(RecordHeaderLength);
        BinaryPrimitives.WriteInt32LittleEndian(payload, list.Count);
        var at = 4;
        foreach (var (kind, value) in list)
        {
            payload[at] = kind;
            BinaryPrimitives.WriteInt32LittleEndian(payload[(at + 1)..], value.Length);
            value.CopyTo(payload[(at + 5)..]);
            at += 5 + value.Length;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12), Crc(payload));
        return record;
    }

    /// <summary>Appends a record; a partition's first record creates the file (header and record in one rename).</summary>
    private void Append(byte[] record)
    {
        if (readTo == 0)
        {
            generation = Guid.NewGuid();
            WriteNew([record]);
            readTo = HeaderLength;
            return;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        if (file.Length < readTo)
        {
            throw new StorageException(500, "CorruptPartition", $"The local table partition log {path} shrank while locked.");
        }

        // After the records read so far: a torn record from a crashed writer is overwritten.
        file.Position = readTo;
        file.Write(record);
        if (file.Length > file.Position)
        {
            file.SetLength(file.Position);
        }
    }

    /// <summary>Appends a record at the end of the file without reading it (the partition is not parsed here).</summary>
    private void AppendAtEnd(byte[] record)
    {
        if (!File.Exists(path))
        {
            generation = Guid.NewGuid();
            WriteNew([record]);
            return;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        file.Seek(0, SeekOrigin.End);
        file.Write(record);
    }

    /// <summary>Rewrites the log as records of the live rows only (older entity files folded in, then removed).</summary>
    private void Compact()
    {
        var live = new List<(string RowKey, byte[] Value)>(rows.Count);
        foreach (var (key, row) in rows)
        {
            live.Add((key, EntityFile.Write(row.Entity, row.Entity.ETag ?? string.Empty, row.Entity.Timestamp ?? DateTimeOffset.UnixEpoch, indented: false)));
        }

        // Entity files of rows deleted since must go before the log forgets their tombstones.
        var legacy = Directory.Exists(directory) ? Directory.GetFiles(directory, "*.json", SearchOption.TopDirectoryOnly) : [];
        foreach (var file in legacy)
        {
            if (TryRead(file) is { } bytes && !rows.ContainsKey(EntityFile.Read(bytes).RowKey))
            {
                File.Delete(file);
            }
        }

        generation = Guid.NewGuid();
        var records = new List<byte[]>();
        foreach (var chunk in live.Chunk(1000))
        {
            records.Add(Record(chunk.Select(e => (PutEntry, e.Value))));
        }

        WriteNew(records);
        readTo = HeaderLength + records.Sum(r => (long)r.Length);
        liveBytes = 0;
        foreach (var (key, value) in live)
        {
            rows[key] = rows[key] with { Bytes = value.Length + 5, Legacy = false };
            liveBytes += value.Length + 5;
        }

        // Now the log holds every live row: the entity files are redundant.
        foreach (var file in legacy)
        {
            TryDelete(file);
        }

        legacyFiles = 0;
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
        }
    }

    private void WriteNew(List<byte[]> records)
    {
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(tempRoot, Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.None))
            {
                file.Write(FileMagic);
                Span<byte> id = stackalloc byte[16];
                generation.TryWriteBytes(id);
                file.Write(id);
                foreach (var record in records)
                {
                    file.Write(record);
                }
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
            }

            throw;
        }
    }

    private static byte[]? TryRead(string file)
    {
        try
        {
            return File.ReadAllBytes(file);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>CRC-32C (hardware accelerated where available).</summary>
    private static uint Crc(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        var i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        }

        for (; i < data.Length; i++)
        {
            crc = BitOperations.Crc32C(crc, data[i]);
        }

        return ~crc;
    }
}
