using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// Fast streaming RFC 4180 reader over a decoded text stream: quoted fields with doubled quotes, delimiters and line
/// breaks inside quotes, CR/LF/CRLF line ends. Fields are spans into one reused buffer (vectorised delimiter search).
/// Memory is bounded by the longest row; rows over the limits are skipped with a <see cref="RowError"/>.
/// </summary>
internal sealed class CsvTabularSource : TabularSource
{
    private const int MaxRecordChars = 16 << 20;

    private readonly TextReader _reader;
    private readonly char _delim;
    private readonly int _maxField;
    private readonly int _maxFields;
    private readonly SearchValues<char> _stops;
    private char[] _buf = new char[256 * 1024];
    private int _pos;
    private int _len;
    private bool _eof;
    // Where each field of the current row starts: in _buf, or (as the complement, ~start) in _scratch for a quoted field
    // with doubled quotes, which was copied there unescaped. One array instead of a flag per field.
    private int[] _starts = new int[64];
    private int[] _lengths = new int[64];

    // Fields a row can add by the inlined path of AddField: within the arrays and the column limit.
    private int _fastFields;
    private char[] _scratch = new char[1024];
    private int _scratchLen;
    private int _count;
    private long _line = 1;
    private long _rowNumber;
    private string? _error;
    private int _rowStart;
    private int _rowEnd;

    // False while no NUL character was read into _buf since it was last emptied: then no row in it can contain one, and
    // the per-row scan for NULs is skipped.
    private bool _mayHoldNul;

    // Where the delimiters and line breaks are in 64 characters of the buffer from _maskBase (bit i: _buf[_maskBase + i]);
    // forgotten whenever the buffer's content moves or grows.
    private int _maskBase = -(1 << 30);
    private ulong _mask;

    // The quotes and the line breaks among the same 64 characters (for NextQuote).
    private ulong _quotes;
    private ulong _breaks;

    private CsvTabularSource(TextReader reader, char delimiter, string detected, TabularSourceOptions options)
    {
        _reader = reader;
        _delim = delimiter;
        Detected = detected;
        _maxField = options.MaxFieldLength;
        _maxFields = options.MaxFields;
        _fastFields = Math.Min(_maxFields, _starts.Length);
        _stops = SearchValues.Create([delimiter, '\r', '\n']);
        DecimalHint = delimiter == ';' ? DecimalStyle.Comma : DecimalStyle.Auto;
    }

    public override int FieldCount => _count;

    public override long RowNumber => _rowNumber;

    public override string? RowError => _error;

    public override string Detected { get; }

    public override DecimalStyle DecimalHint { get; }

    public static CsvTabularSource Open(byte[] head, int headLength, Stream rest, TabularSourceOptions options)
    {
        var sample = head.AsSpan(0, headLength);
        var (encoding, name) = TextEncodingDetector.Detect(sample, headLength < head.Length);
        var text = encoding.GetString(sample[..Math.Min(sample.Length, 16 * 1024)]);
        var delimiter = TextEncodingDetector.DetectDelimiter(text.AsSpan().TrimStart('\uFEFF'));
        var reader = new StreamReader(new PrefixedReadStream(head, headLength, rest), encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
        var shown = delimiter == '\t' ? "tab" : string.Create(CultureInfo.InvariantCulture, $"'{delimiter}'");
        return new CsvTabularSource(reader, delimiter, $"{name}, {shown}", options);
    }

    public static CsvTabularSource FromText(TextReader reader, char delimiter, TabularSourceOptions? options = null) =>
        new(reader, delimiter, "text", options ?? new TabularSourceOptions());

    public override ReadOnlySpan<char> GetSpan(int index)
    {
        if ((uint)index >= (uint)_count)
        {
            return [];
        }

        var start = _starts[index];
        return start < 0 ? _scratch.AsSpan(~start, _lengths[index]) : _buf.AsSpan(start, _lengths[index]);
    }

    public override bool Read()
    {
        while (true)
        {
            if (_pos >= _len && !Fill())
            {
                return false;
            }

            var result = ParseRecord(out var end, out var newlines);
            if (result == Parse.Incomplete)
            {
                if (!MakeRoom())
                {
                    SkipOversizeRecord();
                    return true;
                }

                continue;
            }

            _rowNumber = _line;
            _line += 1 + newlines;
            var start = _pos;
            _pos = end;
            _rowStart = start;
            _rowEnd = end;
            if (_count == 1 && _lengths[0] == 0 && _error is null && _starts[0] >= 0 && (start >= end || _buf[start] != '"'))
            {
                continue; // blank line
            }

            if (_mayHoldNul && _error is null && _buf.AsSpan(start, end - start).Contains('\0'))
            {
                _error = "the row contains NUL characters (binary data or a wrong encoding)";
            }

            return true;
        }
    }

    /// <summary>
    /// Copies the current row into <paramref name="batch"/> with one block copy (the row's text, then its unescaped
    /// cells) and writes the cells' places from field slot <paramref name="field"/> on; returns the next free slot.
    /// </summary>
    internal int CopyRow(RowBatch batch, int field)
    {
        var rowLength = _rowEnd - _rowStart;
        var at = batch.Reserve(rowLength + _scratchLen);
        var chars = batch.Chars;
        _buf.AsSpan(_rowStart, rowLength).CopyTo(chars.AsSpan(at));
        _scratch.AsSpan(0, _scratchLen).CopyTo(chars.AsSpan(at + rowLength));
        var count = _count;
        var inRow = at - _rowStart;
        _lengths.AsSpan(0, count).CopyTo(batch.Lengths.AsSpan(field));
        var from = _starts.AsSpan(0, count);
        var to = batch.Starts.AsSpan(field, count);
        if (_scratchLen == 0)
        {
            // No field in the scratch buffer (nearly every row): every start moves by the same offset.
            Shift(from, to, inRow);
        }
        else
        {
            var inScratch = at + rowLength;
            for (var i = 0; i < from.Length; i++)
            {
                var s = from[i];
                to[i] = s < 0 ? ~s + inScratch : s + inRow;
            }
        }

        return field + count;
    }

    // to[i] = from[i] + offset, eight at a time.
    private static void Shift(ReadOnlySpan<int> from, Span<int> to, int offset)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var add = Vector256.Create(offset);
            ref var src = ref MemoryMarshal.GetReference(from);
            ref var dst = ref MemoryMarshal.GetReference(to);
            for (; i + 8 <= from.Length; i += 8)
            {
                (Vector256.LoadUnsafe(ref src, (nuint)i) + add).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        for (; i < from.Length; i++)
        {
            to[i] = from[i] + offset;
        }
    }

    private enum Parse
    {
        Complete,
        Incomplete,
    }

    private Parse ParseRecord(out int end, out int newlines)
    {
        _count = 0;
        _scratchLen = 0;
        _error = null;
        newlines = 0;
        end = _pos;
        var buf = _buf;
        var p = _pos;
        while (true)
        {
            if (p >= _len)
            {
                if (!_eof)
                {
                    return Parse.Incomplete;
                }

                AddField(p, 0);
                end = p;
                return Parse.Complete;
            }

            if (buf[p] == '"')
            {
                var q = p + 1;
                var escaped = false;
                var closed = false;
                var broken = false;
                while (true)
                {
                    var at = NextQuote(q, ref broken);
                    if (at < 0)
                    {
                        if (!_eof)
                        {
                            return Parse.Incomplete;
                        }

                        q = _len;
                        broken = true;
                        break;
                    }

                    q = at;
                    if (q + 1 >= _len && !_eof)
                    {
                        return Parse.Incomplete;
                    }

                    if (q + 1 < _len && buf[q + 1] == '"')
                    {
                        escaped = true;
                        q += 2;
                        continue;
                    }

                    closed = true;
                    break;
                }

                var content = buf.AsSpan(p + 1, q - p - 1);
                if (broken)
                {
                    // a line break may be inside the quotes (NextQuote saw one, or did not look): count them
                    var nl = content.Count('\n');
                    newlines += nl > 0 ? nl : content.Count('\r');
                }

                if (escaped)
                {
                    AddUnescaped(content);
                }
                else
                {
                    AddField(p + 1, q - p - 1);
                }

                if (!closed)
                {
                    SetError("the file ends inside a quoted field (unbalanced quote)");
                    end = _len;
                    return Parse.Complete;
                }

                p = q + 1;
                while (p < _len && buf[p] is ' ' or '\t' && buf[p] != _delim)
                {
                    p++;
                }

                if (p < _len && buf[p] != _delim && buf[p] is not ('\r' or '\n'))
                {
                    SetError("text after a closing quote (unbalanced or stray quote)");
                    var rel2 = buf.AsSpan(p, _len - p).IndexOfAny(_stops);
                    if (rel2 < 0)
                    {
                        if (!_eof)
                        {
                            return Parse.Incomplete;
                        }

                        end = _len;
                        return Parse.Complete;
                    }

                    p += rel2;
                }

                if (p >= _len)
                {
                    if (!_eof)
                    {
                        return Parse.Incomplete;
                    }

                    end = p;
                    return Parse.Complete;
                }

                if (buf[p] == _delim)
                {
                    p++;
                    continue;
                }

                return EndOfLine(p, out end);
            }

            var r = NextStop(p);
            if (r < 0)
            {
                if (!_eof)
                {
                    return Parse.Incomplete;
                }

                AddField(p, _len - p);
                end = _len;
                return Parse.Complete;
            }

            AddField(p, r);
            p += r;
            if (buf[p] == _delim)
            {
                p++;
                continue;
            }

            return EndOfLine(p, out end);
        }
    }

    // The offset from p of the next delimiter or line break before _len, or -1: what IndexOfAny(_stops) gives, found
    // through a bit mask of 64 characters at a time (one vector pass, then a bit scan per field) instead of one
    // vectorised search per field, most of which are a few characters long.
    private int NextStop(int p)
    {
        var off = p - _maskBase;
        if ((uint)off >= 64)
        {
            if (!LoadMask(p))
            {
                return _buf.AsSpan(p, _len - p).IndexOfAny(_stops);
            }

            off = 0;
        }

        while (true)
        {
            var m = _mask >> off;
            if (m != 0)
            {
                return (_maskBase - p) + off + BitOperations.TrailingZeroCount(m);
            }

            var next = _maskBase + 64;
            if (!LoadMask(next))
            {
                var r = _buf.AsSpan(next, _len - next).IndexOfAny(_stops);
                return r < 0 ? -1 : (next - p) + r;
            }

            off = 0;
        }
    }

    // The place of the next quote at or after q before _len, or -1: what IndexOf('"') gives, through the same masks as
    // NextStop (the quoted fields of these files are short, and there are a few in most rows: one vectorised search
    // and two counts of line breaks per field before). Sets broken when it passed a line break, or did not look.
    private int NextQuote(int q, ref bool broken)
    {
        var off = q - _maskBase;
        if ((uint)off >= 64)
        {
            if (!LoadMask(q))
            {
                broken = true;
                var rel = _buf.AsSpan(q, _len - q).IndexOf('"');
                return rel < 0 ? -1 : q + rel;
            }

            off = 0;
        }

        while (true)
        {
            var m = _quotes >> off;
            var breaks = _breaks >> off;
            if (m != 0)
            {
                var tz = BitOperations.TrailingZeroCount(m);
                if ((breaks & ((1UL << tz) - 1)) != 0)
                {
                    broken = true;
                }

                return _maskBase + off + tz;
            }

            if (breaks != 0)
            {
                broken = true;
            }

            var next = _maskBase + 64;
            if (!LoadMask(next))
            {
                broken = true;
                var rel = _buf.AsSpan(next, _len - next).IndexOf('"');
                return rel < 0 ? -1 : next + rel;
            }

            off = 0;
        }
    }

    // The mask of the 64 characters from start; false when fewer than 64 are in the buffer or vectors are not fast.
    private bool LoadMask(int start)
    {
        if (!Vector256.IsHardwareAccelerated || _len - start < 64)
        {
            return false;
        }

        ref var chars = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetArrayDataReference(_buf));
        var delim = Vector256.Create((ushort)_delim);
        var cr = Vector256.Create((ushort)'\r');
        var lf = Vector256.Create((ushort)'\n');
        var quote = Vector256.Create((ushort)'"');
        var mask = 0UL;
        var quotes = 0UL;
        var breaks = 0UL;
        for (var k = 0; k < 4; k++)
        {
            var v = Vector256.LoadUnsafe(ref chars, (nuint)(start + (k * 16)));
            var lineBreaks = Vector256.Equals(v, cr) | Vector256.Equals(v, lf);
            mask |= (ulong)(lineBreaks | Vector256.Equals(v, delim)).ExtractMostSignificantBits() << (k * 16);
            breaks |= (ulong)lineBreaks.ExtractMostSignificantBits() << (k * 16);
            quotes |= (ulong)Vector256.Equals(v, quote).ExtractMostSignificantBits() << (k * 16);
        }

        _mask = mask;
        _quotes = quotes;
        _breaks = breaks;
        _maskBase = start;
        return true;
    }

    private Parse EndOfLine(int p, out int end)
    {
        end = p;
        if (_buf[p] == '\r')
        {
            if (p + 1 >= _len && !_eof)
            {
                return Parse.Incomplete;
            }

            if (p + 1 < _len && _buf[p + 1] == '\n')
            {
                p++;
            }
        }

        end = p + 1;
        return Parse.Complete;
    }

    // A field of the row (start in _buf, or ~start in _scratch): the common case inlined into the tokenizer's loop.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddField(int start, int length)
    {
        var count = _count;
        var starts = _starts;
        var lengths = _lengths;
        if ((uint)count < (uint)_fastFields && length <= _maxField && (uint)count < (uint)starts.Length && (uint)count < (uint)lengths.Length)
        {
            starts[count] = start;
            lengths[count] = length;
            _count = count + 1;
            return;
        }

        AddFieldChecked(start, length);
    }

    // A field past the arrays or over a limit: grows the arrays, or records the row's error.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AddFieldChecked(int start, int length)
    {
        if (_count >= _maxFields)
        {
            SetError(string.Create(CultureInfo.InvariantCulture, $"the row has more than {_maxFields:N0} columns"));
            return;
        }

        if (length > _maxField)
        {
            SetError(string.Create(CultureInfo.InvariantCulture, $"a field is longer than {_maxField:N0} characters"));
            length = 0;
        }

        if (_count == _starts.Length)
        {
            Array.Resize(ref _starts, _count * 2);
            Array.Resize(ref _lengths, _count * 2);
            _fastFields = Math.Min(_maxFields, _starts.Length);
        }

        _starts[_count] = start;
        _lengths[_count] = length;
        _count++;
    }

    private void AddUnescaped(ReadOnlySpan<char> content)
    {
        if (_scratchLen + content.Length > _scratch.Length)
        {
            Array.Resize(ref _scratch, Math.Max(_scratch.Length * 2, _scratchLen + content.Length));
        }

        var start = _scratchLen;
        var i = 0;
        while (i < content.Length)
        {
            var c = content[i];
            _scratch[_scratchLen++] = c;
            i += c == '"' && i + 1 < content.Length && content[i + 1] == '"' ? 2 : 1;
        }

        AddField(~start, _scratchLen - start);
    }

    // Notes whether the characters just read into _buf at [start, start + count) hold a NUL (one scan per read
    // instead of one per row).
    private void Took(int start, int count)
    {
        if (!_mayHoldNul && _buf.AsSpan(start, count).Contains('\0'))
        {
            _mayHoldNul = true;
        }
    }

    private void SetError(string message) => _error ??= message;

    private bool Fill()
    {
        _maskBase = -(1 << 30);
        if (_eof)
        {
            return false;
        }

        if (_pos >= _len)
        {
            _pos = 0;
            _len = 0;
            _mayHoldNul = false;
        }

        var n = _reader.Read(_buf, _len, _buf.Length - _len);
        if (n <= 0)
        {
            _eof = true;
            return _pos < _len;
        }

        Took(_len, n);
        _len += n;
        return true;
    }

    // Moves the partial record to the front of the buffer (growing it when the record fills it) and reads more.
    private bool MakeRoom()
    {
        _maskBase = -(1 << 30);
        if (_pos > 0)
        {
            Array.Copy(_buf, _pos, _buf, 0, _len - _pos);
            _len -= _pos;
            _pos = 0;
        }
        else if (_len == _buf.Length)
        {
            if (_buf.Length >= MaxRecordChars)
            {
                return false;
            }

            Array.Resize(ref _buf, _buf.Length * 2);
        }

        var n = _reader.Read(_buf, _len, _buf.Length - _len);
        if (n <= 0)
        {
            _eof = true;
        }
        else
        {
            Took(_len, n);
            _len += n;
        }

        return true;
    }

    // A record longer than the buffer cap: consume it (tracking quotes) and report it as one malformed row.
    private void SkipOversizeRecord()
    {
        _maskBase = -(1 << 30);
        _rowNumber = _line;
        var inQuotes = false;
        while (true)
        {
            while (_pos < _len)
            {
                var c = _buf[_pos++];
                if (c == '"')
                {
                    inQuotes = !inQuotes;
                }
                else if (c == '\n')
                {
                    _line++;
                    if (!inQuotes)
                    {
                        goto done;
                    }
                }
            }

            _pos = 0;
            _len = _reader.Read(_buf, 0, _buf.Length);
            _mayHoldNul = true; // not scanned: the rows after this one check for NULs themselves
            if (_len <= 0)
            {
                _len = 0;
                _eof = true;
                break;
            }
        }

    done:
        _count = 0;
        _scratchLen = 0;
        _rowStart = _rowEnd = 0;
        _error = string.Create(CultureInfo.InvariantCulture, $"the row is longer than {MaxRecordChars:N0} characters");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader.Dispose();
        }

        base.Dispose(disposing);
    }
}
