using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;

namespace TradeAnalyzer.Storage.AzureRest;

/// <summary>
/// <see cref="ITableStore"/> over the Table service REST API (Azure or Azurite) with OData JSON: Create Table,
/// Insert, Insert-or-replace, Update/Merge with If-Match, Delete, Query with an escaped $filter and
/// continuation headers, and Entity Group Transactions (multipart/mixed changesets).
/// </summary>
internal sealed partial class AzureTableStore : ITableStore
{
    private const string Accept = "application/json;odata=minimalmetadata";
    private const string TableVersion = "2019-02-02";
    private readonly StoragePipeline storage;

    public AzureTableStore(StoragePipeline storage) => this.storage = storage;

    /// <inheritdoc />
    public async Task CreateTableIfNotExistsAsync(string table, CancellationToken ct = default)
    {
        StorageNames.ValidateTable(table);
        using var message = NewMessage(RequestMethod.Post, "/Tables");
        message.Request.Headers.SetValue("Content-Type", "application/json");
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        message.Request.Content = RequestContent.Create(TableNameBody(table));
        var response = await SendAsync(message, ct).ConfigureAwait(false);
        if (response.Status is not (201 or 204 or 409))
        {
            throw StorageErrors.Create(response, "Create table", table);
        }
    }

    /// <summary>The body of Create Table: {"TableName":"..."}, written without reflection-based serialisation.</summary>
    internal static byte[] TableNameBody(string table)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("TableName", table);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <inheritdoc />
    public async Task<TableEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken ct = default)
    {
        using var message = NewMessage(RequestMethod.Get, EntityPath(table, partitionKey, rowKey));
        var response = await SendAsync(message, ct).ConfigureAwait(false);
        if (response.Status == 404)
        {
            return null;
        }

        if (response.Status != 200)
        {
            throw StorageErrors.Create(response, "Get entity from", table);
        }

        using var doc = JsonDocument.Parse(response.Content.ToMemory());
        var entity = TableJson.Read(doc.RootElement);
        if (response.Headers.TryGetValue("ETag", out var etag))
        {
            entity.ETag = etag;
        }

        return entity;
    }

    /// <inheritdoc />
    public async Task<string> InsertAsync(string table, TableEntity entity, CancellationToken ct = default)
    {
        ValidateEntity(table, entity);
        using var message = NewMessage(RequestMethod.Post, "/" + table);
        return await WriteAsync(message, entity, includeKeys: true, "Insert entity into", table, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<string> UpsertAsync(string table, TableEntity entity, CancellationToken ct = default)
    {
        ValidateEntity(table, entity);
        using var message = NewMessage(RequestMethod.Put, EntityPath(table, entity.PartitionKey, entity.RowKey));
        return await WriteAsync(message, entity, includeKeys: false, "Upsert entity into", table, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<string> UpdateAsync(string table, TableEntity entity, string ifMatch, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        ValidateEntity(table, entity);
        var method = mode == TableUpdateMode.Merge ? new RequestMethod("MERGE") : RequestMethod.Put;
        using var message = NewMessage(method, EntityPath(table, entity.PartitionKey, entity.RowKey));
        message.Request.Headers.SetValue("If-Match", ifMatch);
        return await WriteAsync(message, entity, includeKeys: false, "Update entity in", table, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string table, string partitionKey, string rowKey, string ifMatch = "*", CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        using var message = NewMessage(RequestMethod.Delete, EntityPath(table, partitionKey, rowKey));
        message.Request.Headers.SetValue("If-Match", ifMatch);
        var response = await SendAsync(message, ct).ConfigureAwait(false);
        return response.Status switch
        {
            204 => true,
            404 => false,
            _ => throw StorageErrors.Create(response, "Delete entity from", table),
        };
    }

    /// <inheritdoc />
    public async Task<TablePage> QueryPageAsync(string table, string partitionKey, string? rowKeyFrom, string? rowKeyTo, string? continuation, int pageSize = 1000, CancellationToken ct = default)
    {
        StorageNames.ValidateKey(partitionKey, nameof(partitionKey));
        var filter = new TableFilter().And("PartitionKey", "eq", partitionKey);
        if (rowKeyFrom is not null)
        {
            filter.And("RowKey", "ge", rowKeyFrom);
        }

        if (rowKeyTo is not null)
        {
            filter.And("RowKey", "lt", rowKeyTo);
        }

        return await QueryFilteredAsync(table, filter.ToString(), continuation, pageSize, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<TableEntity> QueryAsync(string table, string partitionKey, string? rowKeyFrom = null, string? rowKeyTo = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        string? continuation = null;
        do
        {
            var page = await QueryPageAsync(table, partitionKey, rowKeyFrom, rowKeyTo, continuation, 1000, ct).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                yield return item;
            }

            continuation = page.Continuation;
        }
        while (continuation is not null);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<TableEntity> QueryAllAsync(string table, [EnumeratorCancellation] CancellationToken ct = default)
    {
        string? continuation = null;
        do
        {
            var page = await QueryFilteredAsync(table, null, continuation, 1000, ct).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                yield return item;
            }

            continuation = page.Continuation;
        }
        while (continuation is not null);
    }

    /// <inheritdoc />
    public async Task SubmitBatchAsync(string table, IReadOnlyList<TableOperation> operations, CancellationToken ct = default)
    {
        TableBatchRules.Validate(operations);
        foreach (var op in operations)
        {
            ValidateEntity(table, op.Entity);
        }

        var batchBoundary = "batch_" + Guid.NewGuid().ToString("D");
        var changesetBoundary = "changeset_" + Guid.NewGuid().ToString("D");
        var baseUri = storage.Account.TableEndpoint.AbsoluteUri.TrimEnd('/');
        var body = new StringBuilder();
        body.Append("--").Append(batchBoundary).Append("\r\n");
        body.Append("Content-Type: multipart/mixed; boundary=").Append(changesetBoundary).Append("\r\n\r\n");
        foreach (var op in operations)
        {
            var entityUri = baseUri + EntityPath(table, op.Entity.PartitionKey, op.Entity.RowKey);
            var (method, uri, ifMatch, json) = op.Kind switch
            {
                TableOperationKind.Insert => ("POST", baseUri + "/" + table, null, TableJson.Serialize(op.Entity, includeKeys: true)),
                TableOperationKind.Upsert => ("PUT", entityUri, null, TableJson.Serialize(op.Entity, includeKeys: false)),
                TableOperationKind.Update => ("PUT", entityUri, op.IfMatch ?? "*", TableJson.Serialize(op.Entity, includeKeys: false)),
                TableOperationKind.Merge => ("MERGE", entityUri, op.IfMatch ?? "*", TableJson.Serialize(op.Entity, includeKeys: false)),
                TableOperationKind.Delete => ("DELETE", entityUri, op.IfMatch ?? "*", (byte[]?)null),
                _ => throw new ArgumentOutOfRangeException(nameof(operations), "Unknown operation kind."),
            };
            body.Append("--").Append(changesetBoundary).Append("\r\n");
            body.Append("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n");
            body.Append(method).Append(' ').Append(uri).Append(" HTTP/1.1\r\n");
            body.Append("Accept: ").Append(Accept).Append("\r\n");
            body.Append("DataServiceVersion: 3.0;\r\n");
            body.Append("Prefer: return-no-content\r\n");
            if (ifMatch is not null)
            {
                body.Append("If-Match: ").Append(ifMatch).Append("\r\n");
            }

            if (json is not null)
            {
                body.Append("Content-Type: application/json\r\n\r\n");
                body.Append(Encoding.UTF8.GetString(json)).Append("\r\n");
            }
            else
            {
                body.Append("\r\n");
            }
        }

        body.Append("--").Append(changesetBoundary).Append("--\r\n");
        body.Append("--").Append(batchBoundary).Append("--\r\n");

        using var message = NewMessage(RequestMethod.Post, "/$batch");
        message.Request.Headers.SetValue("Content-Type", "multipart/mixed; boundary=" + batchBoundary);
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body.ToString()));
        var response = await SendAsync(message, ct).ConfigureAwait(false);
        if (response.Status != 202)
        {
            throw StorageErrors.Create(response, "Batch on", table);
        }

        var text = response.Content.ToString();
        foreach (Match match in StatusLine().Matches(text))
        {
            var status = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            if (status < 400)
            {
                continue;
            }

            var codeMatch = ErrorCodeJson().Match(text, match.Index);
            var code = codeMatch.Success ? codeMatch.Groups[1].Value : null;
            var msg = $"Batch on {table} failed: {status} {code}.";
            throw status is 409 or 412 ? new StorageConflictException(status, code, msg) : new StorageException(status, code, msg);
        }
    }

    private async Task<TablePage> QueryFilteredAsync(string table, string? filter, string? continuation, int pageSize, CancellationToken ct)
    {
        StorageNames.ValidateTable(table);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, 1000);
        using var message = NewMessage(RequestMethod.Get, "/" + table + "()");
        var uri = message.Request.Uri;
        if (filter is not null)
        {
            uri.AppendQuery("$filter", filter);
        }

        uri.AppendQuery("$top", pageSize.ToString(CultureInfo.InvariantCulture));
        if (continuation is not null)
        {
            var (npk, nrk) = DecodeContinuation(continuation);
            uri.AppendQuery("NextPartitionKey", npk);
            if (nrk is not null)
            {
                uri.AppendQuery("NextRowKey", nrk);
            }
        }

        var response = await SendAsync(message, ct).ConfigureAwait(false);
        if (response.Status != 200)
        {
            throw StorageErrors.Create(response, "Query", table);
        }

        var items = new List<TableEntity>();
        using (var doc = JsonDocument.Parse(response.Content.ToMemory()))
        {
            foreach (var element in doc.RootElement.GetProperty("value").EnumerateArray())
            {
                items.Add(TableJson.Read(element));
            }
        }

        string? next = null;
        if (response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var nextPk) && !string.IsNullOrEmpty(nextPk))
        {
            response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out var nextRk);
            next = EncodeContinuation(nextPk, nextRk);
        }

        return new TablePage(items, next);
    }

    private static string EncodeContinuation(string pk, string? rk) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(pk + "\n" + (rk ?? string.Empty) + "\n" + (rk is null ? "0" : "1")));

    private static (string Pk, string? Rk) DecodeContinuation(string token)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('\n');
            return parts.Length == 3 ? (parts[0], parts[2] == "1" ? parts[1] : null) : throw new FormatException();
        }
        catch (FormatException ex)
        {
            throw new ArgumentException("Invalid continuation token.", nameof(token), ex);
        }
    }

    private async Task<string> WriteAsync(HttpMessage message, TableEntity entity, bool includeKeys, string operation, string table, CancellationToken ct)
    {
        message.Request.Headers.SetValue("Content-Type", "application/json");
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        message.Request.Content = RequestContent.Create(TableJson.Serialize(entity, includeKeys));
        var response = await SendAsync(message, ct).ConfigureAwait(false);
        if (response.Status is not (201 or 204))
        {
            throw StorageErrors.Create(response, operation, table);
        }

        return response.Headers.TryGetValue("ETag", out var etag) ? etag : string.Empty;
    }

    private static void ValidateEntity(string table, TableEntity entity)
    {
        StorageNames.ValidateTable(table);
        ArgumentNullException.ThrowIfNull(entity);
        StorageNames.ValidateKey(entity.PartitionKey, "PartitionKey");
        StorageNames.ValidateKey(entity.RowKey, "RowKey");
        foreach (var (name, value) in entity.Properties)
        {
            StorageNames.ValidatePropertyName(name);
            StorageNames.ValidatePropertyValue(name, value);
        }
    }

    /// <summary>"/Table(PartitionKey='pk',RowKey='rk')" with quotes doubled and the keys percent-encoded.</summary>
    internal static string EntityPath(string table, string partitionKey, string rowKey)
    {
        StorageNames.ValidateTable(table);
        StorageNames.ValidateKey(partitionKey, nameof(partitionKey));
        StorageNames.ValidateKey(rowKey, nameof(rowKey));
        return "/" + table + "(PartitionKey='" + EscapeKey(partitionKey) + "',RowKey='" + EscapeKey(rowKey) + "')";
    }

    private static string EscapeKey(string key) => Uri.EscapeDataString(key.Replace("'", "''", StringComparison.Ordinal));

    private HttpMessage NewMessage(RequestMethod method, string path)
    {
        var message = storage.Pipeline.CreateMessage();
        message.SetProperty(StoragePipeline.TableServiceProperty, true);
        var request = message.Request;
        request.Method = method;
        request.Uri.Reset(storage.Account.TableEndpoint);
        request.Uri.AppendPath(path, escape: false);
        request.Headers.SetValue("x-ms-version", TableVersion);
        request.Headers.SetValue("Accept", Accept);
        request.Headers.SetValue("DataServiceVersion", "3.0");
        request.Headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        return message;
    }

    private Task<Response> SendAsync(HttpMessage message, CancellationToken ct) => storage.SendAsync(message, ct);

    [GeneratedRegex(@"HTTP/1\.1 (\d{3})")]
    private static partial Regex StatusLine();

    [GeneratedRegex("\"code\"\\s*:\\s*\"([^\"]+)\"")]
    private static partial Regex ErrorCodeJson();
}
