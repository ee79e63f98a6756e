using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using TradeAnalyzer.Reports;

namespace TradeAnalyzer.UnitTests.Reports;

public sealed class UploadReportTests
{
    [Fact]
    public void Report_is_valid_open_xml_written_to_a_non_seekable_stream()
    {
        using var book = WorkbookReader.Write(s => UploadReport.Write(s, ReportSamples.Upload()));
        Assert.Empty(book.ValidationErrors());
        Assert.Equal(["Summary", "Flags", "Shipments", "Exporters", "Baselines", "Rejected rows", "About"], book.SheetNames);
        Assert.Equal("en", book.Document.PackageProperties.Language);
        Assert.Contains("u-123", book.Document.PackageProperties.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_data_sheet_has_a_table_with_autofilter_and_a_frozen_header()
    {
        using var book = WorkbookReader.Write(s => UploadReport.Write(s, ReportSamples.Upload()));
        foreach (var name in new[] { "Flags", "Shipments", "Exporters", "Baselines", "Rejected rows" })
        {
            var part = book.Sheet(name);
            var table = Assert.Single(part.TableDefinitionParts).Table;
            Assert.NotNull(table.AutoFilter);
            Assert.StartsWith("A1:", table.Reference!.Value, StringComparison.Ordinal);
            var header = book.Row(name, 1);
            Assert.Equal(table.TableColumns!.Elements<TableColumn>().Select(c => c.Name!.Value), header);
            var pane = part.Worksheet.Descendants<Pane>().Single();
            Assert.Equal(PaneStateValues.Frozen, pane.State!.Value);
            Assert.Equal("A2", pane.TopLeftCell!.Value);
            Assert.All(part.Worksheet.Descendants<Column>(), c => Assert.InRange(c.Width!.Value, 6, 80));
        }
    }

    [Fact]
    public void Flags_sheet_starts_with_explanations_sorted_by_score_and_links_to_shipments()
    {
        var model = ReportSamples.Upload();
        using var book = WorkbookReader.Write(s => UploadReport.Write(s, model));
        Assert.Equal("Explanation", book.Row("Flags", 1)[0]);
        Assert.StartsWith("Declared 45.00 USD/kg", book.Row("Flags", 2)[0], StringComparison.Ordinal);
        var scores = book.Cells("Flags").Where(c => c.CellReference!.Value!.StartsWith('D') && c.CellReference.Value != "D1").Select(c => double.Parse(c.CellValue!.Text, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(scores.OrderByDescending(x => x), scores);

        var row2 = book.Sheet("Flags").Worksheet.Descendants<Row>().Single(r => r.RowIndex! == 2U);
        Assert.True(row2.CustomHeight?.Value);
        Assert.True(row2.Height!.Value >= 30);
        var links = book.Sheet("Flags").Worksheet.Descendants<Hyperlink>().ToList();
        Assert.Equal(model.Result.Flags.Count, links.Count);
        var first = links.Single(h => h.Reference == "F2");
        Assert.StartsWith("'Shipments'!A", first.Location!.Value, StringComparison.Ordinal);
        var targetRow = int.Parse(first.Location.Value!.Split("!A")[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("D000", book.Row("Shipments", targetRow)[0]);
    }

    [Fact]
    public void Exporter_rows_link_to_their_first_flag()
    {
        var model = ReportSamples.Upload();
        using var book = WorkbookReader.Write(s => UploadReport.Write(s, model));
        var link = book.Sheet("Exporters").Worksheet.Descendants<Hyperlink>().First(h => h.Reference == "A2");
        Assert.Equal("'Flags'!A2", link.Location!.Value);
        Assert.Equal("Shanghai Chem Co", book.Row("Exporters", 2)[0]);
    }

    [Fact]
    public void Hostile_strings_are_quote_prefixed_and_no_cell_is_a_formula()
    {
        using var book = WorkbookReader.Write(s => UploadReport.Write(s, ReportSamples.Upload()));
        var all = book.SheetNames.SelectMany(book.Cells).ToList();
        Assert.DoesNotContain(all, c => c.CellFormula is not null);
        var texts = all.Select(book.Text).ToList();
        foreach (var hostile in ReportSamples.Hostile)
        {
            Assert.DoesNotContain(texts, t => t.StartsWith(hostile[..1], StringComparison.Ordinal) && t.Length > 1 && !double.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, out _));
        }

        Assert.Contains(texts, t => t.StartsWith("'=HYPERLINK(", StringComparison.Ordinal));
        Assert.Contains("'+1", texts);
        Assert.Contains("'-2", texts);
        Assert.Contains(texts, t => t.StartsWith("'@SUM", StringComparison.Ordinal));
        Assert.Contains("'\tX", texts);
        Assert.Contains(texts, t => t.StartsWith("'\r", StringComparison.Ordinal) || t.StartsWith("'\n", StringComparison.Ordinal));
        Assert.Contains("'-12", texts);
    }

    [Fact]
    public void Summary_has_native_charts_including_the_price_histogram_with_fences()
    {
        using var book = WorkbookReader.Write(s => UploadReport.Write(s, ReportSamples.Upload()));
        var summary = book.Sheet("Summary");
        var charts = summary.DrawingsPart!.ChartParts.ToList();
        Assert.Equal(3, charts.Count);
        var titles = charts.Select(c => c.ChartSpace.Descendants<DocumentFormat.OpenXml.Drawing.Text>().First().Text).ToList();
        Assert.Contains("Value at risk by flag (USD)", titles);
        Assert.Contains("Flags by severity", titles);
        Assert.Contains(titles, t => t.Contains("fences 9.80 - 22.10", StringComparison.Ordinal));
        Assert.Single(charts, c => c.ChartSpace.Descendants<DocumentFormat.OpenXml.Drawing.Charts.BarDirection>().Single().Val! == DocumentFormat.OpenXml.Drawing.Charts.BarDirectionValues.Bar);
        var histogram = charts.Single(c => c.ChartSpace.Descendants<DocumentFormat.OpenXml.Drawing.Charts.BarChartSeries>().Count() == 2);
        var outside = histogram.ChartSpace.Descendants<DocumentFormat.OpenXml.Drawing.Charts.BarChartSeries>().Last()
            .Descendants<DocumentFormat.OpenXml.Drawing.Charts.NumericPoint>().Sum(p => double.Parse(p.NumericValue!.Text, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(3, outside);
    }

    [Fact]
    public void About_lists_inputs_with_sha256_and_parameters()
    {
        using var book = WorkbookReader.Write(s => UploadReport.Write(s, ReportSamples.Upload()));
        var texts = book.Texts("About");
        Assert.Contains(new string('a', 64), texts);
        Assert.Contains("0.1.0", texts);
        Assert.Contains(texts, t => t.StartsWith("Fence multiplier", StringComparison.Ordinal));
    }

    [Fact]
    public void Spanish_report_translates_sheet_names_and_headers_but_keeps_explanations()
    {
        using var book = WorkbookReader.Write(s => UploadReport.Write(s, ReportSamples.Upload("es")));
        Assert.Empty(book.ValidationErrors());
        Assert.Equal(["Resumen", "Alertas", "Envíos", "Exportadores", "Referencias de precio", "Filas rechazadas", "Acerca de"], book.SheetNames);
        Assert.Equal("Explicación", book.Row("Alertas", 1)[0]);
        Assert.StartsWith("Declared 45.00", book.Row("Alertas", 2)[0], StringComparison.Ordinal);
        Assert.Equal("es", book.Document.PackageProperties.Language);
    }

    [Fact]
    public void Long_lists_are_split_over_numbered_sheets_with_a_note_and_links_follow()
    {
        var model = ReportSamples.Upload(flagCopies: 3); // 18 flags
        using var book = WorkbookReader.Write(s => UploadReport.Write(s, model, maxDataRows: 7));
        Assert.Empty(book.ValidationErrors());
        Assert.Contains("Flags", book.SheetNames);
        Assert.Contains("Flags (2)", book.SheetNames);
        Assert.Contains("Flags (3)", book.SheetNames);
        Assert.DoesNotContain("Flags (4)", book.SheetNames);
        Assert.Equal(8, book.Sheet("Flags").Worksheet.Descendants<Row>().Count());
        Assert.Equal(5, book.Sheet("Flags (3)").Worksheet.Descendants<Row>().Count());
        Assert.Contains(book.Texts("Summary"), t => t.Contains("Flags (3)", StringComparison.Ordinal) && t.Contains("1,048,576", StringComparison.Ordinal));
        var tableNames = book.SheetNames.Where(n => n.StartsWith("Flags", StringComparison.Ordinal)).Select(n => book.Sheet(n).TableDefinitionParts.Single().Table.Name!.Value).ToList();
        Assert.Equal(tableNames.Count, tableNames.Distinct().Count());
    }

    [Fact]
    public void Long_shipment_lists_are_split_validated_and_linked_from_the_flags()
    {
        // The shipments sheet's parts, tables and rows, and the flags' links into its second part.
        var model = ReportSamples.Upload(); // 6 flagged shipments
        using var book = WorkbookReader.Write(s => UploadReport.Write(s, model, maxDataRows: 4));
        Assert.Empty(book.ValidationErrors());
        var shipmentSheets = book.SheetNames.Where(n => n.StartsWith("Shipments", StringComparison.Ordinal)).ToList();
        Assert.Equal(["Shipments", "Shipments (2)"], shipmentSheets);
        Assert.Equal(5, book.Sheet("Shipments").Worksheet.Descendants<Row>().Count());
        Assert.Equal(3, book.Sheet("Shipments (2)").Worksheet.Descendants<Row>().Count());
        var range = book.Sheet("Shipments (2)").TableDefinitionParts.Single().Table.Reference!.Value!;
        Assert.StartsWith("A1:", range, StringComparison.Ordinal);
        Assert.EndsWith("3", range, StringComparison.Ordinal);
        var ids = shipmentSheets.SelectMany(n => book.Cells(n)).Select(book.Text).Where(t => t.Length == 4 && t[0] == 'D' && t.Skip(1).All(char.IsAsciiDigit)).ToHashSet();
        Assert.Equal(6, ids.Count);
        var links = book.SheetNames.Where(n => n.StartsWith("Flags", StringComparison.Ordinal))
            .SelectMany(n => book.Sheet(n).Worksheet.Descendants<Hyperlink>()).Select(h => h.Location!.Value!).ToList();
        Assert.Contains(links, l => l.StartsWith("'Shipments (2)'!", StringComparison.Ordinal));
        Assert.Equal(["Summary", "Flags", "Flags (2)", "Shipments", "Shipments (2)"], book.SheetNames.Take(5));
    }
}
