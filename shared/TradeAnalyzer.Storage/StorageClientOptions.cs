using Azure.Core;

namespace TradeAnalyzer.Storage;

/// <summary>
/// Pipeline options of the Azure Storage client: retries (exponential, 5 tries by default), network timeout,
/// logging (headers and query values that could carry secrets are never logged).
/// </summary>
public sealed class StorageClientOptions : ClientOptions
{
    /// <summary>The REST API version sent as x-ms-version (supported by Azurite 3).</summary>
    public const string DefaultServiceVersion = "2021-08-06";

    /// <summary>Creates options with the defaults used by the analyzer.</summary>
    public StorageClientOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 5;
        Retry.Delay = TimeSpan.FromMilliseconds(200);
        Retry.MaxDelay = TimeSpan.FromSeconds(10);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
        Diagnostics.IsLoggingContentEnabled = false;
        Diagnostics.IsTelemetryEnabled = false;
        Diagnostics.ApplicationId = "TradeAnalyzer";
    }

    /// <summary>The REST API version (x-ms-version).</summary>
    public string ServiceVersion { get; set; } = DefaultServiceVersion;

    /// <summary>Blobs larger than this are uploaded as blocks (Put Block + Put Block List).</summary>
    public int SingleUploadThreshold { get; set; } = 8 * 1024 * 1024;

    /// <summary>Block size of block uploads (4 MiB by default).</summary>
    public int BlockSize { get; set; } = 4 * 1024 * 1024;
}
