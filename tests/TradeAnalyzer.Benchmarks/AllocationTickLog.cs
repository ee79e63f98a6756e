using System.Diagnostics.Tracing;
using System.Globalization;

namespace TradeAnalyzer.Benchmarks;

/// <summary>
/// INGEST_ALLOCS=N: the runtime's allocation ticks (one event per ~100 KB a thread allocates, naming the type of the
/// object that crossed the mark) summed per type, the N largest printed after the reads: a sampled picture of what a
/// read allocates (large objects are all seen, small ones in proportion to their bytes).
/// </summary>
internal sealed class AllocationTickLog : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Dictionary<string, (long Bytes, int Ticks, long Large)> _byType = [];
    private readonly Lock _gate = new();

    public static AllocationTickLog? StartIfAsked(out int top)
    {
        top = int.TryParse(Environment.GetEnvironmentVariable("INGEST_ALLOCS"), CultureInfo.InvariantCulture, out var n) ? n : 0;
        return top > 0 ? new AllocationTickLog() : null;
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.PayloadNames is null)
        {
            return;
        }

        var type = e.Payload![e.PayloadNames.IndexOf("TypeName")] as string ?? "?";
        var amount = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount64")], CultureInfo.InvariantCulture);
        var large = Convert.ToInt32(e.Payload[e.PayloadNames.IndexOf("AllocationKind")], CultureInfo.InvariantCulture) == 1;
        lock (_gate)
        {
            var (bytes, ticks, lohBytes) = _byType.GetValueOrDefault(type);
            _byType[type] = (bytes + amount, ticks + 1, lohBytes + (large ? amount : 0));
        }
    }

    public void Print(int top)
    {
        lock (_gate)
        {
            var total = _byType.Values.Sum(v => v.Bytes);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"allocation ticks: {total / 1048576.0:N0} MiB sampled"));
            foreach (var (type, v) in _byType.OrderByDescending(p => p.Value.Bytes).Take(top))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {v.Bytes / 1048576.0,8:N1} MiB {100.0 * v.Bytes / total,5:N1}% ticks {v.Ticks,6} (large {v.Large / 1048576.0:N1} MiB) {type}"));
            }
        }
    }
}
