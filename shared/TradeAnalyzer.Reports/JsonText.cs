using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.Reports;

/// <summary>
/// JSON string values written straight into an <see cref="XmlByteWriter"/> with the bytes a
/// <see cref="System.Text.Json.Utf8JsonWriter"/> without an encoder option (<see cref="JavaScriptEncoder.Default"/>)
/// writes: printable ASCII other than <c>" &amp; ' + &lt; &gt; \ `</c> as it is; those and the control characters
/// escaped as the writer's own loop does (<c>\n \r \t \\ \b \f</c>, otherwise <c>\u00XX</c>, upper-case hex); from the
/// first non-ASCII character on, the rest of the text through <see cref="JavaScriptEncoder.Default"/>, as the writer
/// hands it over. flags.json (a quarter of a GB for 270,000 flags) went through the writer's per-property state,
/// validation and UTF-16 escaping; this writes the same bytes with one scan per value.
/// </summary>
internal static class JsonText
{
    /// <summary>The characters the writer copies as they are (it escapes every other one).</summary>
    private const string PlainChars =
        " !#$%()*,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_abcdefghijklmnopqrstuvwxyz{|}~";

    private static readonly SearchValues<char> Plain = SearchValues.Create(PlainChars);
    private static readonly SearchValues<byte> PlainUtf8 = SearchValues.Create(Encoding.ASCII.GetBytes(PlainChars));

    /// <summary>Writes <paramref name="value"/> as a quoted JSON string, or <c>null</c> for null.</summary>
    public static void String(XmlByteWriter w, string? value)
    {
        if (value is null)
        {
            w.Raw("null"u8);
            return;
        }

        String(w, value.AsSpan());
    }

    /// <summary>Writes <paramref name="value"/> as a quoted JSON string.</summary>
    public static void String(XmlByteWriter w, ReadOnlySpan<char> value)
    {
        var stop = value.IndexOfAnyExcept(Plain);
        if (stop < 0)
        {
            // Printable ASCII with nothing to escape (most values): one byte per character.
            var span = w.Space(value.Length + 2);
            span[0] = (byte)'"';
            Ascii.FromUtf16(value, span[1..], out _);
            span[value.Length + 1] = (byte)'"';
            w.Advance(value.Length + 2);
            return;
        }

        // The writer escapes UTF-16 and transcodes the result; escaping the UTF-8 gives the same bytes (a lone
        // surrogate becomes U+FFFD either way, which the encoder writes as \uFFFD). Chunked so that a huge value
        // needs no huge scratch buffer: a chunk never ends between the halves of a surrogate pair.
        w.Raw((byte)'"');
        w.Chars(value[..stop]);
        var rest = value[stop..];
        const int Chunk = 1_024;

        // Sized to the value: a fixed 12 KiB buffer was zeroed for every escaped value, a fifth of this writer's samples.
        Span<byte> utf8 = stackalloc byte[Math.Min(rest.Length, Chunk) * 3];
        var encoding = false;
        while (!rest.IsEmpty)
        {
            var take = rest.Length <= Chunk ? rest.Length : char.IsHighSurrogate(rest[Chunk - 1]) ? Chunk - 1 : Chunk;
            var length = Encoding.UTF8.GetBytes(rest[..take], utf8);
            encoding = Escaped(w, utf8[..length], encoding);
            rest = rest[take..];
        }

        w.Raw((byte)'"');
    }

    /// <summary>Writes UTF-8 <paramref name="value"/> as a quoted JSON string.</summary>
    public static void String(XmlByteWriter w, ReadOnlySpan<byte> value)
    {
        var stop = value.IndexOfAnyExcept(PlainUtf8);
        w.Raw((byte)'"');
        if (stop < 0)
        {
            w.Raw(value);
        }
        else
        {
            w.Raw(value[..stop]);
            Escaped(w, value[stop..], encoding: false);
        }

        w.Raw((byte)'"');
    }

    /// <summary>
    /// Writes <paramref name="utf8"/> escaped: ASCII by the writer's own rules until the first non-ASCII byte, the
    /// rest through the default encoder (<paramref name="encoding"/> true: an earlier piece already reached it).
    /// Returns whether the encoder has been reached.
    /// </summary>
    private static bool Escaped(XmlByteWriter w, ReadOnlySpan<byte> utf8, bool encoding)
    {
        var i = 0;
        while (!encoding && i < utf8.Length)
        {
            // Runs of plain characters copied whole, between the characters to escape.
            var run = utf8[i..].IndexOfAnyExcept(PlainUtf8);
            if (run < 0)
            {
                w.Raw(utf8[i..]);
                i = utf8.Length;
                break;
            }

            w.Raw(utf8.Slice(i, run));
            i += run;
            var b = utf8[i];
            if (b >= 0x80)
            {
                encoding = true;
                break;
            }

            EscapeAscii(w, b);
            i++;
        }

        var rest = utf8[i..];
        while (!rest.IsEmpty)
        {
            // At most 12 bytes out per input byte (a 4-byte character as two \uXXXX; an invalid byte as \uFFFD).
            var space = w.Space(Math.Min(rest.Length * 12, 1 << 16));
            var status = JavaScriptEncoder.Default.EncodeUtf8(rest, space, out var read, out var written, isFinalBlock: true);
            w.Advance(written);
            rest = rest[read..];
            if (status is not (OperationStatus.Done or OperationStatus.DestinationTooSmall))
            {
                throw new InvalidOperationException($"JSON encoding failed: {status}");
            }
        }

        return encoding;
    }

    private static void EscapeAscii(XmlByteWriter w, byte b)
    {
        switch (b)
        {
            case (byte)'\n':
                w.Raw("\\n"u8);
                break;
            case (byte)'\r':
                w.Raw("\\r"u8);
                break;
            case (byte)'\t':
                w.Raw("\\t"u8);
                break;
            case (byte)'\\':
                w.Raw("\\\\"u8);
                break;
            case (byte)'\b':
                w.Raw("\\b"u8);
                break;
            case (byte)'\f':
                w.Raw("\\f"u8);
                break;
            default:
                var span = w.Space(6);
                span[0] = (byte)'\\';
                span[1] = (byte)'u';
                span[2] = (byte)'0';
                span[3] = (byte)'0';
                span[4] = Hex[b >> 4];
                span[5] = Hex[b & 0xF];
                w.Advance(6);
                break;
        }
    }

    private static ReadOnlySpan<byte> Hex => "0123456789ABCDEF"u8;
}
