using System.Text;
using System.Xml;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Reports;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.UnitTests.Reports;

/// <summary>The byte-level sheet writer: escaping, long and non-ASCII text, and what a workbook reads back.</summary>
public sealed class SheetXmlTests
{
    [Theory]
    [InlineData("plain")]
    [InlineData("a & b < c > d \"quoted\" 'single'")]
    [InlineData("tab\there, line\nbreak")]
    [InlineData("Proveedora Farmacéutica Mexiquense, S.A. de C.V. 化学 😀")]
    public void Text_and_attribute_values_read_back_unchanged(string value)
    {
        var (text, attribute) = RoundTrip(w => w.Text(value), w => w.Attribute(value));
        Assert.Equal(value, text);
        Assert.Equal(value, attribute);
    }

    [Fact]
    public void Long_text_with_surrogate_pairs_across_chunk_boundaries_reads_back_unchanged()
    {
        var builder = new StringBuilder();
        for (var i = 0; builder.Length < 40_000; i++)
        {
            builder.Append(i % 7 == 0 ? "😀" : i % 5 == 0 ? "&<>" : "é");
            builder.Append('x', i % 3);
        }

        var value = builder.ToString();
        var (text, attribute) = RoundTrip(w => w.Text(value), w => w.Attribute(value));
        Assert.Equal(value, text);
        Assert.Equal(value, attribute);
    }

    [Fact]
    public void Carriage_returns_in_attributes_survive_but_element_text_normalises_them_like_xml_writer()
    {
        var (text, attribute) = RoundTrip(w => w.Text("a\r\nb\rc"), w => w.Attribute("a\r\nb\rc"));
        Assert.Equal("a\nb\nc", text);
        Assert.Equal("a\r\nb\rc", attribute);
    }

    [Fact]
    public void Numbers_are_written_as_round_trip_text()
    {
        foreach (var value in new[] { 0.1 + 0.2, 1e21, -3.5, 157294209.64000025, 46271, 0.0, -0.0, 100, -42, 999_999_999_999_999, 1e15, -1e15, 123_456_789_012_345.5, 9_007_199_254_740_993 })
        {
            var (text, _) = RoundTrip(w => w.Number(value), w => w.Integer(12));
            Assert.Equal(value.ToString("R", System.Globalization.CultureInfo.InvariantCulture), text);
        }
    }

    [Fact]
    public void Declaration_cells_read_back_with_special_characters_hs_display_and_source()
    {
        var model = ReportSamples.Upload();
        var special = " leading space & <tag> \"q\" 😀 trailing ";
        var declarations = model.Declarations.ToList();
        var date = declarations[0].Date;
        declarations[0] = ReportSamples.Declaration("D000", 1, "Shanghai Chem Co", "2933.39.99", 100, 4_500, date, special, new SourceRef("dir & co/decl<1>.csv", 77));
        declarations[1] = ReportSamples.Declaration("D001", 1, "Shanghai Chem Co", "2933.39", 100, 4_600, date, "piperidone", new SourceRef("=evil.csv", 5));
        model = model with { Declarations = declarations };

        using var book = WorkbookReader.Write(s => UploadReport.Write(s, model));
        Assert.Empty(book.ValidationErrors());
        var cells = book.Cells("Shipments");
        Assert.All(cells, c => Assert.False(string.IsNullOrEmpty(c.CellReference?.Value)));
        string At(string column, int row)
        {
            var letters = cells.Single(c => c.CellReference!.Value!.EndsWith('1') && c.CellReference.Value.Length <= 3 && book.Text(c) == column).CellReference!.Value![..^1];
            return book.Text(cells.Single(c => c.CellReference!.Value == letters + row));
        }

        Assert.Equal(special, At("Description", 2));
        Assert.Equal("2933.39.99", At("HS code", 2));
        Assert.Equal("dir & co/decl<1>.csv:77", At("Source", 2));
        Assert.Equal("2933.39", At("HS code", 3));
        Assert.Equal("'=evil.csv:5", At("Source", 3));
    }

    [Theory]
    [InlineData("plain text, acentos é ñ, 化学", "plain text, acentos é ñ, 化学")]
    [InlineData("tab\tline\nreturn\r", "tab\tline\nreturn\r")]
    [InlineData("bell\u0007 and nul\u0000", "bell\uFFFD and nul\uFFFD")]
    [InlineData("pair 😀 kept, \uE000 private use kept", "pair 😀 kept, \uE000 private use kept")]
    [InlineData("non-characters \uFFFE \uFFFF", "non-characters \uFFFD \uFFFD")]
    public void Clean_xml_replaces_only_what_xml_cannot_hold(string input, string expected)
    {
        var clean = CellText.CleanXml(input);
        Assert.Equal(expected, clean);
        if (input == expected)
        {
            Assert.Same(input, clean);
        }
    }

    [Fact]
    public void Clean_xml_replaces_lone_surrogates()
    {
        // Lone surrogates cannot go through theory data (xunit re-encodes it), hence a fact.
        Assert.Equal("lone \uFFFD high, lone \uFFFD low", CellText.CleanXml("lone \uD83D high, lone \uDE00 low"));
        Assert.Equal("\uFFFD\uFFFD reversed", CellText.CleanXml("\uDE00\uD83D reversed"));
        Assert.Equal("end \uFFFD", CellText.CleanXml("end \uD83D"));
        Assert.Equal("😀\uFFFD", CellText.CleanXml("😀\uDE00"));
    }

    private static (string Text, string Attribute) RoundTrip(Action<XmlByteWriter> text, Action<XmlByteWriter> attribute)
    {
        using var buffer = new MemoryStream();
        using (var w = new XmlByteWriter(buffer))
        {
            w.Raw("<root a=\""u8);
            attribute(w);
            w.Raw("\">"u8);
            text(w);
            w.Raw("</root>"u8);
        }

        buffer.Position = 0;
        using var reader = XmlReader.Create(buffer);
        reader.MoveToContent();
        var attributeValue = reader.GetAttribute("a")!;
        var textValue = reader.ReadElementContentAsString();
        return (textValue, attributeValue);
    }
}
