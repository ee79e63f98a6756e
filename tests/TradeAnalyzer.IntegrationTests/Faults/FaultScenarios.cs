using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.Handlers.Ingest;
using TradeAnalyzer.IntegrationTests.Hosting;
using TradeAnalyzer.SampleData;
using TradeAnalyzer.Storage;
using TradeAnalyzer.Tests;

namespace TradeAnalyzer.IntegrationTests.Faults;

/// <summary>Shared pieces of the fault tests: a larger sample, a clean reference ingest, and store fingerprints.</summary>
internal static class FaultScenarios
{
    private static readonly Lazy<byte[]> Large = new(() =>
    {
        var dir = TestTemp.Folder("fault-samples");
        if (!File.Exists(Path.Combine(dir, "declarations.csv")))
        {
            SampleGenerator.Write(dir, new SampleOptions { Shipments = LargeShipments, Seed = 5 });
        }

        return File.ReadAllBytes(Path.Combine(dir, "declarations.csv"));
    });

    private static readonly SemaphoreSlim ReferenceLock = new(1, 1);
    private static Fingerprint? reference;

    /// <summary>Shipments of the larger sample (enough for an ingest of several seconds, so a fault lands mid-way).</summary>
    public const int LargeShipments = 6000;

    /// <summary>The larger declarations file.</summary>
    public static byte[] LargeDeclarations => Large.Value;

    /// <summary>What one clean ingest of <see cref="LargeDeclarations"/> leaves in an empty store (computed once, local folder).</summary>
    public static async Task<Fingerprint> CleanReferenceAsync()
    {
        await ReferenceLock.WaitAsync();
        try
        {
            if (reference is null)
            {
                var dir = Path.Combine(Path.GetTempPath(), "ta-fault-ref-" + Guid.NewGuid().ToString("N"));
                try
                {
                    var store = await HostingSamples.LocalStoreAsync(dir);
                    await HostingSamples.PutIncomingAsync(store.Blobs, "declarations/large.csv", LargeDeclarations);
                    var result = await new IngestUploadHandler(store).HandleAsync("declarations/large.csv");
                    Assert.Equal(IngestOutcome.Processed, result.Outcome);
                    reference = await FingerprintAsync(store);
                }
                finally
                {
                    TestTemp.TryDelete(dir);
                }
            }

            return reference;
        }
        finally
        {
            ReferenceLock.Release();
        }
    }

    /// <summary>Baseline counts and medians, flag rows, exporter shipment totals and receipts of a store.</summary>
    public static async Task<Fingerprint> FingerprintAsync(HistoryStore store)
    {
        var set = await store.LoadBaselinesAsync();
        var baselines = set.Groups.ToDictionary(g => g.Key.ToString(), g => (g.Value.Count, Math.Round(g.Value.Median, 6)), StringComparer.Ordinal);
        var flags = 0;
        await foreach (var _ in store.Tables.QueryAllAsync(StoreLayout.FlagsTable))
        {
            flags++;
        }

        var exporters = (await store.LoadExportersAsync()).ToDictionary(e => e.Key, e => e.Shipments, StringComparer.Ordinal);
        var receipts = new List<UploadReceipt>();
        await foreach (var r in store.ListReceiptsAsync())
        {
            receipts.Add(r);
        }

        return new Fingerprint(baselines, flags, exporters, receipts);
    }

    /// <summary>Asserts that <paramref name="actual"/> holds exactly what one clean ingest holds.</summary>
    public static void AssertSameAsOneIngest(Fingerprint expected, Fingerprint actual)
    {
        Assert.NotEmpty(expected.Baselines);
        Assert.Equal(expected.Baselines.Count, actual.Baselines.Count);
        foreach (var (key, value) in expected.Baselines)
        {
            Assert.True(actual.Baselines.TryGetValue(key, out var got), $"baseline {key} is missing");
            Assert.True(value == got, $"baseline {key}: expected count/median {value}, got {got} (counted twice?)");
        }

        Assert.Equal(expected.FlagRows, actual.FlagRows);
        Assert.Equal(expected.Exporters.Count, actual.Exporters.Count);
        foreach (var (key, shipments) in expected.Exporters)
        {
            Assert.Equal(shipments, actual.Exporters[key]);
        }

        var receipt = Assert.Single(actual.Receipts);
        Assert.Equal(UploadStatus.Done, receipt.Status);
        Assert.Equal(expected.Receipts[0].RowsAccepted, receipt.RowsAccepted);
        Assert.Equal(expected.Receipts[0].Flags, receipt.Flags);
    }

    /// <summary>
    /// No half-written report: either summary.json (written last) is absent, or every output file of the upload is
    /// there beside it. Flags, exporters and the report are written before the baselines merge, so an interruption
    /// during the merge leaves a complete report whose receipt is not yet Done.
    /// </summary>
    public static async Task AssertNoHalfReportAsync(IBlobStore blobs, string uploadId)
    {
        var files = await ReportFilesAsync(blobs, uploadId);
        var prefix = StoreLayout.UploadReportPrefix(uploadId);
        if (files.Contains(prefix + "summary.json"))
        {
            foreach (var f in new[] { "report.xlsx", "flags.csv", "flags.json", "exporters.csv", "rejected.csv" })
            {
                Assert.Contains(prefix + f, files);
            }
        }
    }

    /// <summary>Blob names under a report folder.</summary>
    public static Task<List<string>> ReportFilesAsync(IBlobStore blobs, string uploadId) =>
        HostingSamples.NamesAsync(blobs, StoreLayout.Reports, StoreLayout.UploadReportPrefix(uploadId));

    /// <summary>Upload id of content (first 20 hex digits of its SHA-256).</summary>
    public static string UploadId(byte[] content) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content))[..20];
}

/// <summary>What an ingest leaves behind, for comparisons.</summary>
internal sealed record Fingerprint(
    Dictionary<string, (long Count, double Median)> Baselines,
    int FlagRows,
    Dictionary<string, int> Exporters,
    List<UploadReceipt> Receipts);
