using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.Handlers.Ingest;

namespace TradeAnalyzer.Cli.Hosting;

/// <summary>Settings of the local blob watcher.</summary>
public sealed record WatcherOptions
{
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Uploads processed at the same time.</summary>
    public int MaxParallel { get; init; } = 2;

    /// <summary>Wait before a failed upload is tried again (doubles per attempt).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// The local stand-in for the Event Grid blob trigger: polls `incoming/`, hands each new blob (by name and ETag) to
/// the ingest handler with bounded parallelism, and retries failures with backoff. The handler's receipts make a
/// blob's content count once however often it is seen, also across restarts.
/// </summary>
public sealed class BlobWatcher : BackgroundService
{
    private readonly HistoryStore _store;
    private readonly IngestUploadHandler _handler;
    private readonly WatcherOptions _options;
    private readonly ILogger<BlobWatcher> _log;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _handled = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);

    public BlobWatcher(HistoryStore store, IngestUploadHandler handler, WatcherOptions options, ILogger<BlobWatcher> log)
    {
        _store = store;
        _handler = handler;
        _options = options;
        _log = log;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = Channel.CreateBounded<string>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.Wait });
        var queued = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        var workers = Enumerable.Range(0, Math.Max(1, _options.MaxParallel)).Select(worker => Task.Run(async () =>
        {
            await foreach (var key in queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                var name = key[..key.LastIndexOf('|')];
                try
                {
                    var result = await _handler.HandleAsync(name, stoppingToken).ConfigureAwait(false);
                    _log.LogInformation("{Result}", result.ToString());
                    if (result.Outcome is IngestOutcome.Failed or IngestOutcome.InProgress)
                    {
                        var n = _failures.AddOrUpdate(key, 1, (_, v) => v + 1);
                        _handled[key] = DateTimeOffset.UtcNow + _options.RetryDelay * Math.Pow(2, Math.Min(n, 6));
                    }
                    else
                    {
                        _handled[key] = DateTimeOffset.MaxValue;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _log.LogError(ex, "Ingest of {Blob} failed unexpectedly.", name);
                    _handled[key] = DateTimeOffset.UtcNow + _options.RetryDelay;
                }
                finally
                {
                    queued.TryRemove(key, out _);
                }
            }
        }, stoppingToken)).ToList();

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var blob in _store.Blobs.ListAsync(StoreLayout.Incoming, null, stoppingToken).ConfigureAwait(false))
                {
                    var key = blob.Name + "|" + blob.ETag;
                    if (_handled.TryGetValue(key, out var until) && until > DateTimeOffset.UtcNow)
                    {
                        continue;
                    }

                    if (queued.TryAdd(key, 0))
                    {
                        await queue.Writer.WriteAsync(key, stoppingToken).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _log.LogWarning(ex, "Listing incoming/ failed; trying again.");
            }

            try
            {
                await Task.Delay(_options.PollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        queue.Writer.TryComplete();
        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: an upload cut short keeps its "processing" receipt and is taken over after the claim timeout.
        }
    }
}
