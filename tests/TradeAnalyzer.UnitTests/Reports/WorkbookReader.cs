using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using DocumentFormat.OpenXml.Validation;

namespace TradeAnalyzer.UnitTests.Reports;

/// <summary>Opens a written workbook with the SDK, validates it and reads back what the tests check.</summary>
internal sealed class WorkbookReader : IDisposable
{
    private readonly MemoryStream _bytes;
    private List<string>? _shared;

    public WorkbookReader(byte[] bytes)
    {
        _bytes = new MemoryStream(bytes);
        Document = SpreadsheetDocument.Open(_bytes, false);
    }

    public SpreadsheetDocument Document { get; }

    public WorkbookPart Book => Document.WorkbookPart!;

    public IReadOnlyList<string> SheetNames => Book.Workbook.Sheets!.Elements<Sheet>().Select(s => s.Name!.Value!).ToList();

    public static WorkbookReader Write(Action<Stream> write, bool nonSeekable = true)
    {
        using var buffer = new MemoryStream();
        if (nonSeekable)
        {
            using var forward = new ForwardOnlyStream(buffer);
            write(forward);
        }
        else
        {
            write(buffer);
        }

        return new WorkbookReader(buffer.ToArray());
    }

    public List<string> ValidationErrors() =>
        new OpenXmlValidator(FileFormatVersions.Office2016).Validate(Document)
            .Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}").ToList();

    public WorksheetPart Sheet(string name)
    {
        var sheet = Book.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == name);
        return (WorksheetPart)Book.GetPartById(sheet.Id!);
    }

    public List<Cell> Cells(string name) => Sheet(name).Worksheet.Descendants<Cell>().ToList();

    /// <summary>The workbook's shared-strings table (empty when it has none), in index order.</summary>
    public IReadOnlyList<string> SharedStrings => _shared ??= Book.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(i => i.InnerText).ToList() ?? [];

    /// <summary>A cell's text: inline string, shared string (resolved through the table) or the value as written.</summary>
    public string Text(Cell cell)
    {
        if (cell.DataType?.Value == CellValues.InlineString)
        {
            return cell.InlineString!.InnerText;
        }

        if (cell.DataType?.Value == CellValues.SharedString)
        {
            return SharedStrings[int.Parse(cell.CellValue!.Text, System.Globalization.CultureInfo.InvariantCulture)];
        }

        return cell.CellValue?.Text ?? string.Empty;
    }

    public List<string> Texts(string name) => Cells(name).Select(Text).ToList();

    public List<string> Row(string name, int row) =>
        Sheet(name).Worksheet.Descendants<Row>().Single(r => r.RowIndex! == (uint)row).Elements<Cell>().Select(Text).ToList();

    public void Dispose()
    {
        Document.Dispose();
        _bytes.Dispose();
    }

    /// <summary>A write-only, non-seekable stream like a blob upload.</summary>
    internal sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
