using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Baselines;

/// <summary>
/// A baseline group: an HS prefix (4, 6, 8 digits or the full national line), the normalised unit and, for a
/// corridor-specific group, the origin and destination. Text form (a storage row key, no '/', '\', '#', '?'):
/// "293339_kg" for all origins, "293339_kg_CN_MX" for a corridor ("*" stands for a missing country).
/// </summary>
public readonly record struct BaselineKey(string HsPrefix, BaseUnit Unit, string? Origin, string? Destination)
{
    /// <summary>True for a corridor-specific group (origin or destination set).</summary>
    public bool IsCorridor => Origin is not null || Destination is not null;

    /// <summary>The same group over all origins and destinations.</summary>
    public BaselineKey AllOrigins => this with { Origin = null, Destination = null };

    /// <summary>The stable text form, e.g. "293339_kg_CN_MX".</summary>
    public override string ToString() => IsCorridor
        ? $"{HsPrefix}_{Unit.ToText()}_{Origin ?? "*"}_{Destination ?? "*"}"
        : $"{HsPrefix}_{Unit.ToText()}";

    /// <summary>Reads the text form of <see cref="ToString"/>.</summary>
    public static bool TryParse(string? text, out BaselineKey key)
    {
        key = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var parts = text.Split('_');
        if (parts.Length is not (2 or 4) || parts[0].Length is < 2 or > 10 || !parts[0].All(char.IsAsciiDigit)
            || !TryParseUnit(parts[1], out var unit))
        {
            return false;
        }

        if (parts.Length == 2)
        {
            key = new BaselineKey(parts[0], unit, null, null);
            return true;
        }

        if (parts[2].Length == 0 || parts[3].Length == 0)
        {
            return false;
        }

        key = new BaselineKey(parts[0], unit, parts[2] == "*" ? null : parts[2], parts[3] == "*" ? null : parts[3]);
        return true;
    }

    /// <summary>Reads a unit's wire name ("kg", "l", "u", "pr", "m", "m2").</summary>
    public static bool TryParseUnit(string text, out BaseUnit unit)
    {
        foreach (var u in Enum.GetValues<BaseUnit>())
        {
            if (string.Equals(u.ToText(), text, StringComparison.Ordinal))
            {
                unit = u;
                return true;
            }
        }

        unit = default;
        return false;
    }

    /// <summary>The HS prefix written the way analysts read it: 2933, 2933.39, 2933.39.99.</summary>
    public string HsDisplay => HsPrefix.Length switch
    {
        <= 4 => HsPrefix,
        <= 6 => $"{HsPrefix[..4]}.{HsPrefix[4..]}",
        _ => $"{HsPrefix[..4]}.{HsPrefix[4..6]}.{HsPrefix[6..]}",
    };

    /// <summary>Human-readable group, e.g. "HS 2933.39 kg, CN to MX" or "HS 2933 kg".</summary>
    public string Describe() => IsCorridor
        ? $"HS {HsDisplay} {Unit.ToText()}, {Origin ?? "any"} to {Destination ?? "any"}"
        : $"HS {HsDisplay} {Unit.ToText()}";
}
