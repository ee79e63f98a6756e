using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using TradeAnalyzer.Cli.Hosting;
using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.Handlers.Ingest;
using TradeAnalyzer.Tests;

namespace TradeAnalyzer.IntegrationTests.Hosting;

/// <summary>
/// The exporter review API of the real local host (<see cref="LocalHost"/>, as `serve` builds it) on a free port,
/// over a local folder store with one ingested sample.
/// </summary>
public sealed class ReviewApiTests : IAsyncLifetime
{
    private const string Key = "test-key-7f3a9c";
    private readonly string dir = Path.Combine(Path.GetTempPath(), "ta-api-" + Guid.NewGuid().ToString("N"));
    private WebApplication? app;
    private HttpClient? http;
    private string exporterKey = "";

    public async Task InitializeAsync()
    {
        var store = await HostingSamples.LocalStoreAsync(dir);
        await HostingSamples.PutIncomingAsync(store.Blobs, "declarations/d.csv", HostingSamples.Bytes("declarations.csv"));
        var result = await new IngestUploadHandler(store).HandleAsync("declarations/d.csv");
        Assert.Equal(IngestOutcome.Processed, result.Outcome);
        exporterKey = (await store.LoadExportersAsync()).OrderByDescending(e => e.Shipments).First().Key;
        app = LocalHost.Build(store, new LocalHostOptions { Port = 0, ApiKey = Key, RunBackgroundServices = false }, _ => { });
        await app.StartAsync();
        http = new HttpClient { BaseAddress = LocalHost.Address(app) };
    }

    public async Task DisposeAsync()
    {
        http?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        TestTemp.TryDelete(dir);
    }

    private HttpRequestMessage Request(HttpMethod method, string path, string? key = Key, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (key is not null)
        {
            request.Headers.Add("x-api-key", key);
        }

        return request;
    }

    private string ExporterPath(string suffix = "") => "/api/exporters/" + Uri.EscapeDataString(exporterKey) + suffix;

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-key")]
    [InlineData(Key + "x")]
    public async Task Every_route_refuses_a_missing_or_wrong_key(string? key)
    {
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/api/exporters"), (HttpMethod.Get, ExporterPath()), (HttpMethod.Get, ExporterPath("/review.xlsx")), (HttpMethod.Post, ExporterPath("/dispositions")) })
        {
            var content = method == HttpMethod.Post ? JsonContent.Create(new { status = "cleared", analyst = "a" }) : null;
            using var response = await http!.SendAsync(Request(method, path, key, content));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(Key, body, StringComparison.Ordinal);
        }

        // Nothing was recorded by the refused POSTs.
        using var detail = await http!.SendAsync(Request(HttpMethod.Get, ExporterPath()));
        Assert.DoesNotContain("\"cleared\"", await detail.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_list_needs_the_key_and_returns_the_ingested_exporters()
    {
        using var response = await http!.SendAsync(Request(HttpMethod.Get, "/api/exporters?top=5"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        using var json = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal(System.Text.Json.JsonValueKind.Array, json.RootElement.ValueKind);
        Assert.Equal(5, json.RootElement.GetArrayLength());
        using var all = await http.SendAsync(Request(HttpMethod.Get, "/api/exporters?top=10000"));
        Assert.Contains(exporterKey, await all.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // x-functions-key is accepted as well (the Functions app's header).
        var alt = new HttpRequestMessage(HttpMethod.Get, "/api/exporters");
        alt.Headers.Add("x-functions-key", Key);
        using var altResponse = await http.SendAsync(alt);
        Assert.Equal(HttpStatusCode.OK, altResponse.StatusCode);
    }

    [Fact]
    public async Task An_unknown_exporter_is_404_on_every_route()
    {
        var path = "/api/exporters/" + Uri.EscapeDataString("NO SUCH EXPORTER 123");
        using var get = await http!.SendAsync(Request(HttpMethod.Get, path));
        using var review = await http.SendAsync(Request(HttpMethod.Get, path + "/review.xlsx"));
        using var post = await http.SendAsync(Request(HttpMethod.Post, path + "/dispositions", Key, JsonContent.Create(new { status = "cleared", analyst = "ana" })));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, review.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("pending")]
    [InlineData("7")]
    [InlineData("")]
    public async Task An_invalid_status_is_400_and_never_echoed(string status)
    {
        using var response = await http!.SendAsync(Request(HttpMethod.Post, ExporterPath("/dispositions"), Key, JsonContent.Create(new { status, note = "n-" + status, analyst = "ana" })));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("status must be one of", body, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\\u003Cscript", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("n-" + status, body, StringComparison.Ordinal);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_disposition_is_201_and_then_listed()
    {
        var note = "Checked invoice " + Guid.NewGuid().ToString("N")[..8];
        using var post = await http!.SendAsync(Request(HttpMethod.Post, ExporterPath("/dispositions"), Key, JsonContent.Create(new { status = "escalated", note, analyst = "ana.g" })));
        Assert.Equal(HttpStatusCode.Created, post.StatusCode);

        using var get = await http.SendAsync(Request(HttpMethod.Get, ExporterPath()));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var body = await get.Content.ReadAsStringAsync();
        Assert.Contains(note, body, StringComparison.Ordinal);
        Assert.Contains("ana.g", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_review_workbook_is_an_xlsx()
    {
        using var response = await http!.SendAsync(Request(HttpMethod.Get, ExporterPath("/review.xlsx?lang=es")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(bytes.Length > 1000);
        Assert.Equal("PK\u0003\u0004", Encoding.ASCII.GetString(bytes, 0, 4));
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(bytes));
        Assert.Contains(zip.Entries, e => e.FullName == "xl/workbook.xml");
    }
}
