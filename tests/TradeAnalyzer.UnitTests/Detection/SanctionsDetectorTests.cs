using TradeAnalyzer.Core.Detection;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Reference;
using static TradeAnalyzer.UnitTests.Detection.RiskRecords;

namespace TradeAnalyzer.UnitTests.Detection;

public class SanctionsDetectorTests
{
    private static readonly SanctionsList List = SanctionsList.Parse(
    [
        ["9001", "ACME QUIMICA, S.A. DE C.V.", "-0-", "SDNTK", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-"],
        ["9003", "HUBEI AMARVEL BIOTECH CO., LTD.", "-0-", "ILLICIT-DRUGS-EO14059", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-"],
        ["9004", "GLOBAL INTERNATIONAL LTD", "-0-", "SDNTK", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-"],
    ]);

    [Fact]
    public void Matching_exporter_is_flagged_with_entry_program_and_similarity()
    {
        var ctx = Context([Line(exporter: "Acme Quimica SA de CV", importer: "Farmacias del Norte", value: 30_000), Line(id: "D2")], sanctions: List);
        var f = Assert.Single(Run(new SanctionsDetector(), ctx));
        Assert.Equal(FlagCode.SanctionedParty, f.Code);
        Assert.Equal("D1", f.DeclarationId);
        Assert.Equal("Exporter 'Acme Quimica SA de CV' matches OFAC SDN entry 'ACME QUIMICA, S.A. DE C.V.' (program SDNTK, similarity 1.00).", f.Explanation);
        Assert.Equal(95, f.Score);
        Assert.Equal(30_000, f.ValueAtRiskUsd);
    }

    [Fact]
    public void Importer_and_invoice_payer_are_screened_too()
    {
        var ctx = Context(
            [Line(importer: "Amarvel Biotech Hubei Co Ltd")],
            [Invoice(payer: "ACME QUÍMICA S. de R.L.", number: "F-1"), Invoice(number: "F-2")],
            sanctions: List);
        var flags = Run(new SanctionsDetector(), ctx);
        Assert.Equal(2, flags.Count);
        Assert.Contains(flags, f => f.RecordType == RecordType.Declaration && f.Explanation.StartsWith("Importer ", StringComparison.Ordinal));
        Assert.Contains(flags, f => f.RecordType == RecordType.Invoice && f.InvoiceNumber == "F-1" && f.Explanation.StartsWith("Payer ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_common_word_in_a_company_name_is_not_a_match()
    {
        var ctx = Context([Line(exporter: "International Trading Co.", importer: "Global Logistics SA de CV"), Line(exporter: "Acme Industrial Supplies", id: "D2")], sanctions: List);
        Assert.Empty(Run(new SanctionsDetector(), ctx));
    }

    [Fact]
    public void No_list_means_no_work_and_no_flags() =>
        Assert.Empty(Run(new SanctionsDetector(), Context([Line(exporter: "Acme Quimica SA de CV")])));
}
