namespace TradeAnalyzer.Storage.Local;

/// <summary>
/// A cross-process exclusive lock: a lock file opened with <see cref="FileShare.None"/> (flock on Unix,
/// share mode on Windows), held until disposed. Lock files are never deleted, which keeps the protocol race free.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private readonly FileStream stream;

    private FileLock(FileStream stream) => this.stream = stream;

    /// <summary>Waits (polling with jitter) until the lock is free, or throws after <paramref name="timeout"/>.</summary>
    public static async Task<FileLock> AcquireAsync(string path, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = 1;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                var fs = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
                return new FileLock(fs);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(Random.Shared.Next(delay, delay * 2 + 1), ct).ConfigureAwait(false);
                delay = Math.Min(delay * 2, 50);
            }
            catch (UnauthorizedAccessException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(Random.Shared.Next(delay, delay * 2 + 1), ct).ConfigureAwait(false);
                delay = Math.Min(delay * 2, 50);
            }
            catch (IOException ex)
            {
                throw new StorageException(503, "LockTimeout", "Timed out waiting for a local store lock.", ex);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => stream.Dispose();
}
