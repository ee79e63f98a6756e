using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Xml;
using Azure;
using Azure.Core;

namespace TradeAnalyzer.Storage.AzureRest;

/// <summary>
/// <see cref="IBlobStore"/> over the Blob service REST API (Azure or Azurite): Put Blob, or Put Block +
/// Put Block List for large streams; Get Blob; Get Blob Properties; List Blobs; Delete Blob; Set Blob
/// Metadata; Lease Blob; Create Container.
/// </summary>
internal sealed class AzureBlobStore : IBlobStore
{
    private const string MetaPrefix = "x-ms-meta-";
    private readonly StoragePipeline storage;

    public AzureBlobStore(StoragePipeline storage) => this.storage = storage;

    /// <inheritdoc />
    public async Task CreateContainerIfNotExistsAsync(string container, CancellationToken ct = default)
    {
        StorageNames.ValidateContainer(container);
        using var message = NewMessage(RequestMethod.Put, container, null);
        message.Request.Uri.AppendQuery("restype", "container");
        var response = await SendAsync(message, ct).ConfigureAwait(false);
        if (response.Status is not (201 or 409))
        {
            throw StorageErrors.Create(response, "Create container", container);
        }
    }

    /// <inheritdoc />
    public async Task<BlobWriteResult> PutAsync(string container, string name, Stream content, BlobPutOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        Validate(container, name);
        StorageNames.ValidateMetadata(options?.Metadata);
        var threshold = storage.Options.SingleUploadThreshold;
        var first = await ReadUpToAsync(content, threshold + 1, ct).ConfigureAwait(false);
        if (first.Length <= threshold)
        {
            using var message = NewMessage(RequestMethod.Put, container, name);
            message.Request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
            AddPutHeaders(message.Request, options);
            message.Request.Content = RequestContent.Create(first);
            var response = await SendAsync(message, ct).ConfigureAwait(false);
            return response.Status == 201 ? WriteResult(response) : throw StorageErrors.Create(response, "Put blob", container + "/" + name);
        }

        // Large: stage blocks (retriable individually), then commit the list with the conditions.
        var blockIds = new List<string>();
        var pending = first;
        while (pending.Length > 0)
        {
            var size = storage.Options.BlockSize;
            for (var offset = 0; offset < pending.Length; offset += size)
            {
                var count = Math.Min(size, pending.Length - offset);
                var id = Convert.ToBase64String(Encoding.ASCII.GetBytes("block-" + blockIds.Count.ToString("D6", CultureInfo.InvariantCulture)));
                blockIds.Add(id);
                using var block = NewMessage(RequestMethod.Put, container, name);
                block.Request.Uri.AppendQuery("comp", "block");
                block.Request.Uri.AppendQuery("blockid", id);
                if (options?.LeaseId is { } lease)
                {
                    block.Request.Headers.SetValue("x-ms-lease-id", lease);
                }

                block.Request.Content = RequestContent.Create(new ReadOnlyMemory<byte>(pending, offset, count));
                var staged = await SendAsync(block, ct).ConfigureAwait(false);
                if (staged.Status != 201)
                {
                    throw StorageErrors.Create(staged, "Put block", container + "/" + name);
                }
            }

            pending = await ReadUpToAsync(content, threshold, ct).ConfigureAwait(false);
        }

        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
        foreach (var id in blockIds)
        {
            xml.Append("<Latest>").Append(id).Append("</Latest>");
        }

        xml.Append("</BlockList>");
        using var commit = NewMessage(RequestMethod.Put, container, name);
        commit.Request.Uri.AppendQuery("comp", "blocklist");
        commit.Request.Headers.SetValue("Content-Type", "application/xml");
        AddPutHeaders(commit.Request, options);
        commit.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(xml.ToString()));
        var committed = await SendAsync(commit, ct).ConfigureAwait(false);
        return committed.Status == 201 ? WriteResult(committed) : throw StorageErrors.Create(committed, "Put block list", container + "/" + name);
    }

    /// <inheritdoc />
    public async Task<BlobDownload?> GetAsync(string container, string name, CancellationToken ct = default)
    {
        Validate(container, name);
        var message = NewMessage(RequestMethod.Get, container, name);
        message.BufferResponse = false;
        try
        {
            var response = await SendAsync(message, ct).ConfigureAwait(false);
            if (response.Status == 404)
            {
                message.Dispose();
                return null;
            }

            if (response.Status != 200)
            {
                throw StorageErrors.Create(response, "Get blob", container + "/" + name);
            }

            var stream = message.ExtractResponseContent() ?? new MemoryStream();
            message.Dispose();
            return new BlobDownload(stream, Properties(name, response));
        }
        catch
        {
            message.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<BlobProperties?> GetPropertiesAsync(string container, string name, CancellationToken ct = default)
    {
        Validate(container, name);
        using var message = NewMessage(RequestMethod.Head, container, name);
        var response = await SendAsync(message, ct).ConfigureAwait(false);
        return response.Status switch
        {
            200 => Properties(name, response),
            404 => null,
            _ => throw StorageErrors.Create(response, "Get blob properties", container + "/" + name),
        };
    }

    /// <inheritdoc />
    public async Task<BlobPage> ListPageAsync(string container, string? prefix, string? continuation, int pageSize = 1000, CancellationToken ct = default)
    {
        StorageNames.ValidateContainer(container);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, 5000);
        if (!BlobNames.IsValidPrefix(prefix))
        {
            throw new ArgumentException("Invalid blob prefix.", nameof(prefix));
        }

        using var message = NewMessage(RequestMethod.Get, container, null);
        var uri = message.Request.Uri;
        uri.AppendQuery("restype", "container");
        uri.AppendQuery("comp", "list");
        uri.AppendQuery("include", "metadata");
        if (!string.IsNullOrEmpty(prefix))
        {
            uri.AppendQuery("prefix", prefix);
        }

        if (!string.IsNullOrEmpty(continuation))
        {
            uri.AppendQuery("marker", continuation);
        }

        uri.AppendQuery("maxresults", pageSize.ToString(CultureInfo.InvariantCulture));
        var response = await SendAsync(message, ct).ConfigureAwait(false);
        if (response.Status != 200)
        {
            throw StorageErrors.Create(response, "List blobs", container);
        }

        return ParseList(response.Content.ToStream());
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<BlobProperties> ListAsync(string container, string? prefix = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        string? continuation = null;
        do
        {
            var page = await ListPageAsync(container, prefix, continuation, 1000, ct).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                yield return item;
            }

            continuation = page.Continuation;
        }
        while (continuation is not null);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string container, string name, string? ifMatch = null, CancellationToken ct = default)
    {
        Validate(container, name);
        using var message = NewMessage(RequestMethod.Delete, container, name);
        if (ifMatch is not null)
        {
            message.Request.Headers.SetValue("If-Match", ifMatch);
        }

        var response = await SendAsync(message, ct).ConfigureAwait(false);
        return response.Status switch
        {
            202 => true,
            404 => false,
            _ => throw StorageErrors.Create(response, "Delete blob", container + "/" + name),
        };
    }

    /// <inheritdoc />
    public async Task SetMetadataAsync(string container, string name, IReadOnlyDictionary<string, string> metadata, string? ifMatch = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        Validate(container, name);
        StorageNames.ValidateMetadata(metadata);
        using var message = NewMessage(RequestMethod.Put, container, name);
        message.Request.Uri.AppendQuery("comp", "metadata");
        AddMetadata(message.Request, metadata);
        if (ifMatch is not null)
        {
            message.Request.Headers.SetValue("If-Match", ifMatch);
        }

        var response = await SendAsync(message, ct).ConfigureAwait(false);
        if (response.Status != 200)
        {
            throw StorageErrors.Create(response, "Set blob metadata", container + "/" + name);
        }
    }

    /// <inheritdoc />
    public async Task<string?> TryAcquireLeaseAsync(string container, string name, TimeSpan duration, CancellationToken ct = default)
    {
        LocalFolderStore.ValidateLeaseDuration(duration);
        var response = await LeaseAsync(container, name, "acquire", null, duration, ct).ConfigureAwait(false);
        if (response.Status == 201 && response.Headers.TryGetValue("x-ms-lease-id", out var id))
        {
            return id;
        }

        if (response.Status == 409)
        {
            return null;
        }

        throw StorageErrors.Create(response, "Acquire lease on", container + "/" + name);
    }

    /// <inheritdoc />
    public async Task RenewLeaseAsync(string container, string name, string leaseId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseId);
        var response = await LeaseAsync(container, name, "renew", leaseId, null, ct).ConfigureAwait(false);
        if (response.Status != 200)
        {
            throw StorageErrors.Create(response, "Renew lease on", container + "/" + name);
        }
    }

    /// <inheritdoc />
    public async Task ReleaseLeaseAsync(string container, string name, string leaseId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(leaseId);
        var response = await LeaseAsync(container, name, "release", leaseId, null, ct).ConfigureAwait(false);
        if (response.Status != 200)
        {
            throw StorageErrors.Create(response, "Release lease on", container + "/" + name);
        }
    }

    private async Task<Response> LeaseAsync(string container, string name, string action, string? leaseId, TimeSpan? duration, CancellationToken ct)
    {
        Validate(container, name);
        using var message = NewMessage(RequestMethod.Put, container, name);
        message.Request.Uri.AppendQuery("comp", "lease");
        message.Request.Headers.SetValue("x-ms-lease-action", action);
        if (leaseId is not null)
        {
            message.Request.Headers.SetValue("x-ms-lease-id", leaseId);
        }

        if (duration is { } d)
        {
            var seconds = d == Timeout.InfiniteTimeSpan ? -1 : (int)d.TotalSeconds;
            message.Request.Headers.SetValue("x-ms-lease-duration", seconds.ToString(CultureInfo.InvariantCulture));
            message.Request.Headers.SetValue("x-ms-proposed-lease-id", Guid.NewGuid().ToString("D"));
        }

        return await SendAsync(message, ct).ConfigureAwait(false);
    }

    private static void Validate(string container, string name)
    {
        StorageNames.ValidateContainer(container);
        BlobNames.Validate(name);
    }

    private HttpMessage NewMessage(RequestMethod method, string container, string? name)
    {
        var message = storage.Pipeline.CreateMessage();
        var request = message.Request;
        request.Method = method;
        request.Uri.Reset(storage.Account.BlobEndpoint);
        request.Uri.AppendPath("/" + container, escape: false);
        if (name is not null)
        {
            foreach (var segment in name.Split('/'))
            {
                request.Uri.AppendPath("/", escape: false);
                request.Uri.AppendPath(segment, escape: true);
            }
        }

        request.Headers.SetValue("x-ms-version", storage.Options.ServiceVersion);
        return message;
    }

    private async Task<Response> SendAsync(HttpMessage message, CancellationToken ct)
    {
        await storage.Pipeline.SendAsync(message, ct).ConfigureAwait(false);
        return message.Response;
    }

    private static void AddPutHeaders(Request request, BlobPutOptions? options)
    {
        request.Headers.SetValue("x-ms-blob-content-type", string.IsNullOrEmpty(options?.ContentType) ? "application/octet-stream" : options.ContentType);
        if (options is null)
        {
            return;
        }

        if (options.Metadata is not null)
        {
            AddMetadata(request, options.Metadata);
        }

        if (options.IfMatch is not null)
        {
            request.Headers.SetValue("If-Match", options.IfMatch);
        }

        if (options.IfNoneMatch is not null)
        {
            request.Headers.SetValue("If-None-Match", options.IfNoneMatch);
        }

        if (options.LeaseId is not null)
        {
            request.Headers.SetValue("x-ms-lease-id", options.LeaseId);
        }
    }

    private static void AddMetadata(Request request, IReadOnlyDictionary<string, string> metadata)
    {
        foreach (var (key, value) in metadata)
        {
            request.Headers.SetValue(MetaPrefix + key, value);
        }
    }

    private static BlobWriteResult WriteResult(Response response)
    {
        response.Headers.TryGetValue("ETag", out var etag);
        return new BlobWriteResult(etag ?? string.Empty, LastModified(response));
    }

    private static DateTimeOffset LastModified(Response response) =>
        response.Headers.TryGetValue("Last-Modified", out var lm) && DateTimeOffset.TryParse(lm, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : DateTimeOffset.MinValue;

    private static BlobProperties Properties(string name, Response response)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in response.Headers)
        {
            if (header.Name.StartsWith(MetaPrefix, StringComparison.OrdinalIgnoreCase))
            {
                metadata[header.Name[MetaPrefix.Length..]] = header.Value;
            }
        }

        response.Headers.TryGetValue("ETag", out var etag);
        response.Headers.TryGetValue("Content-Type", out var contentType);
        long length = 0;
        if (response.Headers.TryGetValue("Content-Length", out var cl))
        {
            _ = long.TryParse(cl, NumberStyles.Integer, CultureInfo.InvariantCulture, out length);
        }

        return new BlobProperties(name, length, etag ?? string.Empty, LastModified(response), contentType ?? "application/octet-stream", metadata);
    }

    /// <summary>Parses a List Blobs EnumerationResults document.</summary>
    internal static BlobPage ParseList(Stream xml)
    {
        var items = new List<BlobProperties>();
        string? next = null;
        using var reader = XmlReader.Create(xml, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreWhitespace = true, Async = false });
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (reader.Name == "NextMarker")
            {
                next = reader.ReadElementContentAsString();
                next = string.IsNullOrEmpty(next) ? null : next;
            }
            else if (reader.Name == "Blob")
            {
                items.Add(ReadBlob(reader.ReadSubtree()));
            }
        }

        return new BlobPage(items, next);
    }

    private static BlobProperties ReadBlob(XmlReader blob)
    {
        string name = string.Empty, etag = string.Empty, contentType = "application/octet-stream";
        long length = 0;
        var lastModified = DateTimeOffset.MinValue;
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var inMetadata = false;
        using (blob)
        {
            blob.Read();
            while (!blob.EOF)
            {
                if (blob.NodeType == XmlNodeType.EndElement && blob.Name == "Metadata")
                {
                    inMetadata = false;
                    blob.Read();
                    continue;
                }

                if (blob.NodeType != XmlNodeType.Element || blob.Depth == 0)
                {
                    blob.Read();
                    continue;
                }

                if (inMetadata)
                {
                    var key = blob.Name;
                    metadata[key] = blob.ReadElementContentAsString();
                    continue;
                }

                switch (blob.Name)
                {
                    case "Name":
                        name = blob.ReadElementContentAsString();
                        break;
                    case "Etag":
                        etag = blob.ReadElementContentAsString();
                        break;
                    case "Content-Length":
                        length = long.Parse(blob.ReadElementContentAsString(), CultureInfo.InvariantCulture);
                        break;
                    case "Content-Type":
                        contentType = blob.ReadElementContentAsString();
                        break;
                    case "Last-Modified":
                        lastModified = DateTimeOffset.Parse(blob.ReadElementContentAsString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                        break;
                    case "Metadata":
                        if (blob.IsEmptyElement)
                        {
                            blob.Read();
                        }
                        else
                        {
                            inMetadata = true;
                            blob.Read();
                        }

                        break;
                    default:
                        blob.Read();
                        break;
                }
            }
        }

        if (etag.Length > 0 && etag[0] != '"')
        {
            etag = "\"" + etag + "\"";
        }

        return new BlobProperties(name, length, etag, lastModified, contentType, metadata);
    }

    private static async Task<byte[]> ReadUpToAsync(Stream stream, int max, CancellationToken ct)
    {
        var buffer = new byte[Math.Min(max, 81920)];
        using var collected = new MemoryStream();
        while (collected.Length < max)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, max - collected.Length)), ct).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            collected.Write(buffer, 0, read);
        }

        return collected.ToArray();
    }
}
