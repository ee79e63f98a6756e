using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.Storage;

namespace TradeAnalyzer.Cli.Commands;

/// <summary>Opens the store named by --store / --connection (default: the local folder .tradeanalyzer-store).</summary>
internal static class CliStore
{
    public static async Task<HistoryStore> OpenAsync(string? storeDir, string? connection, CancellationToken cancellationToken)
    {
        var store = Open(storeDir, connection);
        await store.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }

    /// <summary>For read-only use: null when no connection is given and the local folder does not exist yet.</summary>
    public static HistoryStore? OpenIfExists(string? storeDir, string? connection)
    {
        if (string.IsNullOrWhiteSpace(connection) && !Directory.Exists(storeDir ?? CommonOptions.DefaultStore))
        {
            return null;
        }

        return Open(storeDir, connection);
    }

    private static HistoryStore Open(string? storeDir, string? connection)
    {
        if (!string.IsNullOrWhiteSpace(storeDir) && !string.IsNullOrWhiteSpace(connection))
        {
            throw new UsageException("--store and --connection cannot be used together.");
        }

        try
        {
            if (string.IsNullOrWhiteSpace(connection))
            {
                var (localBlobs, localTables) = StorageFactory.Create(storeDir ?? CommonOptions.DefaultStore, null, null, null, null);
                return new HistoryStore(localBlobs, localTables);
            }

            // An account URL (no key) means Entra ID: DefaultAzureCredential (managed identity, az login, ...).
            if (Uri.TryCreate(connection.Trim(), UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttps)
            {
                var table = new Uri(url.GetLeftPart(UriPartial.Authority).Replace(".blob.", ".table.", StringComparison.OrdinalIgnoreCase));
                var (b, t) = StorageFactory.Create(null, null, new Azure.Identity.DefaultAzureCredential(), new Uri(url.GetLeftPart(UriPartial.Authority)), table);
                return new HistoryStore(b, t);
            }

            var (blobs, tables) = StorageFactory.Create(null, connection, null, null, null);
            return new HistoryStore(blobs, tables);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            // The message never contains the connection string itself.
            throw new UsageException($"--connection: {ex.Message}");
        }
    }
}
