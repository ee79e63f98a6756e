using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Handlers.History;

namespace TradeAnalyzer.UnitTests.Handlers;

public sealed class ExporterRollupTests
{
    private static ExporterProfile Part(int shipments, double value, DateOnly first, DateOnly last, double score, int flags, double round) => new()
    {
        Key = "ID:EIN1",
        Name = $"Acme {score}",
        Shipments = shipments,
        ValueUsd = value,
        FirstSeen = first,
        LastSeen = last,
        FlaggedShipments = flags,
        FlagsByCode = new Dictionary<FlagCode, int> { [FlagCode.PriceAboveBaseline] = flags },
        ValueAtRiskUsd = flags * 1000,
        RoundValueShare = round,
        Score = score,
        Commodities = ["293339", "291736"],
        Reasons = [$"reason {score}"],
    };

    [Fact]
    public void Counts_add_up_dates_widen_and_the_riskiest_upload_sets_the_score()
    {
        var a = Part(10, 1000, new(2026, 1, 5), new(2026, 2, 1), 35, 1, 0.5);
        var b = Part(30, 5000, new(2025, 12, 1), new(2026, 1, 20), 72, 6, 0.1);
        var r = ExporterRollup.Combine([a, b]);
        Assert.Equal(40, r.Shipments);
        Assert.Equal(6000, r.ValueUsd);
        Assert.Equal(new DateOnly(2025, 12, 1), r.FirstSeen);
        Assert.Equal(new DateOnly(2026, 2, 1), r.LastSeen);
        Assert.Equal(7, r.FlaggedShipments);
        Assert.Equal(7, r.FlagsByCode[FlagCode.PriceAboveBaseline]);
        Assert.Equal(7000, r.ValueAtRiskUsd);
        Assert.Equal(72, r.Score);
        Assert.Equal(RiskTier.High, r.Tier);
        Assert.Equal(["reason 72"], r.Reasons);
        Assert.Equal((0.5 * 10 + 0.1 * 30) / 40, r.RoundValueShare, 10);
        Assert.Equal(["293339", "291736"], r.Commodities);
        Assert.Equal("Acme 35", r.Name); // the name as last seen
    }

    [Fact]
    public void Combining_is_independent_of_order()
    {
        var parts = new[]
        {
            Part(1, 10, new(2026, 3, 1), new(2026, 3, 2), 10, 0, 0),
            Part(2, 20, new(2026, 1, 1), new(2026, 1, 2), 90, 2, 1),
            Part(3, 30, new(2026, 2, 1), new(2026, 2, 2), 50, 1, 0),
        };
        var x = ExporterRollup.Combine(parts);
        var y = ExporterRollup.Combine([.. parts.Reverse()]);
        Assert.Equal((x.Shipments, x.ValueUsd, x.FirstSeen, x.LastSeen, x.Score), (y.Shipments, y.ValueUsd, y.FirstSeen, y.LastSeen, y.Score));
    }
}

/// <summary>
/// The standing profile across uploads (docs/methods-risk.md, "Standing profile across uploads"): each declaration line
/// and each shipment counts once however many uploads brought it, a re-sent line's latest version wins.
/// </summary>
public sealed class ExporterRollupDigestTests
{
    private const string Key = "ID:EIN1";

    private static DeclarationLine Line(string declaration, int line, TradeFlow flow, string? shipment, double usd, DateOnly? date = null) => new()
    {
        Source = new SourceRef("test.csv", line + 1),
        DeclarationId = declaration,
        LineNo = line,
        Flow = flow,
        Date = date ?? new DateOnly(2026, 3, 2),
        ReporterCountry = flow == TradeFlow.Export ? "CN" : "MX",
        ExporterName = "Acme",
        ExporterId = "EIN1",
        ExporterKey = Key,
        ImporterName = "Importadora",
        OriginCountry = "CN",
        DestinationCountry = "MX",
        Hs = HsCode.Parse("293339"),
        Quantity = 10,
        QuantityUnit = "kg",
        NormQuantity = 10,
        Unit = BaseUnit.Kg,
        Value = usd,
        Currency = "USD",
        ValueUsd = usd,
        FobUsd = usd,
        Incoterm = Incoterm.Fob,
        ShipmentId = shipment,
    };

    private static Flag OnLine(FlagCode code, string declaration, int line, string? shipment, double atRisk) => new()
    {
        Code = code,
        Score = 90,
        Severity = Severity.High,
        RecordType = RecordType.Declaration,
        DeclarationId = declaration,
        LineNo = line,
        ShipmentId = shipment,
        ExporterKey = Key,
        ExporterName = "Acme",
        ValueAtRiskUsd = atRisk,
        Explanation = "test",
    };

    private static Flag OnShipment(FlagCode code, string shipment, double atRisk) => new()
    {
        Code = code,
        Score = 70,
        Severity = Severity.Medium,
        RecordType = RecordType.Shipment,
        ShipmentId = shipment,
        ExporterKey = Key,
        ExporterName = "Acme",
        ValueAtRiskUsd = atRisk,
        Explanation = "test",
    };

    /// <summary>What an upload's analysis records: a profile (figures as the analysis gave them) and the digest.</summary>
    private static ExporterContribution Upload(string id, long stamp, ExporterProfile profile, DeclarationLine[] lines, Flag[] flags) =>
        new(id, stamp, profile, ExporterDigest.Build(lines, flags)[Key]);

    private static ExporterProfile Profile(int shipments, double value, int flagged, double atRisk, int precursors, double score) => new()
    {
        Key = Key,
        Name = "Acme",
        Shipments = shipments,
        ValueUsd = value,
        FlaggedShipments = flagged,
        ValueAtRiskUsd = atRisk,
        PrecursorShipments = precursors,
        FirstSeen = new DateOnly(2026, 3, 2),
        LastSeen = new DateOnly(2026, 3, 2),
        Score = score,
        Reasons = [$"reason {score}"],
    };

    [Fact]
    public void A_shipment_declared_at_export_in_one_upload_and_at_import_in_another_counts_once()
    {
        // Upload A: the export declaration of S1 (two lines), flagged as a precursor. Upload B: the import declaration of
        // S1 and another shipment; its analysis (with A's archived lines as counterparts) flags the precursor on A's
        // line again and finds a value gap on the reconciled shipment.
        var a = Upload("a", 1, Profile(1, 300, 1, 1000, 1, 80),
            [Line("E1", 1, TradeFlow.Export, "S1", 100), Line("E1", 2, TradeFlow.Export, "S1", 200)],
            [OnLine(FlagCode.PrecursorChemical, "E1", 1, "S1", 1000)]);
        var b = Upload("b", 2, Profile(2, 350, 1, 1000, 1, 60),
            [Line("I1", 1, TradeFlow.Import, "S1", 330), Line("I2", 1, TradeFlow.Import, null, 50)],
            [OnLine(FlagCode.PrecursorChemical, "E1", 1, "S1", 1000), OnShipment(FlagCode.MirrorValueGap, "S1", 400)]);

        var r = ExporterRollup.Combine([a, b]);

        Assert.Equal(2, r.Shipments); // S1 once, I2
        Assert.Equal(300 + 50, r.ValueUsd); // S1 valued from its export lines
        Assert.Equal(1, r.FlaggedShipments);
        Assert.Equal(1, r.PrecursorShipments);
        Assert.Equal(1000, r.ValueAtRiskUsd); // the largest of S1's documents, once
        Assert.Equal(1, r.FlagsByCode[FlagCode.PrecursorChemical]);
        Assert.Equal(1, r.FlagsByCode[FlagCode.MirrorValueGap]);
        Assert.Equal(80, r.Score); // the highest any upload gave
        Assert.Equal(["reason 80"], r.Reasons);
    }

    [Fact]
    public void A_line_sent_again_counts_once_with_its_latest_version()
    {
        var first = Upload("first", 10, Profile(2, 1010, 1, 600, 0, 50),
            [Line("D1", 1, TradeFlow.Import, null, 1000), Line("D2", 1, TradeFlow.Import, null, 10)],
            [OnLine(FlagCode.PriceAboveBaseline, "D1", 1, null, 600)]);
        var corrected = Upload("corrected", 20, Profile(1, 400, 1, 400, 1, 75),
            [Line("D1", 1, TradeFlow.Import, null, 400, new DateOnly(2026, 3, 5))],
            [OnLine(FlagCode.PrecursorChemical, "D1", 1, null, 400)]);

        foreach (var parts in new[] { new[] { first, corrected }, [corrected, first] })
        {
            var r = ExporterRollup.Combine(parts);
            Assert.Equal(2, r.Shipments);
            Assert.Equal(410, r.ValueUsd);
            Assert.Equal(1, r.FlaggedShipments);
            Assert.Equal(400, r.ValueAtRiskUsd);
            Assert.Equal(1, r.PrecursorShipments);
            Assert.False(r.FlagsByCode.ContainsKey(FlagCode.PriceAboveBaseline)); // a finding on the replaced version
            Assert.Equal(1, r.FlagsByCode[FlagCode.PrecursorChemical]);
            Assert.Equal(new DateOnly(2026, 3, 5), r.LastSeen);
        }

        // Upload order decides, not the order the rows are read in: the other way round the first version stands.
        var swapped = ExporterRollup.Combine([first with { Stamp = 30 }, corrected]);
        Assert.Equal(1010, swapped.ValueUsd);
        Assert.Equal(600, swapped.ValueAtRiskUsd);
        Assert.Equal(0, swapped.PrecursorShipments);
    }

    [Fact]
    public void A_finding_recorded_by_two_uploads_counts_once_at_its_latest_figure()
    {
        var a = Upload("a", 1, Profile(1, 100, 1, 50, 0, 40), [Line("E1", 1, TradeFlow.Export, "S1", 100)], [OnShipment(FlagCode.MirrorValueGap, "S1", 50)]);
        var b = Upload("b", 2, Profile(1, 90, 1, 70, 0, 40), [Line("I1", 1, TradeFlow.Import, "S1", 90)], [OnShipment(FlagCode.MirrorValueGap, "S1", 70)]);

        var r = ExporterRollup.Combine([a, b]);

        Assert.Equal(1, r.Shipments);
        Assert.Equal(100, r.ValueUsd);
        Assert.Equal(1, r.FlagsByCode[FlagCode.MirrorValueGap]);
        Assert.Equal(70, r.ValueAtRiskUsd);
    }

    [Fact]
    public void Contributions_without_digests_are_added_as_they_are()
    {
        var digested = Upload("new", 5, Profile(1, 100, 0, 0, 0, 10), [Line("E1", 1, TradeFlow.Export, "S1", 100)], []);
        var legacy = new ExporterContribution("old", 0, Profile(3, 900, 1, 200, 1, 20) with { FlagsByCode = new Dictionary<FlagCode, int> { [FlagCode.PrecursorChemical] = 1 } }, null);

        var r = ExporterRollup.Combine([digested, legacy]);

        Assert.Equal(4, r.Shipments);
        Assert.Equal(1000, r.ValueUsd);
        Assert.Equal(200, r.ValueAtRiskUsd);
        Assert.Equal(1, r.PrecursorShipments);
        Assert.Equal(1, r.FlagsByCode[FlagCode.PrecursorChemical]);
    }

    /// <summary>A MIRROR_MISSING as the mirror detector writes it: on the shipment record, naming the one-sided declaration.</summary>
    private static Flag Missing(string declaration, string? shipment, double atRisk) => OnShipment(FlagCode.MirrorMissing, shipment!, atRisk) with
    {
        DeclarationId = declaration,
        ShipmentId = shipment,
    };

    /// <summary>An upload whose analysis paired the given export and import declarations (what StandingScope records).</summary>
    private static ExporterContribution Judging(string id, long stamp, ExporterProfile profile, DeclarationLine[] lines, Flag[] flags, params MirrorPair[] pairs) =>
        new(id, stamp, profile, ExporterDigest.Build(lines, flags, StandingScope.Of(pairs, lines, []))[Key]);

    [Fact]
    public void A_mirror_missing_on_an_export_whose_import_a_later_upload_paired_no_longer_stands()
    {
        // Upload A: the export of S1, no import in the data: MIRROR_MISSING. Upload B: the import of S1, analysed with A's
        // archived export: paired, a value gap, no MIRROR_MISSING.
        var missing = Missing("E1", "S1", 300);
        var a = Upload("a", 1, Profile(1, 300, 1, 300, 0, 50), [Line("E1", 1, TradeFlow.Export, "S1", 300)], [missing]);
        var b = Judging("b", 2, Profile(1, 280, 1, 20, 0, 30), [Line("I1", 1, TradeFlow.Import, "S1", 280)],
            [OnShipment(FlagCode.MirrorValueGap, "S1", 20) with { DeclarationId = "I1" }],
            new MirrorPair("E1", "S1", Key, "I1", "S1", Key));

        foreach (var parts in new[] { new[] { a, b }, [b, a] })
        {
            var r = ExporterRollup.Stand(parts);
            Assert.False(r.Profile.FlagsByCode.ContainsKey(FlagCode.MirrorMissing));
            Assert.Equal(1, r.Profile.FlagsByCode[FlagCode.MirrorValueGap]);
            Assert.Equal(20, r.Profile.ValueAtRiskUsd); // the gap, not the whole export
            Assert.Equal([ExporterDigest.FindingKeyOf(missing)], r.Withdrawn);
        }

        // Upload order decides: a pairing older than the finding is not a later verdict.
        var older = ExporterRollup.Stand([a, b with { Stamp = 0 }]);
        Assert.Equal(1, older.Profile.FlagsByCode[FlagCode.MirrorMissing]);
        Assert.Empty(older.Withdrawn);
    }

    [Fact]
    public void Silence_without_a_verdict_withdraws_nothing()
    {
        var missing = Missing("E1", "S1", 300);
        var a = Upload("a", 1, Profile(1, 300, 1, 300, 0, 50), [Line("E1", 1, TradeFlow.Export, "S1", 300)], [missing]);

        // B does not pair E1 (the partner's data for the period not in its analysis): no MIRROR_MISSING, and no verdict.
        var quiet = Judging("b", 2, Profile(1, 50, 0, 0, 0, 10), [Line("I2", 1, TradeFlow.Import, null, 50)], []);

        // C's analysis paired archived declarations that touch none of its own records: it reports nothing about them.
        var elsewhere = Judging("c", 3, Profile(1, 50, 0, 0, 0, 10), [Line("I3", 1, TradeFlow.Import, "S3", 50)], [],
            new MirrorPair("E1", "S1", Key, "I9", "S1", Key));

        var r = ExporterRollup.Stand([a, quiet, elsewhere]);
        Assert.Equal(1, r.Profile.FlagsByCode[FlagCode.MirrorMissing]);
        Assert.Equal(300, r.Profile.ValueAtRiskUsd);
        Assert.Empty(r.Withdrawn);
    }

    [Fact]
    public void A_finding_the_judging_upload_repeats_stands_and_other_findings_on_the_record_are_kept()
    {
        // B paired E1 with I1 yet flags E1 again (a later upload that finds it one-sided once more keeps it), and A's
        // precursor finding on E1's line is not the mirror detector's to withdraw.
        var missing = Missing("E1", "S1", 300);
        var precursor = OnLine(FlagCode.PrecursorChemical, "E1", 1, "S1", 300);
        var a = Upload("a", 1, Profile(1, 300, 1, 300, 1, 80), [Line("E1", 1, TradeFlow.Export, "S1", 300)], [missing, precursor]);
        var b = Judging("b", 2, Profile(1, 280, 1, 300, 0, 50), [Line("I1", 1, TradeFlow.Import, "S1", 280)], [missing],
            new MirrorPair("E1", "S1", Key, "I1", "S1", Key));

        var r = ExporterRollup.Stand([a, b]);
        Assert.Equal(1, r.Profile.FlagsByCode[FlagCode.MirrorMissing]);
        Assert.Equal(1, r.Profile.FlagsByCode[FlagCode.PrecursorChemical]);
        Assert.Empty(r.Withdrawn);
    }

    [Fact]
    public void Without_a_shipment_id_only_a_pairing_the_upload_reports_withdraws_a_mirror_missing()
    {
        // A: the export E1 without shipment id, one-sided (the record is the declaration).
        var missing = OnShipment(FlagCode.MirrorMissing, null!, 90) with { ShipmentId = null, DeclarationId = "E1" };
        var a = Upload("a", 1, Profile(1, 90, 1, 90, 0, 40), [Line("E1", 1, TradeFlow.Export, null, 90)], [missing]);

        // B brings the import alone and pairs it with the archived E1 (by invoice or parties): its findings name only I1,
        // so it reports nothing about E1, and E1's finding stands (the standing view does not guess).
        var b = Judging("b", 2, Profile(1, 100, 0, 0, 0, 10), [Line("I1", 1, TradeFlow.Import, null, 100)], [],
            new MirrorPair("E1", null, Key, "I1", null, Key));
        Assert.Equal(1, ExporterRollup.Stand([a, b]).Profile.FlagsByCode[FlagCode.MirrorMissing]);

        // C sends E1 again with its import and pairs them: its verdict on E1 replaces A's.
        var c = Judging("c", 3, Profile(1, 90, 0, 0, 0, 10), [Line("E1", 1, TradeFlow.Export, null, 90), Line("I1", 1, TradeFlow.Import, null, 100)], [],
            new MirrorPair("E1", null, Key, "I1", null, Key));
        var r = ExporterRollup.Stand([a, c]);
        Assert.False(r.Profile.FlagsByCode.ContainsKey(FlagCode.MirrorMissing));
        Assert.Equal([ExporterDigest.FindingKeyOf(missing)], r.Withdrawn);
    }

    [Fact]
    public void A_replaced_line_versions_findings_are_listed_as_withdrawn()
    {
        var price = OnLine(FlagCode.PriceAboveBaseline, "D1", 1, null, 600);
        var first = Upload("first", 10, Profile(1, 1000, 1, 600, 0, 50), [Line("D1", 1, TradeFlow.Import, null, 1000)], [price]);
        var corrected = Upload("corrected", 20, Profile(1, 400, 0, 0, 0, 10), [Line("D1", 1, TradeFlow.Import, null, 400)], []);

        Assert.Equal([ExporterDigest.FindingKeyOf(price)], ExporterRollup.Stand([first, corrected]).Withdrawn);

        // Recorded again by the upload of the standing version: it stands.
        var again = Upload("again", 30, Profile(1, 1000, 1, 600, 0, 50), [Line("D1", 1, TradeFlow.Import, null, 1000)], [price]);
        Assert.Empty(ExporterRollup.Stand([first, corrected, again]).Withdrawn);
    }

    [Fact]
    public void A_version_1_digest_still_reads()
    {
        var lines = new[] { Line("E1", 1, TradeFlow.Export, "S1", 1000) };
        var flags = new[] { Missing("E1", "S1", 5), OnLine(FlagCode.PrecursorChemical, "E1", 1, "S1", 10) };
        var v2 = ExporterDigest.Build(lines, flags)[Key].ToBytes();

        // Version 1: no coverage count in the header, 42 bytes a flag (no subject).
        var v1 = new List<byte> { 1 };
        v1.AddRange(v2.AsSpan(1, 8).ToArray());
        v1.AddRange(v2.AsSpan(13, 29).ToArray());
        for (var k = 0; k < 2; k++)
        {
            v1.AddRange(v2.AsSpan(13 + 29 + (k * 50), 42).ToArray());
        }

        var back = ExporterDigest.FromBytes(v1.ToArray());

        Assert.Equal(1, back.LineCount);
        Assert.Equal(2, back.FlagCount);
        Assert.Equal(0, back.CoveredCount);
        Assert.All(back.FlagSubjects, s => Assert.Equal(0UL, s));
        Assert.Equal(ExporterDigest.FindingKeyOf(flags[0]), back.FlagKeys[0]);
        Assert.Equal(ExporterDigest.LineKeyOf(lines[0]), back.FlagRecords[1]);
    }

    [Fact]
    public void A_digest_with_coverage_reads_back_as_written()
    {
        var lines = new[] { Line("I1", 1, TradeFlow.Import, "S1", 280) };
        var flags = new[] { Missing("I1", "S1", 5), OnLine(FlagCode.PrecursorChemical, "I1", 1, "S1", 10) };
        var d = ExporterDigest.Build(lines, flags, StandingScope.Of([new MirrorPair("E1", "S1", Key, "I1", "S1", Key)], lines, []))[Key];

        var back = ExporterDigest.FromBytes(d.ToBytes());

        Assert.Equal(d.ToBytes(), back.ToBytes());
        Assert.Equal(2, back.CoveredCount); // E1's and I1's one-sided subjects; the pair's is I1's
        Assert.Contains(ExporterDigest.SubjectOf(Missing("E1", "S1", 0)), back.Covered);
        Assert.Contains(ExporterDigest.SubjectOf(flags[0]), back.Covered);
        Assert.NotEqual(0UL, back.FlagSubjects[0]);
        Assert.Equal(0UL, back.FlagSubjects[1]); // not the mirror family
    }

    [Fact]
    public void A_digest_reads_back_as_written()
    {
        var lines = new[] { Line("E1", 1, TradeFlow.Export, "S1", 1000), Line("I1", 7, TradeFlow.Import, " ", 123.45) };
        var flags = new[] { OnLine(FlagCode.PrecursorChemical, "E1", 1, "S1", 10), OnShipment(FlagCode.MirrorValueGap, "S1", 5) };
        var d = ExporterDigest.Build(lines, flags)[Key];

        var back = ExporterDigest.FromBytes(d.ToBytes());

        Assert.Equal(d.ToBytes(), back.ToBytes());
        Assert.Equal(2, back.LineCount);
        Assert.Equal(2, back.FlagCount);
        Assert.Equal(ExporterDigest.LineKeyOf(lines[0]), back.FlagRecords[0]); // a line's flag names the line
        Assert.Equal(back.LineShipments[0], back.FlagShipments[1]); // the shipment record is the line's shipment
        Assert.Equal(ExporterDigest.ExportBit | ExporterDigest.PositiveBit | ExporterDigest.RoundBit | (1 << ExporterDigest.DigitShift), back.LineBits[0]);
        Assert.Throws<InvalidDataException>(() => ExporterDigest.FromBytes(d.ToBytes().AsSpan(0, 20)));
    }
}
