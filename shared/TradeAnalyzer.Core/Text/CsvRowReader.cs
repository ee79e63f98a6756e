using System.Text;

namespace TradeAnalyzer.Core.Text;

/// <summary>
/// Streaming RFC 4180 tokenizer: quoted fields with doubled quotes, embedded delimiters and line breaks, CR, LF or
/// CRLF line ends. Memory is bounded by the longest record (and <see cref="MaxFieldLength"/>), never by the file.
/// Malformed quoting does not throw: the record is returned with <see cref="RecordError"/> set so the caller can
/// reject that row and go on.
/// </summary>
public sealed class CsvRowReader : IDisposable
{
    private readonly TextReader _reader;
    private readonly bool _leaveOpen;
    private readonly char[] _buffer = new char[64 * 1024];
    private readonly StringBuilder _field = new();
    private readonly List<string> _fields = [];
    private int _pos;
    private int _len;
    private long _line = 1;
    private bool _eof;

    public CsvRowReader(TextReader reader, char delimiter = ',', bool leaveOpen = false)
    {
        _reader = reader;
        Delimiter = delimiter;
        _leaveOpen = leaveOpen;
    }

    public char Delimiter { get; set; }

    /// <summary>Longest field accepted, in characters; a longer one makes the record malformed (default 1 MiB).</summary>
    public int MaxFieldLength { get; init; } = 1 << 20;

    /// <summary>Most fields in a record; more makes the record malformed (default 2,000).</summary>
    public int MaxFields { get; init; } = 2_000;

    /// <summary>Physical line number (1-based) where the last record returned started.</summary>
    public long RecordLine { get; private set; }

    /// <summary>Set when the last record was malformed (unbalanced quote, oversize field, too many fields).</summary>
    public string? RecordError { get; private set; }

    /// <summary>Reads the next record; returns false at end of input. Blank lines are returned as a single empty field.</summary>
    public bool TryReadRecord(out IReadOnlyList<string> fields)
    {
        _fields.Clear();
        RecordError = null;
        fields = _fields;
        if (!EnsureData())
        {
            return false;
        }

        RecordLine = _line;
        var inQuotes = false;
        var quotedField = false;
        var afterQuote = false;
        _field.Clear();
        while (true)
        {
            if (_pos >= _len && !EnsureData())
            {
                if (inQuotes)
                {
                    SetError("the file ends inside a quoted field (unbalanced quote)");
                }

                EndField();
                return true;
            }

            var c = _buffer[_pos++];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (_pos >= _len)
                    {
                        EnsureData();
                    }

                    if (_pos < _len && _buffer[_pos] == '"')
                    {
                        _pos++;
                        Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                        afterQuote = true;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        _line++;
                    }
                    else if (c == '\r')
                    {
                        if (_pos >= _len)
                        {
                            EnsureData();
                        }

                        if (!(_pos < _len && _buffer[_pos] == '\n'))
                        {
                            _line++;
                        }
                    }

                    Append(c);
                }

                continue;
            }

            if (c == Delimiter)
            {
                EndField();
                quotedField = false;
                afterQuote = false;
                continue;
            }

            if (c is '\n' or '\r')
            {
                if (c == '\r')
                {
                    if (_pos >= _len)
                    {
                        EnsureData();
                    }

                    if (_pos < _len && _buffer[_pos] == '\n')
                    {
                        _pos++;
                    }
                }

                _line++;
                EndField();
                return true;
            }

            if (c == '"' && _field.Length == 0 && !quotedField)
            {
                inQuotes = true;
                quotedField = true;
                continue;
            }

            if (afterQuote && c is ' ' or '\t')
            {
                continue; // tolerate spaces between a closing quote and the delimiter
            }

            if (afterQuote)
            {
                SetError("text after a closing quote");
            }

            Append(c);
        }
    }

    private void Append(char c)
    {
        if (_field.Length >= MaxFieldLength)
        {
            SetError($"a field is longer than {MaxFieldLength:N0} characters");
            return;
        }

        _field.Append(c);
    }

    private void EndField()
    {
        if (_fields.Count >= MaxFields)
        {
            SetError($"the row has more than {MaxFields:N0} fields");
            _field.Clear();
            return;
        }

        _fields.Add(_field.Length == 0 ? string.Empty : _field.ToString());
        _field.Clear();
    }

    private void SetError(string message) => RecordError ??= message;

    private bool EnsureData()
    {
        if (_pos < _len)
        {
            return true;
        }

        if (_eof)
        {
            return false;
        }

        _len = _reader.Read(_buffer, 0, _buffer.Length);
        _pos = 0;
        if (_len <= 0)
        {
            _len = 0;
            _eof = true;
            return false;
        }

        return true;
    }

    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _reader.Dispose();
        }
    }

    /// <summary>Escapes one field for writing: quoted when it holds the delimiter, a quote or a line break.</summary>
    public static string Escape(string? value, char delimiter = ',')
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value.AsSpan().IndexOfAny(['"', '\r', '\n', delimiter]) < 0)
        {
            return value;
        }

        return "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
