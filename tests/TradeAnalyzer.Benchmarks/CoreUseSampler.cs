using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace TradeAnalyzer.Benchmarks;

/// <summary>
/// Samples the process's CPU time every <see cref="IntervalMs"/> ms on a thread of its own, to show how many cores a
/// run keeps busy over time: stretches where one of the two cores idles (a stage's tail, a single-threaded step, a
/// blocking GC) cost wall time that no CPU saving shows.
/// </summary>
internal sealed class CoreUseSampler : IDisposable
{
    public const int IntervalMs = 100;

    private readonly List<(double WallMs, double CpuMs)> _samples = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Thread _thread;
    private volatile bool _stop;

    public CoreUseSampler()
    {
        Sample();
        _thread = new Thread(Run) { IsBackground = true, Name = "core-use sampler" };
        _thread.Start();
    }

    /// <summary>Milliseconds since the sampler started.</summary>
    public double ElapsedMs => _clock.Elapsed.TotalMilliseconds;

    /// <summary>Cores busy on average between two moments (ms since the start), from the samples around them.</summary>
    public double CoresBetween(double fromMs, double toMs)
    {
        var (w0, c0) = At(fromMs);
        var (w1, c1) = At(toMs);
        return w1 > w0 ? (c1 - c0) / (w1 - w0) : 0;
    }

    /// <summary>
    /// One character per <paramref name="bucketMs"/>: '.' under 0.5 cores busy, '-' under 1, '=' under 1.5, '#' from
    /// 1.5; a '|' before the bucket where each of <paramref name="marksMs"/> falls.
    /// </summary>
    public string Strip(double bucketMs, IReadOnlyList<double> marksMs)
    {
        var end = ElapsedMs;
        var text = new StringBuilder();
        var mark = 0;
        for (var from = 0.0; from < end; from += bucketMs)
        {
            while (mark < marksMs.Count && marksMs[mark] < from + bucketMs)
            {
                text.Append('|');
                mark++;
            }

            var cores = CoresBetween(from, Math.Min(end, from + bucketMs));
            text.Append(cores < 0.5 ? '.' : cores < 1 ? '-' : cores < 1.5 ? '=' : '#');
        }

        return text.ToString();
    }

    /// <summary>Core-seconds left idle between two moments on a machine of <see cref="Environment.ProcessorCount"/> cores.</summary>
    public string IdleBetween(double fromMs, double toMs)
    {
        var cores = CoresBetween(fromMs, toMs);
        var idle = (Environment.ProcessorCount - cores) * (toMs - fromMs) / 1000;
        return string.Create(CultureInfo.InvariantCulture, $"{cores:F2} cores busy, {idle:F1} core-s idle");
    }

    public void Dispose()
    {
        if (_stop)
        {
            return;
        }

        _stop = true;
        _thread.Join();
        Sample();
    }

    private void Run()
    {
        while (!_stop)
        {
            Thread.Sleep(IntervalMs);
            Sample();
        }
    }

    private void Sample()
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
        lock (_samples)
        {
            _samples.Add((_clock.Elapsed.TotalMilliseconds, cpu));
        }
    }

    /// <summary>CPU at a moment, interpolated between the samples around it.</summary>
    private (double WallMs, double CpuMs) At(double ms)
    {
        lock (_samples)
        {
            var i = 1;
            while (i < _samples.Count - 1 && _samples[i].WallMs < ms)
            {
                i++;
            }

            var (w0, c0) = _samples[Math.Max(0, i - 1)];
            var (w1, c1) = _samples[Math.Min(i, _samples.Count - 1)];
            var cpu = w1 > w0 ? c0 + ((c1 - c0) * Math.Clamp((ms - w0) / (w1 - w0), 0, 1)) : c1;
            return (ms, cpu);
        }
    }
}
