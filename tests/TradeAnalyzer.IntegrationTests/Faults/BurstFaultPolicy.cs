using System.Runtime.CompilerServices;
using Azure.Core;
using Azure.Core.Pipeline;
using TradeAnalyzer.IntegrationTests.Storage;

namespace TradeAnalyzer.IntegrationTests.Faults;

/// <summary>
/// Every <c>every</c>-th storage request meets a <see cref="FaultInjectionPolicy"/> of its own: its first attempts get
/// a 500, a connection reset before sending and a response lost after the server handled the request (so the retry
/// repeats a write that already happened); later attempts go through. Placed per retry.
/// </summary>
internal sealed class BurstFaultPolicy(int every, int failuresPerBurst) : HttpPipelinePolicy
{
    private readonly ConditionalWeakTable<HttpMessage, FaultInjectionPolicy?> bursts = new();
    private int requests;
    private int faulted;

    /// <summary>Requests that met a burst of faults.</summary>
    public int FaultedRequests => faulted;

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var burst = bursts.GetValue(message, _ =>
        {
            if (Interlocked.Increment(ref requests) % every != 0)
            {
                return null;
            }

            Interlocked.Increment(ref faulted);
            return new FaultInjectionPolicy(failuresPerBurst);
        });
        if (burst is null)
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        else
        {
            await burst.ProcessAsync(message, pipeline).ConfigureAwait(false);
        }
    }
}
