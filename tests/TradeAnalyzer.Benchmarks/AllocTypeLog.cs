using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

namespace TradeAnalyzer.Benchmarks;

/// <summary>
/// STAGES_ALLOCLOG=N: the bytes each stage allocated by type, from the runtime's allocation-tick events (one event about
/// every 100 KB allocated, naming the type of the allocation that crossed the mark, so small figures are estimates),
/// the N largest types printed under each stage's line. Made to see what a stage's MiB are (key blocks, arrays, lists).
/// </summary>
internal sealed class AllocTypeLog : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private readonly int _top;

    private AllocTypeLog(int top) => _top = top;

    public static AllocTypeLog? StartIfAsked() =>
        int.TryParse(Environment.GetEnvironmentVariable("STAGES_ALLOCLOG"), out var top) && top > 0 ? new AllocTypeLog(top) : null;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is not null && e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) && e.PayloadNames is { } names && e.Payload is { } payload)
        {
            var amount = names.IndexOf("AllocationAmount64") is >= 0 and var a ? Convert.ToInt64(payload[a], CultureInfo.InvariantCulture) : 100_000;
            var type = names.IndexOf("TypeName") is >= 0 and var t ? payload[t] as string ?? "?" : "?";
            _bytes.AddOrUpdate(type, amount, (_, sum) => sum + amount);
        }
    }

    /// <summary>The largest types since the last call (the runtime's events arrive late: wait a little before), then starts afresh.</summary>
    public string TakeText()
    {
        Thread.Sleep(300);
        var snapshot = _bytes.ToArray();
        _bytes.Clear();
        var text = new StringBuilder();
        foreach (var (type, bytes) in snapshot.OrderByDescending(p => p.Value).Take(_top))
        {
            text.Append(CultureInfo.InvariantCulture, $"    alloc {bytes / 1048576.0,7:F1} MiB  {type}").AppendLine();
        }

        return text.ToString();
    }
}
