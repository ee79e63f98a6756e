using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.IntegrationTests.Storage;
using TradeAnalyzer.Storage;

namespace TradeAnalyzer.IntegrationTests.Handlers;

/// <summary>
/// The handler tests against Azurite through the REST client (Shared Key over a connection string). Each store gets
/// its own containers and tables in the shared account, so tests (and the racing test's two stores) never see each
/// other's data.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteHandlerTests(AzuriteFixture azurite) : HandlerTests
{
    private static int _next;

    protected override async Task<HistoryStore> NewStoreAsync()
    {
        ArgumentNullException.ThrowIfNull(azurite);
        var n = Interlocked.Increment(ref _next);
        var id = "h" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "x" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (blobs, tables) = StorageFactory.Create(null, azurite.ConnectionString, null, null, null);
        var store = new HistoryStore(new PrefixedBlobStore(blobs, id), new PrefixedTableStore(tables, id.ToUpperInvariant()));
        await store.EnsureCreatedAsync();
        return store;
    }
}
