using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Xml;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// A forward-only pull scanner over an XML part's UTF-8 bytes, for the parts of a workbook that hold its rows (the
/// worksheet and the shared strings), where <see cref="XmlReader"/> spent ~90% of a large XLSX read. It returns start
/// and end tags with their local names and attributes; text and CDATA are decoded (the five predefined entities,
/// character references, line ends normalised as XML does) into a caller-owned capture buffer while
/// <see cref="Capturing"/> is set, and skipped otherwise; comments and processing instructions are skipped. What it
/// refuses with an <see cref="XmlException"/>: a DTD, an undeclared entity, a character XML forbids in captured text,
/// an end tag that does not close the open element, a document that ends inside an element, and a tag or text run
/// longer than <see cref="MaxTokenBytes"/>. Only UTF-8 parts are scanned: <see cref="IsUtf8"/> tells the caller to
/// use <see cref="XmlReader"/> for the rest. Names are matched by their local part, as the XmlReader path did; unlike
/// XmlReader it does not check that a prefix was declared, nor that names are valid XML names, nor duplicate
/// attributes (the first counts): such a part is read, where XmlReader would refuse it.
/// </summary>
internal sealed class Utf8XmlScanner : IDisposable
{
    /// <summary>The longest tag, text run, comment or CDATA section accepted (a worksheet's are a few dozen bytes).</summary>
    internal const int MaxTokenBytes = 64 << 20;

    private static readonly SearchValues<byte> TextSpecials = SearchValues.Create(
        [(byte)'&', 0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);

    private readonly Stream _input;
    private byte[] _buf;
    private int _pos;
    private int _end;
    private bool _eof;

    // Open elements' qualified names, for the end-tag check.
    private byte[] _names = new byte[256];
    private int[] _nameEnds = new int[32];
    private int _depth;

    // The current start tag: its local name and attributes (offsets into _buf, valid until the next Next()).
    private int _nameStart;
    private int _nameLength;
    private int _localStart;
    private int[] _attrs = new int[32]; // per attribute: name start, name end, value start, value end
    private int _attrCount;

    /// <summary>Where decoded text goes while <see cref="Capturing"/> is set.</summary>
    internal char[] Chars = new char[4096];

    /// <summary>How many chars of <see cref="Chars"/> are in use.</summary>
    internal int CharCount;

    /// <summary>Captured chars past this count are dropped (the caller reports the field as too long).</summary>
    internal int CaptureLimit = int.MaxValue;

    internal Utf8XmlScanner(Stream input, int bufferSize = 1 << 20)
    {
        _input = input;
        _buf = new byte[bufferSize];
    }

    /// <summary>Grows <see cref="Chars"/> to hold at least <paramref name="count"/> chars.</summary>
    internal void EnsureChars(int count)
    {
        if (count > Chars.Length)
        {
            Array.Resize(ref Chars, Math.Max(count, Chars.Length * 2));
        }
    }

    /// <summary>True while text is decoded into <see cref="Chars"/>.</summary>
    internal bool Capturing { get; set; }

    /// <summary>The element of the last start tag is empty (<c>&lt;c/&gt;</c>): no end tag follows.</summary>
    internal bool IsEmptyElement { get; private set; }

    /// <summary>The depth of the element of the last start or end tag (the root is 1).</summary>
    internal int Depth { get; private set; }

    internal ReadOnlySpan<byte> LocalName => _buf.AsSpan(_localStart, _nameStart + _nameLength - _localStart);

    /// <summary>
    /// Reads the first bytes and tells whether the part is UTF-8 (no UTF-16 byte-order mark, no other encoding
    /// declared). A UTF-8 byte-order mark is skipped. Call once, before <see cref="Next"/>.
    /// </summary>
    internal bool IsUtf8()
    {
        while (_end - _pos < 256 && Fill())
        {
        }

        var head = _buf.AsSpan(_pos, _end - _pos);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            _pos += 3;
            head = head[3..];
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ||
            (head.Length >= 2 && (head[0] == 0 || head[1] == 0)))
        {
            return false;
        }

        if (!head.StartsWith("<?xml"u8))
        {
            return true;
        }

        var close = head.IndexOf("?>"u8);
        var decl = close < 0 ? head : head[..close];
        var at = decl.IndexOf("encoding"u8);
        if (at < 0)
        {
            return true;
        }

        var rest = decl[(at + 8)..].TrimStart(" \t\r\n="u8).TrimStart(" \t\r\n"u8);
        if (rest.IsEmpty || (rest[0] != '"' && rest[0] != '\''))
        {
            return false;
        }

        var q = rest[0];
        rest = rest[1..];
        var endQ = rest.IndexOf(q);
        var name = endQ < 0 ? rest : rest[..endQ];
        return Ascii.EqualsIgnoreCase(name, "utf-8"u8) || Ascii.EqualsIgnoreCase(name, "utf8"u8);
    }

    /// <summary>
    /// Advances to the next start or end tag (true), decoding or skipping the text before it; false at the end of
    /// the document.
    /// </summary>
    internal bool Next(out bool isStart)
    {
        while (true)
        {
            if (_pos >= _end && !Fill())
            {
                if (_depth > 0)
                {
                    throw new XmlException("Unexpected end of file: an element is not closed.");
                }

                isStart = false;
                return false;
            }

            var span = _buf.AsSpan(_pos, _end - _pos);
            var lt = FindLt(span);
            if (lt != 0)
            {
                if (lt < 0)
                {
                    // The text runs past the buffer: keep it whole (entities and characters never split).
                    if (!Fill())
                    {
                        Text(_buf.AsSpan(_pos, _end - _pos));
                        _pos = _end;
                    }

                    continue;
                }

                Text(span[..lt]);
                _pos += lt;
            }

            if (_pos + 1 >= _end && !Fill())
            {
                throw new XmlException("Unexpected end of file inside a tag.");
            }

            var c = _buf[_pos + 1];
            if (c == '/')
            {
                EndTag();
                isStart = false;
                return true;
            }

            if (c == '?')
            {
                Skip(2, "?>"u8);
                continue;
            }

            if (c == '!')
            {
                Bang();
                continue;
            }

            StartTag();
            isStart = true;
            return true;
        }
    }

    // The first '<': a byte loop over the short runs between a worksheet's tags, a vector search past 32 bytes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FindLt(ReadOnlySpan<byte> span)
    {
        var n = Math.Min(span.Length, 32);
        for (var i = 0; i < n; i++)
        {
            if (span[i] == '<')
            {
                return i;
            }
        }

        if (n == span.Length)
        {
            return -1;
        }

        var k = span[n..].IndexOf((byte)'<');
        return k < 0 ? -1 : n + k;
    }

    /// <summary>The raw value of the attribute with this qualified name, or false.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool TryGetAttribute(ReadOnlySpan<byte> name, out ReadOnlySpan<byte> raw)
    {
        var a = _attrs;
        var buf = _buf;
        for (var i = 0; i < _attrCount * 4; i += 4)
        {
            var len = a[i + 1] - a[i];
            if (len == name.Length && buf[a[i]] == name[0] && (len == 1 || buf.AsSpan(a[i], len).SequenceEqual(name)))
            {
                raw = _buf.AsSpan(a[i + 2], a[i + 3] - a[i + 2]);
                return true;
            }
        }

        raw = default;
        return false;
    }

    /// <summary>
    /// An attribute's value as XML reads it: entities replaced, tabs and line ends as spaces. Writes into
    /// <paramref name="dest"/> and returns the count, or -1 when it does not fit.
    /// </summary>
    internal static int DecodeAttribute(ReadOnlySpan<byte> raw, Span<char> dest)
    {
        if (raw.Length <= dest.Length)
        {
            // Printable ASCII without entities (every attribute of a worksheet's rows): copied as it is.
            var i = 0;
            for (; i < raw.Length; i++)
            {
                var b = raw[i];
                if (b is < 0x20 or >= 0x7F or (byte)'&')
                {
                    break;
                }

                dest[i] = (char)b;
            }

            if (i == raw.Length)
            {
                return i;
            }
        }

        var chars = new char[raw.Length + 1];
        var count = DecodeText(raw, chars, 0, int.MaxValue, attribute: true);
        if (count > dest.Length)
        {
            return -1;
        }

        chars.AsSpan(0, count).CopyTo(dest);
        return count;
    }

    public void Dispose() => _input.Dispose();

    /// <summary>
    /// Right after the start tag of an unprefixed element <c>c</c>: when what follows is exactly
    /// <c>&lt;v&gt;text&lt;/v&gt;&lt;/c&gt;</c> (a worksheet's usual cell), decodes the text into <see cref="Chars"/>
    /// (at most <paramref name="limit"/> chars), closes the cell and returns true: the three tags cost one look
    /// instead of three tokens. Otherwise (another shape, a prefix, white space, the buffer's end) changes nothing and
    /// returns false.
    /// </summary>
    internal bool TryReadValueCell(int limit, out int start, out int length)
    {
        start = CharCount;
        length = 0;
        var buf = _buf;
        var p = _pos;
        var end = _end;
        if (_depth == 0 || end - p < 11 || buf[p] != '<' || buf[p + 1] != 'v' || buf[p + 2] != '>')
        {
            return false;
        }

        var top = _depth == 1 ? 0 : _nameEnds[_depth - 2];
        if (_nameEnds[_depth - 1] - top != 1 || _names[top] != 'c')
        {
            return false;
        }

        var t = p + 3;
        var lt = t;
        while (lt < end && buf[lt] != '<')
        {
            lt++;
        }

        if (end - lt < 8 || buf[lt + 1] != '/' || buf[lt + 2] != 'v' || buf[lt + 3] != '>' || buf[lt + 4] != '<' ||
            buf[lt + 5] != '/' || buf[lt + 6] != 'c' || buf[lt + 7] != '>')
        {
            return false;
        }

        Capture(buf.AsSpan(t, lt - t), start + limit);

        length = CharCount - start;
        _pos = lt + 8;
        Depth = _depth--;
        IsEmptyElement = false;
        return true;
    }

    // Text between tags: decoded into Chars while capturing, skipped otherwise.
    private void Text(ReadOnlySpan<byte> raw)
    {
        if (Capturing)
        {
            Capture(raw, CaptureLimit);
        }
    }

    // Decodes raw text onto the end of Chars, keeping at most `limit` chars in all.
    private void Capture(ReadOnlySpan<byte> raw, int limit)
    {
        var room = limit - CharCount;
        if (raw.IsEmpty || room <= 0)
        {
            return;
        }

        if (room <= 0)
        {
            return;
        }

        if (raw.Length > ((long)room * 4) + 16)
        {
            // More than the room in any case: decode a prefix that still overflows it, cut where no entity or
            // character is split.
            var cut = (room * 4) + 16;
            var amp = raw[Math.Max(0, cut - 12)..cut].LastIndexOf((byte)'&');
            if (amp >= 0 && !raw[(Math.Max(0, cut - 12) + amp)..cut].Contains((byte)';'))
            {
                cut = Math.Max(0, cut - 12) + amp;
            }

            raw = raw[..Utf8Boundary(raw, cut)];
        }

        EnsureChars(CharCount + raw.Length);
        CharCount = DecodeText(raw, Chars, CharCount, limit, attribute: false);
    }

    private static int Utf8Boundary(ReadOnlySpan<byte> raw, int cut)
    {
        while (cut > 0 && (raw[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return cut;
    }

    // Decodes UTF-8 text with XML's entities and line-end rules into chars[at..]; returns the new count (at most limit).
    private static int DecodeText(ReadOnlySpan<byte> raw, char[] chars, int at, int limit, bool attribute)
    {
        if (raw.Length <= 64)
        {
            // Short printable ASCII (numbers, codes): widened in a loop; anything else goes the general way.
            var i = 0;
            for (; i < raw.Length; i++)
            {
                var b = raw[i];
                if (b is < 0x20 or >= 0x7F or (byte)'&')
                {
                    break;
                }

                chars[at + i] = (char)b;
            }

            if (i == raw.Length)
            {
                return Math.Min(at + i, limit);
            }
        }

        while (!raw.IsEmpty)
        {
            var special = raw.IndexOfAny(TextSpecials);
            var plain = special < 0 ? raw : raw[..special];
            if (!plain.IsEmpty)
            {
                var n = Encoding.UTF8.GetChars(plain, chars.AsSpan(at));
                if (attribute)
                {
                    chars.AsSpan(at, n).Replace('\t', ' ');
                    chars.AsSpan(at, n).Replace('\n', ' ');
                }

                at += n;
            }

            if (special < 0)
            {
                break;
            }

            var b = raw[special];
            raw = raw[(special + 1)..];
            if (b == '\r')
            {
                chars[at++] = attribute ? ' ' : '\n';
                if (!raw.IsEmpty && raw[0] == '\n')
                {
                    raw = raw[1..];
                }
            }
            else if (b == '&')
            {
                var semi = raw.IndexOf((byte)';');
                if (semi <= 0 || semi > 10)
                {
                    throw new XmlException("An entity reference is not terminated.");
                }

                var ent = raw[..semi];
                raw = raw[(semi + 1)..];
                at = Entity(ent, chars, at);
            }
            else
            {
                throw new XmlException($"The text holds the character 0x{b:X2}, which XML does not allow.");
            }

            if (at > limit)
            {
                return limit;
            }
        }

        return Math.Min(at, limit);
    }

    private static int Entity(ReadOnlySpan<byte> ent, char[] chars, int at)
    {
        if (ent.SequenceEqual("amp"u8))
        {
            chars[at++] = '&';
        }
        else if (ent.SequenceEqual("lt"u8))
        {
            chars[at++] = '<';
        }
        else if (ent.SequenceEqual("gt"u8))
        {
            chars[at++] = '>';
        }
        else if (ent.SequenceEqual("quot"u8))
        {
            chars[at++] = '"';
        }
        else if (ent.SequenceEqual("apos"u8))
        {
            chars[at++] = '\'';
        }
        else if (ent[0] == '#')
        {
            var hex = ent.Length > 1 && ent[1] == 'x';
            var digits = ent[(hex ? 2 : 1)..];
            if (digits.IsEmpty)
            {
                throw new XmlException("A character reference has no digits.");
            }

            var code = 0;
            foreach (var d in digits)
            {
                var v = d is >= (byte)'0' and <= (byte)'9' ? d - '0'
                    : hex && d is >= (byte)'a' and <= (byte)'f' ? d - 'a' + 10
                    : hex && d is >= (byte)'A' and <= (byte)'F' ? d - 'A' + 10
                    : -1;
                if (v < 0 || code > 0x10FFFF)
                {
                    throw new XmlException("A character reference is malformed.");
                }

                code = (code * (hex ? 16 : 10)) + v;
            }

            if (code is 0x9 or 0xA or 0xD or (>= 0x20 and <= 0xD7FF) or (>= 0xE000 and <= 0xFFFD))
            {
                chars[at++] = (char)code;
            }
            else if (code is >= 0x10000 and <= 0x10FFFF)
            {
                at += new Rune(code).EncodeToUtf16(chars.AsSpan(at));
            }
            else
            {
                throw new XmlException($"The character reference &#{code}; names a character XML does not allow.");
            }
        }
        else
        {
            throw new XmlException($"Reference to undeclared entity '{Encoding.UTF8.GetString(ent)}'.");
        }

        return at;
    }

    private void StartTag()
    {
        while (true)
        {
            var r = TryStartTag();
            if (r)
            {
                return;
            }

            if (!Fill())
            {
                throw new XmlException("Unexpected end of file inside a tag.");
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    // Parses the start tag at _pos if it is whole in the buffer (byte loops: a worksheet's tags are a few bytes).
    private bool TryStartTag()
    {
        if (_end - _pos >= 32 && Vector256.IsHardwareAccelerated && TryShortStartTag())
        {
            return true;
        }

        var buf = _buf;
        var end = _end;
        var i = _pos + 1;
        var colon = -1;
        while (true)
        {
            if (i >= end)
            {
                return false;
            }

            var b = buf[i];
            if (IsSpace(b) || b is (byte)'/' or (byte)'>')
            {
                break;
            }

            if (b == ':')
            {
                colon = i;
            }

            i++;
        }

        if (i == _pos + 1)
        {
            throw new XmlException("A tag has no name.");
        }

        _nameStart = _pos + 1;
        _nameLength = i - _nameStart;
        _localStart = colon < 0 ? _nameStart : colon + 1;
        _attrCount = 0;
        while (true)
        {
            while (i < end && IsSpace(buf[i]))
            {
                i++;
            }

            if (i >= end)
            {
                return false;
            }

            var b = buf[i];
            if (b == '>')
            {
                IsEmptyElement = false;
                _pos = i + 1;
                Push();
                return true;
            }

            if (b == '/')
            {
                if (i + 1 >= end)
                {
                    return false;
                }

                if (buf[i + 1] != '>')
                {
                    throw new XmlException("A tag's '/' is not followed by '>'.");
                }

                IsEmptyElement = true;
                _pos = i + 2;
                Depth = _depth + 1;
                return true;
            }

            // An attribute: name = "value" or 'value'.
            var ns = i;
            while (i < end && buf[i] is not ((byte)'=' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'<' or (byte)'>' or (byte)'/' or (byte)'"' or (byte)'\''))
            {
                i++;
            }

            var ne = i;
            while (i < end && IsSpace(buf[i]))
            {
                i++;
            }

            if (i >= end)
            {
                return false;
            }

            if (buf[i] != '=' || ne == ns)
            {
                throw new XmlException("A tag's attribute is malformed.");
            }

            i++;
            while (i < end && IsSpace(buf[i]))
            {
                i++;
            }

            if (i >= end)
            {
                return false;
            }

            var q = buf[i];
            if (q != '"' && q != '\'')
            {
                throw new XmlException("An attribute's value is not quoted.");
            }

            var vs = ++i;
            while (true)
            {
                if (i >= end)
                {
                    return false;
                }

                var c = buf[i];
                if (c == q)
                {
                    break;
                }

                if (c == '<')
                {
                    throw new XmlException("An attribute's value holds '<'.");
                }

                i++;
            }

            if ((_attrCount + 1) * 4 > _attrs.Length)
            {
                if (_attrs.Length >= 4096)
                {
                    throw new XmlException("A tag has more than 1,024 attributes.");
                }

                Array.Resize(ref _attrs, _attrs.Length * 2);
            }

            var a = _attrCount++ * 4;
            _attrs[a] = ns;
            _attrs[a + 1] = ne;
            _attrs[a + 2] = vs;
            _attrs[a + 3] = i;
            i++;
            if (i < end && !IsSpace(buf[i]) && buf[i] is not ((byte)'/' or (byte)'>'))
            {
                throw new XmlException("Attributes are not separated by white space.");
            }
        }
    }

    // A start tag that ends within 32 bytes and has the plain shape <name a="v" b="v"> or <name a="v"/> (a worksheet's
    // cells and most of its rows), read from one vector's masks of quotes, '=', spaces and '>'. Anything else
    // (single quotes, other white space, a '<', a value holding '>', spacing around '=') is left to the byte loop.
    private bool TryShortStartTag()
    {
        var buf = _buf;
        var p = _pos;
        var v = Vector256.LoadUnsafe(ref buf[p]);
        var gt = Vector256.Equals(v, Vector256.Create((byte)'>')).ExtractMostSignificantBits();
        if (gt == 0)
        {
            return false;
        }

        var tagEnd = BitOperations.TrailingZeroCount(gt);
        var below = tagEnd == 31 ? 0x7FFF_FFFFu : (1u << tagEnd) - 1;
        var dq = Vector256.Equals(v, Vector256.Create((byte)'"')).ExtractMostSignificantBits() & below;
        var bad = (Vector256.Equals(v, Vector256.Create((byte)'\'')) | Vector256.Equals(v, Vector256.Create((byte)'<')) |
            Vector256.Equals(v, Vector256.Create((byte)'\t')) | Vector256.Equals(v, Vector256.Create((byte)'\r')) |
            Vector256.Equals(v, Vector256.Create((byte)'\n'))).ExtractMostSignificantBits() & below & ~1u;
        if (bad != 0 || (BitOperations.PopCount(dq) & 1) != 0)
        {
            return false;
        }

        var sp = Vector256.Equals(v, Vector256.Create((byte)' ')).ExtractMostSignificantBits() & below;
        var eq = Vector256.Equals(v, Vector256.Create((byte)'=')).ExtractMostSignificantBits() & below;
        var slash = Vector256.Equals(v, Vector256.Create((byte)'/')).ExtractMostSignificantBits() & below;
        var nameEnd = BitOperations.TrailingZeroCount((sp | slash | (1u << tagEnd)) & ~1u);
        if (nameEnd == 1 || ((eq | dq) & ((1u << nameEnd) - 1)) != 0)
        {
            return false;
        }

        var empty = buf[p + tagEnd - 1] == '/';
        var last = empty ? tagEnd - 1 : tagEnd; // where the attributes must end
        var count = 0;
        var prev = nameEnd - 1; // the byte after it must be a space before each attribute
        var quotes = dq;
        while (quotes != 0)
        {
            var open = BitOperations.TrailingZeroCount(quotes);
            quotes &= quotes - 1;
            var close = BitOperations.TrailingZeroCount(quotes);
            quotes &= quotes - 1;
            var nameStart = prev + 2;
            var eqAt = open - 1;
            if (buf[p + prev + 1] != ' ' || eqAt <= nameStart || buf[p + eqAt] != '=')
            {
                return false;
            }

            var nameMask = ((1u << eqAt) - 1) & ~((1u << nameStart) - 1);
            if (((sp | eq | slash) & nameMask) != 0)
            {
                return false;
            }

            if ((count + 1) * 4 > _attrs.Length)
            {
                return false;
            }

            var a = count++ * 4;
            _attrs[a] = p + nameStart;
            _attrs[a + 1] = p + eqAt;
            _attrs[a + 2] = p + open + 1;
            _attrs[a + 3] = p + close;
            prev = close;
        }

        // Nothing but the tag's end after the last attribute (or the name).
        if (prev + 1 != last)
        {
            return false;
        }

        _nameStart = p + 1;
        _nameLength = nameEnd - 1;
        var colon = buf.AsSpan(p + 1, nameEnd - 1).IndexOf((byte)':');
        _localStart = colon < 0 ? _nameStart : _nameStart + colon + 1;
        _attrCount = count;
        _pos = p + tagEnd + 1;
        if (empty)
        {
            IsEmptyElement = true;
            Depth = _depth + 1;
        }
        else
        {
            IsEmptyElement = false;
            Push();
        }

        return true;
    }

    private void Push()
    {
        var start = _depth == 0 ? 0 : _nameEnds[_depth - 1];
        if (start + _nameLength > _names.Length)
        {
            if (_names.Length >= 1 << 20)
            {
                throw new XmlException("The elements are nested too deeply.");
            }

            Array.Resize(ref _names, Math.Max(_names.Length * 2, start + _nameLength));
        }

        if (_depth == _nameEnds.Length)
        {
            Array.Resize(ref _nameEnds, _depth * 2);
        }

        var names = _names;
        var buf = _buf;
        for (var k = 0; k < _nameLength; k++)
        {
            names[start + k] = buf[_nameStart + k];
        }

        _nameEnds[_depth++] = start + _nameLength;
        Depth = _depth;
    }

    private void EndTag()
    {
        while (true)
        {
            if (TryEndTag())
            {
                return;
            }

            if (!Fill())
            {
                throw new XmlException("Unexpected end of file inside an end tag.");
            }
        }
    }

    // Matches "</name>" at _pos against the open element's name, byte by byte.
    private bool TryEndTag()
    {
        if (_depth == 0)
        {
            throw new XmlException("An end tag closes no element.");
        }

        var buf = _buf;
        var end = _end;
        var start = _depth == 1 ? 0 : _nameEnds[_depth - 2];
        var length = _nameEnds[_depth - 1] - start;
        var i = _pos + 2;
        if (i + length >= end)
        {
            return false;
        }

        var names = _names;
        var colon = -1;
        for (var k = 0; k < length; k++)
        {
            var b = buf[i + k];
            if (b != names[start + k])
            {
                throw new XmlException("An end tag does not match the open element.");
            }

            if (b == ':')
            {
                colon = k;
            }
        }

        var j = i + length;
        while (j < end && IsSpace(buf[j]))
        {
            j++;
        }

        if (j >= end)
        {
            return false;
        }

        if (buf[j] != '>')
        {
            throw new XmlException("An end tag does not match the open element.");
        }

        _nameStart = i;
        _nameLength = length;
        _localStart = colon < 0 ? i : i + colon + 1;
        _attrCount = 0;
        IsEmptyElement = false;
        Depth = _depth--;
        _pos = j + 1;
        return true;
    }

    // <!-- comment -->, <![CDATA[ ... ]]> or a declaration (refused: DTDs are not accepted).
    private void Bang()
    {
        while (_end - _pos < 9 && Fill())
        {
        }

        var head = _buf.AsSpan(_pos, _end - _pos);
        if (head.StartsWith("<!--"u8))
        {
            Skip(4, "-->"u8);
        }
        else if (head.StartsWith("<![CDATA["u8))
        {
            while (true)
            {
                var body = _buf.AsSpan(_pos + 9, _end - _pos - 9);
                var close = body.IndexOf("]]>"u8);
                if (close >= 0)
                {
                    if (Capturing)
                    {
                        CaptureCData(body[..close]);
                    }

                    _pos += 9 + close + 3;
                    return;
                }

                if (!Fill())
                {
                    throw new XmlException("Unexpected end of file inside a CDATA section.");
                }
            }
        }
        else if (head.StartsWith("<!DOCTYPE"u8))
        {
            throw new XmlException("DTD is prohibited in this XML document.");
        }
        else
        {
            throw new XmlException("A '<!' markup is not a comment, CDATA section or declaration.");
        }
    }

    private void CaptureCData(ReadOnlySpan<byte> raw)
    {
        var room = CaptureLimit - CharCount;
        if (room <= 0)
        {
            return;
        }

        if (raw.Length > ((long)room * 4) + 16)
        {
            raw = raw[..Utf8Boundary(raw, (room * 4) + 16)];
        }

        EnsureChars(CharCount + raw.Length);

        var start = CharCount;
        var n = Encoding.UTF8.GetChars(raw, Chars.AsSpan(start));
        // Line ends are normalised inside CDATA too.
        var w = start;
        for (var r = start; r < start + n; r++)
        {
            var ch = Chars[r];
            if (ch == '\r')
            {
                Chars[w++] = '\n';
                if (r + 1 < start + n && Chars[r + 1] == '\n')
                {
                    r++;
                }
            }
            else
            {
                Chars[w++] = ch;
            }
        }

        CharCount = Math.Min(w, CaptureLimit);
    }

    // Skips from _pos + skip to past the terminator.
    private void Skip(int skip, ReadOnlySpan<byte> terminator)
    {
        while (true)
        {
            var body = _buf.AsSpan(_pos + skip, _end - _pos - skip);
            var close = body.IndexOf(terminator);
            if (close >= 0)
            {
                _pos += skip + close + terminator.Length;
                return;
            }

            if (!Fill())
            {
                throw new XmlException("Unexpected end of file inside a comment or processing instruction.");
            }
        }
    }

    // Moves [_pos, _end) to the buffer's start and reads more; grows the buffer when the kept token fills it.
    // False when nothing more could be read.
    private bool Fill()
    {
        var keep = _pos;
        if (_eof)
        {
            return false;
        }

        var kept = _end - keep;
        if (kept > 0 && keep > 0)
        {
            Buffer.BlockCopy(_buf, keep, _buf, 0, kept);
        }

        _pos -= keep;
        _end = kept;
        if (_end == _buf.Length)
        {
            if (_buf.Length >= MaxTokenBytes)
            {
                throw new XmlException($"A tag or text is longer than {MaxTokenBytes:N0} bytes.");
            }

            Array.Resize(ref _buf, _buf.Length * 2);
        }

        var read = _input.Read(_buf, _end, _buf.Length - _end);
        if (read <= 0)
        {
            _eof = true;
            return false;
        }

        _end += read;
        return true;
    }
}
