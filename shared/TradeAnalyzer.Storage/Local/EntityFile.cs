using System.Globalization;
using System.Text.Json;

namespace TradeAnalyzer.Storage.Local;

/// <summary>The local store's entity file: JSON with keys, ETag, timestamp and type-tagged properties.</summary>
internal static class EntityFile
{
    /// <summary>Serializes an entity (with the given ETag and timestamp) to UTF-8 JSON.</summary>
    public static byte[] Write(TableEntity entity, string etag, DateTimeOffset timestamp, bool indented = true)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            w.WriteStartObject();
            w.WriteString("PartitionKey", entity.PartitionKey);
            w.WriteString("RowKey", entity.RowKey);
            w.WriteString("ETag", etag);
            w.WriteString("Timestamp", timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            w.WriteStartObject("Properties");
            foreach (var (name, value) in entity.Properties)
            {
                if (value is null)
                {
                    continue;
                }

                w.WriteStartObject(name);
                switch (value)
                {
                    case string s:
                        w.WriteString("t", "String");
                        w.WriteString("v", s);
                        break;
                    case bool b:
                        w.WriteString("t", "Boolean");
                        w.WriteBoolean("v", b);
                        break;
                    case int i:
                        w.WriteString("t", "Int32");
                        w.WriteNumber("v", i);
                        break;
                    case long l:
                        w.WriteString("t", "Int64");
                        w.WriteString("v", l.ToString(CultureInfo.InvariantCulture));
                        break;
                    case double d:
                        w.WriteString("t", "Double");
                        w.WriteString("v", d.ToString("R", CultureInfo.InvariantCulture));
                        break;
                    case DateTimeOffset dto:
                        w.WriteString("t", "DateTime");
                        w.WriteString("v", dto.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                        break;
                    case DateTime dt:
                        w.WriteString("t", "DateTime");
                        w.WriteString("v", (dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt.ToUniversalTime()).ToString("O", CultureInfo.InvariantCulture));
                        break;
                    case Guid g:
                        w.WriteString("t", "Guid");
                        w.WriteString("v", g.ToString("D"));
                        break;
                    case byte[] bytes:
                        w.WriteString("t", "Binary");
                        w.WriteBase64String("v", bytes);
                        break;
                    default:
                        throw new ArgumentException($"Property '{name}' has unsupported type {value.GetType().Name}.", nameof(entity));
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Parses an entity file.</summary>
    public static TableEntity Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var doc = JsonDocument.ParseValue(ref reader);
        var root = doc.RootElement;
        var entity = new TableEntity(root.GetProperty("PartitionKey").GetString()!, root.GetProperty("RowKey").GetString()!)
        {
            ETag = root.GetProperty("ETag").GetString(),
            Timestamp = DateTimeOffset.Parse(root.GetProperty("Timestamp").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
        };
        foreach (var prop in root.GetProperty("Properties").EnumerateObject())
        {
            var v = prop.Value.GetProperty("v");
            entity.Properties[prop.Name] = prop.Value.GetProperty("t").GetString() switch
            {
                "String" => v.GetString(),
                "Boolean" => v.GetBoolean(),
                "Int32" => v.GetInt32(),
                "Int64" => long.Parse(v.GetString()!, CultureInfo.InvariantCulture),
                "Double" => double.Parse(v.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture),
                "DateTime" => DateTimeOffset.Parse(v.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                "Guid" => Guid.Parse(v.GetString()!, CultureInfo.InvariantCulture),
                "Binary" => v.GetBytesFromBase64(),
                var t => throw new StorageException(500, "CorruptEntity", $"Unknown property type '{t}' in a local entity file."),
            };
        }

        return entity;
    }
}
