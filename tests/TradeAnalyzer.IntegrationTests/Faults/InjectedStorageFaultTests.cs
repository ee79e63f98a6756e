using Azure.Core;
using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.Handlers.Ingest;
using TradeAnalyzer.IntegrationTests.Handlers;
using TradeAnalyzer.IntegrationTests.Hosting;
using TradeAnalyzer.IntegrationTests.Storage;
using TradeAnalyzer.Storage;

namespace TradeAnalyzer.IntegrationTests.Faults;

/// <summary>
/// Issue 7 (c): storage errors injected through the HTTP pipeline during an ingest (500s, connection resets, responses
/// lost after the write happened) are retried by the client and the upload completes, counted once.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class InjectedStorageFaultTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Storage_errors_during_ingest_are_retried_to_success_and_counted_once()
    {
        ArgumentNullException.ThrowIfNull(azurite);
        var expected = await FaultScenarios.CleanReferenceAsync();
        var prefix = "flt" + Guid.NewGuid().ToString("N")[..8];
        var (cleanBlobs, cleanTables) = StorageFactory.Create(null, azurite.ConnectionString, null, null, null);
        var clean = new HistoryStore(new PrefixedBlobStore(cleanBlobs, prefix), new PrefixedTableStore(cleanTables, prefix.ToUpperInvariant()));
        await clean.EnsureCreatedAsync();
        await HostingSamples.PutIncomingAsync(clean.Blobs, "declarations/large.csv", FaultScenarios.LargeDeclarations);

        var options = new StorageClientOptions();
        options.Retry.MaxRetries = 5;
        options.Retry.Delay = TimeSpan.FromMilliseconds(5);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(20);
        var faults = new BurstFaultPolicy(every: 7, failuresPerBurst: 3);
        options.AddPolicy(faults, HttpPipelinePosition.PerRetry);
        var (blobs, tables) = StorageFactory.Create(null, azurite.ConnectionString, null, null, null, options);
        var faulty = new HistoryStore(new PrefixedBlobStore(blobs, prefix), new PrefixedTableStore(tables, prefix.ToUpperInvariant()));
        var handler = new IngestUploadHandler(faulty, new IngestOptions { ClaimTimeout = TimeSpan.FromSeconds(1) });

        var outcomes = new List<IngestOutcome>();
        for (var i = 0; i < 4 && !outcomes.Contains(IngestOutcome.Processed); i++)
        {
            outcomes.Add((await handler.HandleAsync("declarations/large.csv")).Outcome);
            if (outcomes[^1] != IngestOutcome.Processed)
            {
                await Task.Delay(TimeSpan.FromSeconds(1.1));
            }
        }

        Assert.True(faults.FaultedRequests > 20, $"only {faults.FaultedRequests} requests met faults");
        Assert.Equal([IngestOutcome.Processed], outcomes);
        FaultScenarios.AssertSameAsOneIngest(expected, await FaultScenarios.FingerprintAsync(clean));
        Assert.Contains(StoreLayout.UploadReportPrefix(FaultScenarios.UploadId(FaultScenarios.LargeDeclarations)) + "summary.json", await FaultScenarios.ReportFilesAsync(clean.Blobs, FaultScenarios.UploadId(FaultScenarios.LargeDeclarations)));
    }
}
