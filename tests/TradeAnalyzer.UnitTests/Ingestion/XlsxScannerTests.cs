using System.IO.Compression;
using System.Text;
using System.Xml;
using TradeAnalyzer.Ingestion;

namespace TradeAnalyzer.UnitTests.Ingestion;

/// <summary>
/// The workbook rows read by the UTF-8 scanner must be the rows <see cref="XmlReader"/> reads: each test builds a
/// workbook from raw XML, reads it both ways and compares row numbers, errors and every cell.
/// </summary>
public sealed class XlsxScannerTests
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    private static byte[] Package(string sheetXml, string? sharedXml = null, string? stylesXml = null)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, true))
        {
            void Add(string name, string text)
            {
                using var w = zip.CreateEntry(name).Open();
                w.Write(Encoding.UTF8.GetBytes(text));
            }

            Add("[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>""");
            Add("_rels/.rels", """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
            Add("xl/workbook.xml", $"""<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{Main}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>""");
            Add("xl/_rels/workbook.xml.rels", """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>""");
            Add("xl/styles.xml", stylesXml ?? $"""<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{Main}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>""");
            Add("xl/sharedStrings.xml", sharedXml ?? $"""<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{Main}"><si><t>first</t></si></sst>""");
            Add("xl/worksheets/sheet1.xml", sheetXml);
        }

        return ms.ToArray();
    }

    private static string Sheet(string rows, string prefix = "") =>
        prefix.Length == 0
            ? $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{"\r\n"}<worksheet xmlns="{Main}"><sheetData>{rows}</sheetData></worksheet>"""
            : $"""<?xml version="1.0" encoding="UTF-8"?><{prefix}:worksheet xmlns:{prefix}="{Main}"><{prefix}:sheetData>{rows}</{prefix}:sheetData></{prefix}:worksheet>""";

    // Every row as "number|error|cell|cell...", or "!" and the error's type when opening or reading fails.
    // background: the shared strings are read beside the sheet whatever their size (by default only from 1 MiB of them).
    private static List<string> Rows(byte[] package, bool xmlReader, int maxField = 100_000, int maxFields = 2_000, bool background = false)
    {
        var rows = new List<string>();
        try
        {
            using var source = TabularSource.Open(new MemoryStream(package), "t.xlsx", new TabularSourceOptions
            {
                XlsxWithXmlReader = xmlReader,
                MaxFieldLength = maxField,
                MaxFields = maxFields,
                SharedStringsInBackgroundMinBytes = background ? 0 : long.MaxValue,
            });
            while (source.Read())
            {
                var sb = new StringBuilder().Append(source.RowNumber).Append('|').Append(source.RowError);
                for (var i = 0; i < source.FieldCount; i++)
                {
                    sb.Append('|').Append(source.GetSpan(i));
                }

                rows.Add(sb.ToString());
            }
        }
        catch (InvalidDataException ex)
        {
            rows.Add("!" + ex.GetType().Name);
        }

        return rows;
    }

    private static List<string> Same(byte[] package, int maxField = 100_000, int maxFields = 2_000)
    {
        var expected = Rows(package, xmlReader: true, maxField, maxFields);
        var actual = Rows(package, xmlReader: false, maxField, maxFields);
        Assert.Equal(expected, actual);
        Assert.Equal(expected, Rows(package, xmlReader: false, maxField, maxFields, background: true));
        return actual;
    }

    // One to three random edits (a character replaced, removed or inserted from the alphabet) at or after position from.
    private static string Mutated(string text, int from, string alphabet, Random rng)
    {
        var chars = text.ToCharArray().ToList();
        for (var m = rng.Next(1, 4); m > 0; m--)
        {
            var at = rng.Next(from, chars.Count);
            switch (rng.Next(3))
            {
                case 0: chars[at] = alphabet[rng.Next(alphabet.Length)]; break;
                case 1: chars.RemoveAt(at); break;
                default: chars.Insert(at, alphabet[rng.Next(alphabet.Length)]); break;
            }
        }

        return new string([.. chars]);
    }

    [Fact]
    public void Plain_rows_read_the_same_both_ways()
    {
        var rows = Same(Package(Sheet("""<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>12.5</v></c><c r="C1" s="1"><v>45726</v></c></row>""")));
        Assert.Equal(["1||first|12.5|2025-03-10"], rows);
    }

    [Fact]
    public void Prefixed_elements_quotes_and_white_space_in_tags_read_the_same()
    {
        var rows = Same(Package(Sheet(
            "<x:row r='1' spans=\"1:3\"\r\n  ><x:c  r = \"A1\"\tt='inlineStr'><x:is><x:t>a b</x:t></x:is></x:c><x:c r=\"C1\" ><x:v >7</x:v ></x:c ></x:row>",
            "x")));
        Assert.Equal(["1||a b||7"], rows);
    }

    [Fact]
    public void Entities_character_references_cdata_and_line_ends_read_the_same()
    {
        var rows = Same(Package(Sheet(
            "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>&amp;&lt;&gt;&quot;&apos;&#65;&#x42;&#x1F600;</t></is></c>" +
            "<c r=\"B2\" t=\"inlineStr\"><is><t><![CDATA[<raw> & \r\n stuff]]></t></is></c>" +
            "<c r=\"C2\" t=\"inlineStr\"><is><t xml:space=\"preserve\"> two\r\nlines\rend </t></is></c>" +
            "<c r=\"D2\" t=\"str\"><f>\"a\"&amp;\"b\"</f><v>a&amp;b</v></c>" +
            "<c r=\"E2\" t=\"inlineStr\"><is><t>Zürich — 東京</t></is></c></row>")));
        Assert.Equal("2||&<>\"'AB\U0001F600|<raw> & \n stuff| two\nlines\nend |a&b|Zürich — 東京", Assert.Single(rows));
    }

    [Fact]
    public void Rich_text_phonetic_runs_comments_and_instructions_read_the_same()
    {
        Same(Package(Sheet(
            "<!-- a comment --><row r=\"1\"><?pi data?><c r=\"A1\" t=\"inlineStr\"><is><r><rPr><b/></rPr><t>ab</t></r><!-- x --><r><t xml:space=\"preserve\"> cd</t></r>" +
            "<rPh sb=\"0\" eb=\"1\"><t>ignored</t></rPh></is></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>9</v></c></row>"),
            sharedXml: $"""<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{Main}"><si><t>zero</t></si><si><r><t>o</t></r><r><rPr/><t>ne</t></r><rPh><t>x</t></rPh></si><si/></sst>"""));
    }

    [Fact]
    public void Thousands_of_shared_strings_over_many_chunks_read_the_same_both_ways()
    {
        // 6,000 strings of up to 40 characters: past the table's first chunks (4,096, then 8,192 characters...), some
        // empty, some rich text, used by the rows out of order and more than once.
        static string Text(int i) => i % 97 == 0 ? string.Empty : i % 13 == 0 ? $"run {i} and more" : $"shared text number {i} {new string('x', i % 17)}";
        var si = new StringBuilder();
        for (var i = 0; i < 6_000; i++)
        {
            si.Append(i % 97 == 0 ? "<si/>" : i % 13 == 0 ? $"<si><r><t>run {i}</t></r><r><t xml:space=\"preserve\"> and more</t></r></si>" : $"<si><t>{Text(i)}</t></si>");
        }

        var rows = new StringBuilder();
        var expected = new List<string>();
        for (var r = 1; r <= 2_000; r++)
        {
            var (a, b, d) = (r * 7919 % 6_000, 6_000 - r, r % 3);
            rows.Append($"<row r=\"{r}\"><c r=\"A{r}\" t=\"s\"><v>{a}</v></c><c r=\"B{r}\" t=\"s\"><v>{b}</v></c><c r=\"C{r}\"><v>{r}</v></c><c r=\"D{r}\" t=\"s\"><v>{d}</v></c></row>");
            expected.Add($"{r}||{Text(a)}|{Text(b)}|{r}|{Text(d)}");
        }

        var read = Same(Package(Sheet(rows.ToString()), sharedXml: $"""<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{Main}">{si}</sst>"""));
        Assert.Equal(expected, read);
        Assert.Contains(read, r => r.Contains("|run ", StringComparison.Ordinal));
        Assert.Contains(read, r => r.EndsWith('|'));
    }

    [Fact]
    public void Cell_types_styles_and_positions_read_the_same()
    {
        var rows = Same(Package(Sheet(
            "<row r=\"3\"><c r=\"A3\" t=\"b\"><v>1</v></c><c r=\"B3\" t=\"b\"><v>0</v></c><c r=\"C3\" t=\"e\"><v>#N/A</v></c>" +
            "<c r=\"D3\" t=\"d\"><v>2025-03-10T00:00:00</v></c><c r=\"E3\" s=\"1\"><v>0.5</v></c><c r=\"F3\" s=\"7\"><v>45726</v></c>" +
            "<c r=\"H3\"><v></v></c><c r=\"I3\"><v/></c><c r=\"J3\"/><c><v>after J</v></c><c r=\"B3\"><v>overwrites B</v></c>" +
            "<c r=\"a1\"><v>lower-case reference</v></c><c r=\"K3\" t=\"s\"><v>99</v></c><c r=\"L3\" t=\"s\"><v> 0 </v></c><c r=\"M3\" t=\"n\"><v>1e3</v></c></row>" +
            "<row><c r=\"A4\"><v>no row number</v></c></row><row r=\"6\"/><row r=\"7\"><c r=\"A7\" t=\"inlineStr\"><is><t>  </t></is></c></row>" +
            "<row r=\"8\"><c r=\"B8\"><v>x</v></c><c r=\"A8\"><v>y</v></c></row>")));
        Assert.Equal(3, rows.Count); // the empty row 6 and the blank row 7 are skipped
        Assert.StartsWith("3||TRUE|overwrites B|#N/A|2025-03-10|0.5|45726", rows[0], StringComparison.Ordinal);
        Assert.Equal("4||no row number", rows[1]);
        Assert.Equal("8||y|x", rows[2]);
    }

    [Fact]
    public void Over_long_fields_and_too_many_columns_are_row_errors_both_ways()
    {
        var longText = new string('x', 50);
        var rows = Same(Package(
            Sheet($"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>{longText}</t></is></c></row>" +
                  $"<row r=\"2\"><c r=\"A2\"><v>{longText}</v></c></row>" +
                  "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>1</v></c></row>" +
                  "<row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><t>0123456789</t><t>0123456789</t><t>0123456789</t></is></c></row>" +
                  "<row r=\"5\"><c r=\"Z5\"><v>far</v></c></row><row r=\"6\"><c r=\"A6\"><v>ok</v></c></row>" +
                  $"<row r=\"7\"><c r=\"{new string('A', 70)}7\"><v>far</v></c></row><row r=\"{new string('0', 70)}8\"><c r=\"&#65;8\" s=\"{new string('0', 71)}\"><v>1</v></c></row>"),
            sharedXml: $"""<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{Main}"><si><t>short</t></si><si><t>{longText}</t></si></sst>"""),
            maxField: 20, maxFields: 10);
        Assert.Equal(8, rows.Count);
        Assert.All(rows.Take(5), r => Assert.False(r.Split('|')[1].Length == 0, r));
        Assert.Equal("6||ok", rows[5]);
        Assert.StartsWith("7|the row has more than", rows[6], StringComparison.Ordinal); // a 70-letter column reference
        Assert.Equal("8||1", rows[7]); // a 72-digit row number and style, an entity in the reference
    }

    [Theory]
    [InlineData("<c r=\"A1\"/><c r=\"B1\" /><c r=\"C1\" t=\"inlineStr\"><is><t>x</t></is></c>")]
    [InlineData("<c r=\"A1\" t=\"str\" s=\"0\" cm=\"1\" vm=\"1\"><v>a&gt;b</v></c><c r=\"B1\"><v>0</v></c>")] // 32 bytes and more
    [InlineData("<c r=\"A1\" t=\"str\"><v>1</v></c><c r=\"B1\" t=\"s\" x=\"a>b\"><v>0</v></c>")]             // '>' inside a value
    [InlineData("<c r=\"A1\" t=\"str\" x=\"a/b=c d\"><v>1</v></c><c r=\"AB1\"  t=\"s\"><v>0</v></c>")]     // '/', '=', ' ' in a value; two spaces
    [InlineData("<x:c xmlns:x=\"urn:x\" r=\"A1\" x:t=\"s\" t=\"str\"><v>1</v></x:c><c r=\"B1\" t =\"s\"><v>0</v></c>")] // prefixes; a space before '='
    public void Short_tags_of_every_shape_read_the_same(string cells)
    {
        var rows = Same(Package(Sheet($"<row r=\"1\">{cells}</row><row r=\"2\"><c r=\"A2\"><v>end</v></c></row>")));
        Assert.Equal("2||end", rows[^1]);
    }

    [Theory]
    [InlineData("<row r=\"1\"><c r=\"A1\"><v>1</v></row>")]                     // end tag does not match
    [InlineData("<row r=\"1\"><c r=\"A1\"><v>&nbsp;</v></c></row>")]             // undeclared entity
    [InlineData("<row r=\"1\"><c r=\"A1\"><v>a\u0001b</v></c></row>")]           // a character XML forbids
    [InlineData("<row r=\"1\"><c r=\"A1\"><v>1<b/></v></c></row>")]              // an element inside a value
    [InlineData("<row r=\"1\"><c r=A1><v>1</v></c></row>")]                      // an unquoted attribute
    [InlineData("<row r=\"1\"><c r=\"A1\"><v>&#0;</v></c></row>")]               // a reference to NUL
    public void Malformed_sheets_are_refused_both_ways(string rows)
    {
        var result = Same(Package(Sheet(rows)));
        Assert.Equal("!InvalidDataException", result[^1]);
    }

    [Fact]
    public void A_truncated_sheet_is_refused_both_ways()
    {
        var sheet = Sheet("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"2\"><c r=\"A2\"><v>2</v></c></row>");
        var result = Same(Package(sheet[..^30]));
        Assert.Equal("!InvalidDataException", result[^1]);
    }

    [Fact]
    public void Shared_strings_read_beside_the_sheet_fail_the_first_row_needing_one_past_their_fault()
    {
        // Strings 0-2 are well formed, the fourth is not. Read first, the part fails the open; read beside the sheet,
        // the rows using strings before the fault are read (whichever thread is ahead), the row needing one after it
        // fails with the same exception, and a fault after the last string used fails the end of the sheet.
        var shared = $"""<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{Main}"><si><t>zero</t></si><si><t>one</t></si><si><t>two</t></si><si><t>bad</x></si><si><t>four</t></si></sst>""";
        static string Row(int r, int s) => $"<row r=\"{r}\"><c r=\"A{r}\" t=\"s\"><v>{s}</v></c><c r=\"B{r}\"><v>{r}</v></c></row>";
        var needsFive = Package(Sheet(Row(1, 0) + Row(2, 2) + Row(3, 4) + Row(4, 1)), sharedXml: shared);
        var usesBefore = Package(Sheet(Row(1, 2) + Row(2, 0)), sharedXml: shared);

        Assert.Equal(["!InvalidDataException"], Rows(needsFive, xmlReader: true));
        Assert.Equal(["!InvalidDataException"], Rows(needsFive, xmlReader: false));
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(["1||zero|1", "2||two|2", "!InvalidDataException"], Rows(needsFive, xmlReader: false, background: true));
            Assert.Equal(["1||two|1", "2||zero|2", "!InvalidDataException"], Rows(usesBefore, xmlReader: false, background: true));
        }

        using var source = TabularSource.Open(new MemoryStream(needsFive), "t.xlsx", new TabularSourceOptions { SharedStringsInBackgroundMinBytes = 0 });
        Assert.True(source.Read());
        Assert.True(source.Read());
        var ex = Assert.Throws<InvalidDataException>(() => source.Read());
        Assert.StartsWith("the shared strings of the workbook are malformed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ingested_workbook_whose_big_shared_strings_break_keeps_the_rows_before_and_says_why()
    {
        // Over 1 MiB of shared strings, so read beside the sheet by default: 390 declaration rows use strings before a
        // malformed one, the next 10 rows' ids come after it. The file ends in error at row 392 (the header is row 1)
        // with the 390 rows read, and its counts reconcile, with the rows split on one thread or two.
        var shared = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        int S(string text)
        {
            if (!index.TryGetValue(text, out var i))
            {
                i = index[text] = shared.Count;
                shared.Add(text);
            }

            return i;
        }

        string RowXml(int r, IEnumerable<int> cells) =>
            $"<row r=\"{r}\">" + string.Concat(cells.Select((c, k) => $"<c r=\"{(char)('A' + k)}{r}\" t=\"s\"><v>{c}</v></c>")) + "</row>";

        var rows = new StringBuilder(RowXml(1, IngestTestData.DeclHeader.Split(',').Select(S).ToList()));
        for (var r = 2; r <= 391; r++)
        {
            rows.Append(RowXml(r, IngestTestData.DeclRow(id: $"D{r}").Split(',').Select(S).ToList()));
        }

        var si = new StringBuilder();
        foreach (var text in shared)
        {
            si.Append("<si><t>").Append(text).Append("</t></si>");
        }

        for (var i = 0; i < 40_000; i++)
        {
            si.Append("<si><t>filler text number ").Append(i).Append("</t></si>");
        }

        si.Append("<si><t>broken</x></si>");
        var next = shared.Count + 40_001;
        for (var r = 392; r <= 401; r++)
        {
            si.Append("<si><t>D").Append(r).Append("</t></si>");
            var cells = IngestTestData.DeclRow(id: "x").Split(',').Select(S).ToList();
            cells[0] = next++;
            rows.Append(RowXml(r, cells));
        }

        Assert.True(si.Length > 1 << 20);
        var bytes = Package(Sheet(rows.ToString()), sharedXml: $"""<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{Main}">{si}</sst>""");
        var result = IngestTestData.ReadBytes(bytes, name: "decl.xlsx");

        Assert.Equal(390, result.Declarations.Count);
        Assert.Equal("D391", result.Declarations[^1].DeclarationId);
        Assert.StartsWith("the shared strings of the workbook are malformed", result.Summary.Error, StringComparison.Ordinal);
        IngestTestData.AssertReconciled(result);
    }

    [Fact]
    public void A_source_closed_while_its_shared_strings_load_closes_cleanly_and_reads_again()
    {
        // 300,000 strings (about 9 MB of XML) take the loading thread a while; closing the source after one row must stop
        // and wait for it (the spooled file is deleted under it otherwise) without hanging or throwing, then the same
        // bytes read whole.
        var si = new StringBuilder();
        for (var i = 0; i < 300_000; i++)
        {
            si.Append("<si><t>shared string ").Append(i).Append("</t></si>");
        }

        var bytes = Package(
            Sheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row><row r=\"2\"><c r=\"A2\" t=\"s\"><v>299999</v></c></row>"),
            sharedXml: $"""<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{Main}">{si}</sst>""");
        for (var i = 0; i < 5; i++)
        {
            using var source = TabularSource.Open(new MemoryStream(bytes), "t.xlsx");
            Assert.True(source.Read());
            Assert.Equal("shared string 0", source.GetSpan(0).ToString());
        }

        Assert.Equal(["1||shared string 0", "2||shared string 299999"], Rows(bytes, xmlReader: false));
        Assert.Equal(["1||shared string 0", "2||shared string 299999"], Rows(bytes, xmlReader: false, background: true));
    }

    [Fact]
    public void A_utf16_sheet_is_read_by_the_xml_reader()
    {
        var sheet = Sheet("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>ü</t></is></c></row>").Replace("UTF-8", "UTF-16", StringComparison.Ordinal);
        using var ms = new MemoryStream();
        var bytes = Package("<placeholder/>");
        using (var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read))
        using (var output = new ZipArchive(ms, ZipArchiveMode.Create, true))
        {
            foreach (var e in zip.Entries)
            {
                using var w = output.CreateEntry(e.FullName).Open();
                if (e.FullName == "xl/worksheets/sheet1.xml")
                {
                    w.Write([.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(sheet)]);
                }
                else
                {
                    using var r = e.Open();
                    r.CopyTo(w);
                }
            }
        }

        Assert.Equal(["1||ü"], Same(ms.ToArray()));
    }

    [Fact]
    public void Mutated_sheets_read_the_same_whenever_the_xml_reader_accepts_them()
    {
        var sheet = Sheet(
            "<row r=\"1\" spans=\"1:4\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" s=\"1\"><v>45726</v></c><c r=\"C1\" t=\"inlineStr\"><is><t>a &amp; b</t></is></c></row>" +
            "<row r=\"2\"><c r=\"A2\" t=\"b\"><v>1</v></c><c r=\"B2\"><f>1+1</f><v>2</v></c><c r=\"D2\" t=\"inlineStr\"><is><r><t>x</t></r><r><t>y</t></r></is></c></row>");
        const string alphabet = "<>&\"'/= x;#ARc\r\n";
        var rng = new Random(7);
        var compared = 0;
        for (var i = 0; i < 300; i++)
        {
            var package = Package(Mutated(sheet, 60, alphabet, rng));
            var expected = Rows(package, xmlReader: true);
            var actual = Rows(package, xmlReader: false); // throws nothing but InvalidDataException (Rows catches only that)
            if (!expected.Exists(r => r.StartsWith('!')))
            {
                Assert.Equal(expected, actual);
                compared++;
            }
        }

        Assert.True(compared > 50, $"only {compared} mutants were readable");
    }

    [Fact]
    public void Mutated_shared_strings_read_beside_the_sheet_give_the_same_rows_or_stop_with_the_reason()
    {
        // The shared strings mutated as the sheets are above, then read beside the sheet. Where reading them first gives
        // rows, the same rows come back; where it refuses the file, the read beside the sheet stops with the same kind of
        // error, after at most the sheet's three rows (never another exception, never a hang).
        var shared = $"""<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{Main}"><si><t>zero &amp; 0</t></si><si><r><t>o</t></r><r><t>ne</t></r></si><si/><si><t xml:space="preserve"> three </t></si><si><t>four</t></si></sst>""";
        var sheet = Sheet(
            "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>" +
            "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c><c r=\"B2\" t=\"s\"><v>3</v></c></row>" +
            "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>4</v></c><c r=\"B3\"><v>5</v></c></row>");
        const string alphabet = "<>&\"'/= x;#tsi\r\n";
        var rng = new Random(17);
        int same = 0, stopped = 0;
        for (var i = 0; i < 300; i++)
        {
            var package = Package(sheet, sharedXml: Mutated(shared, 100, alphabet, rng));
            var first = Rows(package, xmlReader: false);
            var beside = Rows(package, xmlReader: false, background: true);
            if (!first.Exists(r => r.StartsWith('!')))
            {
                Assert.Equal(first, beside);
                same++;
            }
            else
            {
                Assert.Equal("!InvalidDataException", beside[^1]);
                Assert.True(beside.Count <= 4, string.Join(" / ", beside));
                stopped++;
            }
        }

        Assert.True(same > 30 && stopped > 30, $"{same} read the same, {stopped} stopped");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(17)]
    public void The_scanner_gives_the_same_tags_and_text_whatever_the_buffer_and_read_sizes(int readSize)
    {
        var xml = "<?xml version=\"1.0\"?><a:root xmlns:a=\"u\"><!-- c --><b x='1' y = \"&lt;2&gt;\">text &amp; more<![CDATA[ <cd> ]]>\r\nend</b><c/>" +
            new string(' ', 40) + "<d>" + string.Concat(Enumerable.Repeat("ü&#x42;", 30)) + "</d></a:root>";
        var expected = Events(new MemoryStream(Encoding.UTF8.GetBytes(xml)), 1 << 16);
        foreach (var buffer in new[] { 8, 16, 64 })
        {
            Assert.Equal(expected, Events(new TrickleStream(Encoding.UTF8.GetBytes(xml), readSize), buffer));
        }

        Assert.Equal(
            ["<root x=,y=", "<b x=1,y=<2>", "text & more <cd> \nend", ">b", "<c", new string(' ', 40), "<d", string.Concat(Enumerable.Repeat("üB", 30)), ">d", ">root"],
            expected);
    }

    private static List<string> Events(Stream input, int buffer)
    {
        using var s = new Utf8XmlScanner(input, buffer);
        Assert.True(s.IsUtf8());
        var events = new List<string>();
        s.Capturing = true;
        while (s.Next(out var isStart))
        {
            if (s.CharCount > 0)
            {
                events.Add(new string(s.Chars, 0, s.CharCount));
                s.CharCount = 0;
            }

            var name = Encoding.UTF8.GetString(s.LocalName);
            if (isStart)
            {
                var attrs = new List<string>();
                foreach (var a in new[] { "x", "y" })
                {
                    if (s.TryGetAttribute(Encoding.UTF8.GetBytes(a), out var raw))
                    {
                        var chars = new char[64];
                        attrs.Add(a + "=" + new string(chars, 0, Utf8XmlScanner.DecodeAttribute(raw, chars)));
                    }
                    else if (name == "root")
                    {
                        attrs.Add(a + "=");
                    }
                }

                events.Add("<" + name + (attrs.Count > 0 ? " " + string.Join(',', attrs) : string.Empty));
            }
            else
            {
                events.Add(">" + name);
            }
        }

        return events;
    }

    private sealed class TrickleStream(byte[] data, int step) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, step));
    }
}
