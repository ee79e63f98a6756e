using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using TradeAnalyzer.Cli.Hosting;
using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.Handlers.Ingest;
using TradeAnalyzer.IntegrationTests.Handlers;
using TradeAnalyzer.IntegrationTests.Storage;
using TradeAnalyzer.Storage;

namespace TradeAnalyzer.IntegrationTests.Hosting;

/// <summary>
/// Ingest and the local host against Azurite with every log line captured (all levels, exception texts included):
/// no account key, connection string, SAS signature or Shared Key authorization ever reaches a log, also when the
/// key is wrong and every request fails.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SecretsInLogsTests(AzuriteFixture azurite)
{
    private const string WrongKey = "V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3Jvbmc0NDQ0NDQ0NDQ=";

    [Fact]
    public async Task Ingest_serve_and_failures_never_log_keys_connection_strings_or_signatures()
    {
        ArgumentNullException.ThrowIfNull(azurite);
        var capture = new CapturingLoggerFactory();
        var prefix = "sec" + Guid.NewGuid().ToString("N")[..8];
        var store = Open(azurite.ConnectionString, prefix, capture);
        await store.EnsureCreatedAsync();
        await HostingSamples.PutIncomingAsync(store.Blobs, "declarations/d.csv", HostingSamples.Bytes("declarations.csv"));
        await HostingSamples.PutIncomingAsync(store.Blobs, "declarations/garbage.csv", [0xFF, 0xFE, 0x00, 0x01, 0x02]);

        // The real host: watcher ingests both files, the API answers good and bad requests.
        var app = LocalHost.Build(store, new LocalHostOptions { Port = 0, ApiKey = "k-123", Watcher = new WatcherOptions { PollInterval = TimeSpan.FromMilliseconds(200) } }, Capture(capture));
        await app.StartAsync();
        try
        {
            await ServeEndToEndTests.WaitUntilAsync(
                async () =>
                {
                    var statuses = new List<UploadStatus>();
                    await foreach (var r in store.ListReceiptsAsync())
                    {
                        statuses.Add(r.Status);
                    }

                    return statuses.Contains(UploadStatus.Done) && statuses.Contains(UploadStatus.Rejected);
                },
                TimeSpan.FromSeconds(60));
            using var http = new HttpClient { BaseAddress = LocalHost.Address(app) };
            using (var unauthorised = await http.GetAsync("/api/exporters"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, unauthorised.StatusCode);
            }

            http.DefaultRequestHeaders.Add("x-api-key", "k-123");
            var key = (await store.LoadExportersAsync())[0].Key;
            using (var bad = await http.PostAsJsonAsync("/api/exporters/" + Uri.EscapeDataString(key) + "/dispositions", new { status = "bogus", analyst = "a" }))
            {
                Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            }
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        // A wrong key: every storage request is refused (403) and the failures are logged, with their exceptions.
        var wrong = azurite.ConnectionString.Replace(AzuriteFixture.AzuriteKey, WrongKey, StringComparison.Ordinal);
        var badStore = Open(wrong, prefix, capture);
        var handler = new IngestUploadHandler(badStore, new IngestOptions(), new Logger<IngestUploadHandler>(capture));
        var error = await Assert.ThrowsAnyAsync<StorageException>(() => handler.HandleAsync("declarations/d.csv"));
        capture.CreateLogger("Test").LogError(error, "Ingest failed: {Message}", error.Message);
        var badApp = LocalHost.Build(badStore, new LocalHostOptions { Port = 0, ApiKey = "k-123", Watcher = new WatcherOptions { PollInterval = TimeSpan.FromMilliseconds(200) } }, Capture(capture));
        await badApp.StartAsync();
        await Task.Delay(1500);
        await badApp.StopAsync();
        await badApp.DisposeAsync();

        var lines = capture.Lines;
        Assert.True(lines.Count > 50, $"only {lines.Count} log lines were captured");
        Assert.Contains(lines, l => l.Contains("Listing incoming/ failed", StringComparison.Ordinal)); // the failures were logged
        Assert.Contains(lines, l => l.Contains("403", StringComparison.Ordinal) || l.Contains("AuthenticationFailed", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Debug", StringComparison.Ordinal) && l.Contains("/devstoreaccount1/", StringComparison.Ordinal)); // storage request lines
        foreach (var line in lines)
        {
            Assert.DoesNotContain(AzuriteFixture.AzuriteKey, line, StringComparison.Ordinal);
            Assert.DoesNotContain(AzuriteFixture.AzuriteKey[..16], line, StringComparison.Ordinal);
            Assert.DoesNotContain(WrongKey[..16], line, StringComparison.Ordinal);
            Assert.DoesNotContain("AccountKey", line, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(azurite.ConnectionString, line, StringComparison.Ordinal);
            Assert.DoesNotContain("sig=", line, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("SharedKey ", line, StringComparison.Ordinal);
        }
    }

    private static HistoryStore Open(string connection, string prefix, CapturingLoggerFactory capture)
    {
        var options = new StorageClientOptions();
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        var (blobs, tables) = StorageFactory.Create(null, connection, null, null, null, options, capture);
        return new HistoryStore(new PrefixedBlobStore(blobs, prefix), new PrefixedTableStore(tables, prefix.ToUpperInvariant()), capture.CreateLogger("HistoryStore"));
    }

    private static Action<ILoggingBuilder> Capture(CapturingLoggerFactory capture) => logging =>
    {
        logging.SetMinimumLevel(LogLevel.Trace);
        logging.AddProvider(new CapturingLoggerProvider(capture));
    };
}
