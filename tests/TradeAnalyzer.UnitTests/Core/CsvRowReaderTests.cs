using TradeAnalyzer.Core.Text;

namespace TradeAnalyzer.UnitTests.Core;

public class CsvRowReaderTests
{
    private static List<string[]> ReadAll(string text, char delimiter = ',')
    {
        using var reader = new CsvRowReader(new StringReader(text), delimiter);
        var rows = new List<string[]>();
        while (reader.TryReadRecord(out var fields))
        {
            rows.Add([.. fields]);
        }

        return rows;
    }

    [Fact]
    public void Quoted_fields_keep_delimiters_quotes_and_line_breaks()
    {
        var rows = ReadAll("a,b,c\r\n\"x, y\",\"he said \"\"hi\"\"\",\"line1\nline2\"\r\n");
        Assert.Equal(2, rows.Count);
        Assert.Equal(["x, y", "he said \"hi\"", "line1\nline2"], rows[1]);
    }

    [Fact]
    public void Record_line_counts_physical_lines_including_embedded_breaks()
    {
        using var reader = new CsvRowReader(new StringReader("h\n\"a\nb\"\nc\n"));
        Assert.True(reader.TryReadRecord(out _));
        Assert.Equal(1, reader.RecordLine);
        Assert.True(reader.TryReadRecord(out _));
        Assert.Equal(2, reader.RecordLine);
        Assert.True(reader.TryReadRecord(out var last));
        Assert.Equal(4, reader.RecordLine);
        Assert.Equal("c", last[0]);
    }

    [Fact]
    public void Unbalanced_quote_marks_the_record_malformed_instead_of_throwing()
    {
        using var reader = new CsvRowReader(new StringReader("a,\"open\n"));
        Assert.True(reader.TryReadRecord(out _));
        Assert.NotNull(reader.RecordError);
        Assert.Contains("unbalanced", reader.RecordError, StringComparison.Ordinal);
    }

    [Fact]
    public void Semicolon_delimiter_and_missing_final_newline()
    {
        var rows = ReadAll("a;b\n1,5;2", ';');
        Assert.Equal(["1,5", "2"], rows[1]);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"x\"", "\"say \"\"x\"\"\"")]
    public void Escape_quotes_only_when_needed(string input, string expected) =>
        Assert.Equal(expected, CsvRowReader.Escape(input));
}
