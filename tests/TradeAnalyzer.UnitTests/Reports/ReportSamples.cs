using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Reports;

namespace TradeAnalyzer.UnitTests.Reports;

/// <summary>Hand-built analysis results for the report tests (no detectors involved).</summary>
internal static class ReportSamples
{
    public static readonly string[] Hostile = ["=HYPERLINK(\"http://evil\",\"x\")", "+1", "-2", "@SUM(A1)", "\tX", "\rY"];

    public static DeclarationLine Declaration(string id, int line, string exporter, string hs, double quantity, double fobUsd, DateOnly date, string? description = null, SourceRef? source = null) => new()
    {
        Source = source ?? new SourceRef("decl.csv", line + 1),
        DeclarationId = id,
        LineNo = line,
        Flow = TradeFlow.Export,
        Date = date,
        ReporterCountry = "CN",
        ExporterName = exporter,
        ImporterName = "Importadora Norte SA",
        OriginCountry = "CN",
        DestinationCountry = "MX",
        Hs = HsCode.Parse(hs),
        Description = description,
        Quantity = quantity,
        QuantityUnit = "kg",
        NormQuantity = quantity,
        Unit = BaseUnit.Kg,
        Value = fobUsd,
        Currency = "USD",
        ValueUsd = fobUsd,
        FobUsd = fobUsd,
        ExporterKey = exporter.ToUpperInvariant(),
    };

    public static Flag Flag(FlagCode code, double score, DeclarationLine d, double var, string explanation) => new()
    {
        Code = code,
        Severity = EnumText.SeverityFromScore(score),
        Score = score,
        RecordType = RecordType.Declaration,
        DeclarationId = d.DeclarationId,
        LineNo = d.LineNo,
        ExporterName = d.ExporterName,
        ImporterName = d.ImporterName,
        HsCode = d.Hs.Display,
        ValueUsd = d.ValueUsd,
        ValueAtRiskUsd = var,
        Expected = "9.80-22.10 USD/kg",
        Observed = $"{d.UnitPriceUsd:0.00} USD/kg",
        Explanation = explanation,
        ExporterKey = d.ExporterKey,
        Date = d.Date,
        OriginCountry = d.OriginCountry,
        DestinationCountry = d.DestinationCountry,
        Source = d.Source,
    };

    /// <summary>30 declarations of HS 2933.39 (a few far above the fences), hostile strings in descriptions, exporters and explanations.</summary>
    public static UploadReportModel Upload(string language = "en", int flagCopies = 1)
    {
        var start = new DateOnly(2026, 11, 2);
        var declarations = new List<DeclarationLine>();
        for (var i = 0; i < 30; i++)
        {
            var price = i < 3 ? 45.0 + i : 10.0 + (i % 10);
            var exporter = i < 3 ? "Shanghai Chem Co" : i < 6 ? Hostile[i - 3] : "Hebei Trading Ltd";
            declarations.Add(Declaration($"D{i:000}", 1, exporter, "2933.39.99", 100, price * 100, start.AddDays(i), description: i == 4 ? Hostile[0] : "piperidone derivative"));
        }

        declarations.Add(Declaration("D900", 1, "Hebei Trading Ltd", "8479.89", 1, 5000, start, "tablet press"));
        var flags = new List<Flag>();
        for (var copy = 0; copy < flagCopies; copy++)
        {
            for (var i = 0; i < 3; i++)
            {
                flags.Add(Flag(FlagCode.PriceAboveBaseline, 90 - i, declarations[i], (declarations[i].UnitPriceUsd - 22.10) * 100,
                    $"Declared {declarations[i].UnitPriceUsd:0.00} USD/kg for HS 2933.39 from CN; 95% of 1,240 comparable lines were 9.80-22.10 USD/kg."));
            }

            flags.Add(Flag(FlagCode.VagueDescription, 45, declarations[4], 0, Hostile[3]) with { ExporterName = Hostile[1], ImporterName = Hostile[4] });
            flags.Add(Flag(FlagCode.PrecursorChemical, 70, declarations[30], 0, "Tablet press (HS 8479.89) shipped to MX."));
            flags.Add(Flag(FlagCode.HighRiskRoute, 20, declarations[5], 0, Hostile[5]) with { Observed = Hostile[2] });
        }

        flags.Sort((a, b) => b.Score.CompareTo(a.Score));
        var exporters = new List<ExporterProfile>
        {
            new() { Key = "SHANGHAI CHEM CO", Name = "Shanghai Chem Co", Country = "CN", Shipments = 3, FlaggedShipments = 3, ValueUsd = 13_800, ValueAtRiskUsd = 7_170, Score = 88, Tier = RiskTier.Critical, FirstSeen = start, LastSeen = start.AddDays(2), Commodities = ["293339"], Counterparties = ["Importadora Norte SA"], Reasons = ["3 of 3 shipments priced above the baseline."] },
            new() { Key = "HEBEI TRADING LTD", Name = "Hebei Trading Ltd", Country = "CN", Shipments = 25, FlaggedShipments = 1, ValueUsd = 40_000, Score = 55, Tier = RiskTier.Medium, PrecursorShipments = 1, FirstSeen = start, LastSeen = start.AddDays(29) },
            new() { Key = "=CMD", Name = Hostile[0], Shipments = 1, Score = 10, Tier = RiskTier.Low },
        };
        var result = new AnalysisResult
        {
            Flags = flags,
            Exporters = exporters,
            RecordScores = [new RecordScore(RecordType.Declaration, "D000#1", "SHANGHAI CHEM CO", 90, RiskTier.Critical, [FlagCode.PriceAboveBaseline])],
            BaselinesUsed =
            [
                new BaselineSummary { Group = "HS 2933.39 kg, CN to MX", HsPrefix = "293339", Unit = BaseUnit.Kg, Count = 1240, Median = 14.5, Q1 = 12, Q3 = 17, LowerFence = 9.8, UpperFence = 22.1, Source = "data", UsedBy = 30 },
            ],
            TimingsMs = new Dictionary<string, double> { ["price"] = 12.5 },
            ValueAtRiskUsd = 7_170,
        };
        return new UploadReportModel
        {
            Files =
            [
                new InputFileSummary { Path = "decl.csv", Kind = FileKind.Declarations, RowsRead = 33, RowsAccepted = 31, RowsRejected = 2, Sha256 = new string('a', 64), Bytes = 4096 },
            ],
            Result = result,
            Declarations = declarations,
            Rejected = [new RejectedRow("decl.csv", 40, "value", "value must be > 0", Hostile[0]), new RejectedRow("decl.csv", 41, "hs_code", "not an HS code", "-12")],
            Options = new AnalysisOptions { Language = language },
            TimingsMs = new Dictionary<string, double> { ["ingest"] = 40, ["analyze"] = 25 },
            GeneratedAt = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero),
            UploadId = "u-123",
            Version = "0.1.0",
        };
    }
}
