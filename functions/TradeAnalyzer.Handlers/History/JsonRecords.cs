using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Handlers.History;

/// <summary>JSON settings for records kept in the store (flags, exporter profiles, upload receipts).</summary>
/// <remarks>
/// The records' contracts come from <see cref="JsonRecordsContext"/> (generated at compile time), not from reflection:
/// the same text as before, and the code works when the command line is compiled ahead of time (Native AOT), where
/// reflection-based serialisation is switched off.
/// </remarks>
public static class JsonRecords
{
    public static JsonSerializerOptions Options { get; } = CreateOptions(JsonRecordsContext.Default);

    /// <summary>The records' options over <paramref name="resolver"/> (tests compare with the reflection-based contracts).</summary>
    public static JsonSerializerOptions CreateOptions(IJsonTypeInfoResolver resolver)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            TypeInfoResolver = resolver,
        };

        // One converter per enum (the generic converter needs no run-time code generation); names in snake case.
        options.Converters.Add(new JsonStringEnumConverter<FlagCode>(JsonNamingPolicy.SnakeCaseLower));
        options.Converters.Add(new JsonStringEnumConverter<Severity>(JsonNamingPolicy.SnakeCaseLower));
        options.Converters.Add(new JsonStringEnumConverter<RecordType>(JsonNamingPolicy.SnakeCaseLower));
        options.Converters.Add(new JsonStringEnumConverter<RiskTier>(JsonNamingPolicy.SnakeCaseLower));
        options.Converters.Add(new JsonStringEnumConverter<DispositionStatus>(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly();
        return options;
    }

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, TypeInfo<T>());

    public static T? Deserialize<T>(string? json) => string.IsNullOrEmpty(json) ? default : JsonSerializer.Deserialize(json, TypeInfo<T>());

    /// <summary>Writes flags as JSON lines (one flag a line) so big archives stream in and out.</summary>
    public static void WriteFlagLines(Stream stream, IEnumerable<Flag> flags)
    {
        using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
        var info = TypeInfo<Flag>();
        foreach (var f in flags)
        {
            writer.WriteLine(JsonSerializer.Serialize(f, info));
        }
    }

    public static IEnumerable<Flag> ReadFlagLines(Stream stream)
    {
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, false, 1 << 16, leaveOpen: true);
        var info = TypeInfo<Flag>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && JsonSerializer.Deserialize(line, info) is { } flag)
            {
                yield return flag;
            }
        }
    }

    private static JsonTypeInfo<T> TypeInfo<T>() =>
        Options.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
        ?? throw new NotSupportedException($"{typeof(T).Name} is not a stored record type (add it to {nameof(JsonRecordsContext)}).");
}

/// <summary>The stored record types, whose JSON contracts the compiler generates.</summary>
[JsonSerializable(typeof(Flag))]
[JsonSerializable(typeof(ExporterProfile))]
[JsonSerializable(typeof(Disposition))]
public sealed partial class JsonRecordsContext : JsonSerializerContext;
