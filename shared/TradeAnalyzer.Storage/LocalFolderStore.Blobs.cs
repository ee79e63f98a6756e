using System.Runtime.CompilerServices;
using TradeAnalyzer.Storage.Local;

namespace TradeAnalyzer.Storage;

/// <summary>Blob half of the local folder store.</summary>
public sealed partial class LocalFolderStore
{
    /// <inheritdoc />
    public Task CreateContainerIfNotExistsAsync(string container, CancellationToken ct = default)
    {
        StorageNames.ValidateContainer(container);
        Directory.CreateDirectory(Path.Combine(blobsRoot, container));
        Directory.CreateDirectory(Path.Combine(metaRoot, container));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<BlobWriteResult> PutAsync(string container, string name, Stream content, BlobPutOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var (contentPath, sidecarPath) = BlobPaths(container, name);
        StorageNames.ValidateMetadata(options?.Metadata);
        var temp = NewTempPath();
        try
        {
            long length;
            var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
            await using (fs.ConfigureAwait(false))
            {
                await content.CopyToAsync(fs, ct).ConfigureAwait(false);
                length = fs.Length;
            }

            using var gate = await LockAsync("blob", container + "/" + name, ct).ConfigureAwait(false);
            var current = await ReadSidecarAsync(sidecarPath, ct).ConfigureAwait(false);
            CheckBlobConditions(current, options?.IfMatch, options?.IfNoneMatch, options?.LeaseId, container, name);
            if (Directory.Exists(contentPath))
            {
                throw new StorageException(409, "LocalPathConflict", $"Blob {container}/{name} collides with a folder of other blobs in the local store.");
            }

            var now = Now;
            var sidecar = new BlobSidecar
            {
                Name = name,
                Length = length,
                ETag = NewETag(),
                LastModified = now,
                ContentType = string.IsNullOrEmpty(options?.ContentType) ? "application/octet-stream" : options.ContentType,
                Metadata = options?.Metadata is { } md ? new Dictionary<string, string>(md, StringComparer.OrdinalIgnoreCase) : new(StringComparer.OrdinalIgnoreCase),
                LeaseId = current?.LeaseId,
                LeaseExpires = current?.LeaseExpires ?? default,
            };
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(contentPath)!);
            }
            catch (IOException ex)
            {
                throw new StorageException(409, "LocalPathConflict", $"Blob {container}/{name} collides with another blob's name in the local store.", ex);
            }

            File.Move(temp, contentPath, overwrite: true);
            await WriteAtomicAsync(sidecarPath, sidecar.Serialize(), ct).ConfigureAwait(false);
            return new BlobWriteResult(sidecar.ETag, now);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <inheritdoc />
    public async Task<BlobDownload?> GetAsync(string container, string name, CancellationToken ct = default)
    {
        var (contentPath, sidecarPath) = BlobPaths(container, name);
        using var gate = await LockAsync("blob", container + "/" + name, ct).ConfigureAwait(false);
        var sidecar = await ReadSidecarAsync(sidecarPath, ct).ConfigureAwait(false);
        if (sidecar is null)
        {
            return null;
        }

        var stream = new FileStream(contentPath, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return new BlobDownload(stream, sidecar.ToProperties());
    }

    /// <inheritdoc />
    public async Task<BlobProperties?> GetPropertiesAsync(string container, string name, CancellationToken ct = default)
    {
        var (_, sidecarPath) = BlobPaths(container, name);
        var sidecar = await ReadSidecarAsync(sidecarPath, ct).ConfigureAwait(false);
        return sidecar?.ToProperties();
    }

    /// <inheritdoc />
    public async Task<BlobPage> ListPageAsync(string container, string? prefix, string? continuation, int pageSize = 1000, CancellationToken ct = default)
    {
        StorageNames.ValidateContainer(container);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, 5000);
        if (!BlobNames.IsValidPrefix(prefix))
        {
            throw new ArgumentException("Invalid blob prefix.", nameof(prefix));
        }

        var containerMeta = Path.Combine(metaRoot, container);
        if (!Directory.Exists(Path.Combine(blobsRoot, container)))
        {
            throw new StorageException(404, "ContainerNotFound", $"Container {container} does not exist.");
        }

        prefix ??= string.Empty;
        var marker = continuation is null ? null : DecodeToken(continuation);

        // Only the folder named by the prefix's complete segments needs scanning.
        var slash = prefix.LastIndexOf('/');
        var start = slash < 0 ? containerMeta : Path.Combine(containerMeta, LocalPaths.EncodeBlobName(prefix[..slash]));
        var candidates = new List<(string Name, string Path)>();
        if (Directory.Exists(start))
        {
            foreach (var file in Directory.EnumerateFiles(start, "*.json", SearchOption.AllDirectories))
            {
                ct.ThrowIfCancellationRequested();
                var name = await NameFromSidecarPathAsync(containerMeta, file, ct).ConfigureAwait(false);
                if (name is not null && name.StartsWith(prefix, StringComparison.Ordinal) && (marker is null || string.CompareOrdinal(name, marker) > 0))
                {
                    candidates.Add((name, file));
                }
            }
        }

        candidates.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var items = new List<BlobProperties>(Math.Min(pageSize, candidates.Count));
        var index = 0;
        for (; index < candidates.Count && items.Count < pageSize; index++)
        {
            var sidecar = await ReadSidecarAsync(candidates[index].Path, ct).ConfigureAwait(false);
            if (sidecar is not null)
            {
                items.Add(sidecar.ToProperties());
            }
        }

        var next = index < candidates.Count && items.Count > 0 ? EncodeToken(items[^1].Name) : null;
        return new BlobPage(items, next);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<BlobProperties> ListAsync(string container, string? prefix = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        string? continuation = null;
        do
        {
            var page = await ListPageAsync(container, prefix, continuation, 1000, ct).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                yield return item;
            }

            continuation = page.Continuation;
        }
        while (continuation is not null);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string container, string name, string? ifMatch = null, CancellationToken ct = default)
    {
        var (contentPath, sidecarPath) = BlobPaths(container, name);
        using var gate = await LockAsync("blob", container + "/" + name, ct).ConfigureAwait(false);
        var current = await ReadSidecarAsync(sidecarPath, ct).ConfigureAwait(false);
        if (current is null)
        {
            return false;
        }

        CheckBlobConditions(current, ifMatch, null, null, container, name);
        TryDelete(sidecarPath);
        TryDelete(contentPath);
        PruneEmptyDirectories(Path.GetDirectoryName(sidecarPath), Path.Combine(metaRoot, container));
        PruneEmptyDirectories(Path.GetDirectoryName(contentPath), Path.Combine(blobsRoot, container));
        return true;
    }

    /// <inheritdoc />
    public async Task SetMetadataAsync(string container, string name, IReadOnlyDictionary<string, string> metadata, string? ifMatch = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        StorageNames.ValidateMetadata(metadata);
        var (_, sidecarPath) = BlobPaths(container, name);
        using var gate = await LockAsync("blob", container + "/" + name, ct).ConfigureAwait(false);
        var current = await ReadSidecarAsync(sidecarPath, ct).ConfigureAwait(false)
            ?? throw new StorageException(404, "BlobNotFound", $"Blob {container}/{name} does not exist.");
        CheckBlobConditions(current, ifMatch, null, null, container, name);
        current.Metadata = new Dictionary<string, string>(metadata, StringComparer.OrdinalIgnoreCase);
        current.ETag = NewETag();
        current.LastModified = Now;
        await WriteAtomicAsync(sidecarPath, current.Serialize(), ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<string?> TryAcquireLeaseAsync(string container, string name, TimeSpan duration, CancellationToken ct = default)
    {
        ValidateLeaseDuration(duration);
        var (_, sidecarPath) = BlobPaths(container, name);
        using var gate = await LockAsync("blob", container + "/" + name, ct).ConfigureAwait(false);
        var current = await ReadSidecarAsync(sidecarPath, ct).ConfigureAwait(false)
            ?? throw new StorageException(404, "BlobNotFound", $"Blob {container}/{name} does not exist.");
        var now = Now;
        if (current.IsLeased(now))
        {
            return null;
        }

        current.LeaseId = Guid.NewGuid().ToString("D");
        current.LeaseExpires = duration == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : now + duration;
        await WriteAtomicAsync(sidecarPath, current.Serialize(), ct).ConfigureAwait(false);
        return current.LeaseId;
    }

    /// <inheritdoc />
    public async Task RenewLeaseAsync(string container, string name, string leaseId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseId);
        var (_, sidecarPath) = BlobPaths(container, name);
        using var gate = await LockAsync("blob", container + "/" + name, ct).ConfigureAwait(false);
        var current = await ReadSidecarAsync(sidecarPath, ct).ConfigureAwait(false)
            ?? throw new StorageException(404, "BlobNotFound", $"Blob {container}/{name} does not exist.");
        if (!string.Equals(current.LeaseId, leaseId, StringComparison.OrdinalIgnoreCase))
        {
            throw new StorageConflictException(409, "LeaseIdMismatchWithLeaseOperation", $"Blob {container}/{name} is not leased with that id.");
        }

        // Like Azure, an expired lease can be renewed while nobody else took it; the original duration is unknown here, so 60 s.
        if (current.LeaseExpires != DateTimeOffset.MaxValue)
        {
            current.LeaseExpires = Now + TimeSpan.FromSeconds(60);
        }

        await WriteAtomicAsync(sidecarPath, current.Serialize(), ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ReleaseLeaseAsync(string container, string name, string leaseId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseId);
        var (_, sidecarPath) = BlobPaths(container, name);
        using var gate = await LockAsync("blob", container + "/" + name, ct).ConfigureAwait(false);
        var current = await ReadSidecarAsync(sidecarPath, ct).ConfigureAwait(false)
            ?? throw new StorageException(404, "BlobNotFound", $"Blob {container}/{name} does not exist.");
        if (!string.Equals(current.LeaseId, leaseId, StringComparison.OrdinalIgnoreCase))
        {
            throw new StorageConflictException(409, "LeaseIdMismatchWithLeaseOperation", $"Blob {container}/{name} is not leased with that id.");
        }

        current.LeaseId = null;
        current.LeaseExpires = default;
        await WriteAtomicAsync(sidecarPath, current.Serialize(), ct).ConfigureAwait(false);
    }

    internal static void ValidateLeaseDuration(TimeSpan duration)
    {
        if (duration != Timeout.InfiniteTimeSpan && (duration < TimeSpan.FromSeconds(15) || duration > TimeSpan.FromSeconds(60)))
        {
            throw new ArgumentOutOfRangeException(nameof(duration), "A lease lasts 15 to 60 seconds, or is infinite.");
        }
    }

    private void CheckBlobConditions(BlobSidecar? current, string? ifMatch, string? ifNoneMatch, string? leaseId, string container, string name)
    {
        if (ifNoneMatch is not null && current is not null && (ifNoneMatch == "*" || ifNoneMatch == current.ETag))
        {
            throw ifNoneMatch == "*"
                ? new StorageConflictException(409, "BlobAlreadyExists", $"Blob {container}/{name} already exists.")
                : new StorageConflictException(412, "ConditionNotMet", $"Blob {container}/{name} still has that ETag.");
        }

        if (ifMatch is not null && (current is null || (ifMatch != "*" && ifMatch != current.ETag)))
        {
            throw new StorageConflictException(412, "ConditionNotMet", $"Blob {container}/{name} does not match the ETag.");
        }

        var leased = current is not null && current.IsLeased(Now);
        if (leased && leaseId is null)
        {
            throw new StorageConflictException(412, "LeaseIdMissing", $"Blob {container}/{name} is leased and no lease id was given.");
        }

        if (leaseId is not null && (!leased || !string.Equals(current!.LeaseId, leaseId, StringComparison.OrdinalIgnoreCase)))
        {
            throw new StorageConflictException(412, leased ? "LeaseIdMismatchWithBlobOperation" : "LeaseNotPresentWithBlobOperation", $"Blob {container}/{name} is not leased with that id.");
        }
    }

    private (string Content, string Sidecar) BlobPaths(string container, string name)
    {
        StorageNames.ValidateContainer(container);
        BlobNames.Validate(name);
        var relative = LocalPaths.EncodeBlobName(name);
        var containerDir = Path.Combine(blobsRoot, container);
        if (!Directory.Exists(containerDir))
        {
            throw new StorageException(404, "ContainerNotFound", $"Container {container} does not exist.");
        }

        var content = LocalPaths.EnsureInside(containerDir, Path.Combine(containerDir, relative));
        var sidecar = LocalPaths.EnsureInside(Path.Combine(metaRoot, container), Path.Combine(metaRoot, container, relative + ".json"));
        return (content, sidecar);
    }

    private static async Task<BlobSidecar?> ReadSidecarAsync(string path, CancellationToken ct)
    {
        var bytes = await TryReadAllBytesAsync(path, ct).ConfigureAwait(false);
        return bytes is null ? null : BlobSidecar.Deserialize(bytes);
    }

    private static async Task<string?> NameFromSidecarPathAsync(string containerMeta, string file, CancellationToken ct)
    {
        var relative = Path.GetRelativePath(containerMeta, file);
        relative = relative[..^".json".Length];
        var segments = relative.Split(Path.DirectorySeparatorChar);
        for (var i = 0; i < segments.Length; i++)
        {
            var decoded = LocalPaths.DecodeSegment(segments[i]);
            if (decoded is null)
            {
                return (await ReadSidecarAsync(file, ct).ConfigureAwait(false))?.Name;
            }

            segments[i] = decoded;
        }

        return string.Join('/', segments);
    }
}
