using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Ingestion;

/// <summary>Limits and hints for opening a <see cref="TabularSource"/>.</summary>
public sealed record TabularSourceOptions
{
    /// <summary>Longest cell accepted, in characters; a longer one makes the row malformed.</summary>
    public int MaxFieldLength { get; init; } = 100_000;

    /// <summary>Most cells in a row; more makes the row malformed.</summary>
    public int MaxFields { get; init; } = 2_000;

    /// <summary>XLSX: the most uncompressed bytes a workbook may expand to.</summary>
    public long MaxUncompressedBytes { get; init; } = 4L << 30;

    /// <summary>XLSX: the highest compression ratio accepted for an entry larger than <see cref="MinBytesForRatioCheck"/>.</summary>
    public double MaxCompressionRatio { get; init; } = 100;

    /// <summary>XLSX: entries smaller than this are not ratio-checked (tiny XML parts compress very well).</summary>
    public long MinBytesForRatioCheck { get; init; } = 1L << 20;

    /// <summary>XLSX: pick the sheet named after this kind when there is one.</summary>
    public FileKind? Kind { get; init; }

    /// <summary>Reads workbooks' rows with <see cref="System.Xml.XmlReader"/> instead of the UTF-8 scanner (tests compare the two).</summary>
    internal bool XlsxWithXmlReader { get; init; }

    /// <summary>
    /// XLSX: a shared-strings part of at least this many bytes (uncompressed) is read on a thread of its own, beside the
    /// sheet, instead of before it (tests lower it to read small workbooks both ways).
    /// </summary>
    internal long SharedStringsInBackgroundMinBytes { get; init; } = 1L << 20;
}

/// <summary>
/// A file read as rows of string cells, whether CSV (any supported encoding and delimiter) or XLSX. Rows are read one at
/// a time; cells are exposed as spans into a reused buffer, so reading allocates only the strings the caller asks for.
/// Malformed rows do not throw: <see cref="RowError"/> says what was wrong and the caller rejects the row.
/// </summary>
public abstract class TabularSource : IDisposable
{
    /// <summary>Moves to the next non-blank row; false at the end of the input.</summary>
    public abstract bool Read();

    /// <summary>Number of cells in the current row.</summary>
    public abstract int FieldCount { get; }

    /// <summary>The text of cell <paramref name="index"/> (empty beyond the last cell). Valid until the next <see cref="Read"/>.</summary>
    public abstract ReadOnlySpan<char> GetSpan(int index);

    /// <summary>The text of cell <paramref name="index"/> as a string.</summary>
    public string GetString(int index)
    {
        var s = GetSpan(index);
        return s.IsEmpty ? string.Empty : new string(s);
    }

    /// <summary>All cells of the current row as strings.</summary>
    public string[] GetStrings()
    {
        var a = new string[FieldCount];
        for (var i = 0; i < a.Length; i++)
        {
            a[i] = GetString(i);
        }

        return a;
    }

    /// <summary>Row number of the current row: the physical line where it starts (CSV, header = 1) or the sheet row (XLSX).</summary>
    public abstract long RowNumber { get; }

    /// <summary>Why the current row is malformed, or null.</summary>
    public abstract string? RowError { get; }

    /// <summary>What was detected, e.g. "utf-8, ';'" or "xlsx, sheet 'Pedimentos'".</summary>
    public abstract string Detected { get; }

    /// <summary>The decimal convention numbers written as text most likely follow (decimal comma for ';' files).</summary>
    public abstract DecimalStyle DecimalHint { get; }

    /// <summary>
    /// Opens <paramref name="stream"/> as CSV or XLSX, sniffing the first bytes. Throws <see cref="InvalidDataException"/>
    /// with a message for the user when the file cannot be read at all (not a workbook, encrypted, zip bomb, DTD).
    /// </summary>
    public static TabularSource Open(Stream stream, string displayName, TabularSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= new TabularSourceOptions();
        var head = new byte[64 * 1024];
        var n = 0;
        while (n < head.Length)
        {
            var r = stream.Read(head, n, head.Length - n);
            if (r <= 0)
            {
                break;
            }

            n += r;
        }

        var sample = head.AsSpan(0, n);
        var named = displayName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) ||
            displayName.EndsWith(".xlsm", StringComparison.OrdinalIgnoreCase) ||
            displayName.EndsWith(".xls", StringComparison.OrdinalIgnoreCase);
        if (sample.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0]))
        {
            throw new InvalidDataException(
                "the file is an encrypted (password-protected) workbook or an old .xls file; remove the password and save it as .xlsx");
        }

        if (sample.StartsWith("PK\u0003\u0004"u8))
        {
            return XlsxTabularSource.Open(new PrefixedReadStream(head, n, stream), options);
        }

        if (named)
        {
            throw new InvalidDataException($"the file is named {Path.GetExtension(displayName)} but is not a workbook (not a zip package)");
        }

        return CsvTabularSource.Open(head, n, stream, options);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the underlying reader.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
