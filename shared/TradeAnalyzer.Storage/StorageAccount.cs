using System.Text;

namespace TradeAnalyzer.Storage;

/// <summary>
/// An Azure Storage account's endpoints and (optionally) its shared key, parsed from a connection string.
/// <see cref="ToString"/> never shows the key.
/// </summary>
public sealed record StorageAccount
{
    /// <summary>The well-known Azurite account name.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>The well-known, public Azurite account key (not a secret).</summary>
    internal const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>Creates an account description.</summary>
    public StorageAccount(string accountName, Uri blobEndpoint, Uri tableEndpoint, string? accountKey = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        ArgumentNullException.ThrowIfNull(blobEndpoint);
        ArgumentNullException.ThrowIfNull(tableEndpoint);
        AccountName = accountName;
        BlobEndpoint = blobEndpoint;
        TableEndpoint = tableEndpoint;
        AccountKey = string.IsNullOrEmpty(accountKey) ? null : Convert.FromBase64String(accountKey);
    }

    /// <summary>The account name (used in Shared Key signatures).</summary>
    public string AccountName { get; }

    /// <summary>The blob service endpoint (for Azurite includes the account name in the path).</summary>
    public Uri BlobEndpoint { get; }

    /// <summary>The table service endpoint.</summary>
    public Uri TableEndpoint { get; }

    /// <summary>True when a shared key is known (otherwise an Entra ID credential is needed).</summary>
    public bool HasKey => AccountKey is not null;

    /// <summary>The decoded shared key; never printed.</summary>
    internal byte[]? AccountKey { get; }

    /// <summary>The Azurite account at 127.0.0.1 on the given ports (10000/10002 by default).</summary>
    public static StorageAccount Development(int blobPort = 10000, int tablePort = 10002, string host = "127.0.0.1") => new(
        DevelopmentAccountName,
        new Uri($"http://{host}:{blobPort}/{DevelopmentAccountName}"),
        new Uri($"http://{host}:{tablePort}/{DevelopmentAccountName}"),
        DevelopmentAccountKey);

    /// <summary>An account reached by endpoints derived from its name (https://{name}.blob.{suffix}).</summary>
    public static StorageAccount FromName(string accountName, string? accountKey = null, string endpointSuffix = "core.windows.net") => new(
        accountName,
        new Uri($"https://{accountName}.blob.{endpointSuffix}"),
        new Uri($"https://{accountName}.table.{endpointSuffix}"),
        accountKey);

    /// <summary>
    /// Parses a connection string: DefaultEndpointsProtocol, AccountName, AccountKey, BlobEndpoint,
    /// TableEndpoint, EndpointSuffix, or "UseDevelopmentStorage=true" (Azurite on 127.0.0.1:10000/10002).
    /// Error messages never repeat the connection string.
    /// </summary>
    /// <exception cref="FormatException">The connection string is malformed or incomplete.</exception>
    public static StorageAccount Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var piece in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = piece.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException("The storage connection string has a part without 'name=value'.");
            }

            parts[piece[..eq].Trim()] = piece[(eq + 1)..].Trim();
        }

        if (parts.TryGetValue("UseDevelopmentStorage", out var dev) && bool.TryParse(dev, out var useDev) && useDev)
        {
            var host = "127.0.0.1";
            if (parts.TryGetValue("DevelopmentStorageProxyUri", out var proxy) && Uri.TryCreate(proxy, UriKind.Absolute, out var proxyUri))
            {
                host = proxyUri.Host;
            }

            return Development(host: host);
        }

        if (!parts.TryGetValue("AccountName", out var name) || name.Length == 0)
        {
            throw new FormatException("The storage connection string has no AccountName.");
        }

        parts.TryGetValue("AccountKey", out var key);
        var protocol = parts.TryGetValue("DefaultEndpointsProtocol", out var p) ? p : "https";
        var suffix = parts.TryGetValue("EndpointSuffix", out var s) ? s : "core.windows.net";
        var blob = parts.TryGetValue("BlobEndpoint", out var b) ? b : $"{protocol}://{name}.blob.{suffix}";
        var table = parts.TryGetValue("TableEndpoint", out var t) ? t : $"{protocol}://{name}.table.{suffix}";
        if (!Uri.TryCreate(blob, UriKind.Absolute, out var blobUri) || !Uri.TryCreate(table, UriKind.Absolute, out var tableUri))
        {
            throw new FormatException("The storage connection string has an invalid endpoint.");
        }

        try
        {
            return new StorageAccount(name, blobUri, tableUri, key);
        }
        catch (FormatException)
        {
            throw new FormatException("The storage connection string's AccountKey is not valid base64.");
        }
    }

    /// <summary>Prints name and endpoints only (the key is never shown).</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("AccountName = ").Append(AccountName)
            .Append(", BlobEndpoint = ").Append(BlobEndpoint)
            .Append(", TableEndpoint = ").Append(TableEndpoint)
            .Append(", HasKey = ").Append(HasKey);
        return true;
    }
}
