using TradeAnalyzer.Storage;

namespace TradeAnalyzer.IntegrationTests.Storage;

/// <summary>The storage contract run against the local folder store in a fresh temp folder.</summary>
public sealed class LocalFolderStoreContractTests : StorageContractTests, IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "ta-store-" + Guid.NewGuid().ToString("N"));
    private readonly LocalFolderStore store;

    public LocalFolderStoreContractTests() => store = new LocalFolderStore(root);

    protected override IBlobStore Blobs => store;

    protected override ITableStore Tables => store;

    public void Dispose()
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
