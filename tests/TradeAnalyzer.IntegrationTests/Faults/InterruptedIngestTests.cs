using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.Handlers.Ingest;
using TradeAnalyzer.IntegrationTests.Hosting;

namespace TradeAnalyzer.IntegrationTests.Faults;

/// <summary>
/// A host stopped gracefully (Ctrl-C) in the middle of an ingest gives the claim back, so the next start processes the
/// upload at once (not after the 10-minute claim timeout), exactly once, and the interruption is not counted as an attempt.
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
            var run = Task.Run(() => new IngestUploadHandler(store).HandleAsync("declarations/large.csv", stop.Token));
            await ServeEndToEndTests.WaitUntilAsync(async () => run.IsCompleted || await KilledHostTests.AnyAsync(store.Tables.QueryAllAsync(StoreLayout.BaselinesTable)), TimeSpan.FromSeconds(120));
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
            HostingSamples.TryDelete(dir);
        }
    }
}
