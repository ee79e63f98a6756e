using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Normalization;

/// <summary>
/// Parses transport modes in English and Spanish ("sea", "maritime", "marítimo", "air", "aéreo", "road", "truck",
/// "carretero", "rail", "ferroviario", "courier", "postal", "pipeline", "ducto") and the UN/ECE Rec. 19 digits.
/// </summary>
public static class TransportModes
{
    private static readonly Dictionary<string, TransportMode> Table = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sea"] = TransportMode.Sea, ["maritime"] = TransportMode.Sea, ["marítimo"] = TransportMode.Sea, ["maritimo"] = TransportMode.Sea,
        ["ocean"] = TransportMode.Sea, ["vessel"] = TransportMode.Sea, ["container"] = TransportMode.Sea, ["mar"] = TransportMode.Sea,
        ["vessel, containerized"] = TransportMode.Sea, ["1"] = TransportMode.Sea, ["maritima"] = TransportMode.Sea, ["marítima"] = TransportMode.Sea,
        ["air"] = TransportMode.Air, ["aéreo"] = TransportMode.Air, ["aereo"] = TransportMode.Air, ["aerea"] = TransportMode.Air,
        ["aérea"] = TransportMode.Air, ["airfreight"] = TransportMode.Air, ["air freight"] = TransportMode.Air, ["4"] = TransportMode.Air,
        ["road"] = TransportMode.Road, ["truck"] = TransportMode.Road, ["carretero"] = TransportMode.Road, ["carretera"] = TransportMode.Road,
        ["camion"] = TransportMode.Road, ["camión"] = TransportMode.Road, ["lorry"] = TransportMode.Road, ["3"] = TransportMode.Road,
        ["autotransporte"] = TransportMode.Road,
        ["rail"] = TransportMode.Rail, ["railway"] = TransportMode.Rail, ["train"] = TransportMode.Rail, ["ferroviario"] = TransportMode.Rail,
        ["ferrocarril"] = TransportMode.Rail, ["tren"] = TransportMode.Rail, ["2"] = TransportMode.Rail,
        ["courier"] = TransportMode.Courier, ["express"] = TransportMode.Courier, ["mensajeria"] = TransportMode.Courier,
        ["mensajería"] = TransportMode.Courier, ["paqueteria"] = TransportMode.Courier, ["paquetería"] = TransportMode.Courier,
        ["postal"] = TransportMode.Postal, ["post"] = TransportMode.Postal, ["mail"] = TransportMode.Postal, ["correo"] = TransportMode.Postal,
        ["5"] = TransportMode.Postal,
        ["pipeline"] = TransportMode.Pipeline, ["ducto"] = TransportMode.Pipeline, ["ductos"] = TransportMode.Pipeline,
        ["tuberia"] = TransportMode.Pipeline, ["tubería"] = TransportMode.Pipeline, ["7"] = TransportMode.Pipeline,
    };

    private static readonly Dictionary<string, TransportMode>.AlternateLookup<ReadOnlySpan<char>> SpanLookup =
        Table.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Parses a mode; an empty text is <see cref="TransportMode.Unknown"/> and succeeds, an unrecognised one fails.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out TransportMode mode)
    {
        var t = text.Trim();
        if (t.IsEmpty)
        {
            mode = TransportMode.Unknown;
            return true;
        }

        // The four usual words as most files write them, before the case-insensitive look-up (the same modes as its table's).
        switch (t)
        {
            case "sea":
                mode = TransportMode.Sea;
                return true;
            case "road":
                mode = TransportMode.Road;
                return true;
            case "air":
                mode = TransportMode.Air;
                return true;
            case "rail":
                mode = TransportMode.Rail;
                return true;
        }

        return SpanLookup.TryGetValue(t, out mode);
    }
}
