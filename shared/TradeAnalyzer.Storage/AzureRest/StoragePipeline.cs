using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TradeAnalyzer.Storage.AzureRest;

/// <summary>
/// The shared HTTP pipeline of the Azure stores: Azure.Core retries (exponential backoff, network timeout),
/// authentication per retry (Shared Key or Entra ID bearer token) and request logging without secrets.
/// </summary>
internal sealed class StoragePipeline
{
    /// <summary>Entra ID scope of Azure Storage.</summary>
    public const string StorageScope = "https://storage.azure.com/.default";

    /// <summary>Message property telling the Shared Key policy to use the table string-to-sign.</summary>
    public const string TableServiceProperty = "TradeAnalyzer.Storage.Table";

    public StoragePipeline(StorageAccount account, TokenCredential? credential, StorageClientOptions options, ILoggerFactory? loggerFactory)
    {
        Account = account;
        Options = options;
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("TradeAnalyzer.Storage.AzureRest");
        HttpPipelinePolicy auth = credential is not null
            ? new BearerTokenAuthenticationPolicy(credential, StorageScope)
            : account.HasKey
                ? new SharedKeyPolicy(account)
                : throw new ArgumentException("The storage account has no key; give a TokenCredential (Entra ID).", nameof(credential));
        Pipeline = HttpPipelineBuilder.Build(options, [], [auth, new RequestLoggingPolicy(Logger)], new ResponseClassifier());
    }

    public StorageAccount Account { get; }

    public StorageClientOptions Options { get; }

    public HttpPipeline Pipeline { get; }

    public ILogger Logger { get; }

    /// <summary>
    /// Sends through the pipeline (with retries); a transport failure that survives every retry becomes a
    /// <see cref="StorageException"/> with status 0 and code "TransportError".
    /// </summary>
    public async Task<global::Azure.Response> SendAsync(HttpMessage message, CancellationToken ct)
    {
        try
        {
            await Pipeline.SendAsync(message, ct).ConfigureAwait(false);
            return message.Response;
        }
        catch (Exception ex) when (ex is IOException or global::Azure.RequestFailedException or AggregateException or HttpRequestException
            || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new StorageException(0, "TransportError", $"Storage request {RequestLoggingPolicy.Describe(message.Request)} failed after retries ({ex.GetType().Name}).", ex);
        }
    }
}
