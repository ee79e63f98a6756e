using System.IO.Compression;
using TradeAnalyzer.Reports.Builders;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.UnitTests.Reports;

/// <summary>
/// A laid-out sheet prepared on another thread and added after the data sheets (<see cref="WorkbookWriter.ReserveSheet"/>,
/// <see cref="WorkbookWriter.Prepare"/>, <see cref="WorkbookWriter.AddPrepared"/>) gives the package the parts
/// <see cref="WorkbookWriter.AddFree"/> gives it in place: only the order of the zip's entries differs.
/// </summary>
public sealed class PreparedSheetTests
{
    private static readonly WorkbookInfo Info = new("t", "s", "d", "k", "en", new DateTimeOffset(2026, 12, 2, 17, 0, 0, TimeSpan.Zero), "1.0");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Prepared_sheet_added_later_writes_the_same_parts_as_adding_it_in_place(int charts)
    {
        var inPlace = new MemoryStream();
        using (var book = new WorkbookWriter(inPlace, Info))
        {
            book.AddFree(Summary(charts));
            AddData(book);
            book.AddFree(About());
            book.Finish();
        }

        var later = new MemoryStream();
        using (var book = new WorkbookWriter(later, Info))
        {
            var index = book.ReserveSheet("Summary");
            var prepared = Task.Run(() => (Sheet: WorkbookWriter.Prepare(Summary(charts), index == 1), Styles: WorkbookWriter.PrepareStyles()));
            AddData(book);
            var (sheet, styles) = await prepared;
            book.AddPrepared(index, sheet);
            book.UseStyles(styles);
            book.AddFree(About());
            book.Finish();
        }

        var expected = Parts(inPlace);
        var actual = Parts(later);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, bytes) in expected)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(actual[name]), name);
        }

        Assert.Equal(charts, actual.Keys.Count(k => k.StartsWith("xl/charts/chart", StringComparison.Ordinal)));
        Assert.Equal(charts > 0, actual.ContainsKey("xl/drawings/drawing1.xml"));
    }

    [Fact]
    public void Adding_a_sheet_that_was_not_begun_fails()
    {
        using var book = new WorkbookWriter(new MemoryStream(), Info);
        Assert.Throws<ArgumentOutOfRangeException>(() => book.AddPrepared(1, WorkbookWriter.Prepare(About(), selected: true)));
    }

    private static FreeSheet Summary(int charts)
    {
        var sheet = new FreeSheet("Summary");
        sheet.Title("Report");
        sheet.Pair("Flags", 12, StyleId.Integer);
        for (var c = 0; c < charts; c++)
        {
            SummaryBlocks.WithChart(
                sheet,
                c % 2 == 0 ? ChartKind.Bar : ChartKind.Column,
                $"Chart {c}",
                ["Category", "Count"],
                ["a", "b", "c"],
                [[1.0, 2.0, 3.0 + c]],
                [StyleId.Integer],
                [0],
                [SummaryBlocks.Blue]);
        }

        return sheet;
    }

    private static FreeSheet About()
    {
        var sheet = new FreeSheet("About");
        sheet.Pair("Version", "1.0");
        return sheet;
    }

    private static void AddData(WorkbookWriter book)
    {
        ColumnSpec[] columns = [new("Name", ColumnKind.Text), new("Value", ColumnKind.Money)];
        var rows = Enumerable.Range(0, 500).Select(i => (Name: $"row {i % 7}", Value: i * 1.25)).ToList();
        book.AddTable("Data", columns, rows, (row, r) =>
        {
            row.Text(r.Name);
            row.Number(r.Value);
        });
    }

    private static Dictionary<string, byte[]> Parts(MemoryStream package)
    {
        using var zip = new ZipArchive(new MemoryStream(package.ToArray()), ZipArchiveMode.Read);
        var parts = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            using var s = entry.Open();
            var copy = new MemoryStream();
            s.CopyTo(copy);
            parts.Add(entry.FullName, copy.ToArray());
        }

        return parts;
    }
}
