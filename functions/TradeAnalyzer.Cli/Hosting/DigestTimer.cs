using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TradeAnalyzer.Handlers.Digest;

namespace TradeAnalyzer.Cli.Hosting;

/// <summary>The local timer trigger: catches up missed digests at start, then sleeps until each next occurrence.</summary>
public sealed class DigestTimer : BackgroundService
{
    private readonly WeeklyDigestHandler _handler;
    private readonly TimeProvider _time;
    private readonly ILogger<DigestTimer> _log;

    public DigestTimer(WeeklyDigestHandler handler, TimeProvider time, ILogger<DigestTimer> log)
    {
        _handler = handler;
        _time = time;
        _log = log;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var written = await _handler.RunDueAsync(_time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                foreach (var name in written)
                {
                    _log.LogInformation("Digest written: reports/{Name}", name);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _log.LogError(ex, "Weekly digest failed; it will be caught up at the next run.");
            }

            var next = _handler.NextOccurrence(_time.GetUtcNow());
            var wait = next - _time.GetUtcNow();
            try
            {
                await Task.Delay(wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
