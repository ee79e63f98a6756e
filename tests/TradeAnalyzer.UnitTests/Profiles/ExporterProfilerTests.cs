using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Profiles;
using TradeAnalyzer.Core.Text;
using static TradeAnalyzer.UnitTests.Detection.RiskRecords;

namespace TradeAnalyzer.UnitTests.Profiles;

public class ExporterProfilerTests
{
    private static readonly DateOnly AsOf = new(2026, 11, 30);

    private static (IReadOnlyList<ExporterProfile> Profiles, List<Flag> Added) Profile(AnalysisContext ctx, IReadOnlyList<Flag> flags)
    {
        var sink = new ListSink();
        var profiles = new ExporterProfiler().Profile(ctx, flags, sink);
        return (profiles, sink.Flags);
    }

    private static AnalysisContext Ctx(IReadOnlyList<DeclarationLine> lines, IReadOnlyDictionary<string, DateOnly>? firstSeen = null) =>
        Context(lines, options: new AnalysisOptions { AsOf = AsOf }, firstSeen: firstSeen);

    /// <summary>Benford-distributed values (10^U) so a clean exporter conforms.</summary>
    private static IEnumerable<double> BenfordValues(int n, int seed)
    {
        var rng = new Random(seed);
        for (var i = 0; i < n; i++)
        {
            yield return Math.Round(Math.Pow(10, 3 + (3 * rng.NextDouble())), 2);
        }
    }

    private static List<DeclarationLine> Exporter(string name, IEnumerable<double> values, DateOnly first, string prefix) =>
        values.Select((v, i) => Line(exporter: name, value: v, id: $"{prefix}{i}", date: first.AddDays(i % 30))).ToList();

    [Fact]
    public void Benford_mad_separates_benford_data_from_uniform_digits()
    {
        var counts = new int[10];
        foreach (var v in BenfordValues(5_000, 1))
        {
            counts[Benford.FirstDigit(v)]++;
        }

        Assert.True(Benford.Mad(counts) < 0.006);
        var uniform = new int[10];
        for (var d = 1; d <= 9; d++)
        {
            uniform[d] = 100;
        }

        Assert.True(Benford.Mad(uniform) > Benford.NonconformingMad);
        Assert.Null(Benford.Mad(new[] { 0, 10, 10, 10, 10, 0, 0, 0, 0, 0 }));
        Assert.Equal(9, Benford.FirstDigit(999.99));
        Assert.Equal(1, Benford.FirstDigit(0.0123));
        Assert.True(Benford.IsRound(25_000));
        Assert.True(Benford.IsRound(700));
        Assert.False(Benford.IsRound(25_100));
        Assert.False(Benford.IsRound(750));
    }

    [Fact]
    public void First_digit_fast_path_agrees_with_dividing_by_ten()
    {
        // Random values of every magnitude, and each digit times each power of ten with its neighbours a few ulps away
        // (where one division and repeated divisions could round to different sides).
        var random = new Random(5);
        var values = new List<double> { 0, -1, double.NaN, double.PositiveInfinity, double.Epsilon, double.MaxValue, 1e22, 9.999999999999999e21 };
        for (var i = 0; i < 200_000; i++)
        {
            values.Add(Math.Pow(10, (random.NextDouble() * 30) - 4));
            values.Add(Math.Round(random.NextDouble() * 1e7, 2));
        }

        for (var p = -3; p <= 23; p++)
        {
            for (var d = 1; d <= 10; d++)
            {
                var x = d * Math.Pow(10, p);
                var up = x;
                var down = x;
                for (var step = 0; step < 8; step++)
                {
                    values.Add(up);
                    values.Add(down);
                    up = Math.BitIncrement(up);
                    down = Math.BitDecrement(down);
                }
            }
        }

        foreach (var v in values)
        {
            Assert.True(Benford.FirstDigitByDivision(v) == Benford.FirstDigit(v), $"{v:R}");
        }
    }

    [Fact]
    public void Profile_rolls_up_shipments_values_dates_commodities_and_flags()
    {
        var lines = Exporter("Shanghai Fine Chemical Co., Ltd.", [1_000, 2_000, 3_000], new DateOnly(2026, 1, 5), "A");
        lines.Add(Line(exporter: "Other Exporter", id: "B1"));
        var flags = Run(new PrecursorDetector(), Ctx([Line(exporter: "Shanghai Fine Chemical Co., Ltd.", hs: "2939.41.01", description: "ephedrine", id: "A0")]));
        var (profiles, _) = Profile(Ctx(lines), flags);
        Assert.Equal(2, profiles.Count);
        var p = profiles.Single(x => x.Key == PartyNames.Key("Shanghai Fine Chemical Co., Ltd.", null));
        Assert.Equal(3, p.Shipments);
        Assert.Equal(6_000, p.ValueUsd);
        Assert.Equal(new DateOnly(2026, 1, 5), p.FirstSeen);
        Assert.Equal(new DateOnly(2026, 1, 7), p.LastSeen);
        Assert.Equal(["2915.39"], p.Commodities);
        Assert.Equal(1, p.FlaggedShipments);
        Assert.Equal(1, p.PrecursorShipments);
        Assert.Equal(1, p.FlagsByCode[FlagCode.PrecursorChemical]);
        Assert.Null(p.BenfordMad);
        Assert.Equal(1.0, p.RoundValueShare);
        Assert.Equal(profiles[0], p); // ranked first
        Assert.NotEmpty(p.Reasons);
    }

    [Fact]
    public void A_shipment_declared_by_both_customs_counts_once_with_its_export_lines()
    {
        const string name = "Shanghai Fine Chemical Co., Ltd.";
        DeclarationLine At(DeclarationLine l, TradeFlow flow, string? shipment) => new()
        {
            Source = l.Source, DeclarationId = l.DeclarationId, LineNo = l.LineNo, Flow = flow, Date = l.Date, ReporterCountry = flow == TradeFlow.Export ? "CN" : "MX",
            ExporterName = l.ExporterName, ImporterName = l.ImporterName, OriginCountry = l.OriginCountry, DestinationCountry = l.DestinationCountry,
            Hs = l.Hs, Description = l.Description, CasNumbers = l.CasNumbers, Quantity = l.Quantity, QuantityUnit = l.QuantityUnit, NormQuantity = l.NormQuantity,
            Unit = l.Unit, Value = l.Value, Currency = l.Currency, ValueUsd = l.ValueUsd, FobUsd = l.FobUsd, TransitCountries = l.TransitCountries,
            ExporterKey = l.ExporterKey, ShipmentId = shipment,
        };
        List<DeclarationLine> lines =
        [
            // BL-1: two export lines (CN customs) and one import line (MX customs, CIF, so a larger value).
            At(Line(exporter: name, value: 1_000, id: "E1", lineNo: 1), TradeFlow.Export, "BL-1"),
            At(Line(exporter: name, value: 2_000, id: "E1", lineNo: 2), TradeFlow.Export, "BL-1"),
            At(Line(exporter: name, value: 3_100, id: "M1", date: new DateOnly(2026, 11, 25)), TradeFlow.Import, " BL-1"),
            // BL-2: seen only at import.
            At(Line(exporter: name, value: 500, id: "M2"), TradeFlow.Import, "BL-2"),
            // No shipment id: the declaration's two lines are one shipment.
            At(Line(exporter: name, value: 700, id: "M3", lineNo: 1), TradeFlow.Import, null),
            At(Line(exporter: name, value: 800, id: "M3", lineNo: 2), TradeFlow.Import, null),
        ];
        var (profiles, _) = Profile(Ctx(lines), []);
        var p = Assert.Single(profiles);
        Assert.Equal(3, p.Shipments);
        Assert.Equal(1_000 + 2_000 + 500 + 700 + 800, p.ValueUsd);
        Assert.Equal(new DateOnly(2026, 11, 25), p.LastSeen); // from the import line, though its value is not counted
        Assert.Equal(1.0, p.RoundValueShare); // of the counted values only: the import line's 3,100 (not round) is left out
    }

    [Fact]
    public void New_exporter_shipping_precursors_is_flagged_but_an_old_one_is_not()
    {
        var lines = new List<DeclarationLine>
        {
            Line(exporter: "Nuevo Quimicos SA de CV", hs: "2933.39.99", description: "4-AP", id: "N1", date: new DateOnly(2026, 11, 1)),
            Line(exporter: "Veteran Chemical Ltd", hs: "2933.39.99", description: "4-AP", id: "V1", date: new DateOnly(2026, 11, 1)),
        };
        var ctx = Ctx(lines, new Dictionary<string, DateOnly> { [PartyNames.Key("Veteran Chemical Ltd", null)] = new DateOnly(2019, 3, 1) });
        var flags = Run(new PrecursorDetector(), ctx);
        var (profiles, added) = Profile(ctx, flags);
        var f = Assert.Single(added, x => x.Code == FlagCode.NewExporter);
        Assert.Equal("Nuevo Quimicos SA de CV", f.ExporterName);
        Assert.Equal(RecordType.Exporter, f.RecordType);
        Assert.Contains("2026-11-01", f.Explanation, StringComparison.Ordinal);
        Assert.Contains("29 days", f.Explanation, StringComparison.Ordinal);
        Assert.Equal(new DateOnly(2019, 3, 1), profiles.Single(p => p.Name == "Veteran Chemical Ltd").FirstSeen);
    }

    [Fact]
    public void New_exporter_with_ordinary_value_is_not_flagged_but_unusually_high_value_is()
    {
        var lines = new List<DeclarationLine>();
        for (var e = 0; e < 30; e++)
        {
            lines.AddRange(Exporter($"Exporter {e:D2} Trading", [10_000, 12_000], new DateOnly(2025, 1, 1), $"E{e}-"));
        }

        lines.Add(Line(exporter: "Fresh Small Trading", value: 9_000, id: "S1", date: new DateOnly(2026, 11, 10)));
        lines.Add(Line(exporter: "Fresh Big Trading", value: 2_400_000, id: "B1", date: new DateOnly(2026, 11, 10)));
        var (_, added) = Profile(Ctx(lines), []);
        var f = Assert.Single(added);
        Assert.Equal(FlagCode.NewExporter, f.Code);
        Assert.Equal("Fresh Big Trading", f.ExporterName);
        Assert.Contains("2,400,000.00 USD", f.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Exporter_profile_flag_needs_a_high_score_and_repeated_evidence()
    {
        var lines = new List<DeclarationLine>();
        // Risky: 6 of 12 shipments are precursors declared under a foreign code; every value is a round number.
        for (var i = 0; i < 12; i++)
        {
            lines.Add(i < 6
                ? Line(exporter: "Risky Pharma Ltd", hs: "2915.39.99", description: "N-phenethyl-4-piperidone", id: $"R{i}", value: 80_000, date: new DateOnly(2024, 1, 1))
                : Line(exporter: "Risky Pharma Ltd", id: $"R{i}", value: 15_000, date: new DateOnly(2024, 1, 1)));
        }

        // One-off: a single flagged shipment among 40.
        for (var i = 0; i < 40; i++)
        {
            lines.Add(i == 0
                ? Line(exporter: "Big Clean Chemical Ltd", hs: "2915.39.99", description: "N-phenethyl-4-piperidone", id: $"C{i}", date: new DateOnly(2024, 1, 1))
                : Line(exporter: "Big Clean Chemical Ltd", id: $"C{i}", value: 10_000 + (i * 37.31), date: new DateOnly(2024, 1, 1)));
        }

        // Trade anomalies (over-invoicing) on the same shipments: a pattern for Risky Pharma, a one-off for Big Clean.
        var ctx = Ctx(lines);
        var priceFlags = lines.Where(l => l.DeclarationId is "R0" or "R1" or "R2" or "R3" or "R4" or "R5" or "C0").Select(l => new Flag
        {
            Code = FlagCode.PriceAboveBaseline,
            Severity = Severity.Critical,
            Score = 85,
            RecordType = RecordType.Declaration,
            DeclarationId = l.DeclarationId,
            LineNo = l.LineNo,
            ExporterName = l.ExporterName,
            ExporterKey = RiskFlags.ExporterKeyOf(l),
            ValueAtRiskUsd = l.ValueUsd,
            Explanation = "over-invoiced",
        });
        var (profiles, added) = Profile(ctx, [.. Run(new PrecursorDetector(), ctx), .. priceFlags]);
        var f = Assert.Single(added, x => x.Code == FlagCode.ExporterProfile);
        Assert.Equal("Risky Pharma Ltd", f.ExporterName);
        var risky = profiles[0];
        Assert.Equal("Risky Pharma Ltd", risky.Name);
        Assert.True(risky.Score >= 80, $"score {risky.Score}");
        Assert.Equal(RiskTier.Critical, risky.Tier);
        Assert.Equal(0.5, risky.FlaggedShare);
        Assert.Equal(480_000, risky.ValueAtRiskUsd);
        Assert.Contains("6 of 12 shipments carry trade anomalies", f.Explanation, StringComparison.Ordinal);
        Assert.Contains("6 of 12 shipments flagged (50.00%)", f.Explanation, StringComparison.Ordinal);
        Assert.True(profiles[1].Score < risky.Score);
        Assert.DoesNotContain(added, x => x.ExporterName == "Big Clean Chemical Ltd" && x.Code == FlagCode.ExporterProfile);
    }

    [Fact]
    public void Benford_nonconformity_is_reported_only_from_fifty_values()
    {
        var uniform = Enumerable.Range(0, 90).Select(i => (double)(((i % 9) + 1) * 1_111) + 0.5).ToList();
        var lines = Exporter("Uniform Digits Ltd", uniform, new DateOnly(2024, 1, 1), "U");
        lines.AddRange(Exporter("Natural Ltd", BenfordValues(3_000, 3), new DateOnly(2024, 1, 1), "N"));
        lines.AddRange(Exporter("Few Values Ltd", uniform.Take(49), new DateOnly(2024, 1, 1), "F"));
        var (profiles, _) = Profile(Ctx(lines), []);
        Assert.True(profiles.Single(p => p.Name == "Uniform Digits Ltd").BenfordMad > Benford.NonconformingMad);
        Assert.True(profiles.Single(p => p.Name == "Natural Ltd").BenfordMad < Benford.NonconformingMad);
        Assert.Null(profiles.Single(p => p.Name == "Few Values Ltd").BenfordMad);
    }

    [Fact]
    public void Catalog_returns_the_detectors_and_the_profiler()
    {
        Assert.IsType<ExporterProfiler>(DetectorCatalog.CreateProfiler());
        var names = DetectorCatalog.CreateDefault().Select(d => d.Name).ToList();
        Assert.Contains("precursor", names);
        Assert.Contains("route", names);
        Assert.Contains("sanctions", names);
    }
}
