using System.Globalization;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Detection.Mirror;

/// <summary>Invariant number and label formatting for reconciliation explanations.</summary>
internal static class Fmt
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Usd(double value) => value.ToString("N2", Inv);

    public static string Num(double value) => value.ToString("N2", Inv);

    public static string Pct(double ratio) => (ratio * 100).ToString("N0", Inv);

    public static string Int(long value) => value.ToString("N0", Inv);

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", Inv);

    /// <summary>The incoterm as written in explanations ("CIF"), one cached string per value.</summary>
    public static string Term(Incoterm term) =>
        (uint)term < (uint)TermTexts.Length ? TermTexts[(int)term] : term.ToString().ToUpperInvariant();

    private static readonly string[] TermTexts = BuildTermTexts();

    private static string[] BuildTermTexts()
    {
        var values = Enum.GetValues<Incoterm>();
        var texts = new string[values.Max(v => (int)v) + 1];
        for (var k = 0; k < texts.Length; k++)
        {
            var term = (Incoterm)k;
            texts[k] = term == Incoterm.Unknown ? "(incoterm not declared)" : term.ToString().ToUpperInvariant();
        }

        return texts;
    }

    public static string Mode(TransportMode mode, bool spanish) => (mode, spanish) switch
    {
        (TransportMode.Sea, false) => "sea",
        (TransportMode.Sea, true) => "marítimo",
        (TransportMode.Air, false) => "air",
        (TransportMode.Air, true) => "aéreo",
        (TransportMode.Road, false) => "road",
        (TransportMode.Road, true) => "terrestre",
        (TransportMode.Rail, false) => "rail",
        (TransportMode.Rail, true) => "ferroviario",
        (TransportMode.Courier, false) => "courier",
        (TransportMode.Courier, true) => "de mensajería",
        (TransportMode.Postal, false) => "postal",
        (TransportMode.Postal, true) => "postal",
        (TransportMode.Pipeline, false) => "pipeline",
        (TransportMode.Pipeline, true) => "por ducto",
        (_, false) => "unknown-mode",
        (_, true) => "de modo desconocido",
    };

    public static string Unit(BaseUnit unit) => unit.ToText();

    /// <summary>Digits shown as an HS code ("293339" as 2933.39), whatever their length.</summary>
    public static string HsDigits(string digits) => digits.Length switch
    {
        <= 4 => digits,
        6 => $"{digits[..4]}.{digits[4..6]}",
        > 6 => $"{digits[..4]}.{digits[4..6]}.{digits[6..]}",
        _ => digits,
    };
}
