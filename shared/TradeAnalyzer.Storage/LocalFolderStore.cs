using System.Text;
using TradeAnalyzer.Storage.Local;

namespace TradeAnalyzer.Storage;

/// <summary>
/// The embedded default store: a folder with the same shape as the storage account. Blobs live at
/// root/blobs/{container}/{name} with sidecar JSON (properties, metadata, lease) under root/.meta/blobs;
/// entities in an append-only log per partition, root/tables/{table}/{partition}/partition.log (see
/// <see cref="PartitionLog"/>; entity files {row}.json of older stores are still read). Writes are atomic (blobs:
/// temp file + rename; entities: one checksummed log record per operation or batch), ETags and leases follow
/// Azure's conditional semantics, and read-modify-write is serialised across threads and processes by lock files
/// opened with <see cref="FileShare.None"/>. Names are validated and encoded so nothing can escape the root.
/// </summary>
public sealed partial class LocalFolderStore : IBlobStore, ITableStore
{
    private readonly string root;
    private readonly string blobsRoot;
    private readonly string metaRoot;
    private readonly string tablesRoot;
    private readonly string locksRoot;
    private readonly string tempRoot;
    private readonly TimeProvider time;

    /// <summary>In-process queues in front of the lock files, by lock file path.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> localLocks = new(StringComparer.Ordinal);

    /// <summary>Opens (creating when needed) a store rooted at <paramref name="rootDirectory"/>.</summary>
    public LocalFolderStore(string rootDirectory, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        root = Path.GetFullPath(rootDirectory);
        blobsRoot = Path.Combine(root, "blobs");
        metaRoot = Path.Combine(root, ".meta", "blobs");
        tablesRoot = Path.Combine(root, "tables");
        locksRoot = Path.Combine(root, ".locks");
        tempRoot = Path.Combine(root, ".tmp");
        time = timeProvider ?? TimeProvider.System;
        Directory.CreateDirectory(blobsRoot);
        Directory.CreateDirectory(metaRoot);
        Directory.CreateDirectory(tablesRoot);
        Directory.CreateDirectory(locksRoot);
        Directory.CreateDirectory(tempRoot);
    }

    /// <summary>How many in-process lock queues are kept before the set is rebuilt.</summary>
    private const int MaxLocalLocks = 65536;

    /// <summary>The absolute root folder.</summary>
    public string RootDirectory => root;

    /// <summary>How long an operation waits for a lock held by another thread or process.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    private DateTimeOffset Now => time.GetUtcNow();

    private static string NewETag() => "\"0x" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant() + "\"";

    private static string EncodeToken(string value) => Convert.ToBase64String(Encoding.UTF8.GetBytes(value));

    private static string DecodeToken(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException ex)
        {
            throw new ArgumentException("Invalid continuation token.", nameof(token), ex);
        }
    }

    /// <summary>
    /// Takes the lock of a partition or blob: threads of this process queue on an in-process semaphore (woken in
    /// turn, no polling), and the holder then takes the lock file, which other processes poll for.
    /// </summary>
    private async Task<IDisposable> LockAsync(string kind, string key, CancellationToken ct)
    {
        var path = Path.Combine(locksRoot, LocalPaths.Hash(kind + "\n" + key)[..40] + ".lock");
        if (localLocks.Count > MaxLocalLocks)
        {
            // Bounded on a long-lived host; the lock files still exclude everyone while this is rebuilt.
            localLocks.Clear();
        }

        var local = localLocks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
        if (!await local.WaitAsync(LockTimeout, ct).ConfigureAwait(false))
        {
            throw new StorageException(503, "LockTimeout", "Timed out waiting for a local store lock.");
        }

        try
        {
            return new HeldLock(await FileLock.AcquireAsync(path, LockTimeout, ct).ConfigureAwait(false), local);
        }
        catch
        {
            local.Release();
            throw;
        }
    }

    /// <summary>A lock file held together with its in-process semaphore.</summary>
    private sealed class HeldLock(FileLock file, SemaphoreSlim local) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                file.Dispose();
                local.Release();
            }
        }
    }

    private string NewTempPath() => Path.Combine(tempRoot, Guid.NewGuid().ToString("N") + ".tmp");

    /// <summary>Writes bytes to a temp file and renames it over <paramref name="path"/> (atomic replace).</summary>
    private async Task WriteAtomicAsync(string path, byte[] bytes, CancellationToken ct)
    {
        var temp = NewTempPath();
        try
        {
            await File.WriteAllBytesAsync(temp, bytes, ct).ConfigureAwait(false);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Removes empty directories from <paramref name="dir"/> up to (excluding) <paramref name="stop"/>.</summary>
    private static void PruneEmptyDirectories(string? dir, string stop)
    {
        while (dir is not null && dir.Length > stop.Length && dir.StartsWith(stop, StringComparison.Ordinal))
        {
            try
            {
                if (Directory.EnumerateFileSystemEntries(dir).Any())
                {
                    return;
                }

                Directory.Delete(dir);
            }
            catch (IOException)
            {
                return;
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }

            dir = Path.GetDirectoryName(dir);
        }
    }

    private static async Task<byte[]?> TryReadAllBytesAsync(string path, CancellationToken ct)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }
}
