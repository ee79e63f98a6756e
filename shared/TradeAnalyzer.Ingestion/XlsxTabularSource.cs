using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml.Packaging;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// Streams the rows of one worksheet of an XLSX workbook. The package is opened with the Open XML SDK (parts and
/// relationships); the sheet, shared strings and styles are read forward-only with an <see cref="XmlReader"/> that
/// prohibits DTDs and resolves nothing. Cells: shared and inline strings, numbers (as invariant text), booleans
/// (TRUE/FALSE), dates (date-formatted numbers become yyyy-mm-dd), formulas' cached values (never evaluated).
/// Before anything is parsed the zip directory is checked against size and compression-ratio limits.
/// </summary>
internal sealed partial class XlsxTabularSource : TabularSource
{
    private static readonly XmlReaderSettings XmlSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = false,
        CloseInput = true,
        MaxCharactersFromEntities = 0,
    };

    private readonly Stream _package;
    private readonly SpreadsheetDocument _doc;
    private readonly XmlReader? _sheet;
    private readonly Utf8XmlScanner? _scan;
    private readonly SharedStringChars _sharedStrings;
    private readonly SharedStringsLoad? _sharedLoad;
    private readonly bool[] _dateStyles;
    private readonly int _maxField;
    private readonly int _maxFields;
    private readonly List<string> _cells = [];
    private readonly StringBuilder _text = new();
    private long _rowNumber;
    private string? _error;

    // The scanner's row: per column either a string (fixed texts), a range of the scanner's chars (start >= 0) or a
    // shared string (start = ~index in the table); the length is the cell's in every case.
    private string?[] _fStr = new string?[64];
    private int[] _fStart = new int[64];
    private int[] _fLen = new int[64];
    private int _fCount;

    private XlsxTabularSource(Stream package, SpreadsheetDocument doc, XmlReader? sheet, Utf8XmlScanner? scan, SharedStringChars sharedStrings, SharedStringsLoad? sharedLoad, bool[] dateStyles, string detected, TabularSourceOptions options)
    {
        _package = package;
        _doc = doc;
        _sheet = sheet;
        _scan = scan;
        _sharedStrings = sharedStrings;
        _sharedLoad = sharedLoad;
        _dateStyles = dateStyles;
        Detected = detected;
        _maxField = options.MaxFieldLength;
        _maxFields = options.MaxFields;
    }

    public override int FieldCount => _scan is null ? _cells.Count : _fCount;

    public override long RowNumber => _rowNumber;

    public override string? RowError => _error;

    public override string Detected { get; }

    /// <summary>
    /// The bytes the package's parts expand to, as its central directory declares them (within the zip-bomb limits
    /// checked on open): what the sheet's XML and the shared strings weigh, which the compressed file's size hides.
    /// </summary>
    public long ExpandedBytes { get; private init; }

    /// <summary>
    /// The size of a text file that a workbook of <paramref name="expandedBytes"/> of parts reads like: half of its XML
    /// (a 200,000-row sheet saved as Excel saves it is 192 MB of parts and allocates 116 MiB, shared strings included,
    /// where the same rows as CSV, 63 MB, allocate about their size).
    /// </summary>
    internal static long TextEquivalent(long expandedBytes) => expandedBytes / 2;

    public override DecimalStyle DecimalHint => DecimalStyle.Point;

    public override ReadOnlySpan<char> GetSpan(int index)
    {
        if (_scan is null)
        {
            return (uint)index < (uint)_cells.Count ? _cells[index].AsSpan() : [];
        }

        if ((uint)index >= (uint)_fCount)
        {
            return [];
        }

        if (_fStr[index] is { } s)
        {
            return s.AsSpan();
        }

        var start = _fStart[index];
        return start >= 0 ? _scan.Chars.AsSpan(start, _fLen[index]) : _sharedStrings[~start];
    }

    public static XlsxTabularSource Open(Stream input, TabularSourceOptions options)
    {
        // ZipArchive and the SDK need a seekable stream: spool to a temporary file (deleted on close).
        var path = ScratchFiles.NewPath("xlsx");
        var spool = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        try
        {
            input.CopyTo(spool);
            spool.Position = 0;
            long expanded;
            try
            {
                expanded = CheckPackage(spool, options);
            }
            catch (Exception ex) when (ex is NotSupportedException or IOException or ArgumentException)
            {
                throw new InvalidDataException($"the file is not a readable workbook ({ex.Message})", ex);
            }

            if (TextEquivalent(expanded) >= ReadGcScope.MinBytes)
            {
                // Big enough to be read on huge pages (see FileIngestor.ParsedBytes): advised before the shared strings are
                // read, the first big part of the heap it makes (2.0M strings, 31M characters for a full sheet).
                HeapHugePages.EnsureAdvised();
            }

            spool.Position = 0;
            SpreadsheetDocument doc;
            try
            {
                doc = SpreadsheetDocument.Open(spool, false, new OpenSettings { MaxCharactersInPart = options.MaxUncompressedBytes });
            }
            catch (Exception ex) when (ex is not InvalidDataException and not OutOfMemoryException)
            {
                throw new InvalidDataException($"the file is not a readable workbook ({ex.Message})", ex);
            }

            try
            {
                var wb = doc.WorkbookPart ?? throw new InvalidDataException("the workbook has no workbook part");
                var (sheetName, sheetPart) = PickSheet(wb, options.Kind);
                // A big shared-strings part is read beside the sheet (see SharedStringsLoad); a small one, or one the
                // scanner cannot read, before it. The loading thread and the scanner are stopped on every way out but
                // the source's, so that neither outlives a failed open.
                var load = SharedStringsLoad.TryStart(spool, wb.SharedStringTablePart, options);
                Utf8XmlScanner? scan = null;
                try
                {
                    var shared = load?.Table ?? ReadSharedStrings(wb.SharedStringTablePart, options);
                    var dates = ReadDateStyles(wb.WorkbookStylesPart);
                    scan = options.XlsxWithXmlReader ? null : OpenScanner(sheetPart);
                    var reader = scan is null ? XmlReader.Create(sheetPart.GetStream(FileMode.Open, FileAccess.Read), XmlSettings) : null;
                    return new XlsxTabularSource(spool, doc, reader, scan, shared, load, dates, $"xlsx, sheet '{sheetName}'", options) { ExpandedBytes = expanded };
                }
                catch
                {
                    scan?.Dispose();
                    load?.Dispose();
                    throw;
                }
            }
            catch (Exception ex) when (ex is not InvalidDataException and not OutOfMemoryException)
            {
                doc.Dispose();
                throw new InvalidDataException($"the workbook could not be read ({ex.Message})", ex);
            }
            catch
            {
                doc.Dispose();
                throw;
            }
        }
        catch
        {
            spool.Dispose();
            throw;
        }
    }

    // Zip-bomb and DTD checks on the central directory and each XML part's prolog, before the SDK parses anything.
    // Returns the bytes the parts expand to, as the central directory declares them (bounded by the checks).
    private static long CheckPackage(Stream spool, TabularSourceOptions options)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(spool, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException or IOException)
        {
            throw new InvalidDataException($"the file is not a workbook (not a valid zip package: {ex.Message})", ex);
        }

        using (zip)
        {
            long total = 0;
            if (zip.Entries.Count > 10_000)
            {
                throw new InvalidDataException($"the workbook has {zip.Entries.Count:N0} parts; refusing it as a possible zip bomb");
            }

            foreach (var e in zip.Entries)
            {
                total += e.Length;
                if (total > options.MaxUncompressedBytes)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                        $"the workbook expands to more than {options.MaxUncompressedBytes:N0} bytes; refusing it as a possible zip bomb"));
                }

                if (e.Length >= options.MinBytesForRatioCheck && e.Length > e.CompressedLength * options.MaxCompressionRatio)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                        $"the workbook part {e.FullName} is compressed more than {options.MaxCompressionRatio:N0}:1; refusing it as a possible zip bomb"));
                }

                if (e.FullName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) || e.FullName.EndsWith(".rels", StringComparison.OrdinalIgnoreCase))
                {
                    using var s = e.Open();
                    var head = new byte[4096];
                    var n = s.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
                    var text = Encoding.UTF8.GetString(head, 0, n);
                    if (text.Contains("<!DOCTYPE", StringComparison.OrdinalIgnoreCase) || text.Contains("<!ENTITY", StringComparison.OrdinalIgnoreCase))
                    {
                        throw new InvalidDataException($"the workbook part {e.FullName} declares a DTD; workbooks with DTDs are refused");
                    }
                }
            }

            if (zip.GetEntry("xl/workbook.xml") is null && !zip.Entries.Any(e => e.FullName.EndsWith("workbook.xml", StringComparison.OrdinalIgnoreCase)))
            {
                throw new InvalidDataException("the zip file is not a workbook (it has no xl/workbook.xml)");
            }

            return total;
        }
    }

    private static (string Name, WorksheetPart Part) PickSheet(WorkbookPart wb, FileKind? kind)
    {
        var sheets = new List<(string Name, string Id)>();
        using (var r = XmlReader.Create(wb.GetStream(FileMode.Open, FileAccess.Read), XmlSettings))
        {
            while (r.Read())
            {
                if (r.NodeType == XmlNodeType.Element && r.LocalName == "sheet")
                {
                    var id = r.GetAttribute("id", "http://schemas.openxmlformats.org/officeDocument/2006/relationships");
                    if (id is not null)
                    {
                        sheets.Add((r.GetAttribute("name") ?? "?", id));
                    }
                }
            }
        }

        (string Name, string Id)? chosen = null;
        foreach (var s in sheets)
        {
            var named = EnumText.TryParseFileKind(s.Name, out var k);
            if (named && (kind is null || kind == FileKind.Unknown || k == kind))
            {
                chosen = s;
                break;
            }
        }

        foreach (var s in sheets)
        {
            if (chosen is not null)
            {
                break;
            }

            if (wb.GetPartById(s.Id) is WorksheetPart)
            {
                chosen = s;
            }
        }

        if (chosen is null || wb.GetPartById(chosen.Value.Id) is not WorksheetPart part)
        {
            throw new InvalidDataException("the workbook has no worksheet");
        }

        return (chosen.Value.Name, part);
    }

    /// <summary>
    /// The part's XML through the UTF-8 scanner, inflated on a thread of its own beside it (OffThreadReadStream); null,
    /// with nothing left running, when the part is not UTF-8 (XmlReader reads it then).
    /// </summary>
    private static Utf8XmlScanner? OpenScanner(OpenXmlPart part, int bufferSize = 1 << 20) =>
        Utf8ScannerOrNull(new OffThreadReadStream(part.GetStream(FileMode.Open, FileAccess.Read), "xlsx inflate"), bufferSize);

    /// <summary>
    /// A scanner over <paramref name="input"/>'s XML; null, with the input disposed, when it is not UTF-8 (disposed too
    /// when the check throws).
    /// </summary>
    private static Utf8XmlScanner? Utf8ScannerOrNull(Stream input, int bufferSize)
    {
        var scan = new Utf8XmlScanner(input, bufferSize);
        try
        {
            if (scan.IsUtf8())
            {
                return scan;
            }
        }
        catch
        {
            scan.Dispose();
            throw;
        }

        scan.Dispose();
        return null;
    }

    private static SharedStringChars ReadSharedStrings(SharedStringTablePart? part, TabularSourceOptions options)
    {
        var table = new SharedStringChars();
        if (part is null)
        {
            return table;
        }

        if (!options.XlsxWithXmlReader)
        {
            using var scan = OpenScanner(part, 1 << 16);
            if (scan is not null)
            {
                ScanSharedStrings(scan, table, options.MaxFieldLength);
                return table;
            }
        }

        using var r = XmlReader.Create(part.GetStream(FileMode.Open, FileAccess.Read), XmlSettings);
        var sb = new StringBuilder();
        var inRph = false;
        var advanced = false;
        while (advanced || r.Read())
        {
            advanced = false;
            if (r.NodeType == XmlNodeType.Element)
            {
                switch (r.LocalName)
                {
                    case "si":
                        sb.Clear();
                        if (r.IsEmptyElement)
                        {
                            table.Add([]);
                        }

                        break;
                    case "rPh":
                        inRph = !r.IsEmptyElement;
                        break;
                    case "t" when !r.IsEmptyElement:
                        var t = r.ReadElementContentAsString();
                        advanced = true;
                        if (!inRph)
                        {
                            // Kept up to one char past the limit, so that a cell using it is reported as too long.
                            sb.Append(t.AsSpan(0, Math.Clamp(options.MaxFieldLength + 1 - sb.Length, 0, t.Length)));
                        }

                        break;
                }
            }
            else if (r.NodeType == XmlNodeType.EndElement)
            {
                if (r.LocalName == "si")
                {
                    table.Add(sb.ToString());
                }
                else if (r.LocalName == "rPh")
                {
                    inRph = false;
                }
            }
        }

        return table;
    }

    private static bool[] ReadDateStyles(WorkbookStylesPart? part)
    {
        if (part is null)
        {
            return [];
        }

        var customDate = new Dictionary<int, bool>();
        var styles = new List<bool>();
        using var r = XmlReader.Create(part.GetStream(FileMode.Open, FileAccess.Read), XmlSettings);
        var inCellXfs = false;
        while (r.Read())
        {
            if (r.NodeType == XmlNodeType.Element)
            {
                if (r.LocalName == "numFmt")
                {
                    if (int.TryParse(r.GetAttribute("numFmtId"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
                    {
                        customDate[id] = IsDateFormat(r.GetAttribute("formatCode") ?? string.Empty);
                    }
                }
                else if (r.LocalName == "cellXfs")
                {
                    inCellXfs = !r.IsEmptyElement;
                }
                else if (inCellXfs && r.LocalName == "xf")
                {
                    _ = int.TryParse(r.GetAttribute("numFmtId"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var id);
                    styles.Add(customDate.TryGetValue(id, out var isDate) ? isDate : IsBuiltInDate(id));
                }
            }
            else if (r.NodeType == XmlNodeType.EndElement && r.LocalName == "cellXfs")
            {
                inCellXfs = false;
            }
        }

        return [.. styles];
    }

    private static bool IsBuiltInDate(int id) => id is (>= 14 and <= 22) or (>= 27 and <= 36) or (>= 45 and <= 47) or (>= 50 and <= 58);

    /// <summary>True for number formats that show a date: y, m or d outside quotes, brackets and escapes.</summary>
    internal static bool IsDateFormat(string code)
    {
        var inQuote = false;
        var inBracket = false;
        for (var i = 0; i < code.Length; i++)
        {
            var c = code[i];
            if (c == '"')
            {
                inQuote = !inQuote;
            }
            else if (inQuote)
            {
                continue;
            }
            else if (c == '\\' || c == '_')
            {
                i++;
            }
            else if (c == '[')
            {
                inBracket = true;
            }
            else if (c == ']')
            {
                inBracket = false;
            }
            else if (!inBracket && c is 'y' or 'Y' or 'd' or 'D' or 'm' or 'M')
            {
                // "mm" alone could be minutes (h:mm); a format is a date when it has y or d, or m without h/s.
                if (c is 'y' or 'Y' or 'd' or 'D')
                {
                    return true;
                }

                if (!code.Contains('h', StringComparison.OrdinalIgnoreCase) && !code.Contains('s', StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    public override bool Read()
    {
        if (_scan is not null)
        {
            return ScanRow(_scan);
        }

        var sheet = _sheet!;
        _cells.Clear();
        _error = null;
        try
        {
            while (sheet.Read())
            {
                if (sheet.NodeType != XmlNodeType.Element || sheet.LocalName != "row")
                {
                    continue;
                }

                _cells.Clear();
                _error = null;
                _rowNumber = long.TryParse(sheet.GetAttribute("r"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var rn) ? rn : _rowNumber + 1;
                if (sheet.IsEmptyElement)
                {
                    continue;
                }

                ReadRowCells();
                if (_error is null && IsBlank())
                {
                    continue;
                }

                return true;
            }
        }
        catch (Exception ex) when (ex is XmlException or NotSupportedException or ArgumentException)
        {
            throw new InvalidDataException($"the worksheet is malformed near row {_rowNumber + 1:N0}: {ex.Message}", ex);
        }

        // The sheet is read: shared strings still loading beside it are waited for, so that a part that fails after the
        // last string the rows used still fails the file.
        _sharedStrings.WaitComplete();
        return false;
    }

    private bool IsBlank()
    {
        foreach (var c in _cells)
        {
            if (!string.IsNullOrWhiteSpace(c))
            {
                return false;
            }
        }

        return true;
    }

    private void ReadRowCells()
    {
        var sheet = _sheet!;
        var rowDepth = sheet.Depth;
        string? cellRef = null, type = null, style = null, value = null;
        var inCell = false;
        var inlineText = false;
        var inRph = false;
        var advanced = false;
        while (advanced || sheet.Read())
        {
            advanced = false;
            if (sheet.NodeType == XmlNodeType.EndElement && sheet.Depth == rowDepth)
            {
                break;
            }

            if (sheet.NodeType == XmlNodeType.Element)
            {
                switch (sheet.LocalName)
                {
                    case "c":
                        if (inCell)
                        {
                            Commit(cellRef, type, style, value, inlineText);
                        }

                        cellRef = sheet.GetAttribute("r");
                        type = sheet.GetAttribute("t");
                        style = sheet.GetAttribute("s");
                        value = null;
                        inlineText = false;
                        _text.Clear();
                        inCell = !sheet.IsEmptyElement;
                        if (!inCell)
                        {
                            Commit(cellRef, type, style, null, false);
                        }

                        break;
                    case "v" when !sheet.IsEmptyElement:
                        value = sheet.ReadElementContentAsString();
                        advanced = true;
                        break;
                    case "rPh":
                        inRph = !sheet.IsEmptyElement;
                        break;
                    case "t" when !sheet.IsEmptyElement:
                        var t = sheet.ReadElementContentAsString();
                        advanced = true;
                        if (!inRph)
                        {
                            inlineText = true;
                            _text.Append(t.AsSpan(0, Math.Clamp(_maxField + 1 - _text.Length, 0, t.Length)));
                        }

                        break;
                }
            }
            else if (sheet.NodeType == XmlNodeType.EndElement)
            {
                if (sheet.LocalName == "c" && inCell)
                {
                    Commit(cellRef, type, style, value, inlineText);
                    inCell = false;
                }
                else if (sheet.LocalName == "rPh")
                {
                    inRph = false;
                }
            }
        }

        if (inCell)
        {
            Commit(cellRef, type, style, value, inlineText);
        }
    }

    private void Commit(string? cellRef, string? type, string? style, string? value, bool inlineText)
    {
        var col = ColumnIndex(cellRef, _cells.Count);
        if (col >= _maxFields)
        {
            _error ??= string.Create(CultureInfo.InvariantCulture, $"the row has more than {_maxFields:N0} columns");
            return;
        }

        while (_cells.Count < col)
        {
            _cells.Add(string.Empty);
        }

        var text = CellText(type, style, value, inlineText);
        if (text.Length > _maxField)
        {
            _error ??= string.Create(CultureInfo.InvariantCulture, $"a field is longer than {_maxField:N0} characters");
            text = string.Empty;
        }

        if (col < _cells.Count)
        {
            _cells[col] = text;
        }
        else
        {
            _cells.Add(text);
        }
    }

    private string CellText(string? type, string? style, string? value, bool inlineText)
    {
        switch (type)
        {
            case "s":
                return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && _sharedStrings.Has(i)
                    ? _sharedStrings[i].ToString()
                    : string.Empty;
            case "inlineStr":
                return _text.ToString();
            case "b":
                return value == "1" ? "TRUE" : value == "0" ? "FALSE" : value ?? string.Empty;
            case "str" or "e":
                return value ?? string.Empty;
            case "d":
                return value is { Length: >= 10 } ? value[..10] : value ?? string.Empty;
        }

        if (inlineText && value is null)
        {
            return _text.ToString();
        }

        if (value is null)
        {
            return string.Empty;
        }

        if (style is not null && int.TryParse(style, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) && (uint)s < (uint)_dateStyles.Length &&
            _dateStyles[s])
        {
            Span<char> day = stackalloc char[16];
            if (TryFormatDateSerial(value, day, out var written))
            {
                return new string(day[..written]);
            }
        }

        return value;
    }

    private static int ColumnIndex(string? cellRef, int fallback) => ColumnIndex(cellRef.AsSpan(), fallback);

    // The column of a cell reference ("AB12" is 27), or the fallback when it starts with no capital letter.
    private static int ColumnIndex(ReadOnlySpan<char> cellRef, int fallback)
    {
        var col = 0;
        var any = false;
        foreach (var c in cellRef)
        {
            if (c is >= 'A' and <= 'Z')
            {
                col = (col * 26) + (c - 'A' + 1);
                any = true;
                if (col > 1_000_000)
                {
                    return int.MaxValue;
                }
            }
            else
            {
                break;
            }
        }

        return any ? col - 1 : fallback;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sharedLoad?.Dispose();
            _sheet?.Dispose();
            _scan?.Dispose();
            _doc.Dispose();
            _package.Dispose();
        }

        base.Dispose(disposing);
    }
}
