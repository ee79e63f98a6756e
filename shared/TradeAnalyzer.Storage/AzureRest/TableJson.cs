using System.Globalization;
using System.Text.Json;

namespace TradeAnalyzer.Storage.AzureRest;

/// <summary>
/// Entity JSON of the Table service (OData minimal metadata): Int64, DateTime, Binary, Guid and Double
/// carry "@odata.type" annotations; Int32, Boolean and String are plain JSON.
/// </summary>
internal static class TableJson
{
    public static byte[] Serialize(TableEntity entity, bool includeKeys)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            Write(w, entity, includeKeys);
        }

        return buffer.ToArray();
    }

    public static void Write(Utf8JsonWriter w, TableEntity entity, bool includeKeys)
    {
        w.WriteStartObject();
        if (includeKeys)
        {
            w.WriteString("PartitionKey", entity.PartitionKey);
            w.WriteString("RowKey", entity.RowKey);
        }

        foreach (var (name, value) in entity.Properties)
        {
            StorageNames.ValidatePropertyName(name);
            switch (value)
            {
                case null:
                    break;
                case string s:
                    w.WriteString(name, s);
                    break;
                case bool b:
                    w.WriteBoolean(name, b);
                    break;
                case int i:
                    w.WriteNumber(name, i);
                    break;
                case long l:
                    w.WriteString(name + "@odata.type", "Edm.Int64");
                    w.WriteString(name, l.ToString(CultureInfo.InvariantCulture));
                    break;
                case double d:
                    w.WriteString(name + "@odata.type", "Edm.Double");
                    if (double.IsFinite(d))
                    {
                        w.WriteNumber(name, d);
                    }
                    else
                    {
                        w.WriteString(name, double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
                    }

                    break;
                case DateTimeOffset dto:
                    w.WriteString(name + "@odata.type", "Edm.DateTime");
                    w.WriteString(name, FormatDate(dto));
                    break;
                case DateTime dt:
                    w.WriteString(name + "@odata.type", "Edm.DateTime");
                    w.WriteString(name, FormatDate(new DateTimeOffset(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt.ToUniversalTime())));
                    break;
                case Guid g:
                    w.WriteString(name + "@odata.type", "Edm.Guid");
                    w.WriteString(name, g.ToString("D"));
                    break;
                case byte[] bytes:
                    w.WriteString(name + "@odata.type", "Edm.Binary");
                    w.WriteBase64String(name, bytes);
                    break;
                default:
                    throw new ArgumentException($"Property '{name}' has unsupported type {value.GetType().Name}.", nameof(entity));
            }
        }

        w.WriteEndObject();
    }

    public static string FormatDate(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads one entity object (from a Get or a query's "value" array).</summary>
    public static TableEntity Read(JsonElement element)
    {
        var entity = new TableEntity();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var prop in element.EnumerateObject())
        {
            if (prop.Name.EndsWith("@odata.type", StringComparison.Ordinal))
            {
                types[prop.Name[..^"@odata.type".Length]] = prop.Value.GetString() ?? string.Empty;
            }
        }

        foreach (var prop in element.EnumerateObject())
        {
            var name = prop.Name;
            if (name.Contains('@', StringComparison.Ordinal) || name.StartsWith("odata.", StringComparison.Ordinal))
            {
                if (name == "odata.etag")
                {
                    entity.ETag = prop.Value.GetString();
                }

                continue;
            }

            switch (name)
            {
                case "PartitionKey":
                    entity.PartitionKey = prop.Value.GetString() ?? string.Empty;
                    continue;
                case "RowKey":
                    entity.RowKey = prop.Value.GetString() ?? string.Empty;
                    continue;
                case "Timestamp":
                    entity.Timestamp = ParseDate(prop.Value.GetString()!);
                    continue;
            }

            var v = prop.Value;
            types.TryGetValue(name, out var type);
            entity.Properties[name] = type switch
            {
                "Edm.Int64" => long.Parse(v.GetString()!, CultureInfo.InvariantCulture),
                "Edm.Int32" => v.ValueKind == JsonValueKind.String ? int.Parse(v.GetString()!, CultureInfo.InvariantCulture) : v.GetInt32(),
                "Edm.Double" => v.ValueKind == JsonValueKind.String ? double.Parse(v.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture) : v.GetDouble(),
                "Edm.DateTime" => ParseDate(v.GetString()!),
                "Edm.Guid" => Guid.Parse(v.GetString()!, CultureInfo.InvariantCulture),
                "Edm.Binary" => v.GetBytesFromBase64(),
                "Edm.Boolean" => v.GetBoolean(),
                "Edm.String" => v.GetString(),
                _ => v.ValueKind switch
                {
                    JsonValueKind.String => v.GetString(),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Number => v.TryGetInt32(out var i) ? i : v.GetDouble(),
                    JsonValueKind.Null => null,
                    _ => v.GetRawText(),
                },
            };
        }

        return entity;
    }

    private static DateTimeOffset ParseDate(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
