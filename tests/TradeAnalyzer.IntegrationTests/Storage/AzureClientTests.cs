using System.Diagnostics.Tracing;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Diagnostics;
using TradeAnalyzer.Storage;

namespace TradeAnalyzer.IntegrationTests.Storage;

/// <summary>Azure REST client specifics: block uploads, retries under injected faults, logs free of secrets, Entra ID headers.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureClientTests(AzuriteFixture azurite)
{
    private static StorageClientOptions FastRetries()
    {
        var options = new StorageClientOptions();
        options.Retry.Delay = TimeSpan.FromMilliseconds(5);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(50);
        return options;
    }

    [Fact]
    public async Task Large_non_seekable_stream_is_uploaded_in_blocks_with_conditions_and_metadata()
    {
        var options = FastRetries();
        options.SingleUploadThreshold = 512 * 1024;
        options.BlockSize = 256 * 1024;
        var (blobs, _) = StorageFactory.Create(azurite.Account, options: options);
        var c = "big" + Guid.NewGuid().ToString("N")[..12];
        await blobs.CreateContainerIfNotExistsAsync(c);
        var data = RandomNumberGenerator.GetBytes(1_900_000);
        var written = await blobs.PutAsync(c, "archive/big.bin", new ForwardOnlyStream(data), new BlobPutOptions
        {
            IfNoneMatch = "*",
            ContentType = "application/x-test",
            Metadata = new Dictionary<string, string> { ["rows"] = "1900000" },
        });
        await Assert.ThrowsAsync<StorageConflictException>(() => blobs.PutAsync(c, "archive/big.bin", new ForwardOnlyStream(data), BlobPutOptions.CreateOnly()));

        await using var download = await blobs.GetAsync(c, "archive/big.bin");
        using var copy = new MemoryStream();
        await download!.Content.CopyToAsync(copy);
        Assert.Equal(data, copy.ToArray());
        Assert.Equal(written.ETag, download.Properties.ETag);
        Assert.Equal(data.Length, download.Properties.Length);
        Assert.Equal("application/x-test", download.Properties.ContentType);
        Assert.Equal("1900000", download.Properties.Metadata["rows"]);
    }

    [Fact]
    public async Task Injected_500s_and_dropped_connections_are_retried_until_success()
    {
        var options = FastRetries();
        var faults = new FaultInjectionPolicy(failures: 3);
        options.AddPolicy(faults, HttpPipelinePosition.PerRetry);
        var (blobs, tables) = StorageFactory.Create(azurite.Account, options: options);
        var c = "faults" + Guid.NewGuid().ToString("N")[..12];

        await blobs.CreateContainerIfNotExistsAsync(c);
        Assert.Equal(4, faults.Attempts);
        await blobs.PutAsync(c, "x.txt", new MemoryStream("retried"u8.ToArray()));
        await using (var d = await blobs.GetAsync(c, "x.txt"))
        {
            using var reader = new StreamReader(d!.Content);
            Assert.Equal("retried", await reader.ReadToEndAsync());
        }

        var t = "faults" + Guid.NewGuid().ToString("N")[..12];
        var tableFaults = new FaultInjectionPolicy(failures: 5);
        var tableOptions = FastRetries();
        tableOptions.AddPolicy(tableFaults, HttpPipelinePosition.PerRetry);
        var (_, faultyTables) = StorageFactory.Create(azurite.Account, options: tableOptions);
        await faultyTables.CreateTableIfNotExistsAsync(t);
        await faultyTables.UpsertAsync(t, new TableEntity("p", "r") { ["V"] = 1 });
        Assert.Equal(1, (await tables.GetAsync(t, "p", "r"))!.GetInt32("V"));
        Assert.True(tableFaults.Attempts >= 6);
    }

    [Fact]
    public async Task Persistent_server_errors_surface_as_storage_exception_after_retries()
    {
        var options = FastRetries();
        options.Retry.MaxRetries = 2;
        var faults = new FaultInjectionPolicy(failures: 1000);
        options.AddPolicy(faults, HttpPipelinePosition.PerRetry);
        var (blobs, _) = StorageFactory.Create(azurite.Account, options: options);
        var ex = await Assert.ThrowsAsync<StorageException>(() => blobs.GetPropertiesAsync("whatever", "x"));
        Assert.Equal("TransportError", ex.ErrorCode);
        Assert.Equal(3, faults.Attempts);
    }

    [Fact]
    public async Task Logs_and_errors_never_contain_the_key_signature_or_connection_string()
    {
        var logger = new CapturingLoggerFactory();
        var sent = new RecordingAuthorization();
        var azureEvents = new List<string>();
        using var listener = new AzureEventSourceListener((e, message) => { lock (azureEvents) { azureEvents.Add(message); } }, EventLevel.Verbose);
        var options = FastRetries();
        options.AddPolicy(sent, HttpPipelinePosition.BeforeTransport);
        var (blobs, tables) = StorageFactory.Create(null, azurite.ConnectionString, null, null, null, options, logger);
        var c = "logs" + Guid.NewGuid().ToString("N")[..12];
        await blobs.CreateContainerIfNotExistsAsync(c);
        await blobs.PutAsync(c, "a.txt", new MemoryStream([1, 2, 3]), new BlobPutOptions { Metadata = new Dictionary<string, string> { ["m"] = "v" } });
        await blobs.ListPageAsync(c, "a", null, 10);
        await tables.CreateTableIfNotExistsAsync("Logs" + Guid.NewGuid().ToString("N")[..8]);

        // A wrong key: the service answers 403 and echoes the string-to-sign; none of that may leak.
        var wrongKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        var wrong = azurite.ConnectionString.Replace(AzuriteFixture.AzuriteKey, wrongKey, StringComparison.Ordinal);
        var badOptions = FastRetries();
        badOptions.AddPolicy(sent, HttpPipelinePosition.BeforeTransport);
        var (badBlobs, _) = StorageFactory.Create(null, wrong, null, null, null, badOptions, logger);
        var denied = await Assert.ThrowsAsync<StorageException>(() => badBlobs.PutAsync(c, "b.txt", new MemoryStream([1])));
        Assert.Equal(403, denied.Status);

        var everything = string.Join('\n', logger.Lines) + "\n" + string.Join('\n', azureEvents) + "\n" + denied + "\n" + StorageAccount.Parse(azurite.ConnectionString);
        Assert.Contains("PUT", everything, StringComparison.Ordinal);
        Assert.NotEmpty(logger.Lines);
        var signatures = sent.Signatures;
        Assert.True(signatures.Count >= 5);
        foreach (var secret in signatures.Concat([AzuriteFixture.AzuriteKey, wrongKey, AzuriteFixture.AzuriteKey[..20], "SharedKey devstoreaccount1:", "AccountKey=", azurite.ConnectionString]))
        {
            Assert.DoesNotContain(secret, everything, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Entra_id_credential_sends_a_bearer_token_and_the_service_version()
    {
        var options = FastRetries();
        var recorder = new RecordingPolicy(_ => new FakeResponse(201, ("ETag", "\"0x1\""), ("Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT")));
        options.AddPolicy(recorder, HttpPipelinePosition.BeforeTransport);
        var (blobs, _) = StorageFactory.Create(null, null, new StaticTokenCredential("token-123"), new Uri("https://acct.blob.core.windows.net"), new Uri("https://acct.table.core.windows.net"), options);
        var result = await blobs.PutAsync("incoming", "declarations/a b.csv", new MemoryStream([1]));
        Assert.Equal("\"0x1\"", result.ETag);
        var headers = Assert.Single(recorder.Requests);
        Assert.Equal("Bearer token-123", headers["Authorization"]);
        Assert.Equal(StorageClientOptions.DefaultServiceVersion, headers["x-ms-version"]);
        Assert.Equal("BlockBlob", headers["x-ms-blob-type"]);
        Assert.Equal("https://acct.blob.core.windows.net/incoming/declarations/a%20b.csv", recorder.Uris[0]);
    }

    [Fact]
    public void Connection_strings_parse_and_never_print_the_key()
    {
        var dev = StorageAccount.Parse("UseDevelopmentStorage=true");
        Assert.Equal("devstoreaccount1", dev.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), dev.BlobEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), dev.TableEndpoint);
        Assert.True(dev.HasKey);

        var key = Convert.ToBase64String(Encoding.UTF8.GetBytes("not-a-real-key-but-base64"));
        var cloud = StorageAccount.Parse($"DefaultEndpointsProtocol=https;AccountName=tradeanalyzer;AccountKey={key};EndpointSuffix=core.usgovcloudapi.net");
        Assert.Equal(new Uri("https://tradeanalyzer.blob.core.usgovcloudapi.net"), cloud.BlobEndpoint);
        Assert.Equal(new Uri("https://tradeanalyzer.table.core.usgovcloudapi.net"), cloud.TableEndpoint);
        Assert.DoesNotContain(key, cloud.ToString(), StringComparison.Ordinal);
        Assert.Contains("tradeanalyzer", cloud.ToString(), StringComparison.Ordinal);

        var broken = Assert.Throws<FormatException>(() => StorageAccount.Parse($"AccountName=x;AccountKey=%%%{key}"));
        Assert.DoesNotContain(key, broken.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => StorageAccount.Parse("AccountKey=abc"));
        Assert.Throws<ArgumentException>(() => StorageFactory.Create(StorageAccount.FromName("nokey")));
    }

    [Fact]
    public void Filter_builder_quotes_values_and_rejects_odd_property_names()
    {
        var filter = new TableFilter().And("PartitionKey", "eq", "o'brien' or true or 'x").And("RowKey", "ge", "a");
        Assert.Equal("PartitionKey eq 'o''brien'' or true or ''x' and RowKey ge 'a'", filter.ToString());
        Assert.Throws<ArgumentException>(() => new TableFilter().And("PartitionKey or 1", "eq", "x"));
        Assert.Throws<ArgumentException>(() => new TableFilter().And("PartitionKey", "eq 'x' or", "x"));
    }

    /// <summary>Records the signature part of every Authorization header actually sent.</summary>
    private sealed class RecordingAuthorization : Azure.Core.Pipeline.HttpPipelineSynchronousPolicy
    {
        private readonly List<string> signatures = [];

        public IReadOnlyList<string> Signatures
        {
            get
            {
                lock (signatures)
                {
                    return signatures.ToList();
                }
            }
        }

        public override void OnSendingRequest(HttpMessage message)
        {
            if (message.Request.Headers.TryGetValue("Authorization", out var value))
            {
                lock (signatures)
                {
                    signatures.Add(value[(value.LastIndexOf(':') + 1)..]);
                }
            }
        }
    }

    private sealed class StaticTokenCredential(string token) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Assert.Equal(["https://storage.azure.com/.default"], requestContext.Scopes);
            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            // Short reads on purpose, like a network stream.
            var n = Math.Min(Math.Min(count, 7919), data.Length - position);
            Array.Copy(data, position, buffer, offset, n);
            position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
