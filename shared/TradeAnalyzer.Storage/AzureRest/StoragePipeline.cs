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
}
