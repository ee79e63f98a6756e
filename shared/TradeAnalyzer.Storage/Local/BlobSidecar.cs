using System.Globalization;
using System.Text.Json;

namespace TradeAnalyzer.Storage.Local;

/// <summary>The local store's per-blob sidecar: properties, metadata and lease state.</summary>
internal sealed class BlobSidecar
{
    public required string Name { get; init; }

    public long Length { get; set; }

    public required string ETag { get; set; }

    public DateTimeOffset LastModified { get; set; }

    public string ContentType { get; set; } = "application/octet-stream";

    public Dictionary<string, string> Metadata { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public string? LeaseId { get; set; }

    /// <summary>Lease expiry; DateTimeOffset.MaxValue for infinite leases.</summary>
    public DateTimeOffset LeaseExpires { get; set; }

    /// <summary>True when a lease is held and not expired at <paramref name="now"/>.</summary>
    public bool IsLeased(DateTimeOffset now) => LeaseId is not null && LeaseExpires > now;

    public BlobProperties ToProperties() => new(Name, Length, ETag, LastModified, ContentType, new Dictionary<string, string>(Metadata, StringComparer.OrdinalIgnoreCase));

    public byte[] Serialize()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("name", Name);
            w.WriteNumber("length", Length);
            w.WriteString("etag", ETag);
            w.WriteString("lastModified", LastModified.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            w.WriteString("contentType", ContentType);
            w.WriteStartObject("metadata");
            foreach (var (k, v) in Metadata)
            {
                w.WriteString(k, v);
            }

            w.WriteEndObject();
            if (LeaseId is not null)
            {
                w.WriteString("leaseId", LeaseId);
                w.WriteString("leaseExpires", LeaseExpires.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            }

            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static BlobSidecar Deserialize(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var doc = JsonDocument.ParseValue(ref reader);
        var r = doc.RootElement;
        var sidecar = new BlobSidecar
        {
            Name = r.GetProperty("name").GetString()!,
            Length = r.GetProperty("length").GetInt64(),
            ETag = r.GetProperty("etag").GetString()!,
            LastModified = ParseTime(r.GetProperty("lastModified").GetString()!),
            ContentType = r.GetProperty("contentType").GetString()!,
        };
        foreach (var m in r.GetProperty("metadata").EnumerateObject())
        {
            sidecar.Metadata[m.Name] = m.Value.GetString()!;
        }

        if (r.TryGetProperty("leaseId", out var lease))
        {
            sidecar.LeaseId = lease.GetString();
            sidecar.LeaseExpires = ParseTime(r.GetProperty("leaseExpires").GetString()!);
        }

        return sidecar;
    }

    private static DateTimeOffset ParseTime(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
