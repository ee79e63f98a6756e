using System.Reflection;
using System.Text.Json;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// A mapping profile: header aliases to canonical columns, fixed values, defaults for empty cells, value maps
/// (e.g. pedimento operation type "1" to "import") and the date order. Built-in profiles are embedded JSON files
/// (Profiles/*.json); a user profile is a JSON file of the same shape (see docs/input-formats.md).
/// </summary>
public sealed class MappingProfile
{
    private static readonly string[] BuiltInNames = ["canonical", "mx-pedimento", "us-ace", "comtrade"];
    private static readonly Lazy<IReadOnlyList<MappingProfile>> BuiltInProfiles = new(LoadBuiltIns);

    private MappingProfile(string name)
    {
        Name = name;
    }

    /// <summary>The profile's name as shown in the Detected text.</summary>
    public string Name { get; }

    /// <summary>The kind the profile is for, or null when it serves any kind (canonical).</summary>
    public FileKind? Kind { get; private init; }

    /// <summary>Folded alias to (canonical column, priority: lower wins when two headers map to the same column).</summary>
    public IReadOnlyDictionary<string, (string Column, int Priority)> Aliases { get; private init; } =
        new Dictionary<string, (string, int)>();

    /// <summary>Columns whose value is always the given one, whatever the file holds.</summary>
    public IReadOnlyDictionary<string, string> Fixed { get; private init; } = new Dictionary<string, string>();

    /// <summary>Columns whose value is the given one when the file lacks the column or the cell is empty.</summary>
    public IReadOnlyDictionary<string, string> Defaults { get; private init; } = new Dictionary<string, string>();

    /// <summary>Per canonical column, cell values (case-insensitive, trimmed) replaced before parsing.</summary>
    public IReadOnlyDictionary<string, Dictionary<string, string>> Values { get; private init; } =
        new Dictionary<string, Dictionary<string, string>>();

    /// <summary>Date order for slashed dates: <see cref="DateOrder.Auto"/>, <see cref="DateOrder.DayFirst"/> or <see cref="DateOrder.MonthFirst"/>.</summary>
    public DateOrder DateOrder { get; private init; }

    /// <summary>Decimal separator convention for numbers written as text.</summary>
    public DecimalStyle Decimal { get; private init; }

    /// <summary>The built-in profiles: canonical, mx-pedimento, us-ace, comtrade.</summary>
    public static IReadOnlyList<MappingProfile> BuiltIn => BuiltInProfiles.Value;

    /// <summary>
    /// Finds a built-in profile by name, or loads a JSON profile file when <paramref name="nameOrPath"/> is a path.
    /// Returns false with a message when neither works.
    /// </summary>
    public static bool TryResolve(string nameOrPath, out MappingProfile? profile, out string? error)
    {
        profile = null;
        error = null;
        foreach (var p in BuiltIn)
        {
            if (string.Equals(p.Name, nameOrPath.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                profile = p;
                return true;
            }
        }

        try
        {
            if (!File.Exists(nameOrPath))
            {
                error = $"unknown profile '{nameOrPath}': use {string.Join(", ", BuiltInNames)} or the path of a JSON profile file";
                return false;
            }

            var info = new FileInfo(nameOrPath);
            if (info.Length > 1 << 20)
            {
                error = $"profile file '{nameOrPath}' is larger than 1 MB";
                return false;
            }

            profile = Parse(File.ReadAllText(nameOrPath), Path.GetFileNameWithoutExtension(nameOrPath));
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or FormatException)
        {
            error = $"profile '{nameOrPath}' could not be read: {ex.Message}";
            return false;
        }
    }

    /// <summary>Parses a profile from its JSON text; throws <see cref="FormatException"/> or <see cref="JsonException"/> when malformed.</summary>
    public static MappingProfile Parse(string json, string fallbackName)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("a profile is a JSON object");
        }

        var name = root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : fallbackName;
        FileKind? kind = null;
        if (root.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String)
        {
            if (!EnumText.TryParseFileKind(k.GetString(), out var fk))
            {
                throw new FormatException($"unknown kind '{k.GetString()}'");
            }

            kind = fk;
        }

        var aliases = new Dictionary<string, (string, int)>(StringComparer.Ordinal);
        if (root.TryGetProperty("aliases", out var a) && a.ValueKind == JsonValueKind.Object)
        {
            var priority = 1;
            foreach (var prop in a.EnumerateObject())
            {
                var target = prop.Value.GetString() ?? throw new FormatException($"alias '{prop.Name}' has no target column");
                aliases.TryAdd(HeaderNames.Fold(prop.Name), (target.Trim(), priority++));
            }
        }

        var values = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        if (root.TryGetProperty("values", out var v) && v.ValueKind == JsonValueKind.Object)
        {
            foreach (var col in v.EnumerateObject())
            {
                var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var entry in col.Value.EnumerateObject())
                {
                    map[entry.Name.Trim()] = entry.Value.GetString() ?? string.Empty;
                }

                values[col.Name] = map;
            }
        }

        var dateOrder = DateOrder.Auto;
        if (root.TryGetProperty("date_format", out var df) && df.ValueKind == JsonValueKind.String)
        {
            dateOrder = (df.GetString() ?? string.Empty).Trim().ToLowerInvariant() switch
            {
                "dd/mm/yyyy" or "dd-mm-yyyy" or "dd.mm.yyyy" or "day-first" or "dmy" => DateOrder.DayFirst,
                "mm/dd/yyyy" or "mm-dd-yyyy" or "month-first" or "mdy" => DateOrder.MonthFirst,
                "yyyy-mm-dd" or "iso" or "auto" or "" => DateOrder.Auto,
                var other => throw new FormatException($"unknown date_format '{other}' (use dd/mm/yyyy, mm/dd/yyyy or yyyy-mm-dd)"),
            };
        }

        var dec = DecimalStyle.Auto;
        if (root.TryGetProperty("decimal", out var de) && de.ValueKind == JsonValueKind.String)
        {
            dec = de.GetString() switch
            {
                "," => DecimalStyle.Comma,
                "." => DecimalStyle.Point,
                _ => DecimalStyle.Auto,
            };
        }

        return new MappingProfile(name)
        {
            Kind = kind,
            Aliases = aliases,
            Fixed = ReadStringMap(root, "fixed"),
            Defaults = ReadStringMap(root, "defaults"),
            Values = values,
            DateOrder = dateOrder,
            Decimal = dec,
        };
    }

    private static Dictionary<string, string> ReadStringMap(JsonElement root, string property)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty(property, out var e) && e.ValueKind == JsonValueKind.Object)
        {
            foreach (var prop in e.EnumerateObject())
            {
                map[prop.Name.Trim()] = prop.Value.ValueKind == JsonValueKind.String ? prop.Value.GetString()! : prop.Value.GetRawText();
            }
        }

        return map;
    }

    private static List<MappingProfile> LoadBuiltIns()
    {
        var asm = typeof(MappingProfile).Assembly;
        var list = new List<MappingProfile>();
        foreach (var name in BuiltInNames)
        {
            using var s = asm.GetManifestResourceStream($"TradeAnalyzer.Profiles.{name}.json")
                ?? throw new InvalidOperationException($"built-in profile {name} is missing from the assembly");
            using var r = new StreamReader(s);
            list.Add(Parse(r.ReadToEnd(), name));
        }

        return list;
    }

    /// <summary>The canonical column a folded header maps to for <paramref name="kind"/>, with its priority; null when none.</summary>
    internal (string Column, int Priority)? Map(string foldedHeader, FileKind kind)
    {
        if (Aliases.TryGetValue(foldedHeader, out var target) && CanonicalColumns.IndexOf(kind, target.Column) >= 0)
        {
            return target;
        }

        foreach (var c in CanonicalColumns.For(kind))
        {
            if (string.Equals(HeaderNames.Fold(c.Name), foldedHeader, StringComparison.Ordinal))
            {
                return (c.Name, 0);
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    internal static Assembly ResourceAssembly => typeof(MappingProfile).Assembly;
}
