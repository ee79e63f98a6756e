using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Normalization;

/// <summary>
/// Quantity units as declared ("kg", "lb", "pcs", "litros", ...) and the factor that converts them to a
/// <see cref="BaseUnit"/>: mass to kg, volume to l, pieces to u (a dozen is 12 u), pairs, metres and square metres.
/// Matching ignores case, surrounding spaces and a trailing dot.
/// </summary>
public static class Units
{
    private static readonly Dictionary<string, (BaseUnit Unit, double Factor)> Table = Build();

    private static readonly Dictionary<string, (BaseUnit Unit, double Factor)>.AlternateLookup<ReadOnlySpan<char>> SpanLookup =
        Table.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Every unit name recognised, for documentation and error messages.</summary>
    public static IEnumerable<string> Names => Table.Keys;

    /// <summary>Finds the base unit and the factor of <paramref name="text"/>; false when the unit is unknown.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out BaseUnit unit, out double factor)
    {
        var t = text.Trim();
        if (t.Length > 0 && t[^1] == '.')
        {
            t = t[..^1].TrimEnd();
        }

        if (SpanLookup.TryGetValue(t, out var entry))
        {
            unit = entry.Unit;
            factor = entry.Factor;
            return true;
        }

        unit = BaseUnit.Kg;
        factor = 0;
        return false;
    }

    private static Dictionary<string, (BaseUnit, double)> Build()
    {
        var d = new Dictionary<string, (BaseUnit, double)>(StringComparer.OrdinalIgnoreCase);
        void Add(BaseUnit unit, double factor, params string[] names)
        {
            foreach (var n in names)
            {
                d[n] = (unit, factor);
            }
        }

        Add(BaseUnit.Kg, 1, "kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "kilogramo", "kilogramos", "kgm", "kgr");
        Add(BaseUnit.Kg, 0.001, "g", "gr", "gram", "grams", "gramo", "gramos", "grm");
        Add(BaseUnit.Kg, 0.000001, "mg", "milligram", "milligrams", "miligramo", "miligramos");
        Add(BaseUnit.Kg, 1000, "t", "tn", "ton", "tons", "tonne", "tonnes", "mt", "tonelada", "toneladas", "tne");
        Add(BaseUnit.Kg, 0.45359237, "lb", "lbs", "pound", "pounds", "libra", "libras");
        Add(BaseUnit.Kg, 0.028349523125, "oz", "ounce", "ounces", "onza", "onzas");
        Add(BaseUnit.L, 1, "l", "lt", "ltr", "litre", "litres", "liter", "liters", "litro", "litros", "ltr.");
        Add(BaseUnit.L, 0.001, "ml", "millilitre", "millilitres", "milliliter", "milliliters", "mililitro", "mililitros");
        Add(BaseUnit.L, 1000, "m3", "m³", "cbm", "cubic metre", "cubic meter", "metro cubico", "metros cubicos", "mtq");
        Add(BaseUnit.L, 3.785411784, "gal", "gals", "gallon", "gallons", "galon", "galones", "us gal");
        Add(BaseUnit.U, 1, "u", "un", "unit", "units", "pc", "pcs", "piece", "pieces", "ea", "each", "nos", "no", "nar",
            "pieza", "piezas", "pza", "pzas", "unidad", "unidades", "c62", "h87");
        Add(BaseUnit.U, 12, "doz", "dozen", "dozens", "docena", "docenas", "dzn");
        Add(BaseUnit.Pair, 1, "pr", "pair", "pairs", "par", "pares", "prs");
        Add(BaseUnit.M, 1, "m", "metre", "metres", "meter", "meters", "metro", "metros", "mtr");
        Add(BaseUnit.M2, 1, "m2", "m²", "sqm", "square metre", "square meter", "metro cuadrado", "metros cuadrados", "mtk");
        return d;
    }
}
