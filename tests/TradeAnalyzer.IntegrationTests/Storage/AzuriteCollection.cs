namespace TradeAnalyzer.IntegrationTests.Storage;

/// <summary>One Azurite process shared by every test class that talks to it.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
