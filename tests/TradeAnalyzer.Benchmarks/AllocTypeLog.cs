using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

namespace TradeAnalyzer.Benchmarks;

/// <summary>
/// The bytes allocated by type, from the runtime's allocation-tick events (one event about every 100 KB a thread
/// allocates, naming the type of the allocation that crossed the mark: large objects are all seen, small ones in
/// proportion to their bytes, so small figures are estimates). Asked for by STAGES_ALLOCLOG=N (the N largest types under
/// each stage's line) or INGEST_ALLOCS=N (what the reads allocate, after them). Made to see what a stage's MiB are (key
/// blocks, arrays, lists) and what a read allocates that dies with it.
/// </summary>
internal sealed class AllocTypeLog : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private readonly ConcurrentDictionary<string, (long Bytes, long Large)> _bytes = new(StringComparer.Ordinal);
    private readonly int _top;

    private AllocTypeLog(int top) => _top = top;

    /// <summary>A log if the environment variable <paramref name="variable"/> asks for one (a number of types above 0).</summary>
    public static AllocTypeLog? StartIfAsked(string variable) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), CultureInfo.InvariantCulture, out var top) && top > 0 ? new AllocTypeLog(top) : null;

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
            var large = names.IndexOf("AllocationKind") is >= 0 and var k && Convert.ToInt32(payload[k], CultureInfo.InvariantCulture) == 1 ? amount : 0;
            _bytes.AddOrUpdate(type, (amount, large), (_, sum) => (sum.Bytes + amount, sum.Large + large));
        }
    }

    /// <summary>The largest types since the last call (the runtime's events arrive late: waits a little first), then starts afresh.</summary>
    public string TakeText()
    {
        Thread.Sleep(300);
        var snapshot = _bytes.ToArray();
        _bytes.Clear();
        var total = snapshot.Sum(p => p.Value.Bytes);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"    allocation ticks: {total / 1048576.0:N0} MiB sampled").AppendLine();
        foreach (var (type, (bytes, large)) in snapshot.OrderByDescending(p => p.Value.Bytes).Take(_top))
        {
            text.Append(CultureInfo.InvariantCulture,
                $"    alloc {bytes / 1048576.0,7:F1} MiB {100.0 * bytes / Math.Max(1, total),5:F1}% (large {large / 1048576.0:F1})  {type}").AppendLine();
        }

        return text.ToString();
    }
}
