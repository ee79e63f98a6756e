using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.SampleData;
using TradeAnalyzer.Storage;
using TradeAnalyzer.Tests;

namespace TradeAnalyzer.IntegrationTests.Hosting;

/// <summary>Small deterministic sample files shared by the hosting tests, and local store helpers.</summary>
internal static class HostingSamples
{
    private static readonly Lazy<string> Dir = new(() =>
    {
        var dir = TestTemp.Folder("hosting-samples");
        if (!File.Exists(Path.Combine(dir, "declarations.csv")))
        {
            SampleGenerator.Write(dir, new SampleOptions { Shipments = 100, Seed = 11 });
        }

        return dir;
    });

    /// <summary>The bytes of a generated sample file (declarations.csv, invoices.csv, ...).</summary>
    public static byte[] Bytes(string file) => File.ReadAllBytes(Path.Combine(Dir.Value, file));

    /// <summary>A fresh local folder store (caller deletes <paramref name="directory"/>).</summary>
    public static async Task<HistoryStore> LocalStoreAsync(string directory)
    {
        var (blobs, tables) = StorageFactory.Create(directory, null, null, null, null);
        var store = new HistoryStore(blobs, tables);
        await store.EnsureCreatedAsync();
        return store;
    }

    /// <summary>Puts bytes into `incoming/{name}`.</summary>
    public static async Task PutIncomingAsync(IBlobStore blobs, string name, byte[] bytes)
    {
        using var ms = new MemoryStream(bytes);
        await blobs.PutAsync(StoreLayout.Incoming, name, ms);
    }

    /// <summary>Names in a container under a prefix.</summary>
    public static async Task<List<string>> NamesAsync(IBlobStore blobs, string container, string? prefix = null)
    {
        var names = new List<string>();
        await foreach (var b in blobs.ListAsync(container, prefix))
        {
            names.Add(b.Name);
        }

        return names;
    }
}
