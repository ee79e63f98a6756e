using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Ingestion;
using static TradeAnalyzer.UnitTests.Ingestion.IngestTestData;

namespace TradeAnalyzer.UnitTests.Ingestion;

public sealed class XlsxTests
{
    // Builds a workbook whose first sheet holds DeclHeader and one row per entry; each cell is written in a chosen way.
    private static byte[] Workbook(string sheetName, Func<SharedStringTable, string[], Row[]> rows, string? firstSheet = null)
    {
        using var ms = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(ms, SpreadsheetDocumentType.Workbook))
        {
            var wb = doc.AddWorkbookPart();
            wb.Workbook = new Workbook();
            var styles = wb.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = new Stylesheet(
                new Fonts(new Font()), new Fills(new Fill()), new Borders(new Border()),
                new CellFormats(new CellFormat { NumberFormatId = 0 }, new CellFormat { NumberFormatId = 14, ApplyNumberFormat = true }));
            var sst = wb.AddNewPart<SharedStringTablePart>();
            sst.SharedStringTable = new SharedStringTable();
            var sheets = wb.Workbook.AppendChild(new Sheets());
            uint id = 1;
            if (firstSheet is not null)
            {
                var other = wb.AddNewPart<WorksheetPart>();
                other.Worksheet = new Worksheet(new SheetData(new Row(new Cell { CellReference = "A1", DataType = CellValues.InlineString, InlineString = new InlineString(new Text("notes")) }) { RowIndex = 1 }));
                sheets.Append(new Sheet { Id = wb.GetIdOfPart(other), SheetId = id++, Name = firstSheet });
            }

            var ws = wb.AddNewPart<WorksheetPart>();
            var header = DeclHeader.Split(',');
            ws.Worksheet = new Worksheet(new SheetData(rows(sst.SharedStringTable, header)));
            sheets.Append(new Sheet { Id = wb.GetIdOfPart(ws), SheetId = id, Name = sheetName });
        }

        return ms.ToArray();
    }

    private static Cell Shared(SharedStringTable sst, string col, uint row, string text)
    {
        sst.AppendChild(new SharedStringItem(new Text(text)));
        return new Cell { CellReference = col + row, DataType = CellValues.SharedString, CellValue = new CellValue((sst.ChildElements.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)) };
    }

    private static Cell Inline(string col, uint row, string text) =>
        new() { CellReference = col + row, DataType = CellValues.InlineString, InlineString = new InlineString(new Text(text)) };

    private static Cell Num(string col, uint row, string number, uint style = 0) =>
        new() { CellReference = col + row, CellValue = new CellValue(number), StyleIndex = style == 0 ? null : style };

    private static string Col(int i) => ((char)('A' + i)).ToString();

    private static Row[] StandardRows(SharedStringTable sst, string[] header)
    {
        var h = new Row { RowIndex = 1 };
        for (var i = 0; i < header.Length; i++)
        {
            h.Append(Shared(sst, Col(i), 1, header[i]));
        }

        var values = DeclRow().Split(',');
        var r = new Row { RowIndex = 3 }; // a gap: row 2 is missing in the sheet
        for (var i = 0; i < values.Length; i++)
        {
            var name = header[i];
            Cell cell = name switch
            {
                "declaration_date" => Num(Col(i), 3, "45726", 1), // 2025-03-10 as a date-formatted serial
                "quantity" => new Cell { CellReference = Col(i) + 3, CellFormula = new CellFormula("50*2"), CellValue = new CellValue("100") },
                "value" => Num(Col(i), 3, "5000.5"),
                "description" => Inline(Col(i), 3, "4-piperidone"),
                "exporter_id" => new Cell { CellReference = Col(i) + 3, DataType = CellValues.String, CellFormula = new CellFormula("\"RFC\"&\"1\""), CellValue = new CellValue("RFC1") },
                _ => Shared(sst, Col(i), 3, values[i]),
            };
            r.Append(cell);
        }

        return [h, r];
    }

    // The header and `count` declaration rows (ids X2, X3, ...), every cell an inline string.
    private static Row[] InlineRows(string[] header, int count)
    {
        var h = new Row { RowIndex = 1 };
        for (var i = 0; i < header.Length; i++)
        {
            h.Append(Inline(Col(i), 1, header[i]));
        }

        var rows = new List<Row> { h };
        for (var n = 2u; n <= count + 1; n++)
        {
            var values = DeclRow(id: "X" + n).Split(',');
            var row = new Row { RowIndex = n };
            for (var i = 0; i < values.Length; i++)
            {
                row.Append(Inline(Col(i), n, values[i]));
            }

            rows.Add(row);
        }

        return [.. rows];
    }

    [Fact]
    public void Xlsx_reads_shared_and_inline_strings_numbers_dates_and_cached_formula_values()
    {
        var bytes = Workbook("Sheet1", StandardRows);
        var r = ReadBytes(bytes, name: "decl.xlsx");
        Assert.Null(r.Summary.Error);
        var d = Assert.Single(r.Declarations);
        Assert.Equal(new DateOnly(2025, 3, 10), d.Date);
        Assert.Equal(100, d.Quantity);
        Assert.Equal(5000.5, d.Value);
        Assert.Equal("4-piperidone", d.Description);
        Assert.Equal("RFC1", d.ExporterId);
        Assert.Equal(3, d.Source.Row);
        Assert.Contains("xlsx, sheet 'Sheet1'", r.Summary.Detected, StringComparison.Ordinal);
        AssertReconciled(r);
    }

    [Fact]
    public void Xlsx_prefers_the_sheet_named_after_the_kind()
    {
        var bytes = Workbook("declarations", StandardRows, firstSheet: "Notes");
        var r = ReadBytes(bytes, name: "decl.xlsx");
        Assert.Single(r.Declarations);
        Assert.Contains("sheet 'declarations'", r.Summary.Detected, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_zip_named_xlsx_is_refused_clearly()
    {
        var r = ReadBytes(Encoding.UTF8.GetBytes("just text"), name: "decl.xlsx");
        Assert.Contains("not a workbook", r.Summary.Error, StringComparison.Ordinal);
        Assert.Equal(0, r.Summary.RowsRead);
        Assert.Equal(0, Assert.Single(r.Rejected).Row);
    }

    [Fact]
    public void Encrypted_workbook_is_refused_clearly()
    {
        byte[] ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0];
        var r = ReadBytes(ole, name: "secret.xlsx");
        Assert.Contains("password", r.Summary.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Zip_that_is_not_a_workbook_is_refused()
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, true))
        {
            using var s = zip.CreateEntry("readme.txt").Open();
            s.Write("hello"u8);
        }

        var r = ReadBytes(ms.ToArray(), name: "x.xlsx");
        Assert.Contains("not a workbook", r.Summary.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Zip_bomb_is_refused_before_parsing()
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, true))
        {
            using (var s = zip.CreateEntry("xl/workbook.xml", CompressionLevel.SmallestSize).Open())
            {
                s.Write("<workbook/>"u8);
            }

            using var big = zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 20; i++)
            {
                big.Write(zeros);
            }
        }

        var r = ReadBytes(ms.ToArray(), name: "bomb.xlsx");
        Assert.Contains("zip bomb", r.Summary.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Workbook_with_a_dtd_is_refused()
    {
        var bytes = Workbook("Sheet1", StandardRows);
        using var ms = new MemoryStream();
        ms.Write(bytes);
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Update, true))
        {
            var entry = zip.GetEntry("xl/sharedStrings.xml")!;
            string xml;
            using (var r = new StreamReader(entry.Open()))
            {
                xml = r.ReadToEnd();
            }

            entry.Delete();
            var e2 = zip.CreateEntry("xl/sharedStrings.xml");
            using var w = new StreamWriter(e2.Open());
            var at = xml.IndexOf("<x:sst", StringComparison.Ordinal) is var i and >= 0 ? i : xml.IndexOf("<sst", StringComparison.Ordinal);
            w.Write(xml[..at] + "<!DOCTYPE lol [<!ENTITY a \"aaaaaaaa\">]>" + xml[at..]);
        }

        var result = ReadBytes(ms.ToArray(), name: "dtd.xlsx");
        Assert.Contains("DTD", result.Summary.Error, StringComparison.Ordinal);
        Assert.Empty(result.Declarations);
    }

    [Fact]
    public void Corrupted_workbooks_never_throw_and_reconcile()
    {
        var good = Workbook("Sheet1", StandardRows);
        var rng = new Random(11);
        for (var i = 0; i < 60; i++)
        {
            var bytes = (byte[])good.Clone();
            var flips = rng.Next(1, 8);
            for (var f = 0; f < flips; f++)
            {
                bytes[rng.Next(4, bytes.Length)] = (byte)rng.Next(256);
            }

            if (i % 3 == 0)
            {
                Array.Resize(ref bytes, rng.Next(10, bytes.Length));
            }

            var r = ReadBytes(bytes, name: "fuzz.xlsx");
            AssertReconciled(r);
        }
    }

    [Fact]
    public void Xlsx_with_many_rows_streams_all_of_them()
    {
        var bytes = Workbook("Sheet1", (_, header) => InlineRows(header, 3000));
        var r = ReadBytes(bytes, name: "big.xlsx");
        Assert.Equal(3000, r.Declarations.Count);
        Assert.Equal(3001, r.Declarations[^1].Source.Row);
    }

    [Fact]
    public void A_workbook_is_sized_by_what_its_parts_expand_to_not_by_its_compressed_bytes()
    {
        // 2,000 rows of inline text: a small file of much bigger XML, as workbooks are.
        var bytes = Workbook("declarations", (_, header) => InlineRows(header, 2000));
        long declared;
        using (var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read))
        {
            declared = zip.Entries.Sum(e => e.Length);
        }

        Assert.True(declared > 4L * bytes.Length, $"{declared:N0} bytes of parts in a {bytes.Length:N0}-byte file");
        using (var source = TabularSource.Open(new MemoryStream(bytes), "decl.xlsx"))
        {
            var xlsx = Assert.IsType<XlsxTabularSource>(source);
            Assert.Equal(declared, xlsx.ExpandedBytes);
            // Huge pages and a read without collections are decided on half the XML, not on the compressed file.
            Assert.Equal(declared / 2, FileIngestor.ParsedBytes(source, bytes.Length));
            Assert.Equal(declared, FileIngestor.ParsedBytes(source, declared)); // never less than the file itself
        }

        // A text file is its own size.
        var csv = Encoding.UTF8.GetBytes(DeclHeader + "\n" + DeclRow() + "\n");
        using (var source = TabularSource.Open(new MemoryStream(csv), "decl.csv"))
        {
            Assert.IsType<CsvTabularSource>(source);
            Assert.Equal(12_345, FileIngestor.ParsedBytes(source, 12_345));
        }
    }

    [Fact]
    public void Date_format_codes_are_recognised()
    {
        Assert.True(XlsxTabularSource.IsDateFormat("yyyy-mm-dd"));
        Assert.True(XlsxTabularSource.IsDateFormat("dd/mm/yy;@"));
        Assert.False(XlsxTabularSource.IsDateFormat("#,##0.00"));
        Assert.False(XlsxTabularSource.IsDateFormat("\"day\" 0"));
        Assert.False(XlsxTabularSource.IsDateFormat("[Red]0.00"));
    }
}
