using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace TradeAnalyzer.Storage.AzureRest;

/// <summary>
/// Signs each attempt with the account's shared key: the Blob service string-to-sign (verb, standard
/// headers, canonicalized x-ms-* headers, canonicalized resource with query) or the Table service one
/// (verb, Content-MD5, Content-Type, date, resource with ?comp). The signature is never logged.
/// </summary>
internal sealed class SharedKeyPolicy : HttpPipelineSynchronousPolicy
{
    private readonly StorageAccount account;

    public SharedKeyPolicy(StorageAccount account) => this.account = account;

    /// <inheritdoc />
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        var date = DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture);
        request.Headers.SetValue("x-ms-date", date);
        var isTable = message.TryGetProperty(StoragePipeline.TableServiceProperty, out var flag) && flag is true;
        var stringToSign = isTable ? TableStringToSign(request, date) : BlobStringToSign(request);
        using var hmac = new HMACSHA256(account.AccountKey!);
        var signature = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(stringToSign)));
        request.Headers.SetValue("Authorization", "SharedKey " + account.AccountName + ":" + signature);
    }

    /// <summary>The Blob service string-to-sign (version 2015-02-21 and later).</summary>
    internal string BlobStringToSign(Request request)
    {
        var contentLength = string.Empty;
        if (request.Content is not null && request.Content.TryComputeLength(out var length) && length > 0)
        {
            contentLength = length.ToString(CultureInfo.InvariantCulture);
        }

        var sb = new StringBuilder();
        sb.Append(request.Method.Method.ToUpperInvariant()).Append('\n');
        sb.Append(Header(request, "Content-Encoding")).Append('\n');
        sb.Append(Header(request, "Content-Language")).Append('\n');
        sb.Append(contentLength).Append('\n');
        sb.Append(Header(request, "Content-MD5")).Append('\n');
        sb.Append(Header(request, "Content-Type")).Append('\n');
        sb.Append('\n'); // Date: x-ms-date is used instead.
        sb.Append(Header(request, "If-Modified-Since")).Append('\n');
        sb.Append(Header(request, "If-Match")).Append('\n');
        sb.Append(Header(request, "If-None-Match")).Append('\n');
        sb.Append(Header(request, "If-Unmodified-Since")).Append('\n');
        sb.Append(Header(request, "Range")).Append('\n');

        var msHeaders = new List<(string Name, string Value)>();
        foreach (var header in request.Headers)
        {
            if (header.Name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            {
                msHeaders.Add((header.Name.ToLowerInvariant(), header.Value.Trim()));
            }
        }

        msHeaders.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var (name, value) in msHeaders)
        {
            sb.Append(name).Append(':').Append(value).Append('\n');
        }

        var uri = request.Uri.ToUri();
        sb.Append('/').Append(account.AccountName).Append(uri.AbsolutePath.Length > 0 ? uri.AbsolutePath : "/");
        var query = ParseQuery(uri.Query);
        foreach (var (name, values) in query)
        {
            values.Sort(StringComparer.Ordinal);
            sb.Append('\n').Append(name).Append(':').Append(string.Join(',', values));
        }

        return sb.ToString();
    }

    /// <summary>The Table service string-to-sign (Shared Key, not Lite).</summary>
    internal string TableStringToSign(Request request, string date)
    {
        var uri = request.Uri.ToUri();
        var resource = new StringBuilder().Append('/').Append(account.AccountName).Append(uri.AbsolutePath.Length > 0 ? uri.AbsolutePath : "/");
        var query = ParseQuery(uri.Query);
        if (query.TryGetValue("comp", out var comp))
        {
            resource.Append("?comp=").Append(string.Join(',', comp));
        }

        return string.Join(
            '\n',
            request.Method.Method.ToUpperInvariant(),
            Header(request, "Content-MD5"),
            Header(request, "Content-Type"),
            date,
            resource.ToString());
    }

    private static string Header(Request request, string name) => request.Headers.TryGetValue(name, out var value) ? value : string.Empty;

    private static SortedDictionary<string, List<string>> ParseQuery(string query)
    {
        var result = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(query))
        {
            return result;
        }

        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]).ToLowerInvariant();
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (!result.TryGetValue(name, out var list))
            {
                result[name] = list = [];
            }

            list.Add(value);
        }

        return result;
    }
}
