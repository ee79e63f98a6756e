using System.Globalization;
using System.Text.Json;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Text;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.Reports;

/// <summary>
/// The files `analyze` writes (spec section 3): report.xlsx, flags.csv, flags.json, rejected.csv, summary.json and
/// exporters.csv. CSV is RFC 4180, UTF-8 without BOM, and formula-safe (text starting with = + - @ tab or CR gets a
/// leading apostrophe); JSON keeps values as they are.
/// </summary>
public static class AnalysisOutputs
{
    /// <summary>The flags.csv / flags.json columns, in spec order.</summary>
    public static IReadOnlyList<string> FlagColumns { get; } =
    [
        "flag", "severity", "score", "record_type", "declaration_id", "line_no", "invoice_number", "shipment_id",
        "exporter_name", "importer_name", "hs_code", "value_usd", "value_at_risk_usd", "expected", "observed", "explanation",
    ];

    /// <summary>
    /// The framework writer's options for flags.json's bytes (compact): <see cref="FlagJson"/> writes what it wrote
    /// and asks it for the rare number <see cref="RoundedNumber"/> does not format.
    /// </summary>
    private static readonly JsonWriterOptions FlagsJsonOptions = new() { Indented = false, SkipValidation = true };

    private static readonly System.Buffers.SearchValues<char> CsvSpecial = System.Buffers.SearchValues.Create("\"\r\n,");

    /// <summary><see cref="CsvSpecial"/> in UTF-8 (all ASCII, so never a byte of a multi-byte character).</summary>
    private static readonly System.Buffers.SearchValues<byte> CsvSpecialUtf8 = System.Buffers.SearchValues.Create("\"\r\n,"u8);

    /// <summary>
    /// Write buffer of the workbook's file. The zip entries' deflate streams hand the file 8 KiB pieces: with the default
    /// 4 KiB buffer each went to the kernel as it came, one write call per 8 KiB, and each piece ending inside a page
    /// not yet in the file made the kernel zero the rest of that page before the next piece overwrote it (a quarter
    /// of the compressed bytes zeroed again, on the deflate thread that ends the workbook). One write per MiB instead.
    /// </summary>
    public const int WorkbookFileBuffer = 1 << 20;

    /// <summary>Creates (or truncates) the workbook's file, buffered for the zip's small writes (<see cref="WorkbookFileBuffer"/>).</summary>
    public static FileStream CreateWorkbookFile(string path) =>
        new(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, WorkbookFileBuffer);

    /// <summary>Writes every output file into <paramref name="directory"/> (created if missing).</summary>
    public static OutputFiles Write(string directory, UploadReportModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(directory);
        var files = new OutputFiles(
            Path.Combine(directory, "report.xlsx"),
            Path.Combine(directory, "flags.csv"),
            Path.Combine(directory, "flags.json"),
            Path.Combine(directory, "rejected.csv"),
            Path.Combine(directory, "summary.json"),
            Path.Combine(directory, "exporters.csv"));
        var removing = SetAsidePrevious(files);

        // The workbook is the biggest file by far and shares nothing mutable with the others (the model is read
        // only): it is written on its own thread while this one writes the CSV and JSON files.
        var report = Task.Run(() =>
        {
            using var s = CreateWorkbookFile(files.Report);
            UploadReport.Write(s, model);
        });
        IReadOnlyDictionary<FlagCode, int> byCode;
        try
        {
            // summary.json's counts by code, counted in the flag files' walk over the flags (a flag is in cache there;
            // the result's FlagsByCode groups every flag again: a second walk of 270,000 scattered objects).
            byCode = WriteDataFiles(files, model);
        }
        finally
        {
            report.GetAwaiter().GetResult();
        }

        // summary.json last, as in the store: a folder without it is incomplete.
        using (var s = File.Create(files.SummaryJson))
        {
            WriteSummaryJson(s, model, byCode);
        }

        removing.GetAwaiter().GetResult();
        return files;
    }

    /// <summary>Output files this size or larger left by an earlier run are set aside instead of overwritten.</summary>
    internal const long SetAsideBytes = 1 << 20;

    /// <summary>
    /// Moves an earlier run's big output files out of the way (renamed to hidden names beside them) and deletes them on
    /// a task of their own, which the caller waits for once the new files are written. Overwriting truncates the old file
    /// first, in the writer's path: on a file system that discards freed blocks (ext4 mounted with `discard`, as on the
    /// benchmark machine) truncating the 500 MB of a 270,000-flag run's outputs kept the writers waiting, not
    /// computing, for 0.3-0.5 s. A file that cannot be moved (open elsewhere, no permission) is overwritten as before;
    /// a symbolic link is moved too, dangling or not, so the new file is never written through it.
    /// </summary>
    internal static Task SetAsidePrevious(OutputFiles files)
    {
        List<string>? aside = null;
        foreach (var path in files.All)
        {
            try
            {
                var info = new FileInfo(path);
                if (info.LinkTarget is not null || (info.Exists && info.Length >= SetAsideBytes))
                {
                    var to = Path.Combine(info.DirectoryName!, $".{info.Name}.{Guid.NewGuid():N}.old");
                    File.Move(path, to);
                    (aside ??= []).Add(to);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Overwritten in place.
            }
        }

        return aside is null ? Task.CompletedTask : Task.Run(() =>
        {
            foreach (var path in aside)
            {
                try
                {
                    File.Delete(path);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // A hidden leftover is harmless; the new outputs are written.
                }
            }
        });
    }

    /// <summary>Writes the data files; returns the flags counted by code (what <see cref="Core.Analysis.AnalysisResult.FlagsByCode"/> gives).</summary>
    private static Dictionary<FlagCode, int> WriteDataFiles(OutputFiles files, UploadReportModel model)
    {
        // Both flag files from one walk over the flags: reaching each flag and its strings (270,000 objects in score
        // order, scattered in memory) costs as much as formatting them.
        var counts = new int[FlagCodeCount];
        using (var csv = File.Create(files.FlagsCsv))
        using (var json = File.Create(files.FlagsJson))
        {
            WriteFlags(csv, json, model.Result.Flags, counts);
        }

        using (var s = File.Create(files.RejectedCsv))
        {
            WriteRejectedCsv(s, model.Rejected);
        }

        using (var s = File.Create(files.ExportersCsv))
        {
            WriteExportersCsv(s, model.Result.Exporters);
        }

        return ByCode(counts);
    }

    /// <summary>One past the largest <see cref="FlagCode"/>: the size of a count-per-code array.</summary>
    internal static readonly int FlagCodeCount = Enum.GetValues<FlagCode>().Max(c => (int)c) + 1;

    /// <summary>The codes counted at least once, with their counts.</summary>
    internal static Dictionary<FlagCode, int> ByCode(int[] counts)
    {
        var byCode = new Dictionary<FlagCode, int>();
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] > 0)
            {
                byCode.Add((FlagCode)i, counts[i]);
            }
        }

        return byCode;
    }

    /// <summary>Writes flags.csv: a header and one row per flag, spec section 2 columns in order.</summary>
    public static void WriteFlagsCsv(Stream s, IEnumerable<Flag> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        using var w = new XmlByteWriter(s);
        WriteCsvHeader(w);
        FlagPrefetch.ForEach(flags, w, static (w, f) => WriteCsvRow(w, f));

        w.FlushStream();
    }

    /// <summary>Writes flags.json: an array of objects with the flags.csv column names as keys (plus date and countries).</summary>
    public static void WriteFlagsJson(Stream s, IEnumerable<Flag> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        using var w = new XmlByteWriter(s);
        var json = new FlagJson(w);
        json.Start();
        FlagPrefetch.ForEach(flags, json, static (json, f) => json.Write(f));

        json.End();
        w.FlushStream();
    }

    /// <summary>
    /// Writes flags.csv to <paramref name="csv"/> and flags.json to <paramref name="json"/> (the bytes
    /// <see cref="WriteFlagsCsv"/> and <see cref="WriteFlagsJson"/> write) in one pass over the flags.
    /// </summary>
    public static void WriteFlags(Stream csv, Stream json, IEnumerable<Flag> flags) => WriteFlags(csv, json, flags, new int[FlagCodeCount]);

    /// <summary>
    /// As <see cref="WriteFlags(Stream, Stream, IEnumerable{Flag})"/>, also adding one to
    /// <paramref name="countsByCode"/>[code] for each flag (an array of at least <see cref="FlagCodeCount"/> counts).
    /// </summary>
    internal static void WriteFlags(Stream csv, Stream json, IEnumerable<Flag> flags, int[] countsByCode)
    {
        ArgumentNullException.ThrowIfNull(flags);
        using var c = new XmlByteWriter(csv);
        using var j = new XmlByteWriter(json);
        var writer = new FlagJson(j);
        WriteCsvHeader(c);
        writer.Start();
        FlagPrefetch.ForEach(flags, (c, writer, countsByCode), static (to, f) =>
        {
            to.countsByCode[(int)f.Code]++;
            WriteCsvRow(to.c, f);
            to.writer.Write(f);
        });

        writer.End();
        c.FlushStream();
        j.FlushStream();
    }

    private static void WriteCsvHeader(XmlByteWriter w)
    {
        w.Chars(string.Join(",", FlagColumns));
        w.Raw("\r\n"u8);
    }

    private static void WriteCsvRow(XmlByteWriter w, Flag f)
    {
        // Same fields as the spec columns; the first four are never hostile text, the rest are formula-safe.
        WriteField(w, f.Code.ToCode(), safe: false);
        w.Raw((byte)',');
        WriteField(w, f.Severity.ToText(), safe: false);
        w.Raw((byte)',');
        WriteNum(w, f.Score);
        w.Raw((byte)',');
        WriteField(w, f.RecordType.ToText(), safe: false);
        w.Raw((byte)',');
        WriteField(w, f.DeclarationId, safe: true);
        w.Raw((byte)',');
        if (f.LineNo is { } lineNo)
        {
            // An integer never needs quoting; a negative one gets the apostrophe as before.
            if (lineNo < 0)
            {
                w.Raw((byte)'\'');
            }

            w.Integer(lineNo);
        }

        w.Raw((byte)',');
        WriteField(w, f.InvoiceNumber, safe: true);
        w.Raw((byte)',');
        WriteField(w, f.ShipmentId, safe: true);
        w.Raw((byte)',');
        WriteField(w, f.ExporterName, safe: true);
        w.Raw((byte)',');
        WriteField(w, f.ImporterName, safe: true);
        w.Raw((byte)',');
        WriteField(w, f.HsCode, safe: true);
        w.Raw((byte)',');
        WriteSafeNum(w, f.ValueUsd);
        w.Raw((byte)',');
        WriteSafeNum(w, f.ValueAtRiskUsd);
        w.Raw((byte)',');
        var texts = f.Texts;
        WriteText(w, texts, FlagTexts.Expected);
        w.Raw((byte)',');
        WriteText(w, texts, FlagTexts.Observed);
        w.Raw((byte)',');
        WriteText(w, texts, FlagTexts.Explanation);
        w.Raw("\r\n"u8);
    }

    /// <summary>
    /// Writes one flag as a flags.json object, in the bytes a compact <see cref="Utf8JsonWriter"/> wrote (keys as
    /// literals, values escaped by <see cref="JsonText"/>, numbers as before): the writer's per-property state
    /// and UTF-16 escaping were a tenth of the flag files' walk.
    /// </summary>
    private sealed class FlagJson(XmlByteWriter w)
    {
        private readonly char[] _date = new char[16];
        private char[] _source = new char[256];
        private bool _first = true;

        /// <summary>Writes the array's opening bracket.</summary>
        public void Start() => w.Raw((byte)'[');

        /// <summary>Writes the array's closing bracket.</summary>
        public void End() => w.Raw((byte)']');

        public void Write(Flag f)
        {
            Span<char> date = _date;
            w.Raw(_first ? "{\"flag\":"u8 : ",{\"flag\":"u8);
            _first = false;
            JsonText.String(w, f.Code.ToCode());
            w.Raw(",\"severity\":"u8);
            JsonText.String(w, f.Severity.ToText());
            w.Raw(",\"score\":"u8);
            Rounded(w, f.Score, 2);
            w.Raw(",\"record_type\":"u8);
            JsonText.String(w, f.RecordType.ToText());
            w.Raw(",\"declaration_id\":"u8);
            JsonText.String(w, f.DeclarationId);
            w.Raw(",\"line_no\":"u8);
            if (f.LineNo is { } lineNo)
            {
                w.Integer(lineNo);
            }
            else
            {
                w.Raw("null"u8);
            }

            w.Raw(",\"invoice_number\":"u8);
            JsonText.String(w, f.InvoiceNumber);
            w.Raw(",\"shipment_id\":"u8);
            JsonText.String(w, f.ShipmentId);
            w.Raw(",\"exporter_name\":"u8);
            JsonText.String(w, f.ExporterName);
            w.Raw(",\"importer_name\":"u8);
            JsonText.String(w, f.ImporterName);
            w.Raw(",\"hs_code\":"u8);
            JsonText.String(w, f.HsCode);
            w.Raw(",\"value_usd\":"u8);
            Nullable(w, f.ValueUsd);
            w.Raw(",\"value_at_risk_usd\":"u8);
            Nullable(w, f.ValueAtRiskUsd);
            var texts = f.Texts;
            w.Raw(",\"expected\":"u8);
            WriteJsonText(w, texts, FlagTexts.Expected);
            w.Raw(",\"observed\":"u8);
            WriteJsonText(w, texts, FlagTexts.Observed);
            w.Raw(",\"explanation\":"u8);
            WriteJsonText(w, texts, FlagTexts.Explanation);
            w.Raw(",\"exporter_key\":"u8);
            JsonText.String(w, f.ExporterKey);
            w.Raw(",\"date\":"u8);
            if (f.Date is { } day && day.TryFormat(date, out var dateLength, "yyyy-MM-dd", CultureInfo.InvariantCulture))
            {
                JsonText.String(w, date[..dateLength]);
            }
            else
            {
                JsonText.String(w, f.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }

            w.Raw(",\"origin_country\":"u8);
            JsonText.String(w, f.OriginCountry);
            w.Raw(",\"destination_country\":"u8);
            JsonText.String(w, f.DestinationCountry);
            w.Raw(",\"source\":"u8);
            WriteSource(w, f.Source, ref _source);
            w.Raw((byte)'}');
        }
    }

    /// <summary>Writes rejected.csv: file,row,column,reason,value.</summary>
    public static void WriteRejectedCsv(Stream s, IEnumerable<RejectedRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var w = new XmlByteWriter(s);
        w.Raw("file,row,column,reason,value\r\n"u8);
        var fields = new string?[5];
        foreach (var r in rows)
        {
            fields[0] = r.File;
            fields[1] = r.Row.ToString(CultureInfo.InvariantCulture);
            fields[2] = r.Column;
            fields[3] = r.Reason;
            fields[4] = r.Value;
            WriteRow(w, fields, safeFrom: 0);
        }

        w.FlushStream();
    }

    /// <summary>
    /// Writes summary.json in the exact spec section 3 shape (files with path, kind, rows_read, rows_accepted,
    /// rows_rejected; totals; flags_by_code; value_at_risk_usd; timings_ms) plus sha256 per file, upload_id,
    /// generated_at, version and flag_count.
    /// </summary>
    public static void WriteSummaryJson(Stream s, UploadReportModel m)
    {
        ArgumentNullException.ThrowIfNull(m);
        WriteSummaryJson(s, m, m.Result.FlagsByCode);
    }

    /// <summary>As <see cref="WriteSummaryJson(Stream, UploadReportModel)"/> with the flags counted by code beforehand.</summary>
    private static void WriteSummaryJson(Stream s, UploadReportModel m, IReadOnlyDictionary<FlagCode, int> byCode)
    {
        using var w = new Utf8JsonWriter(s, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteStartArray("files");
        foreach (var f in m.Files)
        {
            w.WriteStartObject();
            w.WriteString("path", f.Path);
            w.WriteString("kind", f.Kind.ToText());
            w.WriteNumber("rows_read", f.RowsRead);
            w.WriteNumber("rows_accepted", f.RowsAccepted);
            w.WriteNumber("rows_rejected", f.RowsRejected);
            w.WriteString("sha256", f.Sha256);
            w.WriteNumber("bytes", f.Bytes);
            if (f.Error is not null)
            {
                w.WriteString("error", f.Error);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNumber("rows_read", m.Files.Sum(f => f.RowsRead));
        w.WriteNumber("rows_accepted", m.Files.Sum(f => f.RowsAccepted));
        w.WriteNumber("rows_rejected", m.Files.Sum(f => f.RowsRejected));
        w.WriteStartObject("flags_by_code");
        foreach (var code in FlagCodes.All)
        {
            if (byCode.TryGetValue(code, out var n))
            {
                w.WriteNumber(code.ToCode(), n);
            }
        }

        w.WriteEndObject();
        w.WriteNumber("value_at_risk_usd", Math.Round(m.Result.ValueAtRiskUsd, 2));
        w.WriteStartObject("timings_ms");
        foreach (var (stage, ms) in UploadReport.MergedTimings(m))
        {
            w.WriteNumber(stage, Math.Round(ms, 3));
        }

        w.WriteEndObject();
        w.WriteNumber("flag_count", m.Result.Flags.Count);
        if (m.UploadId is not null)
        {
            w.WriteString("upload_id", m.UploadId);
        }

        w.WriteString("generated_at", m.GeneratedAt);
        w.WriteString("version", m.Version);
        w.WriteEndObject();
    }

    /// <summary>Writes exporters.csv: one row per exporter profile, highest score first as given.</summary>
    public static void WriteExportersCsv(Stream s, IEnumerable<ExporterProfile> exporters)
    {
        ArgumentNullException.ThrowIfNull(exporters);
        using var w = new XmlByteWriter(s);
        w.Raw("exporter_key,exporter_name,exporter_id,country,score,tier,shipments,flagged_shipments,flagged_share,value_usd,value_at_risk_usd,precursor_shipments,first_seen,last_seen,benford_mad,round_value_share,commodities,counterparties,reasons\r\n"u8);
        var fields = new string?[19];
        foreach (var e in exporters)
        {
            fields[0] = e.Key;
            fields[1] = e.Name;
            fields[2] = e.ExporterId;
            fields[3] = e.Country;
            fields[4] = Num(e.Score);
            fields[5] = e.Tier.ToString().ToLowerInvariant();
            fields[6] = e.Shipments.ToString(CultureInfo.InvariantCulture);
            fields[7] = e.FlaggedShipments.ToString(CultureInfo.InvariantCulture);
            fields[8] = Num(e.FlaggedShare);
            fields[9] = Num(e.ValueUsd);
            fields[10] = Num(e.ValueAtRiskUsd);
            fields[11] = e.PrecursorShipments.ToString(CultureInfo.InvariantCulture);
            fields[12] = e.FirstSeen == default ? null : e.FirstSeen.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            fields[13] = e.LastSeen == default ? null : e.LastSeen.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            fields[14] = Num(e.BenfordMad);
            fields[15] = Num(e.RoundValueShare);
            fields[16] = string.Join(";", e.Commodities);
            fields[17] = string.Join(";", e.Counterparties);
            fields[18] = string.Join(" ", e.Reasons);
            WriteRow(w, fields, safeFrom: 0);
        }

        w.FlushStream();
    }

    private static void WriteRow(XmlByteWriter w, string?[] fields, int safeFrom)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                w.Raw((byte)',');
            }

            WriteField(w, fields[i], i >= safeFrom);
        }

        w.Raw("\r\n"u8);
    }

    /// <summary>
    /// Writes one field as <see cref="CsvRowReader.Escape"/> would return it (after the formula-safe apostrophe when
    /// <paramref name="safe"/>), without building the prefixed or escaped string.
    /// </summary>
    /// <summary>
    /// A flag text as <see cref="WriteField(XmlByteWriter, string?, bool)"/> writes it (formula-safe), from its UTF-8 bytes
    /// when the flag keeps them so: the same quoting, quote doubling and apostrophe, without transcoding.
    /// </summary>
    private static void WriteText(XmlByteWriter w, FlagTexts texts, int slot)
    {
        if (!texts.TryUtf8(slot, out var utf8, out _))
        {
            WriteField(w, texts.Text(slot), safe: true);
            return;
        }

        if (utf8.IsEmpty)
        {
            return;
        }

        // CellText.NeedsQuotePrefix: its characters are ASCII, so the first byte tells.
        var prefix = utf8[0] is (byte)'=' or (byte)'+' or (byte)'-' or (byte)'@' or (byte)'\t' or (byte)'\r';
        if (utf8.IndexOfAny(CsvSpecialUtf8) < 0)
        {
            if (prefix)
            {
                w.Raw((byte)'\'');
            }

            w.Raw(utf8);
            return;
        }

        w.Raw((byte)'"');
        if (prefix)
        {
            w.Raw((byte)'\'');
        }

        while (true)
        {
            var quote = utf8.IndexOf((byte)'"');
            if (quote < 0)
            {
                w.Raw(utf8);
                break;
            }

            w.Raw(utf8[..(quote + 1)]);
            w.Raw((byte)'"');
            utf8 = utf8[(quote + 1)..];
        }

        w.Raw((byte)'"');
    }

    /// <summary>A flag text as a flags.json value, from its UTF-8 bytes when the flag keeps them so (the same escaping).</summary>
    private static void WriteJsonText(XmlByteWriter w, FlagTexts texts, int slot)
    {
        if (!texts.TryUtf8(slot, out var utf8, out var present))
        {
            JsonText.String(w, texts.Text(slot));
        }
        else if (present)
        {
            JsonText.String(w, utf8);
        }
        else
        {
            w.Raw("null"u8);
        }
    }

    private static void WriteField(XmlByteWriter w, string? value, bool safe)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        var prefix = safe && CellText.NeedsQuotePrefix(value);
        var span = value.AsSpan();
        if (span.IndexOfAny(CsvSpecial) < 0)
        {
            if (prefix)
            {
                w.Raw((byte)'\'');
            }

            w.Chars(span);
            return;
        }

        w.Raw((byte)'"');
        if (prefix)
        {
            w.Raw((byte)'\'');
        }

        while (true)
        {
            var quote = span.IndexOf('"');
            if (quote < 0)
            {
                w.Chars(span);
                break;
            }

            w.Chars(span[..(quote + 1)]);
            w.Raw((byte)'"');
            span = span[(quote + 1)..];
        }

        w.Raw((byte)'"');
    }

    /// <summary>Writes <see cref="Num"/>(<paramref name="value"/>) to <paramref name="w"/> without allocating.</summary>
    private static void WriteNum(XmlByteWriter w, double? value) => WriteNum(w, value, safe: false);

    /// <summary>As <see cref="WriteNum(XmlByteWriter, double?)"/> for a formula-safe column: a negative number gets the apostrophe.</summary>
    private static void WriteSafeNum(XmlByteWriter w, double? value) => WriteNum(w, value, safe: true);

    private static void WriteNum(XmlByteWriter w, double? value, bool safe)
    {
        if (value is not { } v || !double.IsFinite(v))
        {
            return;
        }

        Span<byte> digits = stackalloc byte[32];
        if (RoundedNumber.TryWrite(v, 4, digits, out var length))
        {
            if (safe && digits[0] == (byte)'-')
            {
                w.Raw((byte)'\'');
            }

            w.Raw(digits[..length]);
            return;
        }

        Span<char> buffer = stackalloc char[64];
        if (!Math.Round(v, 4).TryFormat(buffer, out var n, "0.####", CultureInfo.InvariantCulture))
        {
            WriteField(w, Num(v), safe);
            return;
        }

        if (safe && n > 0 && buffer[0] == '-')
        {
            w.Raw((byte)'\'');
        }

        w.Chars(buffer[..n]);
    }

    private static string? Num(double? value) =>
        value is { } v && double.IsFinite(v) ? Math.Round(v, 4).ToString("0.####", CultureInfo.InvariantCulture) : null;

    private static void Nullable(XmlByteWriter w, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            Rounded(w, v, 4);
        }
        else
        {
            w.Raw("null"u8);
        }
    }

    /// <summary>
    /// Writes Math.Round(<paramref name="value"/>, <paramref name="decimals"/>) as <see cref="Utf8JsonWriter.WriteNumberValue(double)"/>
    /// does, formatted by <see cref="RoundedNumber"/> when it can (the same text, without the shortest round-trip search).
    /// </summary>
    private static void Rounded(XmlByteWriter w, double value, int decimals)
    {
        Span<byte> digits = stackalloc byte[32];
        if (RoundedNumber.TryWrite(value, decimals, digits, out var length))
        {
            w.Raw(digits[..length]);
            return;
        }

        // Rare (no exact short form, or not finite): the framework writer's own text, or its exception.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        using (var json = new Utf8JsonWriter(buffer, FlagsJsonOptions))
        {
            json.WriteNumberValue(Math.Round(value, decimals));
        }

        w.Raw(buffer.WrittenSpan);
    }

    /// <summary>Writes a <see cref="SourceRef"/> as its ToString() text ("file:row") without building the string.</summary>
    private static void WriteSource(XmlByteWriter w, SourceRef? value, ref char[] buffer)
    {
        if (value is not { } source || source.File is null)
        {
            JsonText.String(w, value?.ToString());
            return;
        }

        if (buffer.Length < source.File.Length + 24)
        {
            buffer = new char[source.File.Length + 64];
        }

        source.File.CopyTo(buffer);
        var length = source.File.Length;
        buffer[length++] = ':';
        if (source.Row < 0 || !source.Row.TryFormat(buffer.AsSpan(length), out var digits, default, CultureInfo.InvariantCulture))
        {
            JsonText.String(w, source.ToString());
            return;
        }

        JsonText.String(w, buffer.AsSpan(0, length + digits));
    }
}
