using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.Storage;

namespace TradeAnalyzer.IntegrationTests.Handlers;

/// <summary>The handler tests against the local folder store (the embedded default).</summary>
public sealed class LocalFolderHandlerTests : HandlerTests, IDisposable
{
    private readonly List<string> _dirs = [];

    protected override async Task<HistoryStore> NewStoreAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ta-store-" + Guid.NewGuid().ToString("N"));
        _dirs.Add(dir);
        var (blobs, tables) = StorageFactory.Create(dir, null, null, null, null);
        var store = new HistoryStore(blobs, tables);
        await store.EnsureCreatedAsync();
        return store;
    }

    public void Dispose()
    {
        foreach (var d in _dirs)
        {
            try
            {
                Directory.Delete(d, true);
            }
            catch (IOException)
            {
            }
        }
    }
}
