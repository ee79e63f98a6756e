using Azure.Core;
using Azure.Identity;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TradeAnalyzer.Handlers.Digest;
using TradeAnalyzer.Handlers.Exporters;
using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.Handlers.Ingest;
using TradeAnalyzer.Storage;

// Isolated-worker host: the same handlers the CLI's `serve` runs, wired to Azure Storage.
// Storage settings (identity-based in Azure, see infra/main.bicep):
//   Storage__blobServiceUri, Storage__tableServiceUri, optional Storage__clientId (user-assigned identity);
//   or, locally, Storage = "UseDevelopmentStorage=true" (Azurite) or any connection string.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

builder.Services.AddSingleton(sp =>
{
    var config = sp.GetRequiredService<IConfiguration>();
    var loggerFactory = sp.GetRequiredService<ILoggerFactory>();
    var connectionString = config["Storage"];
    (IBlobStore Blobs, ITableStore Tables) stores;
    if (!string.IsNullOrWhiteSpace(connectionString))
    {
        stores = StorageFactory.Create(null, connectionString, null, null, null, null, loggerFactory);
    }
    else
    {
        var blobUri = config["Storage:blobServiceUri"] ?? throw new InvalidOperationException("Set Storage__blobServiceUri (or a Storage connection string).");
        var tableUri = config["Storage:tableServiceUri"] ?? throw new InvalidOperationException("Set Storage__tableServiceUri (or a Storage connection string).");
        var clientId = config["Storage:clientId"];
        TokenCredential credential = string.IsNullOrEmpty(clientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        if (builder.Environment.IsDevelopment())
        {
            credential = new DefaultAzureCredential();
        }

        stores = StorageFactory.Create(null, null, credential, new Uri(blobUri), new Uri(tableUri), null, loggerFactory);
    }

    return new HistoryStore(stores.Blobs, stores.Tables, loggerFactory.CreateLogger<HistoryStore>());
});
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(sp => new IngestUploadHandler(
    sp.GetRequiredService<HistoryStore>(),
    options: null,
    logger: sp.GetRequiredService<ILogger<IngestUploadHandler>>(),
    time: sp.GetRequiredService<TimeProvider>()));
builder.Services.AddSingleton(sp => new WeeklyDigestHandler(
    sp.GetRequiredService<HistoryStore>(),
    new DigestOptions { Schedule = sp.GetRequiredService<IConfiguration>()["DigestSchedule"] ?? "0 0 6 * * Mon" },
    sp.GetRequiredService<ILogger<WeeklyDigestHandler>>()));
builder.Services.AddSingleton(sp => new ExporterReviewService(sp.GetRequiredService<HistoryStore>(), sp.GetRequiredService<TimeProvider>()));

builder.Build().Run();
