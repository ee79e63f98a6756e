using TradeAnalyzer.Storage;

namespace TradeAnalyzer.IntegrationTests.Storage;

/// <summary>The storage contract run against Azurite through the REST client (Shared Key over a connection string).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteContractTests : StorageContractTests
{
    private readonly IBlobStore blobs;
    private readonly ITableStore tables;

    public AzuriteContractTests(AzuriteFixture azurite)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        (blobs, tables) = StorageFactory.Create(null, azurite.ConnectionString, null, null, null);
    }

    protected override IBlobStore Blobs => blobs;

    protected override ITableStore Tables => tables;
}
