using System.IO.Compression;
using System.Text;

namespace TradeAnalyzer.UnitTests.Hostile;

/// <summary>One hostile input: a file name, its bytes, and what must happen (exit code; whole-file refusal or not).</summary>
public sealed record HostileCase(string Name, string FileName, Func<byte[]> Bytes, int ExpectedExit, bool WholeFileRejected, string? MessageContains = null)
{
    public override string ToString() => Name;
}

/// <summary>
/// The hostile-input corpus (issue 7): files from brokers, foreign customs and unknown tools at their worst. Every
/// case is generated here (nothing binary is checked in) and run through `analyze` and the ingest handler.
/// </summary>
public static class HostileCorpus
{
    public const string Header =
        "declaration_id,line_no,flow,declaration_date,reporter_country,exporter_name,importer_name,origin_country,destination_country,hs_code,description,quantity,quantity_unit,net_weight_kg,value,currency,incoterm,transport_mode";

    public static string Row(string id = "D1", string line = "1", string date = "2026-07-01", string hs = "2933.39.99", string qty = "100", string unit = "kg", string value = "5000", string currency = "USD", string exporter = "Acme Chemicals LLC", string description = "piperidine derivative") =>
        $"{id},{line},export,{date},US,{Quote(exporter)},Beta SA de CV,US,MX,{hs},{Quote(description)},{qty},{unit},{qty},{value},{currency},FOB,sea";

    private static string Quote(string s) => s.Contains(',', StringComparison.Ordinal) || s.Contains('"', StringComparison.Ordinal) ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static string Good(int n) => string.Join('\n', Enumerable.Range(1, n).Select(i => Row(id: "D" + i)));

    private static string Csv(params string[] rows) => Header + "\n" + string.Join('\n', rows) + "\n";

    public static IEnumerable<HostileCase> All()
    {
        // Empty and almost empty.
        yield return new("empty file", "empty.csv", () => [], 3, true);
        yield return new("header only", "header.csv", () => Utf8(Header + "\n"), 3, true);
        yield return new("whitespace only", "blank.csv", () => Utf8("\n\n   \n\t\n"), 3, true);
        yield return new("truncated mid-row", "truncated.csv", () => Utf8(Csv(Row("D1"), Row("D2"))[..^40]), 0, false);
        yield return new("truncated inside quotes", "trunc-quote.csv", () => Utf8(Csv(Row("D1")) + "D2,1,export,2026-07-01,US,\"Acme, unterminated"), 0, false);

        // Quoting and delimiters.
        yield return new("unbalanced quotes", "quotes.csv", () => Utf8(Csv(Row("D1"), "D2,1,export,\"2026-07-01,US,Acme,Beta,US,MX,293339,x,1,kg,1,1,USD,FOB,sea", Row("D3"))), 0, false);
        yield return new("quoted newlines and delimiters", "newlines.csv", () => Utf8(Csv(Row("D1", description: "line one\nline, two \"quoted\""), Row("D2"))), 0, false);
        yield return new("mixed delimiters", "mixed.csv", () => Utf8(Csv(Row("D1")) + Row("D2").Replace(',', ';') + "\n" + Row("D3") + "\n"), 0, false);
        yield return new("semicolon with decimal comma", "semicolon.csv", () => Utf8(Header.Replace(',', ';') + "\n" + Row("D1", qty: "1.234,5", value: "12.345,67").Replace(',', ';').Replace("1.234;5", "1.234,5").Replace("12.345;67", "12.345,67") + "\n"), 0, false);
        yield return new("tab delimited", "tab.tsv", () => Utf8(Header.Replace(',', '\t') + "\n" + Row("D1").Replace(',', '\t') + "\n"), 0, false);
        yield return new("CRLF line ends", "crlf.csv", () => Utf8(Csv(Row("D1"), Row("D2")).Replace("\n", "\r\n")), 0, false);
        yield return new("10,000 columns", "wide.csv", () => Utf8(Header + string.Concat(Enumerable.Range(0, 10_000).Select(i => $",x{i}")) + "\n" + Row("D1") + string.Concat(Enumerable.Repeat(",1", 10_000)) + "\n"), 3, true, "columns");
        yield return new("5 MB field", "bigfield.csv", () => Utf8(Csv(Row("D1", description: new string('A', 5 << 20)), Row("D2"))), 0, false);
        yield return new("ragged rows", "ragged.csv", () => Utf8(Csv(Row("D1"), "D2,1,export", Row("D3") + ",extra,fields")), 0, false);

        // Encodings.
        yield return new("UTF-8 BOM", "bom.csv", () => [.. Encoding.UTF8.GetPreamble(), .. Utf8(Csv(Row("D1", exporter: "Química Ñandú SA de CV")))], 0, false);
        yield return new("UTF-16 LE with BOM", "utf16le.csv", () => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(Csv(Row("D1", exporter: "Química Ñandú")))], 0, false);
        yield return new("UTF-16 BE with BOM", "utf16be.csv", () => [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(Csv(Row("D1")))], 0, false);
        yield return new("Windows-1252", "cp1252.csv", () => Latin1(Csv(Row("D1", exporter: "Química Ñandú"))), 0, false);
        yield return new("NUL bytes", "nul.csv", () => Utf8(Csv(Row("D1"), "D2\0\0,1,export,2026-07-01,US,Ac\0me,Beta,US,MX,293339,x,1,kg,1,1,USD,FOB,sea", Row("D3"))), 0, false);
        yield return new("binary garbage", "garbage.csv", () => Random(50_000, 1), 3, true);
        yield return new("invalid UTF-8 sequences", "badutf8.csv", () => [.. Utf8(Csv(Row("D1"))), 0xC3, 0x28, 0xFF, 0xFE, (byte)'\n', .. Utf8(Row("D2") + "\n")], 0, false);

        // Numbers.
        yield return new("negative, zero, NaN, Infinity, overflow", "numbers.csv", () => Utf8(Csv(
            Row("D1", qty: "-5"), Row("D2", qty: "0"), Row("D3", value: "NaN"), Row("D4", value: "Infinity"),
            Row("D5", value: "1e400"), Row("D6", qty: "-Infinity"), Row("D7", value: "0x10"), Row("D8"))), 0, false);
        yield return new("thousands separators", "thousands.csv", () => Utf8(Csv(Row("D1", value: "\"1,234,567.89\""), Row("D2", qty: "\"1 234\""))), 0, false);
        yield return new("numbers with currency signs and spaces", "signs.csv", () => Utf8(Csv(Row("D1", value: "$5000"), Row("D2", value: " 5000 "), Row("D3"))), 0, false);

        // Dates, codes, units, currencies, duplicates.
        yield return new("impossible dates", "dates.csv", () => Utf8(Csv(Row("D1", date: "2026-02-30"), Row("D2", date: "2026-13-01"), Row("D3", date: "1066-10-14"), Row("D4", date: "yesterday"), Row("D5"))), 0, false);
        yield return new("malformed HS codes", "hs.csv", () => Utf8(Csv(Row("D1", hs: "29"), Row("D2", hs: "29333999999999"), Row("D3", hs: "ABCDEF"), Row("D4", hs: "2933.3X"), Row("D5"))), 0, false);
        yield return new("unknown units", "units.csv", () => Utf8(Csv(Row("D1", unit: "furlongs"), Row("D2", unit: ""), Row("D3"))), 0, false);
        yield return new("unknown currencies", "currencies.csv", () => Utf8(Csv(Row("D1", currency: "XXX"), Row("D2", currency: "DOGE"), Row("D3"))), 0, false);
        yield return new("currency with no rate for the date", "norate.csv", () => Utf8(Csv(Row("D1", currency: "MXN", date: "1995-01-03"), Row("D2"))), 0, false);
        yield return new("duplicate lines", "dupes.csv", () => Utf8(Csv(Row("D1"), Row("D1"), Row("D1", line: "2"))), 0, false);
        yield return new("every row bad", "allbad.csv", () => Utf8(Csv(Row("D1", qty: "-1"), Row("D2", hs: "1"))), 3, false);
        yield return new("missing required column", "nocol.csv", () => Utf8(Header.Replace(",value,", ",valor_x,") + "\n" + Row("D1") + "\n"), 3, true);
        yield return new("formula-looking text", "formulas.csv", () => Utf8(Csv(Row("D1", exporter: "=HYPERLINK(\"http://x\",\"y\")"), Row("D2", exporter: "+cmd|' /C calc'!A0"), Row("D3", exporter: "@SUM(1+1)"), Row("D4", exporter: "-2+3"))), 0, false);
        yield return new("many rows of one exporter", "many.csv", () => Utf8(Csv(Good(5000))), 0, false);

        // Files that claim to be workbooks.
        yield return new("a .xlsx that is CSV text", "fake.xlsx", () => Utf8(Csv(Row("D1"))), 3, true);
        yield return new("a .xlsx of random bytes", "random.xlsx", () => Random(10_000, 2), 3, true);
        yield return new("a zip that is not a workbook", "notbook.xlsx", () => Zip(("hello.txt", Utf8("hi"))), 3, true);
        yield return new("password-protected workbook (OLE container)", "protected.xlsx", () => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, .. new byte[4000]], 3, true, "password");
        yield return new("zip bomb", "bomb.xlsx", ZipBomb, 3, true);
        yield return new("zip bomb that declares a small size", "liar.xlsx", () => LyingZipBombBytes.Value, 3, true, "malformed");
        yield return new("workbook with DOCTYPE and external entity", "xxe.xlsx", XxeWorkbook, 3, true);
        yield return new("truncated zip", "trunc.xlsx", () => XxeWorkbook()[..^200], 3, true);
    }

    private static byte[] Latin1(string s) => Encoding.Latin1.GetBytes(s);

    private static byte[] Random(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    private static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
                s.Write(content);
            }
        }

        return ms.ToArray();
    }

    /// <summary>A workbook-shaped zip (content types, relationships, workbook) whose one sheet <paramref name="sheet"/> writes.</summary>
    private static byte[] Workbook(Action<Stream> sheet)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            Entry(zip, "[Content_Types].xml", ContentTypes);
            Entry(zip, "_rels/.rels", RootRels);
            Entry(zip, "xl/workbook.xml", WorkbookXml);
            Entry(zip, "xl/_rels/workbook.xml.rels", WorkbookRels);
            using var s = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            sheet(s);
        }

        return ms.ToArray();
    }

    /// <summary>A workbook-shaped zip whose sheet inflates to 2 GB of zeros (a few MB compressed).</summary>
    private static byte[] ZipBomb() => Workbook(s =>
    {
        var zeros = new byte[1 << 20];
        for (var i = 0; i < 2048; i++)
        {
            s.Write(zeros);
        }
    });

    /// <summary>
    /// A sheet of 256 MiB of white space between its tags (valid XML, 256 KB compressed) whose zip headers declare 1,000 bytes,
    /// so the size and ratio checks pass: the part must be read as the 1,000 bytes it declares (a cut-off sheet, refused),
    /// never inflated to its real size.
    /// </summary>
    private static readonly Lazy<byte[]> LyingZipBombBytes = new(LyingZipBomb);

    private static byte[] LyingZipBomb()
    {
        var bytes = Workbook(s =>
        {
            s.Write("<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"u8);
            var spaces = new byte[1 << 20];
            spaces.AsSpan().Fill((byte)' ');
            for (var i = 0; i < 256; i++)
            {
                s.Write(spaces);
            }

            s.Write("</sheetData></worksheet>"u8);
        });
        var name = "xl/worksheets/sheet1.xml"u8;
        for (var i = 0; i + 46 < bytes.Length; i++)
        {
            // Local header (PK 3 4): uncompressed size at +22, name at +30; central directory (PK 1 2): at +24 and +46.
            if (bytes[i] == 'P' && bytes[i + 1] == 'K' && bytes[i + 2] is 3 or 1 && bytes[i + 3] == bytes[i + 2] + 1)
            {
                var local = bytes[i + 2] == 3;
                var at = i + (local ? 30 : 46);
                if (at + name.Length <= bytes.Length && bytes.AsSpan(at, name.Length).SequenceEqual(name))
                {
                    BitConverter.TryWriteBytes(bytes.AsSpan(i + (local ? 22 : 24), 4), 1000u);
                }
            }
        }

        return bytes;
    }

    private static byte[] XxeWorkbook() => Workbook(s => s.Write(Encoding.UTF8.GetBytes(
        "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>" +
        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>")));

    private static void Entry(ZipArchive zip, string name, string text)
    {
        using var s = zip.CreateEntry(name).Open();
        s.Write(Encoding.UTF8.GetBytes(text));
    }

    private const string ContentTypes =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">" +
        "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>" +
        "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>" +
        "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>";

    private const string RootRels =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" +
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";

    private const string WorkbookXml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">" +
        "<sheets><sheet name=\"declarations\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";

    private const string WorkbookRels =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" +
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>";
}
