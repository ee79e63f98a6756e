using System.Text.Json.Serialization.Metadata;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Handlers.History;

namespace TradeAnalyzer.UnitTests.Handlers;

/// <summary>
/// The stored records' JSON comes from compile-time contracts (so the command line works compiled ahead of time); the
/// text must stay what the reflection-based serialiser wrote, which stores already hold.
/// </summary>
public sealed class JsonRecordsTests
{
    private static readonly System.Text.Json.JsonSerializerOptions Reflection = JsonRecords.CreateOptions(new DefaultJsonTypeInfoResolver());

    private static Flag FullFlag() => new()
    {
        Code = FlagCode.PriceAboveBaseline,
        Severity = Severity.High,
        Score = 0.875,
        RecordType = RecordType.Declaration,
        DeclarationId = "D-1",
        LineNo = 3,
        InvoiceNumber = "INV 9",
        ShipmentId = "S-7",
        ExporterName = "=cmd|' /C calc'!A0",
        ImporterName = "Importer \"quoted\" ñ",
        HsCode = "293932",
        ValueUsd = 125000.5,
        ValueAtRiskUsd = double.NaN,
        Expected = "4.10-9.80 USD/kg",
        Observed = "31.00 USD/kg",
        Explanation = "Declared at 31.00 USD/kg, above the 9.80 fence.",
        ExporterKey = "ID:EIN1",
        Date = new DateOnly(2026, 3, 14),
        OriginCountry = "CN",
        DestinationCountry = "MX",
        Source = new SourceRef("declarations.csv", 42),
        Period = "2026-03",
    };

    private static ExporterProfile Profile() => new()
    {
        Key = "ID:EIN1",
        Name = "Acme",
        Country = "CN",
        Shipments = 12,
        ValueUsd = 1e6,
        FirstSeen = new DateOnly(2026, 1, 2),
        LastSeen = new DateOnly(2026, 6, 30),
        Commodities = ["293932", "847930"],
        Counterparties = ["Beta SA"],
        FlagsByCode = new Dictionary<FlagCode, int> { [FlagCode.PriceAboveBaseline] = 2, [FlagCode.ThirdPartyPayment] = 1 },
        FlaggedShipments = 3,
        ValueAtRiskUsd = 12345.6,
        PrecursorShipments = 1,
        BenfordMad = 0.012,
        RoundValueShare = 0.25,
        Score = 71.5,
        Tier = RiskTier.Critical,
        Reasons = ["3 of 12 shipments flagged"],
    };

    [Fact]
    public void Flags_are_written_as_the_reflection_serialiser_wrote_them_and_read_back_equal()
    {
        var flag = FullFlag();
        var json = JsonRecords.Serialize(flag);

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(flag, Reflection), json);
        Assert.Contains("\"code\":\"price_above_baseline\"", json, StringComparison.Ordinal);
        Assert.Contains("\"value_at_risk_usd\":\"NaN\"", json, StringComparison.Ordinal);
        var back = JsonRecords.Deserialize<Flag>(json);
        Assert.NotNull(back);
        Assert.Equal(flag.Key, back.Key);
        Assert.Equal(json, JsonRecords.Serialize(back));

        var sparse = new Flag { Code = FlagCode.ThirdPartyPayment, Severity = Severity.Low, Score = 0.1, RecordType = RecordType.Invoice, Explanation = "x" };
        var sparseJson = JsonRecords.Serialize(sparse);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(sparse, Reflection), sparseJson);
        Assert.DoesNotContain("line_no", sparseJson, StringComparison.Ordinal);
    }

    [Fact]
    public void Profiles_and_dispositions_keep_their_text()
    {
        var profile = Profile();
        var json = JsonRecords.Serialize(profile);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(profile, Reflection), json);
        Assert.Contains("\"tier\":\"critical\"", json, StringComparison.Ordinal);
        Assert.Equal(json, JsonRecords.Serialize(JsonRecords.Deserialize<ExporterProfile>(json)));

        var disposition = new Disposition("ID:EIN1", new DateTimeOffset(2026, 7, 1, 9, 30, 0, TimeSpan.Zero), "ana", DispositionStatus.Escalated, null);
        var djson = JsonRecords.Serialize(disposition);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(disposition, Reflection), djson);
        Assert.Equal(disposition, JsonRecords.Deserialize<Disposition>(djson));
    }

    [Fact]
    public void Flag_lines_round_trip_and_unknown_types_are_refused()
    {
        using var stream = new MemoryStream();
        JsonRecords.WriteFlagLines(stream, [FullFlag(), FullFlag() with { LineNo = 4 }]);
        stream.Position = 0;
        var back = JsonRecords.ReadFlagLines(stream).ToList();
        Assert.Equal([3, 4], back.Select(f => f.LineNo!.Value));
        Assert.Throws<NotSupportedException>(() => JsonRecords.Serialize(new Uri("https://example.org")));
    }
}
