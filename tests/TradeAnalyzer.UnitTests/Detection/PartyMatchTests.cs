using TradeAnalyzer.Core.Detection.Invoices;

namespace TradeAnalyzer.UnitTests.Detection;

public class PartyMatchTests
{
    [Theory]
    [InlineData("QUIMICA DELTA", null, "QUIMICA DELTA", null, true)]
    [InlineData("PACIFIC TRADING", "EIN 12-3456789", "PACIFICO COMERCIAL", "123456789", false)]
    [InlineData("PACIFIC TRADING", "12-3456789", "PACIFICO COMERCIAL", "123456789", true)]
    [InlineData("QUIMICA DELTA", null, "GRUPO QUIMICA DELTA", null, true)]
    [InlineData("DELTA", null, "GRUPO DELTA", null, false)]
    [InlineData("QUIMICA DELTA", null, "QUIMICA OMEGA", null, false)]
    [InlineData("", null, "", null, false)]
    [InlineData("ALFA", "RFC-QDE-010101", "OMEGA", "RFC-QDE-010101", true)] // equal ids as written (the fast path)
    [InlineData("ALFA", "rfc qde 010101", "OMEGA", "RFC-QDE-010101", true)] // equal letters and digits
    [InlineData("ALFA", "RFC-QDE-010101", "OMEGA", "RFC-QDE-010102", false)]
    [InlineData("ALFA", "--", "OMEGA", "--", true)] // no letter or digit on either side: equal, as the character walk says
    public void Same_party_by_id_name_or_contained_tokens(string a, string? idA, string b, string? idB, bool expected) =>
        Assert.Equal(expected, PartyMatch.Same(a, idA, b, idB));
}
