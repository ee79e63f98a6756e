using System.IO.Compression;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;
using Xdr = DocumentFormat.OpenXml.Drawing.Spreadsheet;

namespace TradeAnalyzer.Reports.Excel;

/// <summary>
/// Writes an .xlsx package straight into a zip stream, part after part, so that memory stays flat however many rows
/// there are and the output may be non-seekable (a blob upload). The SDK's SpreadsheetDocument is not used for
/// writing: on .NET it needs a readable, seekable package and buffers every part in memory until it closes (650 MB
/// for 200,000 rows). Sheet data goes out as UTF-8 bytes (<see cref="XmlByteWriter"/>), repeating texts of data sheets
/// through one shared-strings table written after the sheets; the small parts (workbook, styles, tables, laid-out
/// sheets, drawings, charts) are written as bytes too, exactly as the SDK serialises their elements (which stay for
/// texts outside U+0020..U+D7FF and as the tests' reference: building them compiled ~900 of the SDK's methods per
/// process). Sheets appear in the order they are added.
/// </summary>
internal sealed class WorkbookWriter : IDisposable
{
    /// <summary>The officeDocument relationships namespace (prefix r).</summary>
    public const string RelationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    private const string RelType = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
    private const string PackageRelNamespace = "http://schemas.openxmlformats.org/package/2006/relationships";
    private const string CtSheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
    private const string DrawingRelationshipId = "rIdD1";

    private readonly ZipArchive _zip;
    private readonly WorkbookInfo _info;
    private readonly List<string> _sheetNames = [];
    private readonly List<KeyValuePair<string, string>> _overrides = [];
    private readonly HashSet<string> _tableNames = new(StringComparer.OrdinalIgnoreCase);
    private readonly SharedStrings _sharedStrings = new();
    private int _tables;
    private int _charts;
    private int _drawings;
    private bool _finished;
    private byte[]? _stylesXml;

    /// <summary>Starts a workbook written to <paramref name="output"/> (left open).</summary>
    public WorkbookWriter(Stream output, WorkbookInfo info)
    {
        _zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: Encoding.UTF8);
        _info = info;
    }

    /// <summary>Names of the sheets written so far, in order.</summary>
    public IReadOnlyList<string> SheetNames => _sheetNames;

    /// <summary>
    /// Writes a data sheet with a frozen header, an Excel table (autofilter) and widths from content, split over
    /// "Name", "Name (2)", ... when it has more than <paramref name="maxDataRows"/> rows. Returns the sheet names.
    /// </summary>
    public IReadOnlyList<string> AddTable<T>(
        string name,
        IReadOnlyList<ColumnSpec> columns,
        IReadOnlyList<T> rows,
        Action<RowSink, T> writeRow,
        int maxDataRows = RowSplitter.ExcelMaxDataRows)
    {
        var parts = RowSplitter.SheetCount(rows.Count, maxDataRows);
        var names = new List<string>(parts);
        for (var p = 0; p < parts; p++)
        {
            var index = BeginSheet(RowSplitter.SheetName(name, p));
            var sheetName = _sheetNames[^1];
            var start = p * maxDataRows;
            var count = Math.Min(maxDataRows, rows.Count - start);
            if (count < 0)
            {
                count = 0;
            }

            long lastRow;
            using (var stream = OpenLarge($"xl/worksheets/sheet{index}.xml"))
            {
                lastRow = TableSheetWriter.Write(stream, columns, rows, start, count, writeRow, index == 1, _sharedStrings);
            }

            var tableId = ++_tables;
            var tableName = UniqueTableName(sheetName);
            WriteBytes($"xl/tables/table{tableId}.xml", TableSheetWriter.TableXml((uint)tableId, tableName, columns, lastRow));
            _overrides.Add(new($"/xl/tables/table{tableId}.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"));
            WriteRelationships($"xl/worksheets/_rels/sheet{index}.xml.rels", [(TableSheetWriter.TableRelationshipId, RelType + "table", $"../tables/table{tableId}.xml")]);
            names.Add(_sheetNames[^1]);
        }

        return names;
    }

    /// <summary>Writes a laid-out sheet and its charts.</summary>
    public void AddFree(FreeSheet sheet)
    {
        var index = BeginSheet(sheet.Name);
        AddPrepared(index, Prepare(sheet, index == 1));
    }

    /// <summary>
    /// Takes the next sheet's place (its index, name and content type) for a laid-out sheet prepared elsewhere
    /// (<see cref="Prepare"/>, e.g. on another thread while the data sheets are written) and added later with
    /// <see cref="AddPrepared"/>. Returns the sheet's one-based index.
    /// </summary>
    public int ReserveSheet(string name) => BeginSheet(name);

    /// <summary>
    /// A laid-out sheet's parts as bytes: the sheet XML and, when it has charts, each chart's part and the drawing.
    /// Touches no state of a writer, so it may run on any thread; <paramref name="selected"/> is true for the first sheet.
    /// </summary>
    public static PreparedSheet Prepare(FreeSheet sheet, bool selected)
    {
        ArgumentNullException.ThrowIfNull(sheet);
        string? drawingRel = sheet.Charts.Count > 0 ? DrawingRelationshipId : null;
        var sheetXml = new MemoryStream();
        sheet.Write(sheetXml, drawingRel, selected);
        if (drawingRel is null)
        {
            return new PreparedSheet(sheetXml.ToArray(), [], null);
        }

        var charts = new byte[sheet.Charts.Count][];
        for (var i = 0; i < sheet.Charts.Count; i++)
        {
            charts[i] = ChartXml.TryBuild(sheet.Charts[i], out var part) ? part : Serialize(Charts.Build(sheet.Charts[i]));
        }

        var drawingXml = ChartXml.Drawing(sheet.Charts.Count, sheet.ChartColumn, ChartRelationshipId);
        return new PreparedSheet(sheetXml.ToArray(), charts, drawingXml);
    }

    /// <summary>The drawing part of <paramref name="sheet"/>'s charts built from SDK elements (what <see cref="ChartXml.Drawing"/> writes as bytes).</summary>
    internal static byte[] DrawingElementXml(FreeSheet sheet)
    {
        var drawing = new Xdr.WorksheetDrawing();
        drawing.AddNamespaceDeclaration("xdr", "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing");
        drawing.AddNamespaceDeclaration("a", "http://schemas.openxmlformats.org/drawingml/2006/main");
        for (var i = 0; i < sheet.Charts.Count; i++)
        {
            var top = i * FreeSheet.ChartRows;
            drawing.Append(Charts.Anchor((uint)(i + 1), ChartRelationshipId(i), sheet.ChartColumn, top + 1, sheet.ChartColumn + 8, top + FreeSheet.ChartRows));
        }

        return Serialize(drawing);
    }

    /// <summary>A chart part built from SDK elements (what <see cref="ChartXml.TryBuild"/> writes as bytes).</summary>
    internal static byte[] ChartElementXml(ChartSpec spec) => Serialize(Charts.Build(spec));

    /// <summary>
    /// Writes a prepared laid-out sheet at <paramref name="index"/> (from <see cref="ReserveSheet"/>, or a new sheet)
    /// with its charts and drawing, numbered from the charts and drawings written so far; their content types go
    /// right after the sheet's, where <see cref="AddFree"/> puts them.
    /// </summary>
    public void AddPrepared(int index, PreparedSheet sheet)
    {
        ArgumentNullException.ThrowIfNull(sheet);
        if (_finished)
        {
            throw new InvalidOperationException("The workbook is finished.");
        }

        var sheetPart = $"/xl/worksheets/sheet{index}.xml";
        var at = _overrides.FindIndex(o => string.Equals(o.Key, sheetPart, StringComparison.Ordinal));
        if (at < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, "No such sheet has been begun.");
        }

        WriteBytes($"xl/worksheets/sheet{index}.xml", sheet.Sheet);
        if (sheet.Drawing is null)
        {
            return;
        }

        var drawingId = ++_drawings;
        var chartRels = new List<(string, string, string)>();
        for (var i = 0; i < sheet.Charts.Count; i++)
        {
            var chartId = ++_charts;
            WriteBytes($"xl/charts/chart{chartId}.xml", sheet.Charts[i]);
            _overrides.Insert(++at, new($"/xl/charts/chart{chartId}.xml", "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"));
            chartRels.Add((ChartRelationshipId(i), RelType + "chart", $"../charts/chart{chartId}.xml"));
        }

        WriteBytes($"xl/drawings/drawing{drawingId}.xml", sheet.Drawing);
        _overrides.Insert(++at, new($"/xl/drawings/drawing{drawingId}.xml", "application/vnd.openxmlformats-officedocument.drawing+xml"));
        WriteRelationships($"xl/drawings/_rels/drawing{drawingId}.xml.rels", chartRels);
        WriteRelationships($"xl/worksheets/_rels/sheet{index}.xml.rels", [(DrawingRelationshipId, RelType + "drawing", $"../drawings/drawing{drawingId}.xml")]);
    }

    /// <summary>The styles part's bytes (the same for every workbook); may be made on any thread and given to <see cref="UseStyles"/>.</summary>
    public static byte[] PrepareStyles() => Styles.Xml();

    /// <summary>Writes <paramref name="stylesXml"/> (from <see cref="PrepareStyles"/>) as the styles part instead of building it in <see cref="Finish"/>.</summary>
    public void UseStyles(byte[] stylesXml) => _stylesXml = stylesXml;

    /// <summary>Writes the workbook, styles, properties, relationships and content types; the package is complete after this.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        var workbookRels = new List<(string, string, string)>();
        for (var i = 0; i < _sheetNames.Count; i++)
        {
            workbookRels.Add(($"rId{i + 1}", RelType + "worksheet", $"worksheets/sheet{i + 1}.xml"));
        }

        workbookRels.Add(("rIdStyles", RelType + "styles", "styles.xml"));
        if (_sharedStrings.Strings.Count > 0)
        {
            // Written after the sheets that reference it: the zip's entry order does not matter to readers.
            using (var stream = OpenLarge("xl/sharedStrings.xml"))
            {
                _sharedStrings.Write(stream);
            }

            workbookRels.Add(("rIdStrings", RelType + "sharedStrings", "sharedStrings.xml"));
            _overrides.Add(new("/xl/sharedStrings.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"));
        }

        WriteBytes("xl/workbook.xml", WorkbookXml(_sheetNames));
        WriteRelationships("xl/_rels/workbook.xml.rels", workbookRels);
        WriteBytes("xl/styles.xml", _stylesXml ?? PrepareStyles());
        WriteCoreProperties();
        WriteAppProperties();
        WriteRelationships("_rels/.rels",
        [
            ("rId1", RelType + "officeDocument", "xl/workbook.xml"),
            ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", "docProps/core.xml"),
            ("rId3", RelType + "extended-properties", "docProps/app.xml"),
        ]);
        WriteContentTypes();
        _zip.Dispose();
    }

    /// <summary>
    /// The workbook part (sheets rId1.. in order) as bytes, exactly as the SDK serialises <see cref="WorkbookElement"/>
    /// (no SDK code compiled on the workbook's thread for it); names outside U+0020..U+D7FF go through the SDK.
    /// </summary>
    internal static byte[] WorkbookXml(IReadOnlyList<string> sheetNames)
    {
        if (sheetNames.Any(n => !ChartXml.Plain(n)))
        {
            return Serialize(WorkbookElement(sheetNames));
        }

        var stream = new MemoryStream();
        using (var w = new XmlByteWriter(stream))
        {
            w.Raw("<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?><x:workbook xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><x:bookViews><x:workbookView activeTab=\"0\" /></x:bookViews><x:sheets"u8);
            w.Raw(sheetNames.Count == 0 ? " />"u8 : ">"u8);
            for (var i = 0; i < sheetNames.Count; i++)
            {
                w.Raw("<x:sheet name=\""u8);
                w.Attribute(sheetNames[i]);
                w.Raw("\" sheetId=\""u8);
                w.Integer(i + 1);
                w.Raw("\" r:id=\"rId"u8);
                w.Integer(i + 1);
                w.Raw("\" />"u8);
            }

            w.Raw(sheetNames.Count == 0 ? "</x:workbook>"u8 : "</x:sheets></x:workbook>"u8);
        }

        return stream.ToArray();
    }

    /// <summary>The workbook part's element (see <see cref="WorkbookXml"/>).</summary>
    internal static Workbook WorkbookElement(IReadOnlyList<string> sheetNames)
    {
        var sheets = new Sheets();
        for (var i = 0; i < sheetNames.Count; i++)
        {
            sheets.Append(new Sheet { Name = sheetNames[i], SheetId = (uint)(i + 1), Id = $"rId{i + 1}" });
        }

        var workbook = new Workbook(new BookViews(new WorkbookView { ActiveTab = 0 }), sheets);
        workbook.AddNamespaceDeclaration("r", RelationshipNamespace);
        return workbook;
    }

    /// <summary>Finishes the package if not done yet.</summary>
    public void Dispose()
    {
        if (!_finished)
        {
            _finished = true;
            _zip.Dispose();
        }
    }

    /// <summary>A valid, unique sheet name: at most 31 characters, none of []:*?/\ and unique (case-insensitive).</summary>
    public static string CleanSheetName(string name, IReadOnlyCollection<string> taken)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(c is '[' or ']' or ':' or '*' or '?' or '/' or '\\' ? '_' : c);
        }

        var clean = builder.ToString().Trim('\'').Trim();
        if (clean.Length == 0)
        {
            clean = "Sheet";
        }

        if (clean.Length > 31)
        {
            clean = clean[..31];
        }

        var candidate = clean;
        for (var n = 2; taken.Contains(candidate, StringComparer.OrdinalIgnoreCase); n++)
        {
            var suffix = $" ({n})";
            candidate = (clean.Length + suffix.Length > 31 ? clean[..(31 - suffix.Length)] : clean) + suffix;
        }

        return candidate;
    }

    private int BeginSheet(string name)
    {
        if (_finished)
        {
            throw new InvalidOperationException("The workbook is finished.");
        }

        var clean = CleanSheetName(name, _sheetNames);
        _sheetNames.Add(clean);
        var index = _sheetNames.Count;
        _overrides.Add(new($"/xl/worksheets/sheet{index}.xml", CtSheet));
        return index;
    }

    private string UniqueTableName(string sheetName)
    {
        var builder = new StringBuilder("T_");
        foreach (var c in sheetName)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(c);
            }
            else if (c is ' ' or '(' or '_')
            {
                builder.Append('_');
            }
        }

        var name = builder.ToString().TrimEnd('_');
        var candidate = name;
        for (var n = 2; !_tableNames.Add(candidate); n++)
        {
            candidate = $"{name}_{n}";
        }

        return candidate;
    }

    private Stream Open(string entryName) => _zip.CreateEntry(entryName, CompressionLevel.Fastest).Open();

    /// <summary>
    /// Opens a part that may hold hundreds of megabytes of XML (a data sheet, the shared strings): with more than one
    /// core its compression runs on a thread of its own (<see cref="OffThreadWriteStream"/>) beside the writing of the
    /// XML; the package's bytes are the same.
    /// </summary>
    private Stream OpenLarge(string entryName)
    {
        var entry = Open(entryName);
        return Environment.ProcessorCount > 1 ? new OffThreadWriteStream(entry, threadName: "xlsx deflate") : entry;
    }

    private static string ChartRelationshipId(int chart) => $"rIdC{chart + 1}";

    private static void WriteElement(Stream stream, OpenXmlElement element)
    {
        using var xml = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false) });
        xml.WriteStartDocument(true);
        element.WriteTo(xml);
        xml.WriteEndDocument();
    }

    /// <summary>An element's part as the SDK serialises it (UTF-8 without a byte order mark, standalone declaration).</summary>
    internal static byte[] Serialize(OpenXmlElement element)
    {
        var stream = new MemoryStream();
        WriteElement(stream, element);
        return stream.ToArray();
    }

    private void WriteBytes(string entryName, byte[] content)
    {
        using var stream = Open(entryName);
        stream.Write(content);
    }

    private void WriteRelationships(string entryName, IEnumerable<(string Id, string Type, string Target)> relationships)
    {
        using var stream = Open(entryName);
        using var xml = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false) });
        xml.WriteStartDocument(true);
        xml.WriteStartElement("Relationships", PackageRelNamespace);
        foreach (var (id, type, target) in relationships)
        {
            xml.WriteStartElement("Relationship", PackageRelNamespace);
            xml.WriteAttributeString("Id", id);
            xml.WriteAttributeString("Type", type);
            xml.WriteAttributeString("Target", target);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private void WriteContentTypes()
    {
        const string ns = "http://schemas.openxmlformats.org/package/2006/content-types";
        using var stream = Open("[Content_Types].xml");
        using var xml = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false) });
        xml.WriteStartDocument(true);
        xml.WriteStartElement("Types", ns);
        Default("rels", "application/vnd.openxmlformats-package.relationships+xml");
        Default("xml", "application/xml");
        Override("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml");
        Override("/xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml");
        Override("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml");
        Override("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml");
        foreach (var (part, type) in _overrides)
        {
            Override(part, type);
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();

        void Default(string extension, string type)
        {
            xml.WriteStartElement("Default", ns);
            xml.WriteAttributeString("Extension", extension);
            xml.WriteAttributeString("ContentType", type);
            xml.WriteEndElement();
        }

        void Override(string part, string type)
        {
            xml.WriteStartElement("Override", ns);
            xml.WriteAttributeString("PartName", part);
            xml.WriteAttributeString("ContentType", type);
            xml.WriteEndElement();
        }
    }

    private void WriteCoreProperties()
    {
        const string cp = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties";
        const string dc = "http://purl.org/dc/elements/1.1/";
        const string dcterms = "http://purl.org/dc/terms/";
        const string xsi = "http://www.w3.org/2001/XMLSchema-instance";
        using var stream = Open("docProps/core.xml");
        using var xml = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false) });
        xml.WriteStartDocument(true);
        xml.WriteStartElement("cp", "coreProperties", cp);
        xml.WriteAttributeString("xmlns", "dc", null, dc);
        xml.WriteAttributeString("xmlns", "dcterms", null, dcterms);
        xml.WriteAttributeString("xmlns", "xsi", null, xsi);
        xml.WriteElementString("dc", "title", dc, CellText.CleanXml(_info.Title));
        xml.WriteElementString("dc", "subject", dc, CellText.CleanXml(_info.Subject));
        xml.WriteElementString("dc", "creator", dc, "TradeAnalyzer");
        xml.WriteElementString("cp", "keywords", cp, CellText.CleanXml(_info.Keywords));
        xml.WriteElementString("dc", "description", dc, CellText.CleanXml(_info.Description));
        xml.WriteElementString("dc", "language", dc, _info.Language);
        var stamp = _info.Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var name in new[] { "created", "modified" })
        {
            xml.WriteStartElement("dcterms", name, dcterms);
            xml.WriteAttributeString("xsi", "type", xsi, "dcterms:W3CDTF");
            xml.WriteString(stamp);
            xml.WriteEndElement();
        }

        xml.WriteElementString("cp", "version", cp, _info.Version);
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private void WriteAppProperties()
    {
        const string ns = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties";
        using var stream = Open("docProps/app.xml");
        using var xml = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false) });
        xml.WriteStartDocument(true);
        xml.WriteStartElement("Properties", ns);
        xml.WriteElementString("Application", ns, "TradeAnalyzer");
        xml.WriteElementString("Company", ns, "TradeAnalyzer");
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }
}
