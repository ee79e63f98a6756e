using DocumentFormat.OpenXml.Spreadsheet;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Reports;

namespace TradeAnalyzer.UnitTests.Reports;

public sealed class ExporterReviewAndDigestTests
{
    private static ExporterReviewModel Review(string language = "en")
    {
        var upload = ReportSamples.Upload();
        var shipments = upload.Declarations.Where(d => d.ExporterName == "Shanghai Chem Co").ToList();
        shipments.Add(ReportSamples.Declaration("D777", 2, "Shanghai Chem Co", "2933.39", 50, 900, new DateOnly(2026, 9, 15), ReportSamples.Hostile[0]));
        var flags = upload.Result.Flags.Where(f => f.ExporterName == "Shanghai Chem Co").ToList();
        flags.Add(ReportSamples.Flag(FlagCode.PrecursorChemical, 75, shipments[^1], 0, "4-piperidone named in the description (HS 2933.39)."));
        return new ExporterReviewModel
        {
            Profile = upload.Result.Exporters[0],
            Shipments = shipments,
            Flags = flags,
            Dispositions =
            [
                new Disposition("SHANGHAI CHEM CO", new DateTimeOffset(2026, 10, 1, 9, 0, 0, TimeSpan.Zero), "ana", DispositionStatus.Reviewed, "Visited; documents pending."),
                new Disposition("SHANGHAI CHEM CO", new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero), "luis", DispositionStatus.Escalated, ReportSamples.Hostile[3]),
            ],
            GeneratedAt = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
            Language = language,
        };
    }

    private static WeeklyDigestModel Digest(string language = "en")
    {
        var upload = ReportSamples.Upload();
        var flags = new List<Flag>();
        var weekMonday = new DateOnly(2026, 11, 16); // 2026-W47
        for (var w = 0; w <= 13; w++)
        {
            foreach (var f in upload.Result.Flags.Take(1 + (w % 4)))
            {
                flags.Add(f with { Date = weekMonday.AddDays(-7 * (12 - w) + 2) });
            }
        }

        return new WeeklyDigestModel
        {
            Year = 2026,
            Week = 47,
            Flags = flags,
            Exporters = upload.Result.Exporters.Select(e => e.Key == "HEBEI TRADING LTD" ? e with { FirstSeen = new DateOnly(2026, 11, 1) } : e).ToList(),
            Dispositions =
            [
                new Disposition("HEBEI TRADING LTD", new DateTimeOffset(2026, 11, 18, 9, 0, 0, TimeSpan.Zero), "ana", DispositionStatus.Pending, null),
                new Disposition("SHANGHAI CHEM CO", new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero), "ana", DispositionStatus.Pending, null),
                new Disposition("SHANGHAI CHEM CO", new DateTimeOffset(2026, 11, 19, 9, 0, 0, TimeSpan.Zero), "luis", DispositionStatus.Cleared, "ok"),
            ],
            GeneratedAt = new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero),
            Language = language,
        };
    }

    [Fact]
    public void Exporter_review_is_valid_with_every_sheet_table_chart_and_link()
    {
        using var book = WorkbookReader.Write(s => ExporterReview.Write(s, Review()));
        Assert.Empty(book.ValidationErrors());
        Assert.Equal(["Profile", "Shipments", "Flags", "Counterparties", "Commodities", "Precursor shipments", "Dispositions"], book.SheetNames);
        Assert.Equal(2, book.Sheet("Profile").DrawingsPart!.ChartParts.Count());
        foreach (var name in book.SheetNames.Skip(1))
        {
            Assert.NotNull(Assert.Single(book.Sheet(name).TableDefinitionParts).Table.AutoFilter);
            Assert.Single(book.Sheet(name).Worksheet.Descendants<Pane>());
        }

        Assert.Equal("D777", Assert.Single(book.Texts("Precursor shipments"), t => t == "D777"));
        Assert.Equal("escalated", book.Row("Dispositions", 2)[3]);
        Assert.Equal("'@SUM(A1)", book.Row("Dispositions", 2)[4]);
        Assert.All(book.Sheet("Flags").Worksheet.Descendants<Hyperlink>(), h => Assert.StartsWith("'Shipments'!A", h.Location!.Value, StringComparison.Ordinal));
        Assert.NotEmpty(book.Sheet("Flags").Worksheet.Descendants<Hyperlink>());
        Assert.DoesNotContain(book.SheetNames.SelectMany(book.Cells), c => c.CellFormula is not null);
    }

    [Fact]
    public void Exporter_review_in_spanish()
    {
        using var book = WorkbookReader.Write(s => ExporterReview.Write(s, Review("es")));
        Assert.Empty(book.ValidationErrors());
        Assert.Equal(["Perfil", "Envíos", "Alertas", "Contrapartes", "Mercancías", "Envíos de precursores", "Decisiones"], book.SheetNames);
        Assert.Equal("escalado", book.Row("Decisiones", 2)[3]);
    }

    [Fact]
    public void Weekly_digest_compares_the_week_with_the_12_before_it()
    {
        var model = Digest();
        using var book = WorkbookReader.Write(s => WeeklyDigest.Write(s, model));
        Assert.Empty(book.ValidationErrors());
        Assert.Equal(["Summary", "Flags", "By corridor", "By commodity", "New precursor exporters", "Top exporters", "Pending dispositions"], book.SheetNames);
        var trend = book.Sheet("Summary").DrawingsPart!.ChartParts.Select(c => c.ChartSpace).Single(c => c.Descendants<DocumentFormat.OpenXml.Drawing.Charts.LineChart>().Any());
        var points = trend.Descendants<DocumentFormat.OpenXml.Drawing.Charts.LineChartSeries>().Single()
            .Descendants<DocumentFormat.OpenXml.Drawing.Charts.NumericPoint>().Select(p => p.NumericValue!.Text).ToList();
        Assert.Equal(13, points.Count);
        var expectedThisWeek = 1 + (12 % 4);
        Assert.Equal(expectedThisWeek.ToString(System.Globalization.CultureInfo.InvariantCulture), points[^1]);
        Assert.Equal(expectedThisWeek + 1, book.Sheet("Flags").Worksheet.Descendants<Row>().Count());
        var categories = trend.Descendants<DocumentFormat.OpenXml.Drawing.Charts.StringPoint>().Select(p => p.NumericValue!.Text).ToList();
        Assert.Equal("2026-W35", categories[0]);
        Assert.Equal("2026-W47", categories[^1]);
        Assert.Contains("Hebei Trading Ltd", book.Texts("New precursor exporters"));
        var pending = book.Texts("Pending dispositions");
        Assert.Contains("HEBEI TRADING LTD", pending);
        Assert.DoesNotContain("SHANGHAI CHEM CO", pending);
        Assert.Contains("CN-MX", book.Texts("By corridor"));
    }

    [Fact]
    public void Weekly_digest_counts_a_shipment_once_in_its_value_at_risk_and_a_record_value_once()
    {
        // One consignment declared at export (E1, two flags) and at import (I1), in week 47.
        var day = new DateOnly(2026, 11, 18);
        var export = ReportSamples.Declaration("E1", 1, "Shanghai Chem Co", "2933.39", 100, 5_000, day);
        var import = ReportSamples.Declaration("I1", 1, "Shanghai Chem Co", "2933.39", 100, 5_200, day);
        Flag[] flags =
        [
            ReportSamples.Flag(FlagCode.PriceAboveBaseline, 80, export, 1_000, "price") with { ShipmentId = "BL1" },
            ReportSamples.Flag(FlagCode.WeightQuantityMismatch, 60, export, 600, "weight") with { ShipmentId = "BL1" },
            ReportSamples.Flag(FlagCode.PriceAboveBaseline, 75, import, 800, "price") with { ShipmentId = "BL1" },
        ];
        var model = Digest() with { Flags = flags };

        using var book = WorkbookReader.Write(s => WeeklyDigest.Write(s, model));

        Assert.Empty(book.ValidationErrors());
        var summary = book.Sheet("Summary").Worksheet.Descendants<Row>().Select(r => r.Elements<Cell>().Select(book.Text).ToList()).ToList();
        Assert.Equal("1000", summary.Single(r => r.Count > 1 && r[0] == "Value at risk this week")[1]); // not 2,400
        var corridor = book.Row("By corridor", 2);
        Assert.Equal([$"{export.OriginCountry}-{export.DestinationCountry}", "3", "1000", "10200"], corridor); // values of two records, not of three flags
        Assert.Equal("Value of flagged records USD", book.Row("By corridor", 1)[3]);
    }

    [Fact]
    public void Weekly_digest_in_spanish_and_week_parsing()
    {
        using var book = WorkbookReader.Write(s => WeeklyDigest.Write(s, Digest("es")));
        Assert.Empty(book.ValidationErrors());
        Assert.Equal("Resumen", book.SheetNames[0]);
        Assert.Contains("Por corredor", book.SheetNames);
        Assert.True(WeeklyDigest.TryParseWeek("2026-W47", out var y, out var w));
        Assert.Equal((2026, 47), (y, w));
        Assert.False(WeeklyDigest.TryParseWeek("2026-W54", out _, out _));
        Assert.False(WeeklyDigest.TryParseWeek("2026-47", out _, out _));
    }

    /// <summary>
    /// Writes every workbook (English and Spanish) to $TA_REPORT_SAMPLES (or a temp folder) so they can be rendered with
    /// LibreOffice (docs/reports.md), and checks each file opens and validates.
    /// </summary>
    [Fact]
    public void Sample_workbooks_are_written_for_rendering_checks()
    {
        var dir = Environment.GetEnvironmentVariable("TA_REPORT_SAMPLES") ?? Path.Combine(Path.GetTempPath(), "ta-report-samples-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        foreach (var language in new[] { "en", "es" })
        {
            var files = new Dictionary<string, Action<Stream>>
            {
                [$"report-{language}.xlsx"] = s => UploadReport.Write(s, ReportSamples.Upload(language)),
                [$"exporter-{language}.xlsx"] = s => ExporterReview.Write(s, Review(language)),
                [$"digest-{language}.xlsx"] = s => WeeklyDigest.Write(s, Digest(language)),
            };
            foreach (var (name, write) in files)
            {
                var path = Path.Combine(dir, name);
                using (var file = File.Create(path))
                using (var forward = new WorkbookReader.ForwardOnlyStream(file))
                {
                    write(forward); // written as to a blob upload: zip entries carry data descriptors
                }

                using var book = new WorkbookReader(File.ReadAllBytes(path));
                Assert.Empty(book.ValidationErrors());
            }
        }

        if (Environment.GetEnvironmentVariable("TA_REPORT_SAMPLES") is null)
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
