using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.Handlers.Ingest;
using TradeAnalyzer.IntegrationTests.Hosting;
using TradeAnalyzer.Storage;

namespace TradeAnalyzer.IntegrationTests.Faults;

/// <summary>
/// Issue 7 (b): Azurite (data on disk) stopped in the middle of an ingest and started again. The handler fails (to be
/// retried) or completes; a report folder without summary.json is never taken as complete; after the restart the
/// retry completes the upload with nothing counted twice.
/// </summary>
public sealed class StorageOutageTests
{
    [Fact]
    public async Task Storage_stopped_mid_ingest_then_restarted_never_leaves_a_half_report_or_double_counts()
    {
        var expected = await FaultScenarios.CleanReferenceAsync();
        using var azurite = new AzuriteProcess();
        var options = new StorageClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(50);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(200);
        var (blobs, tables) = StorageFactory.Create(null, azurite.ConnectionString, null, null, null, options);
        var store = new HistoryStore(blobs, tables);
        await store.EnsureCreatedAsync();
        var bytes = FaultScenarios.LargeDeclarations;
        var uploadId = FaultScenarios.UploadId(bytes);
        var prefix = StoreLayout.UploadReportPrefix(uploadId);
        await HostingSamples.PutIncomingAsync(blobs, "declarations/large.csv", bytes);
        var handler = new IngestUploadHandler(store, new IngestOptions { ClaimTimeout = TimeSpan.FromSeconds(1) });

        var run = Task.Run(() => handler.HandleAsync("declarations/large.csv"));
        await ServeEndToEndTests.WaitUntilAsync(async () => run.IsCompleted || await KilledHostTests.AnyAsync(tables.QueryAllAsync(StoreLayout.FlagsTable)), TimeSpan.FromSeconds(120));
        azurite.Stop();
        IngestResult? first = null;
        try
        {
            first = await run;
        }
        catch (StorageException ex)
        {
            // The failure could not even be recorded (storage down): the host's watcher logs it and tries again.
            Assert.Equal("TransportError", ex.ErrorCode);
        }

        // Stopped once flags started landing, with exporters, the report and the baselines still to write: the run cannot have completed (if it did, the sample is too small for the test to mean anything).
        Assert.True(first is null || first.Outcome is IngestOutcome.Failed, $"expected a failed run, got {first}");
        azurite.Start();

        if (first?.Outcome != IngestOutcome.Processed)
        {
            var mid = await FaultScenarios.FingerprintAsync(store);
            var receipt = Assert.Single(mid.Receipts);
            Assert.NotEqual(UploadStatus.Done, receipt.Status);
            await FaultScenarios.AssertNoHalfReportAsync(blobs, uploadId);

            // The receipt is not Done: the retry finishes the upload (or, when the report was complete, only its merge).
            await Task.Delay(TimeSpan.FromSeconds(1.1));
            var again = await handler.HandleAsync("declarations/large.csv");
            Assert.Equal(IngestOutcome.Processed, again.Outcome);
        }

        var after = await FaultScenarios.FingerprintAsync(store);
        FaultScenarios.AssertSameAsOneIngest(expected, after);
        Assert.Contains(prefix + "summary.json", await FaultScenarios.ReportFilesAsync(blobs, uploadId));
        Assert.Equal(IngestOutcome.Duplicate, (await handler.HandleAsync("declarations/large.csv")).Outcome);
    }
}
