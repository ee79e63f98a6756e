using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.Handlers.Ingest;
using TradeAnalyzer.IntegrationTests.Handlers;
using TradeAnalyzer.IntegrationTests.Hosting;
using TradeAnalyzer.Storage;
using TradeAnalyzer.Tests;

namespace TradeAnalyzer.IntegrationTests.Faults;

/// <summary>
/// A host stopped gracefully (Ctrl-C) in the middle of an ingest gives the claim back, so the next start processes the
/// upload at once (not after the 10-minute claim timeout), exactly once, and the interruption is not counted as an attempt.
/// The stop lands in the baselines merge (the last and shortest step) deterministically: the merge is held after its
/// first batch until the stop, so the test does not depend on the machine being slow enough to poll it mid-way.
/// </summary>
public sealed class InterruptedIngestTests
{
    [Fact]
    public async Task An_ingest_cancelled_mid_way_is_taken_over_at_once_by_the_next_host()
    {
        var expected = await FaultScenarios.CleanReferenceAsync();
        var dir = Path.Combine(Path.GetTempPath(), "ta-interrupt-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = await HostingSamples.LocalStoreAsync(dir);
            await HostingSamples.PutIncomingAsync(store.Blobs, "declarations/large.csv", FaultScenarios.LargeDeclarations);
            using var stop = new CancellationTokenSource();

            // Stopped mid-merge, whatever the machine's speed: the first baselines batch goes in, the others wait for the stop.
            var merging = new PausedAfterFirstBaselinesBatch(store.Tables);
            var run = Task.Run(() => new IngestUploadHandler(new HistoryStore(store.Blobs, merging)).HandleAsync("declarations/large.csv", stop.Token));
            await Task.WhenAny(merging.FirstBatchWritten, run).WaitAsync(TimeSpan.FromSeconds(120));
            Assert.False(run.IsCompleted, "the ingest finished before its baselines merge");
            Assert.True(await KilledHostTests.AnyAsync(store.Tables.QueryAllAsync(StoreLayout.BaselinesTable)));
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

            var released = Assert.Single((await FaultScenarios.FingerprintAsync(store)).Receipts);
            Assert.Equal(UploadStatus.Failed, released.Status);
            Assert.Equal(0, released.Attempts);

            // Default options: a 10-minute claim timeout would make this InProgress without the release.
            var next = await new IngestUploadHandler(store).HandleAsync("declarations/large.csv");
            Assert.Equal(IngestOutcome.Processed, next.Outcome);
            var after = await FaultScenarios.FingerprintAsync(store);
            FaultScenarios.AssertSameAsOneIngest(expected, after);
            Assert.Equal(1, after.Receipts[0].Attempts);
        }
        finally
        {
            TestTemp.TryDelete(dir);
        }
    }
}

/// <summary>A table store that lets the first Baselines batch through, then holds every later one until cancelled.</summary>
internal sealed class PausedAfterFirstBaselinesBatch(ITableStore inner) : DelegatingTableStore(inner)
{
    private readonly TaskCompletionSource first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int batches;

    /// <summary>Completes once the first Baselines batch is stored.</summary>
    public Task FirstBatchWritten => first.Task;

    public override async Task SubmitBatchAsync(string table, IReadOnlyList<TableOperation> operations, CancellationToken ct = default)
    {
        if (table != StoreLayout.BaselinesTable)
        {
            await Inner.SubmitBatchAsync(table, operations, ct);
            return;
        }

        if (Interlocked.Increment(ref batches) > 1)
        {
            await Task.Delay(Timeout.Infinite, ct);
        }

        await Inner.SubmitBatchAsync(table, operations, ct);
        first.TrySetResult();
    }
}
