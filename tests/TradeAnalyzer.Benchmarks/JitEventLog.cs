using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

namespace TradeAnalyzer.Benchmarks;

/// <summary>
/// E2E_JITLOG=N: the N methods whose compilation took longest in the run, from the runtime's own JIT events (an
/// in-process listener on the JIT keyword at verbose level): each method's time from "jitting started" to "method
/// loaded" on the same thread, its IL size, and the total per namespace. Made to see whether the ~2 s of JIT per run
/// is a few large methods (worth splitting or moving off the hot start) or many small ones.
/// </summary>
internal sealed class JitEventLog : EventListener
{
    private const EventKeywords JitKeyword = (EventKeywords)0x10;

    private readonly int _top;
    private readonly ConcurrentDictionary<(long Method, long Thread), (DateTime At, string Name, int IlSize)> _started = new();
    private readonly ConcurrentBag<(string Name, double Ms, int IlSize)> _done = [];

    private JitEventLog(int top) => _top = top;

    public static JitEventLog? StartIfAsked() =>
        int.TryParse(Environment.GetEnvironmentVariable("E2E_JITLOG"), out var top) && top > 0 ? new JitEventLog(top) : null;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, JitKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        switch (e.EventName)
        {
            case "MethodJittingStarted_V1":
                _started[(Convert.ToInt64(Get(e, "MethodID"), CultureInfo.InvariantCulture), e.OSThreadId)] =
                    (e.TimeStamp, $"{Get(e, "MethodNamespace")}::{Get(e, "MethodName")}", Convert.ToInt32(Get(e, "MethodILSize"), CultureInfo.InvariantCulture));
                break;
            case "MethodLoadVerbose_V1":
            case "MethodLoadVerbose_V2":
                if (_started.TryRemove((Convert.ToInt64(Get(e, "MethodID"), CultureInfo.InvariantCulture), e.OSThreadId), out var start))
                {
                    _done.Add((start.Name, (e.TimeStamp - start.At).TotalMilliseconds, start.IlSize));
                }

                break;
        }
    }

    /// <summary>The longest compilations, then the share of the JIT time per namespace (type name up to the last dot).</summary>
    public string Text()
    {
        var all = _done.ToArray();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"  jit events: {all.Length:N0} methods, {all.Sum(m => m.Ms):N0} ms; longest:");
        foreach (var (name, ms, il) in all.OrderByDescending(m => m.Ms).Take(_top))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  jit {ms,8:F1} ms  IL {il,6:N0}  {name}");
        }

        foreach (var group in all.GroupBy(m => Namespace(m.Name)).OrderByDescending(g => g.Sum(m => m.Ms)).Take(_top))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  jit by namespace {group.Sum(m => m.Ms),8:F0} ms {group.Count(),5:N0} methods  {group.Key}");
        }

        return text.ToString();
    }

    private static string Namespace(string name)
    {
        var type = name[..Math.Max(0, name.IndexOf("::", StringComparison.Ordinal))];
        var generic = type.IndexOf('[', StringComparison.Ordinal);
        type = generic >= 0 ? type[..generic] : type;
        var dot = type.LastIndexOf('.');
        return dot > 0 ? type[..dot] : type;
    }

    private static object? Get(EventWrittenEventArgs e, string name)
    {
        var i = e.PayloadNames?.IndexOf(name) ?? -1;
        return i >= 0 && e.Payload is not null ? e.Payload[i] : null;
    }
}
