using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

namespace TradeAnalyzer.Benchmarks;

/// <summary>
/// E2E_GCLOG=1: every collection of the run from the runtime's own events (an in-process listener on the GC keyword):
/// when it started (ms since the run started), generation, reason, kind (blocking or background), compacting or not,
/// its pause, and the bytes promoted out of each generation with the generations' sizes after it. Made to see what
/// the first collection after the read's no-GC region does (how long it stops every thread, what it copies).
/// </summary>
internal sealed class GcEventLog : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private readonly DateTime _start = DateTime.UtcNow;
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();
    private double _suspendAt = -1;
    private string? _pending;
    private string _current = "";
    private string _mechanisms = "";

    public static GcEventLog? StartIfAsked() =>
        Environment.GetEnvironmentVariable("E2E_GCLOG") == "1" ? new GcEventLog() : null;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Informational, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        // The runtime's events reach the listener late, on a thread of their own: their own time stamps say when.
        var at = (e.TimeStamp.ToUniversalTime() - _start).TotalMilliseconds;
        lock (_gate)
        {
            switch (e.EventName)
            {
                case "GCSuspendEEBegin_V1" when _suspendAt < 0:
                    _suspendAt = at;
                    break;
                case "GCRestartEEEnd_V1":
                    if (_suspendAt >= 0 && _pending is not null)
                    {
                        _lines.Add(string.Create(CultureInfo.InvariantCulture, $"{_pending} pause {at - _suspendAt:F0} ms"));
                        _pending = null;
                    }

                    _suspendAt = -1;

                    break;
                case "GCStart_V2":
                    _current = string.Create(CultureInfo.InvariantCulture,
                        $"{at,9:F0} ms #{Get(e, "Count")} gen{Get(e, "Depth")} reason={Get(e, "Reason")} type={Get(e, "Type")}");
                    break;
                case "GCGlobalHeapHistory_V2":
                case "GCGlobalHeapHistory_V3":
                case "GCGlobalHeapHistory_V4":
                    _mechanisms = string.Create(CultureInfo.InvariantCulture,
                        $"condemned={Get(e, "CondemnedGeneration")} mech=0x{Convert.ToInt64(Get(e, "GlobalMechanisms"), CultureInfo.InvariantCulture):x}");
                    break;
                case "GCHeapStats_V2":
                    _pending = string.Create(CultureInfo.InvariantCulture,
                        $"{_current} {_mechanisms} end={at:F0} ms promoted g0/g1/g2 {Mb(e, "TotalPromotedSize0")}/{Mb(e, "TotalPromotedSize1")}/{Mb(e, "TotalPromotedSize2")} MiB, sizes {Mb(e, "GenerationSize0")}/{Mb(e, "GenerationSize1")}/{Mb(e, "GenerationSize2")}/{Mb(e, "GenerationSize3")} MiB");
                    break;
            }
        }
    }

    /// <summary>The log, one collection a line (pause: from the suspension before it to the restart after it).</summary>
    public string Text() => Text(0);

    /// <summary>How many collections are logged so far (for <see cref="Text(int)"/>).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _lines.Count;
            }
        }
    }

    /// <summary>The collections logged from the <paramref name="from"/>th on.</summary>
    public string Text(int from)
    {
        lock (_gate)
        {
            var text = new StringBuilder();
            foreach (var line in _lines.Skip(from))
            {
                text.Append("  gc ").AppendLine(line);
            }

            return text.ToString();
        }
    }

    private static object? Get(EventWrittenEventArgs e, string name)
    {
        var i = e.PayloadNames?.IndexOf(name) ?? -1;
        return i >= 0 && e.Payload is not null ? e.Payload[i] : null;
    }

    private static string Mb(EventWrittenEventArgs e, string name) =>
        Get(e, name) is { } v ? (Convert.ToDouble(v, CultureInfo.InvariantCulture) / 1048576.0).ToString("F0", CultureInfo.InvariantCulture) : "?";
}
