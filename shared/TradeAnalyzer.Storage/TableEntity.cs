using System.Globalization;

namespace TradeAnalyzer.Storage;

/// <summary>
/// A table entity: partition key, row key, ETag and typed properties. Property values may be string, bool,
/// int, long, double, DateTimeOffset, Guid or byte[] (null removes nothing, it is simply not stored).
/// </summary>
public sealed class TableEntity
{
    /// <summary>Creates an empty entity.</summary>
    public TableEntity()
    {
    }

    /// <summary>Creates an entity with its keys.</summary>
    public TableEntity(string partitionKey, string rowKey)
    {
        PartitionKey = partitionKey;
        RowKey = rowKey;
    }

    /// <summary>The partition key (no '/', '\', '#', '?' or control characters; at most 1 KiB).</summary>
    public string PartitionKey { get; set; } = string.Empty;

    /// <summary>The row key (same rules as the partition key).</summary>
    public string RowKey { get; set; } = string.Empty;

    /// <summary>The ETag read from the store (null for new entities).</summary>
    public string? ETag { get; set; }

    /// <summary>The server timestamp of the last write (read only in effect).</summary>
    public DateTimeOffset? Timestamp { get; set; }

    /// <summary>The user properties by name (ordinal, case-sensitive).</summary>
    public IDictionary<string, object?> Properties { get; } = new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>Gets or sets a property; getting a missing property returns null.</summary>
    public object? this[string name]
    {
        get => Properties.TryGetValue(name, out var value) ? value : null;
        set => Properties[name] = value;
    }

    /// <summary>The property as a string (other types formatted invariantly); null when missing.</summary>
    public string? GetString(string name) => this[name] switch
    {
        null => null,
        string s => s,
        byte[] b => Convert.ToBase64String(b),
        DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };

    /// <summary>The property as a 64-bit integer (int, long, or numeric string); null when missing.</summary>
    public long? GetInt64(string name) => this[name] switch
    {
        null => null,
        long l => l,
        int i => i,
        double d => checked((long)d),
        string s => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture),
        var other => throw new InvalidCastException($"Property '{name}' is {other.GetType().Name}, not Int64."),
    };

    /// <summary>The property as a 32-bit integer; null when missing.</summary>
    public int? GetInt32(string name) => GetInt64(name) is { } l ? checked((int)l) : null;

    /// <summary>The property as a double (double, int, long or numeric string); null when missing.</summary>
    public double? GetDouble(string name) => this[name] switch
    {
        null => null,
        double d => d,
        long l => l,
        int i => i,
        string s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
        var other => throw new InvalidCastException($"Property '{name}' is {other.GetType().Name}, not Double."),
    };

    /// <summary>The property as a boolean; null when missing.</summary>
    public bool? GetBoolean(string name) => this[name] switch
    {
        null => null,
        bool b => b,
        string s => bool.Parse(s),
        var other => throw new InvalidCastException($"Property '{name}' is {other.GetType().Name}, not Boolean."),
    };

    /// <summary>The property as bytes (byte[] or base64 string); null when missing.</summary>
    public byte[]? GetBinary(string name) => this[name] switch
    {
        null => null,
        byte[] b => b,
        string s => Convert.FromBase64String(s),
        var other => throw new InvalidCastException($"Property '{name}' is {other.GetType().Name}, not Binary."),
    };

    /// <summary>The property as a point in time (DateTimeOffset, DateTime or ISO string); null when missing.</summary>
    public DateTimeOffset? GetDateTimeOffset(string name) => this[name] switch
    {
        null => null,
        DateTimeOffset d => d,
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, d.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : d.Kind)),
        string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
        var other => throw new InvalidCastException($"Property '{name}' is {other.GetType().Name}, not DateTime."),
    };

    /// <summary>The property as a GUID (Guid or string); null when missing.</summary>
    public Guid? GetGuid(string name) => this[name] switch
    {
        null => null,
        Guid g => g,
        string s => Guid.Parse(s, CultureInfo.InvariantCulture),
        var other => throw new InvalidCastException($"Property '{name}' is {other.GetType().Name}, not Guid."),
    };

    /// <summary>A deep copy (byte arrays cloned) with the same keys, ETag and timestamp.</summary>
    public TableEntity Clone()
    {
        var copy = new TableEntity(PartitionKey, RowKey) { ETag = ETag, Timestamp = Timestamp };
        foreach (var (key, value) in Properties)
        {
            copy.Properties[key] = value is byte[] b ? (byte[])b.Clone() : value;
        }

        return copy;
    }
}
