using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Normalization;
using TradeAnalyzer.Ingestion;

namespace TradeAnalyzer.UnitTests.Ingestion;

public sealed class NormalizationTests
{
    [Theory]
    [InlineData("kg", BaseUnit.Kg, 1)]
    [InlineData(" KGS ", BaseUnit.Kg, 1)]
    [InlineData("g", BaseUnit.Kg, 0.001)]
    [InlineData("mg", BaseUnit.Kg, 0.000001)]
    [InlineData("t", BaseUnit.Kg, 1000)]
    [InlineData("lb", BaseUnit.Kg, 0.45359237)]
    [InlineData("oz", BaseUnit.Kg, 0.028349523125)]
    [InlineData("l", BaseUnit.L, 1)]
    [InlineData("ml", BaseUnit.L, 0.001)]
    [InlineData("m3", BaseUnit.L, 1000)]
    [InlineData("gal", BaseUnit.L, 3.785411784)]
    [InlineData("pcs", BaseUnit.U, 1)]
    [InlineData("each", BaseUnit.U, 1)]
    [InlineData("doz", BaseUnit.U, 12)]
    [InlineData("pairs", BaseUnit.Pair, 1)]
    [InlineData("m", BaseUnit.M, 1)]
    [InlineData("m2", BaseUnit.M2, 1)]
    [InlineData("Kilogramos", BaseUnit.Kg, 1)]
    [InlineData("litros", BaseUnit.L, 1)]
    [InlineData("piezas", BaseUnit.U, 1)]
    [InlineData("pares", BaseUnit.Pair, 1)]
    public void Units_map_to_base_units(string text, BaseUnit unit, double factor)
    {
        Assert.True(Units.TryParse(text, out var u, out var f));
        Assert.Equal(unit, u);
        Assert.Equal(factor, f, 12);
    }

    [Fact]
    public void Unknown_unit_fails() => Assert.False(Units.TryParse("bushel", out _, out _));

    [Theory]
    [InlineData(Incoterm.Fob, TransportMode.Sea, 1.0)]
    [InlineData(Incoterm.Fca, TransportMode.Air, 1.0)]
    [InlineData(Incoterm.Cif, TransportMode.Sea, 1.07)]
    [InlineData(Incoterm.Cif, TransportMode.Air, 1.13)]
    [InlineData(Incoterm.Cip, TransportMode.Road, 1.03)]
    [InlineData(Incoterm.Cif, TransportMode.Rail, 1.04)]
    [InlineData(Incoterm.Cif, TransportMode.Unknown, 1.08)]
    [InlineData(Incoterm.Cfr, TransportMode.Sea, 1.056)]
    [InlineData(Incoterm.Ddp, TransportMode.Sea, 1.09)]
    [InlineData(Incoterm.Exw, TransportMode.Sea, 0.98)]
    public void Fob_factors_follow_the_documented_table(Incoterm incoterm, TransportMode mode, double factor) =>
        Assert.Equal(factor, FobFactors.Factor(incoterm, mode), 9);

    [Theory]
    [InlineData("fob", Incoterm.Fob)]
    [InlineData("CIF Veracruz", Incoterm.Cif)]
    [InlineData("", Incoterm.Unknown)]
    public void Incoterms_parse(string text, Incoterm expected)
    {
        Assert.True(Incoterms.TryParse(text, out var i));
        Assert.Equal(expected, i);
    }

    [Theory]
    [InlineData("marítimo", TransportMode.Sea)]
    [InlineData("Aéreo", TransportMode.Air)]
    [InlineData("truck", TransportMode.Road)]
    [InlineData("ferroviario", TransportMode.Rail)]
    [InlineData("courier", TransportMode.Courier)]
    [InlineData("postal", TransportMode.Postal)]
    [InlineData("pipeline", TransportMode.Pipeline)]
    public void Transport_modes_parse(string text, TransportMode expected)
    {
        Assert.True(TransportModes.TryParse(text, out var m));
        Assert.Equal(expected, m);
    }

    [Theory]
    [InlineData("1234.56", DecimalStyle.Auto, 1234.56)]
    [InlineData("1,234.56", DecimalStyle.Auto, 1234.56)]
    [InlineData("1.234,56", DecimalStyle.Auto, 1234.56)]
    [InlineData("1 234,56", DecimalStyle.Auto, 1234.56)]
    [InlineData("1\u00A0234,56", DecimalStyle.Auto, 1234.56)]
    [InlineData("1,234", DecimalStyle.Auto, 1234)]
    [InlineData("1,5", DecimalStyle.Auto, 1.5)]
    [InlineData("1.234", DecimalStyle.Comma, 1234)]
    [InlineData("1.234.567", DecimalStyle.Auto, 1234567)]
    [InlineData("1,234,567.5", DecimalStyle.Auto, 1234567.5)]
    [InlineData("2,5", DecimalStyle.Comma, 2.5)]
    [InlineData("-3", DecimalStyle.Auto, -3)]
    [InlineData("1e3", DecimalStyle.Auto, 1000)]
    public void Numbers_parse_with_decimal_comma_or_point(string text, DecimalStyle style, double expected)
    {
        Assert.True(FieldParsers.TryParseNumber(text, style, out var v));
        Assert.Equal(expected, v, 9);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e999")]
    [InlineData("12abc")]
    [InlineData("")]
    public void Non_numbers_fail(string text) => Assert.False(FieldParsers.TryParseNumber(text, DecimalStyle.Auto, out _));

    [Theory]
    [InlineData("2025-03-10", DateOrder.Auto, 2025, 3, 10)]
    [InlineData("2025-03-10T12:00:00", DateOrder.Auto, 2025, 3, 10)]
    [InlineData("20250310", DateOrder.Auto, 2025, 3, 10)]
    [InlineData("10/03/2025", DateOrder.DayFirst, 2025, 3, 10)]
    [InlineData("03/10/2025", DateOrder.MonthFirst, 2025, 3, 10)]
    [InlineData("10.03.2025", DateOrder.DayFirst, 2025, 3, 10)]
    [InlineData("45726", DateOrder.Auto, 2025, 3, 10)]
    public void Dates_parse(string text, DateOrder order, int y, int m, int d)
    {
        Assert.True(FieldParsers.TryParseDate(text, order, out var date, out _));
        Assert.Equal(new DateOnly(y, m, d), date);
    }
}
