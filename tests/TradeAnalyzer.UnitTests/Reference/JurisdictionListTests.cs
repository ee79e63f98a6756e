using TradeAnalyzer.Core.Reference;
using TradeAnalyzer.UnitTests.Detection;

namespace TradeAnalyzer.UnitTests.Reference;

public class JurisdictionListTests
{
    [Fact]
    public void Default_holds_the_fatf_lists_and_hubs_with_their_date()
    {
        var j = JurisdictionList.Default;
        Assert.Equal(new DateOnly(2025, 6, 13), j.AsOf);
        foreach (var c in new[] { "KP", "IR", "MM" })
        {
            Assert.Equal(JurisdictionRisk.High, j.Find(c)?.Risk);
        }

        foreach (var c in new[] { "HK", "SG", "AE", "PA", "NL", "BE", "CH" })
        {
            Assert.Equal(JurisdictionRisk.Hub, j.Find(c)?.Risk);
        }

        Assert.Equal(JurisdictionRisk.Monitored, j.Find("VE")?.Risk);
        Assert.Equal(JurisdictionRisk.Monitored, j.Find("na")?.Risk); // Namibia, not a missing value
        Assert.Null(j.Find("MX"));
        Assert.Null(j.Find("CN"));
        Assert.Null(j.Find(null));
    }

    [Fact]
    public void Parse_reads_risk_synonyms_and_dates()
    {
        var j = JurisdictionList.Parse(RiskRecords.Rows("Country,Risk,Reason,As Of\nxx,grey,test,2026-02-13\nYY,High,test,\n"));
        Assert.Equal(JurisdictionRisk.Monitored, j.Find("XX")!.Risk);
        Assert.Equal(new DateOnly(2026, 2, 13), j.AsOf);
        Assert.Null(j.Find("YY")!.AsOf);
    }

    [Theory]
    [InlineData("country,risk\nMEX,high\n")]
    [InlineData("country,risk\nMX,severe\n")]
    [InlineData("code,level_of_risk\nMX,high\n")]
    public void Parse_rejects_bad_rows_with_a_clear_error(string csv) =>
        Assert.Throws<InvalidDataException>(() => JurisdictionList.Parse(RiskRecords.Rows(csv)));
}
