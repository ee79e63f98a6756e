using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace TradeAnalyzer.Reports.Excel;

/// <summary>
/// Writes XML as UTF-8 bytes into a buffer flushed to a stream: markup is given as UTF-8 literals, text and attribute
/// values are escaped while transcoding, numbers are formatted straight into the buffer. Sheet data (millions of
/// cells) goes through this instead of <c>OpenXmlWriter</c>, whose per-element namespace and prefix lookups and
/// per-cell attribute strings were most of the workbook's CPU. The caller is responsible for well-formedness.
/// </summary>
internal sealed class XmlByteWriter : IDisposable
{
    private const int DefaultSize = 1 << 16;

    private static readonly SearchValues<char> TextSpecial = SearchValues.Create("&<>");
    private static readonly SearchValues<char> AttributeSpecial = SearchValues.Create("&<>\"\t\n\r");

    /// <summary>
    /// Characters element text may hold as they are, one byte each: printable ASCII except &amp; &lt; &gt;. A text made
    /// only of these needs no XML cleaning (<see cref="CellText.CleanXml"/>), no escaping and no UTF-8 encoding.
    /// </summary>
    private static readonly SearchValues<char> PlainAscii = SearchValues.Create(PlainAsciiChars());

    private readonly Stream _output;
    private byte[] _buffer;
    private int _position;
    private bool _disposed;

    /// <summary>Starts writing to <paramref name="output"/> (left open).</summary>
    public XmlByteWriter(Stream output)
    {
        _output = output;
        _buffer = ArrayPool<byte>.Shared.Rent(DefaultSize);
    }

    /// <summary>Writes markup (or any text known not to need escaping) given as UTF-8.</summary>
    /// <remarks>Inlined: a literal's length is then a constant and the copy is a few moves instead of a memmove call.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Raw(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > _buffer.Length - _position)
        {
            Reserve(utf8.Length);
        }

        utf8.CopyTo(_buffer.AsSpan(_position));
        _position += utf8.Length;
    }

    /// <summary>
    /// Writes <paramref name="markup"/> with one copy of <see cref="PaddedBytes.Size"/> bytes (the padding lands past the
    /// position and is overwritten by what follows): per-cell markup of varying length (a column's "&lt;c r=\"AB",
    /// a row number, a style and type) without a length-dependent memmove call each.
    /// </summary>
    public void Raw(PaddedBytes markup)
    {
        if (_buffer.Length - _position < PaddedBytes.Size)
        {
            Reserve(PaddedBytes.Size);
        }

        Unsafe.CopyBlockUnaligned(
            ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buffer), _position),
            ref MemoryMarshal.GetArrayDataReference(markup.Bytes),
            PaddedBytes.Size);
        _position += markup.Length;
    }

    /// <summary>
    /// Writes three padded pieces one after the other (a cell's start: its column, its row number, its style and type)
    /// after one check of the free space: one call per cell instead of three, each with its own check.
    /// </summary>
    public void Raw(PaddedBytes first, PaddedBytes second, PaddedBytes third)
    {
        if (_buffer.Length - _position < 3 * PaddedBytes.Size)
        {
            Reserve(3 * PaddedBytes.Size);
        }

        _position = Pieces(first, second, third);
    }

    /// <summary>
    /// Writes a whole cell whose value is <paramref name="value"/>: the three pieces of its start (as
    /// <see cref="Raw(PaddedBytes, PaddedBytes, PaddedBytes)"/>), the value's digits and `&lt;/v&gt;&lt;/c&gt;`, after
    /// one check of the free space (a shared-string reference, a date, a whole number: most cells of the big sheets).
    /// </summary>
    public void ValueCell(PaddedBytes first, PaddedBytes second, PaddedBytes third, uint value)
    {
        const int Most = (3 * PaddedBytes.Size) + 10 + 8;
        if (_buffer.Length - _position < Most)
        {
            Reserve(Most);
        }

        var position = Pieces(first, second, third);
        value.TryFormat(_buffer.AsSpan(position), out var digits);
        position += digits;
        "</v></c>"u8.CopyTo(_buffer.AsSpan(position));
        _position = position + 8;
    }

    /// <summary>
    /// Copies three padded pieces at the current position (the caller has reserved room for three whole
    /// <see cref="PaddedBytes.Size"/> copies) and returns the position after them; the position itself is not moved.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Pieces(PaddedBytes first, PaddedBytes second, PaddedBytes third)
    {
        ref var at = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buffer), _position);
        Unsafe.CopyBlockUnaligned(ref at, ref MemoryMarshal.GetArrayDataReference(first.Bytes), PaddedBytes.Size);
        at = ref Unsafe.Add(ref at, first.Length);
        Unsafe.CopyBlockUnaligned(ref at, ref MemoryMarshal.GetArrayDataReference(second.Bytes), PaddedBytes.Size);
        at = ref Unsafe.Add(ref at, second.Length);
        Unsafe.CopyBlockUnaligned(ref at, ref MemoryMarshal.GetArrayDataReference(third.Bytes), PaddedBytes.Size);
        return _position + first.Length + second.Length + third.Length;
    }

    /// <summary>
    /// Writes a whole inline-string cell of <paramref name="text"/> that <see cref="IsPlain"/> said is plain: the three
    /// pieces of its start (the third ends with `&lt;t&gt;`), the text one byte per character and
    /// `&lt;/t&gt;&lt;/is&gt;&lt;/c&gt;`, after one check of the free space.
    /// </summary>
    public void PlainTextCell(PaddedBytes first, PaddedBytes second, PaddedBytes third, ReadOnlySpan<char> text)
    {
        var most = (3 * PaddedBytes.Size) + text.Length + 13;
        if (_buffer.Length - _position < most)
        {
            Reserve(most);
        }

        var position = Pieces(first, second, third);
        Ascii.FromUtf16(text, _buffer.AsSpan(position), out var written);
        position += written;
        "</t></is></c>"u8.CopyTo(_buffer.AsSpan(position));
        _position = position + 13;
    }

    /// <summary>True when <paramref name="text"/> is printable ASCII without &amp; &lt; &gt; (see <see cref="PlainText"/>).</summary>
    public static bool IsPlain(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(PlainAscii);

    /// <summary>Writes text <see cref="IsPlain"/> said is plain: one byte per character, nothing escaped.</summary>
    public void PlainText(ReadOnlySpan<char> text)
    {
        if (text.Length > _buffer.Length - _position)
        {
            Reserve(text.Length);
        }

        Ascii.FromUtf16(text, _buffer.AsSpan(_position), out var written);
        _position += written;
    }

    /// <summary>
    /// At least <paramref name="bytes"/> bytes of free buffer to write into (a caller's own encoder); follow with
    /// <see cref="Advance"/>. <paramref name="bytes"/> may exceed the usual buffer: the buffer grows.
    /// </summary>
    public Span<byte> Space(int bytes)
    {
        if (bytes > _buffer.Length - _position)
        {
            Reserve(bytes);
        }

        return _buffer.AsSpan(_position);
    }

    /// <summary>Counts <paramref name="written"/> bytes written into the <see cref="Space"/> last returned.</summary>
    public void Advance(int written) => _position += written;

    /// <summary>Writes one ASCII character.</summary>
    public void Raw(byte ascii)
    {
        if (_position == _buffer.Length)
        {
            Reserve(1);
        }

        _buffer[_position++] = ascii;
    }

    /// <summary>Writes text as UTF-8 without any escaping (CSV fields, already quoted by the caller).</summary>
    public void Chars(ReadOnlySpan<char> text) => Utf8(text);

    /// <summary>Writes element text: &amp;, &lt; and &gt; escaped (XML parsers normalise CR and CRLF to LF, as XmlWriter writes them).</summary>
    public void Text(ReadOnlySpan<char> text) => Escaped(text, TextSpecial);

    /// <summary>Writes an attribute value (without the quotes): &amp; &lt; &gt; &quot; and tab, LF, CR escaped.</summary>
    public void Attribute(ReadOnlySpan<char> text) => Escaped(text, AttributeSpecial);

    /// <summary>Writes an integer in invariant digits.</summary>
    public void Integer(long value)
    {
        if (_buffer.Length - _position < 20)
        {
            Reserve(20);
        }

        value.TryFormat(_buffer.AsSpan(_position), out var written, default, CultureInfo.InvariantCulture);
        _position += written;
    }

    /// <summary>Writes a finite double as the shortest round-trip text ("R", as the SDK's <c>CellValue</c> holds it).</summary>
    public void Number(double value)
    {
        if (_buffer.Length - _position < 32)
        {
            Reserve(32);
        }

        // Whole numbers below 1e15 ("R" switches to exponents there) are written as integers: the same digits as "R",
        // without the shortest-round-trip search. Negative zero keeps "R" ("-0").
        int written;
        if (value is > -1e15 and < 1e15 && value == Math.Truncate(value) && (value != 0 || !double.IsNegative(value)))
        {
            ((long)value).TryFormat(_buffer.AsSpan(_position), out written, default, CultureInfo.InvariantCulture);
        }
        else if (!TryCents(value, _buffer.AsSpan(_position), out written)
            && !ShortestNumber.TryWrite(value, _buffer.AsSpan(_position), out written))
        {
            // Numbers of cents took TryCents, other fractions Ryu's digits ("R"'s bytes): Ryu alone for the cents too
            // measured no faster in the 200,000-flag workbook and slower in the e2e one, whose numbers are mostly
            // cents. Left here: -0, non-finite values, exponents and magnitudes from 1e15 on.
            value.TryFormat(_buffer.AsSpan(_position), out written, "R", CultureInfo.InvariantCulture);
        }

        _position += written;
    }

    /// <summary>
    /// Writes <paramref name="value"/> as "R" would when it is the double nearest to a number of cents (most money
    /// figures): below 1e13 doubles are closer together than 0.005, so no other decimal of at most two places maps to
    /// the same double, and "R"'s shortest round-trip text is those digits without a trailing zero. False otherwise
    /// (the caller formats with "R").
    /// </summary>
    internal static bool TryCents(double value, Span<byte> destination, out int written)
    {
        written = 0;
        if (value is <= -1e13 or >= 1e13 || double.IsNaN(value))
        {
            return false;
        }

        // cents is a whole number below 1e15: its remainder as a long is the double's (without a call to fmod).
        var cents = Math.Round(value * 100);
        if (cents / 100 != value || (long)cents % 100 == 0)
        {
            // Not a number of cents, or a whole number (the caller's integer path): leave it to "R".
            return false;
        }

        // The value is its own rounding to two places, whose digits RoundedNumber writes (no trailing zero).
        return RoundedNumber.TryWrite(value, 2, destination, out written);
    }

    /// <summary>Writes buffered bytes to the stream.</summary>
    public void Flush()
    {
        if (_position > 0)
        {
            _output.Write(_buffer, 0, _position);
            _position = 0;
        }
    }

    /// <summary>Writes buffered bytes and flushes the stream itself (as a StreamWriter does when disposed).</summary>
    public void FlushStream()
    {
        Flush();
        _output.Flush();
    }

    /// <summary>Flushes and returns the buffer.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Flush();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private void Escaped(ReadOnlySpan<char> text, SearchValues<char> special)
    {
        while (!text.IsEmpty)
        {
            var stop = text.IndexOfAny(special);
            var plain = stop < 0 ? text : text[..stop];
            if (!plain.IsEmpty)
            {
                Utf8(plain);
            }

            if (stop < 0)
            {
                return;
            }

            Raw(text[stop] switch
            {
                '&' => "&amp;"u8,
                '<' => "&lt;"u8,
                '>' => "&gt;"u8,
                '"' => "&quot;"u8,
                '\t' => "&#x9;"u8,
                '\n' => "&#xA;"u8,
                _ => "&#xD;"u8,
            });
            text = text[(stop + 1)..];
        }
    }

    private void Utf8(ReadOnlySpan<char> text)
    {
        // Whole chunks only: a chunk never ends between the halves of a surrogate pair.
        const int Chunk = 8_192;
        while (text.Length > Chunk)
        {
            var take = char.IsHighSurrogate(text[Chunk - 1]) ? Chunk - 1 : Chunk;
            Utf8(text[..take]);
            text = text[take..];
        }

        var max = text.Length * 3;
        if (max > _buffer.Length - _position)
        {
            Reserve(max);
        }

        _position += Encoding.UTF8.GetBytes(text, _buffer.AsSpan(_position));
    }

    private static string PlainAsciiChars()
    {
        var chars = new StringBuilder();
        for (var c = '\u0020'; c < '\u007F'; c++)
        {
            if (c is not ('&' or '<' or '>'))
            {
                chars.Append(c);
            }
        }

        return chars.ToString();
    }

    private void Reserve(int bytes)
    {
        Flush();
        if (bytes > _buffer.Length)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(bytes);
        }
    }
}
