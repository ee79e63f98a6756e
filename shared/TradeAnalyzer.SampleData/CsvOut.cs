using System.Globalization;
using System.Text;

namespace TradeAnalyzer.SampleData;

/// <summary>
/// Minimal allocation-free CSV writer: fields are appended to a buffered <see cref="StreamWriter"/>, numbers formatted
/// with <see cref="CultureInfo.InvariantCulture"/> into a stack buffer, RFC 4180 quoting when needed, LF line ends.
/// </summary>
internal sealed class CsvOut : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly char _delimiter;
    private bool _first = true;

    public CsvOut(string path, char delimiter = ',', Encoding? encoding = null)
    {
        _delimiter = delimiter;
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        _writer = new StreamWriter(stream, encoding ?? new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
    }

    public long Rows { get; private set; }

    public void Header(string header)
    {
        _writer.Write(header);
        _writer.Write('\n');
    }

    public CsvOut Field(string? value)
    {
        Separator();
        if (string.IsNullOrEmpty(value))
        {
            return this;
        }

        if (value.AsSpan().IndexOfAny(['"', '\n', '\r', _delimiter]) < 0)
        {
            _writer.Write(value);
            return this;
        }

        _writer.Write('"');
        foreach (var c in value)
        {
            if (c == '"')
            {
                _writer.Write('"');
            }

            _writer.Write(c);
        }

        _writer.Write('"');
        return this;
    }

    public CsvOut Number(double value, string format = "F2")
    {
        Separator();
        Span<char> buffer = stackalloc char[48];
        if (value.TryFormat(buffer, out var written, format, CultureInfo.InvariantCulture))
        {
            _writer.Write(buffer[..written]);
        }

        return this;
    }

    public CsvOut Integer(long value)
    {
        Separator();
        Span<char> buffer = stackalloc char[24];
        if (value.TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture))
        {
            _writer.Write(buffer[..written]);
        }

        return this;
    }

    public CsvOut Date(DateOnly value)
    {
        Separator();
        Span<char> buffer = stackalloc char[16];
        if (value.TryFormat(buffer, out var written, "yyyy-MM-dd", CultureInfo.InvariantCulture))
        {
            _writer.Write(buffer[..written]);
        }

        return this;
    }

    /// <summary>Writes a field verbatim (the caller guarantees it needs no quoting or quoted it already).</summary>
    public CsvOut Raw(string value)
    {
        Separator();
        _writer.Write(value);
        return this;
    }

    public void EndRow()
    {
        _writer.Write('\n');
        _first = true;
        Rows++;
    }

    public void Dispose() => _writer.Dispose();

    private void Separator()
    {
        if (_first)
        {
            _first = false;
        }
        else
        {
            _writer.Write(_delimiter);
        }
    }
}
