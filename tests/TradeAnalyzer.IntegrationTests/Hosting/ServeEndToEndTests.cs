using System.Security.Cryptography;
using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.Storage;
using TradeAnalyzer.Tests;

namespace TradeAnalyzer.IntegrationTests.Hosting;

/// <summary>
/// `tradeanalyzer serve --connection ... --port P` as a child process against its own Azurite: a file dropped into
/// incoming/ becomes a report, and SIGINT stops the host cleanly with exit code 0.
/// </summary>
public sealed class ServeEndToEndTests
{
    [Fact]
    public async Task Serve_turns_an_upload_into_a_report_and_stops_cleanly_on_sigint()
    {
        using var azurite = new AzuriteProcess();
        var port = AzuriteProcess.FreePort();
        using var serve = new ServeProcess(["--connection", azurite.ConnectionString], port);
        var (blobs, _) = StorageFactory.Create(null, azurite.ConnectionString, null, null, null);
        var bytes = HostingSamples.Bytes("declarations.csv");
        var uploadId = Convert.ToHexStringLower(SHA256.HashData(bytes))[..20];

        // The host creates the containers at start; wait for it rather than racing it.
        await WaitUntilAsync(async () => (await blobs.ListPageAsync(StoreLayout.Incoming, null, null, 1).ConfigureAwait(false)) is not null, TimeSpan.FromSeconds(30), serve);
        await HostingSamples.PutIncomingAsync(blobs, "declarations/week-48.csv", bytes);

        var prefix = StoreLayout.UploadReportPrefix(uploadId);
        await WaitUntilAsync(async () => (await HostingSamples.NamesAsync(blobs, StoreLayout.Reports, prefix)).Contains(prefix + "summary.json"), TimeSpan.FromSeconds(60), serve);
        var names = await HostingSamples.NamesAsync(blobs, StoreLayout.Reports, prefix);
        Assert.Contains(prefix + "report.xlsx", names);

        // The report is written before the baselines merge (the last step): wait for the upload itself to finish.
        await WaitUntilAsync(() => Task.FromResult(serve.Output.Contains("Processed", StringComparison.Ordinal)), TimeSpan.FromSeconds(60), serve);
        await using (var report = await blobs.GetAsync(StoreLayout.Reports, prefix + "report.xlsx"))
        {
            var head = new byte[2];
            await report!.Content.ReadExactlyAsync(head);
            Assert.Equal("PK"u8.ToArray(), head);
        }

        serve.Signal("INT");
        Assert.True(serve.WaitForExit(TimeSpan.FromSeconds(30)), "serve did not stop within 30 s of SIGINT:\n" + serve.Output);
        Assert.True(serve.ExitCode == 0, $"exit code {serve.ExitCode}:\n{serve.Output}");
        Assert.Contains("Stopped.", serve.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", serve.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Processed", serve.Output, StringComparison.Ordinal); // the watcher logged the ingest

        // The host's own console output never shows the key or the connection string.
        Assert.DoesNotContain(Storage.AzuriteFixture.AzuriteKey[..16], serve.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", serve.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("SharedKey ", serve.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", serve.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Serve_stops_cleanly_on_sigterm_too()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ta-serve-local-" + Guid.NewGuid().ToString("N"));
        try
        {
            var port = AzuriteProcess.FreePort();
            using var serve = new ServeProcess(["--store", dir], port);
            await WaitUntilAsync(() => Task.FromResult(serve.Output.Contains("Serving on", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), serve);
            await Task.Delay(500);
            serve.Signal("TERM");
            Assert.True(serve.WaitForExit(TimeSpan.FromSeconds(30)), "serve did not stop within 30 s of SIGTERM:\n" + serve.Output);
            Assert.True(serve.ExitCode == 0, $"exit code {serve.ExitCode}:\n{serve.Output}");
            Assert.Contains("Stopped.", serve.Output, StringComparison.Ordinal); // stopped by the command, not cut short
        }
        finally
        {
            TestTemp.TryDelete(dir);
        }
    }

    [Fact]
    public async Task Serve_on_port_zero_says_which_port_it_bound_and_answers_there()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ta-serve-port0-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var serve = new ServeProcess(["--store", dir], 0);
            await WaitUntilAsync(() => Task.FromResult(serve.Output.Contains("Serving on", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), serve);
            var match = System.Text.RegularExpressions.Regex.Match(serve.Output, @"Serving on http://127\.0\.0\.1:(\d+);");
            Assert.True(match.Success, serve.Output);
            var port = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.NotEqual(0, port);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            using var refused = await http.GetAsync(new Uri("/api/exporters", UriKind.Relative));
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/exporters?top=5");
            request.Headers.Add("x-api-key", "serve-test-key");
            using var listed = await http.SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.OK, listed.StatusCode);
            Assert.Equal("[]", await listed.Content.ReadAsStringAsync()); // an empty store
            serve.Signal("TERM");
            Assert.True(serve.WaitForExit(TimeSpan.FromSeconds(30)), serve.Output);
        }
        finally
        {
            TestTemp.TryDelete(dir);
        }
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, ServeProcess? serve = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if (await condition().ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (StorageException)
            {
                // not there yet (container not created, Azurite restarting)
            }

            if (serve is { HasExited: true })
            {
                Assert.Fail($"serve exited early with {serve.ExitCode}:\n{serve.Output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s." + (serve is null ? "" : "\n" + serve.Output));
            }

            await Task.Delay(250).ConfigureAwait(false);
        }
    }
}
