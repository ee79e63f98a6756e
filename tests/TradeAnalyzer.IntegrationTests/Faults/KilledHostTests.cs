using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.IntegrationTests.Hosting;
using TradeAnalyzer.Storage;

namespace TradeAnalyzer.IntegrationTests.Faults;

/// <summary>
/// Issue 7 (a): `serve` killed with SIGKILL in the middle of an ingest (baselines half merged), then restarted: the
/// upload is processed exactly once (one Done receipt, no flag or baseline counted twice).
/// </summary>
public sealed class KilledHostTests
{
    /// <summary>Scenarios run until one kill lands mid-ingest (the kill is timed by polling the store from outside).</summary>
    private const int Attempts = 3;

    [Fact]
    public async Task A_host_killed_mid_ingest_and_restarted_processes_the_upload_exactly_once()
    {
        var expected = await FaultScenarios.CleanReferenceAsync();
        var finished = new List<UploadStatus>();
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            // The kill is a precondition, not the behaviour under test: when the host finished the upload before this
            // process saw the flags and killed it (a fast run, a slow poll), the scenario is set up again on a new store.
            if (await KillMidIngestThenRestartAsync(expected) is not { } status)
            {
                return;
            }

            finished.Add(status);
        }

        Assert.Fail($"in {Attempts} attempts the upload finished before the kill ({string.Join(", ", finished)}); the sample is too small for this test");
    }

    /// <summary>
    /// Kills the host once flags land, restarts it and checks the upload was processed exactly once; null when done, or
    /// the receipt's status when the upload was no longer in progress at the kill (nothing checked).
    /// </summary>
    private static async Task<UploadStatus?> KillMidIngestThenRestartAsync(Fingerprint expected)
    {
        using var azurite = new AzuriteProcess();
        var (blobs, tables) = StorageFactory.Create(null, azurite.ConnectionString, null, null, null);
        var store = new HistoryStore(blobs, tables);
        await store.EnsureCreatedAsync();
        var bytes = FaultScenarios.LargeDeclarations;
        var uploadId = FaultScenarios.UploadId(bytes);

        using (var first = new ServeProcess(["--connection", azurite.ConnectionString], AzuriteProcess.FreePort(), null, "--claim-timeout-seconds", "3"))
        {
            await HostingSamples.PutIncomingAsync(blobs, "declarations/large.csv", bytes);

            // Kill as soon as the flags start landing: exporters, the report and the baselines (last) are still to come.
            await ServeEndToEndTests.WaitUntilAsync(async () => await AnyAsync(tables.QueryAllAsync(StoreLayout.FlagsTable)), TimeSpan.FromSeconds(120), first);
            first.KillHard();
        }

        var mid = await FaultScenarios.FingerprintAsync(store);
        var claimed = Assert.Single(mid.Receipts);
        if (claimed.Status != UploadStatus.Processing)
        {
            return claimed.Status;
        }

        await FaultScenarios.AssertNoHalfReportAsync(blobs, uploadId);

        // The restarted host takes the stale claim over after the claim timeout (here from the environment variable).
        var environment = new Dictionary<string, string> { ["TRADEANALYZER_CLAIM_TIMEOUT_SECONDS"] = "3" };
        using var second = new ServeProcess(["--connection", azurite.ConnectionString], AzuriteProcess.FreePort(), environment);
        await ServeEndToEndTests.WaitUntilAsync(
            async () => (await store.GetReceiptAsync(claimed.Sha256))?.Status == UploadStatus.Done,
            TimeSpan.FromSeconds(150),
            second);
        second.Signal("INT");
        Assert.True(second.WaitForExit(TimeSpan.FromSeconds(30)), second.Output);
        Assert.Equal(0, second.ExitCode);

        var after = await FaultScenarios.FingerprintAsync(store);
        FaultScenarios.AssertSameAsOneIngest(expected, after);
        Assert.Equal(2, after.Receipts[0].Attempts);
        var files = await FaultScenarios.ReportFilesAsync(blobs, uploadId);
        Assert.Contains(StoreLayout.UploadReportPrefix(uploadId) + "summary.json", files);
        Assert.Contains(StoreLayout.UploadReportPrefix(uploadId) + "report.xlsx", files);
        return null;
    }

    internal static async Task<bool> AnyAsync<T>(IAsyncEnumerable<T> items)
    {
        await foreach (var _ in items)
        {
            return true;
        }

        return false;
    }
}
