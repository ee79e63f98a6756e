using TradeAnalyzer.Core.Text;

namespace TradeAnalyzer.UnitTests.Core;

public class PartyNamesTests
{
    [Theory]
    [InlineData("Química Delta, S.A. de C.V.", "QUIMICA DELTA")]
    [InlineData("QUIMICA DELTA SA DE CV", "QUIMICA DELTA")]
    [InlineData("Hubei Xinrunde Chemical Co., Ltd.", "HUBEI XINRUNDE CHEMICAL")]
    [InlineData("Shanghai Pharma Company Limited", "SHANGHAI PHARMA")]
    [InlineData("Distribuidora Norte, S. de R.L. de C.V.", "DISTRIBUIDORA NORTE")]
    [InlineData("Acme Trading LLC", "ACME TRADING")]
    [InlineData("Müller Chemie GmbH & Co. KG", "MULLER CHEMIE")]
    [InlineData("Smith & Sons Inc.", "SMITH AND SONS")]
    public void Normalize_folds_case_accents_punctuation_and_legal_forms(string input, string expected) =>
        Assert.Equal(expected, PartyNames.Normalize(input));

    [Fact]
    public void Normalize_never_strips_a_name_down_to_nothing() =>
        Assert.Equal("COMPANY", PartyNames.Normalize("Company"));

    [Fact]
    public void Key_prefers_the_id_and_ignores_its_punctuation()
    {
        Assert.Equal("ID:QDE010203AB1", PartyNames.Key("Química Delta", "qde-010203-ab1"));
        Assert.Equal("N:QUIMICA DELTA", PartyNames.Key("Química Delta S.A. de C.V.", "  "));
    }
}
