using System.Diagnostics;
using TradeAnalyzer.Handlers.Analysis;

namespace TradeAnalyzer.Cli.Console;

/// <summary>
/// Progress for long work on stderr: one line per file every second or so with rows/s and percent of bytes, so a
/// redirected log stays readable and the terminal is never flooded. Thread-safe (files are read in parallel).
/// </summary>
internal sealed class ConsoleProgress : IProgress<PipelineProgress>
{
    private readonly TextWriter _err;
    private readonly bool _enabled;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, (long Ms, long Rows)> _last = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public ConsoleProgress(TextWriter err, bool enabled)
    {
        _err = err;
        _enabled = enabled;
    }

    public void Report(PipelineProgress value)
    {
        if (!_enabled)
        {
            return;
        }

        lock (_gate)
        {
            var now = _clock.ElapsedMilliseconds;
            if (value.Rows == 0 && value.Bytes == 0)
            {
                _err.WriteLine($"[{now / 1000.0,6:F1}s] {value.Stage}");
                return;
            }

            var done = value.TotalBytes > 0 && value.Bytes >= value.TotalBytes;
            if (_last.TryGetValue(value.Stage, out var last) && now - last.Ms < 1000 && !done)
            {
                return;
            }

            var first = _last.TryGetValue(value.Stage, out var start) ? start : (Ms: 0L, Rows: 0L);
            _last[value.Stage] = (now, value.Rows);
            var seconds = Math.Max(0.001, (now - first.Ms) / 1000.0);
            var rate = (value.Rows - first.Rows) / seconds;
            var percent = value.TotalBytes > 0 ? $" {100.0 * value.Bytes / value.TotalBytes,5:F1}%" : string.Empty;
            _err.WriteLine($"[{now / 1000.0,6:F1}s] {value.Stage}: {value.Rows:N0} rows{percent} ({rate:N0} rows/s)");
        }
    }
}
