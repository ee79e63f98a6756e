using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.UnitTests.Reports;

public sealed class RowSplitterTests
{
    [Theory]
    [InlineData(0, 5, 1)]
    [InlineData(5, 5, 1)]
    [InlineData(6, 5, 2)]
    [InlineData(1_048_575, RowSplitter.ExcelMaxDataRows, 1)]
    [InlineData(1_048_576, RowSplitter.ExcelMaxDataRows, 2)]
    public void Sheet_count_covers_every_row(long rows, int max, int expected) =>
        Assert.Equal(expected, RowSplitter.SheetCount(rows, max));

    [Fact]
    public void Items_land_on_the_right_sheet_and_row()
    {
        Assert.Equal((0, 2L), RowSplitter.Locate(0, 5));
        Assert.Equal((0, 6L), RowSplitter.Locate(4, 5));
        Assert.Equal((1, 2L), RowSplitter.Locate(5, 5));
        Assert.Equal((1, 1_048_576L), RowSplitter.Locate((2L * 1_048_575) - 1));
        Assert.Equal("Flags", RowSplitter.SheetName("Flags", 0));
        Assert.Equal("Flags (2)", RowSplitter.SheetName("Flags", 1));
    }

    [Fact]
    public void Cell_text_quote_prefixes_formula_starters_only()
    {
        Assert.Equal("'=1+1", CellText.Safe("=1+1"));
        Assert.Equal("'\tX", CellText.Safe("\tX"));
        Assert.Equal("'-2", CellText.Safe("-2"));
        Assert.Equal("a=b", CellText.Safe("a=b"));
        Assert.Equal("x\uFFFDy", CellText.Safe("x\u0001y"));
        Assert.Equal(CellText.MaxLength, CellText.Safe(new string('a', 40_000)).Length);
    }

    [Fact]
    public void Sheet_names_are_cleaned_and_unique()
    {
        Assert.Equal("a_b_c", WorkbookWriter.CleanSheetName("a/b?c", []));
        Assert.Equal("flags (2)", WorkbookWriter.CleanSheetName("flags", ["Flags"]));
        Assert.Equal(31, WorkbookWriter.CleanSheetName(new string('x', 40), []).Length);
    }

    [Fact]
    public void Wrapped_text_lines_grow_with_length_and_line_breaks()
    {
        Assert.Equal(1, RowSink.WrappedLines("short", 80));
        Assert.Equal(3, RowSink.WrappedLines(new string('a', 200), 80));
        Assert.Equal(2, RowSink.WrappedLines("a\nb", 80));
        Assert.Equal(2, RowSink.WrappedLines("'\rY", 80));
        Assert.Equal(2, RowSink.WrappedLines("a\r\nb", 80));
        Assert.Equal(15, RowSink.WrappedLines(new string('a', 100_000), 80));
    }
}
