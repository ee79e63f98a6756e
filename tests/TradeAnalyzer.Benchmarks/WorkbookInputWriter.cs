using System.Globalization;
using System.IO.Compression;
using System.Text;
using TradeAnalyzer.Ingestion;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.Benchmarks;

/// <summary>
/// Writes the rows of a CSV file as a workbook shaped like Excel's own save of it (the input an analyst uploads when the
/// data passed through Excel): texts in the shared-strings table, numbers as numbers, ISO dates as date serials with a
/// date style. Usage: `workbook CSV OUT.xlsx [ROWS]` (at most 1,048,575 data rows, Excel's limit); then `ingest OUT.xlsx`.
/// Numbers are read in the CSV's own convention, as Excel set to that locale opens it: in a ';' file "1.615" is 1615 and
/// "24.389,37" is 24389.37, both stored as invariant numbers. The unit tests link this file to analyse the samples both
/// ways and compare the outputs.
/// </summary>
internal static class WorkbookInputWriter
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    public static string Run(string csv, string output, int maxRows)
    {
        maxRows = Math.Min(maxRows, 1_048_575);
        var shared = new Dictionary<string, int>(StringComparer.Ordinal);
        var sharedList = new List<string>();
        var rows = 0;
        var number = new char[64];
        using (var file = File.Create(output))
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
        {
            using (var input = File.OpenRead(csv))
            using (var source = TabularSource.Open(input, csv))
            using (var w = new StreamWriter(zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.Fastest).Open(), new UTF8Encoding(false), 1 << 16))
            {
                w.Write($"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{"\r\n"}<worksheet xmlns="{Main}"><sheetData>""");
                while (rows <= maxRows && source.Read())
                {
                    rows++;
                    w.Write("<row r=\"");
                    w.Write(rows.ToString(CultureInfo.InvariantCulture));
                    w.Write("\">");
                    for (var i = 0; i < source.FieldCount; i++)
                    {
                        var v = source.GetSpan(i);
                        if (v.IsEmpty)
                        {
                            continue;
                        }

                        w.Write("<c r=\"");
                        w.Write(CellRef.Column(i));
                        w.Write(rows.ToString(CultureInfo.InvariantCulture));
                        if (rows > 1 && Number(v, source.DecimalHint, number) is var length and > 0)
                        {
                            w.Write("\"><v>");
                            w.Write(number[..length]);
                        }
                        else if (rows > 1 && v.Length == 10 && DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                        {
                            w.Write("\" s=\"1\"><v>");
                            w.Write((d.DayNumber - new DateOnly(1899, 12, 30).DayNumber).ToString(CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            var text = v.ToString();
                            if (!shared.TryGetValue(text, out var k))
                            {
                                k = shared[text] = sharedList.Count;
                                sharedList.Add(text);
                            }

                            w.Write("\" t=\"s\"><v>");
                            w.Write(k.ToString(CultureInfo.InvariantCulture));
                        }

                        w.Write("</v></c>");
                    }

                    w.Write("</row>");
                }

                w.Write("</sheetData></worksheet>");
            }

            using (var w = new StreamWriter(zip.CreateEntry("xl/sharedStrings.xml", CompressionLevel.Fastest).Open(), new UTF8Encoding(false), 1 << 16))
            {
                w.Write($"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{"\r\n"}<sst xmlns="{Main}" count="{sharedList.Count}" uniqueCount="{sharedList.Count}">""");
                foreach (var s in sharedList)
                {
                    w.Write(s.Length > 0 && (char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[^1])) ? "<si><t xml:space=\"preserve\">" : "<si><t>");
                    Escape(w, s);
                    w.Write("</t></si>");
                }

                w.Write("</sst>");
            }

            Add(zip, "xl/styles.xml", $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{Main}"><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>""");
            Add(zip, "xl/workbook.xml", $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{Main}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{Path.GetFileNameWithoutExtension(csv)}" sheetId="1" r:id="rId1"/></sheets></workbook>""");
            Add(zip, "xl/_rels/workbook.xml.rels", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>""");
            Add(zip, "_rels/.rels", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
            Add(zip, "[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>""");
        }

        return $"{output}: {rows - 1:N0} data rows, {sharedList.Count:N0} shared strings, {new FileInfo(output).Length / 1e6:N1} MB";
    }

    /// <summary>
    /// The cell as Excel's number text (invariant, '.' decimal) into <paramref name="into"/>, and its length; 0 when Excel
    /// would keep the text (leading zeros, codes, more than 15 digits). A ';' file's "1.234,5" is 1234.5 there.
    /// </summary>
    private static int Number(ReadOnlySpan<char> v, DecimalStyle hint, Span<char> into)
    {
        if (v.Length > into.Length)
        {
            return 0;
        }

        if (hint != DecimalStyle.Comma)
        {
            v.CopyTo(into);
            return IsNumber(v) ? v.Length : 0;
        }

        // Decimal comma: '.' groups thousands (the first group 1-3 digits, each later one exactly 3), ',' is the decimal.
        const int Before = 0, Groups = 1, Decimals = 2;
        var state = Before;
        var n = 0;
        var run = 0; // characters since the last separator
        foreach (var c in v)
        {
            if (c is '.' or ',')
            {
                var groupOk = state == Before ? run is >= 1 and <= 3 || c == ',' : state == Groups && run == 3;
                if (!groupOk)
                {
                    return 0;
                }

                state = c == '.' ? Groups : Decimals;
                run = 0;
                if (c == ',')
                {
                    into[n++] = '.';
                }

                continue;
            }

            run++;
            into[n++] = c;
        }

        if (state == Groups && run != 3)
        {
            return 0;
        }

        return IsNumber(into[..n]) ? n : 0;
    }

    private static void Add(ZipArchive zip, string name, string text)
    {
        using var w = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
        w.Write(text);
    }

    private static bool IsNumber(ReadOnlySpan<char> v)
    {
        if (v.Length is 0 or > 15 || (v.Length > 1 && v[0] == '0' && v[1] != '.'))
        {
            return false;
        }

        var dot = false;
        for (var i = v[0] == '-' ? 1 : 0; i < v.Length; i++)
        {
            if (v[i] == '.' && !dot && i > 0 && i < v.Length - 1)
            {
                dot = true;
            }
            else if (!char.IsAsciiDigit(v[i]))
            {
                return false;
            }
        }

        return v[^1] != '-';
    }

    private static void Escape(StreamWriter w, string s)
    {
        foreach (var c in s)
        {
            switch (c)
            {
                case '&': w.Write("&amp;"); break;
                case '<': w.Write("&lt;"); break;
                case '>': w.Write("&gt;"); break;
                case < ' ' and not ('\t' or '\n' or '\r'): break;
                default: w.Write(c); break;
            }
        }
    }
}
