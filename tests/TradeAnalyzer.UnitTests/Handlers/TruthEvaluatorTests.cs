using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Handlers.Evaluation;

namespace TradeAnalyzer.UnitTests.Handlers;

public sealed class TruthEvaluatorTests
{
    private static DeclarationLine Decl(string id, string? shipment, string? invoice = null) => new()
    {
        Source = new SourceRef("d.csv", 2),
        DeclarationId = id,
        Flow = TradeFlow.Export,
        Date = new DateOnly(2026, 7, 1),
        ReporterCountry = "US",
        ExporterName = "Acme",
        ImporterName = "Beta",
        OriginCountry = "US",
        DestinationCountry = "MX",
        Hs = HsCode.Parse("293339"),
        Quantity = 1,
        QuantityUnit = "kg",
        NormQuantity = 1,
        Unit = BaseUnit.Kg,
        Value = 1,
        Currency = "USD",
        ValueUsd = 1,
        FobUsd = 1,
        ShipmentId = shipment,
        InvoiceNumber = invoice,
    };

    private static Flag F(FlagCode code, string? decl = null, string? invoice = null, string? exporter = null) => new()
    {
        Code = code,
        Severity = Severity.High,
        Score = 70,
        RecordType = exporter is null ? RecordType.Shipment : RecordType.Exporter,
        DeclarationId = decl,
        InvoiceNumber = invoice,
        ExporterName = exporter,
        Explanation = "x",
    };

    private static IReadOnlyList<TruthRow> Truth(string csv) => TruthEvaluator.ReadTruth(new StringReader(csv));

    [Fact]
    public void A_finding_on_the_mirror_side_of_a_shipment_counts_for_it()
    {
        var decls = new[] { Decl("E1", "BL1"), Decl("P1", "BL1"), Decl("E2", "BL2"), Decl("P2", "BL2") };
        var truth = Truth("flag,record_type,declaration_id,line_no,invoice_number,shipment_id,exporter_name,note\nMIRROR_VALUE_GAP,shipment,E1,1,,BL1,,\nMIRROR_VALUE_GAP,shipment,E2,1,,BL2,,\n");
        var scores = TruthEvaluator.Evaluate(truth, [F(FlagCode.MirrorValueGap, "P1")], decls, []);
        var s = scores.Single(x => x.Code == FlagCode.MirrorValueGap);
        Assert.Equal((2, 1, 1, 1), (s.Expected, s.Found, s.Flagged, s.Correct));
        Assert.Equal(0.5, s.Recall);
        Assert.Equal(1.0, s.Precision);
    }

    [Fact]
    public void A_false_positive_lowers_precision_and_several_lines_of_one_shipment_count_once()
    {
        var decls = new[] { Decl("E1", "BL1"), Decl("E3", null) };
        var truth = Truth("flag,declaration_id\nPRICE_ABOVE_BASELINE,E1\n");
        var flags = new[] { F(FlagCode.PriceAboveBaseline, "E1"), F(FlagCode.PriceAboveBaseline, "E1"), F(FlagCode.PriceAboveBaseline, "E3") };
        var s = TruthEvaluator.Evaluate(truth, flags, decls, []).Single(x => x.Code == FlagCode.PriceAboveBaseline);
        Assert.Equal((1, 1, 2, 1), (s.Expected, s.Found, s.Flagged, s.Correct));
        Assert.Equal(0.5, s.Precision);
    }

    [Fact]
    public void Exporter_codes_match_on_normalised_names()
    {
        var truth = Truth("flag,exporter_name\nEXPORTER_PROFILE,\"Acme Químicos, S.A. de C.V.\"\n");
        var s = TruthEvaluator.Evaluate(truth, [F(FlagCode.ExporterProfile, exporter: "ACME QUIMICOS SA DE CV")], [], [])
            .Single(x => x.Code == FlagCode.ExporterProfile);
        Assert.Equal((1, 1), (s.Found, s.Correct));
    }

    [Fact]
    public void Unknown_codes_in_truth_are_ignored_and_codes_with_nothing_planted_score_one()
    {
        var truth = Truth("flag,declaration_id\nNOT_A_CODE,E1\n");
        Assert.Empty(truth);
        var s = TruthEvaluator.Evaluate(truth, [], [], []).Single(x => x.Code == FlagCode.SanctionedParty);
        Assert.Equal((1.0, 1.0), (s.Recall, s.Precision));
    }
}
