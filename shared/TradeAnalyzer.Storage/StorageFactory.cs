using Azure.Core;
using Microsoft.Extensions.Logging;
using TradeAnalyzer.Storage.AzureRest;

namespace TradeAnalyzer.Storage;

/// <summary>
/// Creates the blob and table stores from command-line style settings: "--store DIR" (local folder, the
/// default) or "--connection STR" (Azure or Azurite, Shared Key), or endpoints plus an Entra ID credential.
/// </summary>
public static class StorageFactory
{
    /// <summary>
    /// Creates the stores. Precedence: <paramref name="storeDirectory"/>, then <paramref name="connectionString"/>
    /// (a credential, when given, replaces its key), then endpoints with <paramref name="credential"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No usable combination was given.</exception>
    public static (IBlobStore Blobs, ITableStore Tables) Create(
        string? storeDirectory,
        string? connectionString,
        TokenCredential? credential,
        Uri? blobEndpoint,
        Uri? tableEndpoint,
        StorageClientOptions? options = null,
        ILoggerFactory? loggerFactory = null)
    {
        if (!string.IsNullOrWhiteSpace(storeDirectory))
        {
            var local = new LocalFolderStore(storeDirectory);
            return (local, local);
        }

        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var account = StorageAccount.Parse(connectionString);
            return Create(account, credential, options, loggerFactory);
        }

        if (blobEndpoint is not null && tableEndpoint is not null && credential is not null)
        {
            var name = blobEndpoint.Host.Split('.')[0];
            return Create(new StorageAccount(name, blobEndpoint, tableEndpoint), credential, options, loggerFactory);
        }

        throw new ArgumentException("Give a store directory, a connection string, or blob and table endpoints with a credential.");
    }

    /// <summary>Creates Azure stores for an account, authenticated by <paramref name="credential"/> when given, else its shared key.</summary>
    public static (IBlobStore Blobs, ITableStore Tables) Create(
        StorageAccount account,
        TokenCredential? credential = null,
        StorageClientOptions? options = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        var pipeline = new StoragePipeline(account, credential, options ?? new StorageClientOptions(), loggerFactory);
        return (new AzureBlobStore(pipeline), new AzureTableStore(pipeline));
    }
}
