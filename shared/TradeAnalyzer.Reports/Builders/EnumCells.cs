using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Reports.Builders;

/// <summary>
/// The texts the record sheets show for enum fields (incoterm upper case, transport mode lower case), built once per
/// value instead of an enum name and a case-changed copy per row (two strings per cell on a million-row sheet).
/// </summary>
internal static class EnumCells
{
    private static readonly string[] Incoterms = Texts<Incoterm>(static v => v.ToString().ToUpperInvariant());
    private static readonly string[] Modes = Texts<TransportMode>(static v => v.ToString().ToLowerInvariant());

    /// <summary>The incoterm as "FOB", "CIF", ...; null for <see cref="Incoterm.Unknown"/>.</summary>
    public static string? Of(Incoterm value) =>
        value == Incoterm.Unknown ? null : (uint)value < (uint)Incoterms.Length ? Incoterms[(int)value] : value.ToString().ToUpperInvariant();

    /// <summary>The transport mode as "sea", "air", ...; null for <see cref="TransportMode.Unknown"/>.</summary>
    public static string? Of(TransportMode value) =>
        value == TransportMode.Unknown ? null : (uint)value < (uint)Modes.Length ? Modes[(int)value] : value.ToString().ToLowerInvariant();

    private static string[] Texts<T>(Func<T, string> text)
        where T : struct, Enum
    {
        var values = Enum.GetValues<T>();
        var max = 0;
        foreach (var v in values)
        {
            max = Math.Max(max, Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture));
        }

        // Indexed by value; a gap (no such member) keeps the enum's own text.
        var result = new string[max + 1];
        for (var i = 0; i <= max; i++)
        {
            result[i] = text((T)Enum.ToObject(typeof(T), i));
        }

        return result;
    }
}
