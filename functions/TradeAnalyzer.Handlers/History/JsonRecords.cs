using System.Text.Json;
using System.Text.Json.Serialization;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Handlers.History;

/// <summary>JSON settings for records kept in the store (flags, exporter profiles, upload receipts).</summary>
public static class JsonRecords
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T? Deserialize<T>(string? json) => string.IsNullOrEmpty(json) ? default : JsonSerializer.Deserialize<T>(json, Options);

    /// <summary>Writes flags as JSON lines (one flag a line) so big archives stream in and out.</summary>
    public static void WriteFlagLines(Stream stream, IEnumerable<Flag> flags)
    {
        using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
        foreach (var f in flags)
        {
            writer.WriteLine(JsonSerializer.Serialize(f, Options));
        }
    }

    public static IEnumerable<Flag> ReadFlagLines(Stream stream)
    {
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, false, 1 << 16, leaveOpen: true);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && JsonSerializer.Deserialize<Flag>(line, Options) is { } flag)
            {
                yield return flag;
            }
        }
    }
}
