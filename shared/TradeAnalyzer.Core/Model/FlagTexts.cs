using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace TradeAnalyzer.Core.Model;

/// <summary>
/// A flag's three texts (explanation, expected, observed). The detectors store them as UTF-8 in per-thread chunks of 60
/// KiB (<see cref="Encode"/>, <see cref="Writer"/>): an analysis keeps 270,000 flags until the outputs are written, and
/// as strings their texts were the bulk of what every gen0/gen1 collection of the detectors copied object by object
/// (gen0 -> gen1 -> gen2); a chunk holds the texts of ~200 flags in one array. The writers read the bytes as they are
/// (<see cref="TryUtf8"/>), so nothing is transcoded again. Texts set from strings (tests, cold paths) are kept as
/// strings. Equality is by content, whichever way the texts are kept.
/// </summary>
public readonly struct FlagTexts : IEquatable<FlagTexts>
{
    /// <summary>The texts' slots (the order of their lengths in a chunk's header; their bytes are stored expected, observed, explanation).</summary>
    public const int Explanation = 0;

    /// <inheritdoc cref="Explanation"/>
    public const int Expected = 1;

    /// <inheritdoc cref="Explanation"/>
    public const int Observed = 2;

    // A chunk holds the texts of many flags: per flag three little-endian int32 lengths by slot (-1 when absent), then the
    // bytes of the expected, observed and explanation texts in that order (an explanation quotes the other two: written
    // first, they can be copied into it as bytes).
    private const int Header = 12;

    // Below the large object threshold (85,000 bytes) on purpose: 256 KiB chunks (on the LOH, never copied) promoted 70
    // MiB less per analysis, but their ~80 MiB of LOH allocation set off a background gen2 that ran into the outputs
    // and cost more CPU there than the copies saved (docs/benchmarks-history.md, "Flag texts, thirteenth pass"). A chunk is
    // one object without references: copied once into gen1 and once into gen2 by a memcpy, never walked.
    private const int ChunkSize = 60 * 1024;

    [ThreadStatic]
    private static byte[]? t_chunk;

    [ThreadStatic]
    private static int t_used;

    /// <summary>A <see cref="byte"/>[] chunk (texts at <see cref="_start"/>) or a <see cref="Strings"/>, or null (none set).</summary>
    private readonly object? _store;
    private readonly int _start;

    private FlagTexts(object? store, int start)
    {
        _store = store;
        _start = start;
    }

    /// <summary>True when the texts are kept as UTF-8 (and <see cref="TryUtf8"/> answers).</summary>
    public bool IsUtf8 => _store is byte[];

    /// <summary>
    /// The three texts encoded into the current thread's chunk. Texts that are not valid UTF-16 (a lone surrogate) or too
    /// long for a chunk are kept as strings, so that reading them back always gives the very same strings.
    /// </summary>
    public static FlagTexts Encode(string explanation, string? expected, string? observed)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        var max = (explanation.Length + (expected?.Length ?? 0) + (observed?.Length ?? 0)) * 3;
        if (max > ChunkSize / 4)
        {
            return FromStrings(explanation, expected, observed);
        }

        var chunk = t_chunk;
        var used = t_used;
        if (chunk is null || chunk.Length - used < Header + max)
        {
            // Not zeroed: every byte is written before a flag refers to it.
            chunk = t_chunk = GC.AllocateUninitializedArray<byte>(ChunkSize);
            used = 0;
        }

        var span = chunk.AsSpan(used);
        var at = Header;
        if (!Put(expected, span, Expected, ref at) || !Put(observed, span, Observed, ref at) || !Put(explanation, span, Explanation, ref at))
        {
            return FromStrings(explanation, expected, observed);
        }

        t_used = used + at;
        return new FlagTexts(chunk, used);
    }

    private static bool Put(string? text, Span<byte> span, int slot, ref int at)
    {
        if (text is null)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[(slot * 4)..], -1);
            return true;
        }

        if (Utf8.FromUtf16(text, span[at..], out _, out var written, replaceInvalidSequences: false) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        BinaryPrimitives.WriteInt32LittleEndian(span[(slot * 4)..], written);
        at += written;
        return true;
    }

    /// <summary>Texts kept as strings (<see cref="Flag"/>'s initializers; tests and cold paths).</summary>
    public static FlagTexts FromStrings(string? explanation, string? expected, string? observed) =>
        new(new Strings(explanation, expected, observed), 0);

    /// <summary>These texts with one slot set to <paramref name="text"/> (the others read back as they are).</summary>
    internal FlagTexts With(int slot, string? text) => FromStrings(
        slot == Explanation ? text : Text(Explanation),
        slot == Expected ? text : Text(Expected),
        slot == Observed ? text : Text(Observed));

    /// <summary>
    /// The chunk and offset where the texts are kept when they are UTF-8 (false otherwise): the outputs ask the processor
    /// to fetch a later flag's texts while they format the current one (they reach 270,000 flags' texts in score order,
    /// scattered over the chunks, each a cache miss).
    /// </summary>
    internal bool TryLocate(out byte[] chunk, out int start)
    {
        if (_store is byte[] bytes)
        {
            chunk = bytes;
            start = _start;
            return true;
        }

        chunk = [];
        start = 0;
        return false;
    }

    /// <summary>The UTF-8 bytes of a slot when the texts are kept as UTF-8 (<paramref name="present"/> false for an absent text).</summary>
    public bool TryUtf8(int slot, out ReadOnlySpan<byte> utf8, out bool present)
    {
        if (_store is not byte[] chunk)
        {
            utf8 = default;
            present = false;
            return false;
        }

        var span = chunk.AsSpan(_start);
        var at = Header;
        if (slot != Expected)
        {
            at += Math.Max(0, BinaryPrimitives.ReadInt32LittleEndian(span[(Expected * 4)..]));
            if (slot == Explanation)
            {
                at += Math.Max(0, BinaryPrimitives.ReadInt32LittleEndian(span[(Observed * 4)..]));
            }
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(span[(slot * 4)..]);
        present = length >= 0;
        utf8 = present ? span.Slice(at, length) : default;
        return true;
    }

    /// <summary>A slot's text as a string (decoded from UTF-8 when kept so: a new string each time).</summary>
    public string? Text(int slot)
    {
        if (_store is Strings s)
        {
            return slot switch { Explanation => s.Explanation, Expected => s.Expected, _ => s.Observed };
        }

        if (!TryUtf8(slot, out var utf8, out var present) || !present)
        {
            return null;
        }

        return utf8.IsEmpty ? string.Empty : Encoding.UTF8.GetString(utf8);
    }

    /// <inheritdoc />
    public bool Equals(FlagTexts other)
    {
        if (ReferenceEquals(_store, other._store) && _start == other._start)
        {
            return true;
        }

        for (var slot = Explanation; slot <= Observed; slot++)
        {
            if (TryUtf8(slot, out var a, out var hasA) && other.TryUtf8(slot, out var b, out var hasB))
            {
                if (hasA != hasB || !a.SequenceEqual(b))
                {
                    return false;
                }
            }
            else if (!string.Equals(Text(slot), other.Text(slot), StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is FlagTexts other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Text(Explanation), Text(Expected), Text(Observed));

    /// <inheritdoc />
    public override string ToString() => Text(Explanation) ?? string.Empty;

    public static bool operator ==(FlagTexts left, FlagTexts right) => left.Equals(right);

    public static bool operator !=(FlagTexts left, FlagTexts right) => !left.Equals(right);

    /// <summary>
    /// Formats a flag's texts straight into the current thread's chunk, in the order expected, observed, explanation
    /// (each optional; absent ones read back as null):
    /// <code>
    /// var w = FlagTexts.Writer.Begin();
    /// var observed = w.Put(FlagTexts.Observed, inv, $"{price:N2} USD/{unit}");
    /// ... then the explanation, which may quote <c>observed</c> (bytes)
    /// return w.End();
    /// </code>
    /// A text formatted this way (<see cref="TextHandler"/>) grows the chunk itself when it does not fit. A caller writing
    /// at <see cref="Free"/> directly calls <see cref="Grow()"/> and writes the text again, then <see cref="Put(int, int)"/>.
    /// </summary>
    public struct Writer
    {
        private byte[] _chunk;
        private int _start;
        private int _at;
        private int _next;
        private bool _invalid;

        /// <summary>Starts a flag's texts in the current thread's chunk (a new chunk when less than 4 KiB is left).</summary>
        public static Writer Begin()
        {
            var chunk = t_chunk;
            var used = t_used;
            if (chunk is null || chunk.Length - used < 4_096)
            {
                chunk = t_chunk = GC.AllocateUninitializedArray<byte>(ChunkSize);
                used = 0;
            }

            var header = chunk.AsSpan(used, Header);
            BinaryPrimitives.WriteInt32LittleEndian(header, -1);
            BinaryPrimitives.WriteInt32LittleEndian(header[4..], -1);
            BinaryPrimitives.WriteInt32LittleEndian(header[8..], -1);
            return new Writer { _chunk = chunk, _start = used, _at = used + Header, _next = 0 };
        }

        /// <summary>Where the next text goes.</summary>
        public readonly Span<byte> Free => _chunk.AsSpan(_at);

        /// <summary>The bytes at <see cref="Free"/> already formatted for the next text (<see cref="FlagTextsWriting.Part"/>).</summary>
        internal int Pending { readonly get; set; }

        /// <summary>Moves what is written so far to a new chunk at least twice as large as what is free now.</summary>
        public void Grow() => Grow(pending: 0);

        /// <summary>
        /// As <see cref="Grow()"/>, also moving the first <paramref name="pending"/> bytes at <see cref="Free"/> (the part
        /// of a text <see cref="TextHandler"/> has written so far).
        /// </summary>
        internal void Grow(int pending)
        {
            var written = _at - _start;
            var size = Math.Max(ChunkSize, 2 * (written + (_chunk.Length - _at)));
            var chunk = GC.AllocateUninitializedArray<byte>(size);
            _chunk.AsSpan(_start, written + pending).CopyTo(chunk);
            _chunk = t_chunk = chunk;
            t_used = 0;
            _start = 0;
            _at = written;
        }

        /// <summary>Records that <paramref name="length"/> bytes at <see cref="Free"/> are the text of <paramref name="slot"/>; returns them.</summary>
        public ReadOnlySpan<byte> Put(int slot, int length)
        {
            var order = slot switch { Expected => 1, Observed => 2, _ => 3 };
            if (order <= _next || (uint)length > (uint)(_chunk.Length - _at))
            {
                throw new InvalidOperationException("Flag texts are written once each, expected then observed then explanation.");
            }

            _next = order;
            Pending = 0;
            BinaryPrimitives.WriteInt32LittleEndian(_chunk.AsSpan(_start + (slot * 4)), length);
            var text = _chunk.AsSpan(_at, length);
            _at += length;
            return text;
        }

        /// <summary>Writes <paramref name="text"/> (null: absent) as the text of <paramref name="slot"/>; returns its bytes.</summary>
        public ReadOnlySpan<byte> Put(int slot, string? text)
        {
            if (text is null)
            {
                return default;
            }

            var written = Pending;
            Append(text, ref written);
            return Put(slot, written);
        }

        /// <summary>
        /// Encodes <paramref name="chars"/> at <see cref="Free"/> after the <paramref name="pos"/> bytes already there, growing
        /// the chunk as needed. A lone surrogate is written in its three-byte form (ED A0..BF xx: never valid UTF-8, the
        /// form WTF-8 gives it) and marks the texts: <see cref="End"/> then reads them back into strings and keeps them as
        /// <see cref="Encode"/> keeps invalid UTF-16, so a formatted text is what the string and its encoding made, for
        /// any input (untrusted names, numbers, descriptions).
        /// </summary>
        internal void Append(ReadOnlySpan<char> chars, ref int pos)
        {
            while (true)
            {
                var status = Utf8.FromUtf16(chars, Free[pos..], out var read, out var written, replaceInvalidSequences: false);
                pos += written;
                chars = chars[read..];
                if (status == System.Buffers.OperationStatus.Done)
                {
                    return;
                }

                if (status == System.Buffers.OperationStatus.InvalidData && Free.Length - pos >= 3)
                {
                    var c = chars[0];
                    var at = Free[pos..];
                    at[0] = (byte)(0xE0 | (c >> 12));
                    at[1] = (byte)(0x80 | ((c >> 6) & 0x3F));
                    at[2] = (byte)(0x80 | (c & 0x3F));
                    pos += 3;
                    chars = chars[1..];
                    _invalid = true;
                    continue;
                }

                Grow(pos);
            }
        }

        /// <summary>The texts written (the chunk's space taken); an explanation never written reads back empty.</summary>
        public readonly FlagTexts End()
        {
            if (_next < 3)
            {
                BinaryPrimitives.WriteInt32LittleEndian(_chunk.AsSpan(_start + (Explanation * 4)), 0);
            }

            var texts = new FlagTexts(_chunk, _start);
            if (_invalid)
            {
                // A text had a lone surrogate: the strings back (lossless) and encoded as the string path does, in the
                // space these bytes took.
                var explanation = Lossless(texts, Explanation) ?? string.Empty;
                var expected = Lossless(texts, Expected);
                var observed = Lossless(texts, Observed);
                t_used = _start;
                return Encode(explanation, expected, observed);
            }

            t_used = _at;
            return texts;
        }

        /// <summary>A slot's bytes as UTF-16, a three-byte surrogate form (<see cref="Append"/>) read back as that surrogate.</summary>
        private static string? Lossless(FlagTexts texts, int slot)
        {
            texts.TryUtf8(slot, out var utf8, out var present);
            if (!present)
            {
                return null;
            }

            var chars = new char[utf8.Length];
            var n = 0;
            while (true)
            {
                var status = Utf8.ToUtf16(utf8, chars.AsSpan(n), out var read, out var written, replaceInvalidSequences: false);
                n += written;
                utf8 = utf8[read..];
                if (status == System.Buffers.OperationStatus.Done)
                {
                    return new string(chars, 0, n);
                }

                chars[n++] = (char)(((utf8[0] & 0x0F) << 12) | ((utf8[1] & 0x3F) << 6) | (utf8[2] & 0x3F));
                utf8 = utf8[3..];
            }
        }
    }

    /// <summary>
    /// Formats one text of a <see cref="Writer"/> straight into its chunk (<see cref="FlagTextsWriting.Put"/>), as
    /// <see cref="Utf8.TryWrite(Span{byte}, IFormatProvider?, ref Utf8.TryWriteInterpolatedStringHandler, out int)"/> formats:
    /// figures through <see cref="IUtf8SpanFormattable"/> with the provider, other values through their string, UTF-8
    /// bytes as they are; invalid UTF-16 (a lone surrogate in an untrusted value) is not replaced: the flag's texts are
    /// then kept as the strings would have been (<see cref="Writer.Append"/>). When the chunk is full it grows, keeping what the text has so far, and
    /// the value is formatted again: no part ends up twice in the text.
    /// </summary>
    [InterpolatedStringHandler]
    public ref struct TextHandler
    {
        private readonly ref Writer _writer;
        private readonly IFormatProvider? _provider;
        private int _pos;

        public TextHandler(int literalLength, int formattedCount, ref Writer writer, IFormatProvider? provider)
        {
            _ = literalLength;
            _ = formattedCount;
            _writer = ref writer;
            _provider = provider;
            _pos = writer.Pending;
        }

        /// <summary>The bytes written.</summary>
        internal readonly int Length => _pos;

        public void AppendLiteral(string value) => AppendFormatted(value.AsSpan());

        public void AppendFormatted(string? value) => AppendFormatted(value.AsSpan());

        public void AppendFormatted(ReadOnlySpan<char> value) => _writer.Append(value, ref _pos);

        public void AppendFormatted(ReadOnlySpan<byte> utf8)
        {
            while (!utf8.TryCopyTo(_writer.Free[_pos..]))
            {
                _writer.Grow(_pos);
            }

            _pos += utf8.Length;
        }

        public void AppendFormatted<T>(T value) => AppendFormatted(value, format: null);

        public void AppendFormatted<T>(T value, string? format)
        {
            // The flags' money figures ("N2", invariant) without the framework's Dragon4 (InvariantN2); the test on T is
            // a constant for the JIT, so other types do not pay for it.
            if (typeof(T) == typeof(double) && InvariantN2.Applies(format, _provider))
            {
                var number = (double)(object)value!;
                int n2;
                bool handled;
                while (!InvariantN2.TryWrite(number, _writer.Free[_pos..], out n2, out handled) && handled)
                {
                    _writer.Grow(_pos);
                }

                if (handled)
                {
                    _pos += n2;
                    return;
                }
            }

            if (value is IUtf8SpanFormattable)
            {
                int written;
                while (!((IUtf8SpanFormattable)value).TryFormat(_writer.Free[_pos..], out written, format, _provider))
                {
                    _writer.Grow(_pos);
                }

                _pos += written;
                return;
            }

            AppendFormatted((value is IFormattable f ? f.ToString(format, _provider) : value?.ToString()).AsSpan());
        }
    }

    private sealed record Strings(string? Explanation, string? Expected, string? Observed);
}

/// <summary>The one-call form of <see cref="FlagTexts.Writer"/>: a text formatted straight into the flag's chunk.</summary>
public static class FlagTextsWriting
{
    /// <summary>
    /// Formats <paramref name="text"/> (culture <paramref name="provider"/>) as the text of <paramref name="slot"/>, the chunk
    /// growing as needed; returns its bytes (which a later text may quote).
    /// </summary>
    public static ReadOnlySpan<byte> Put(
        this ref FlagTexts.Writer writer,
        int slot,
        IFormatProvider? provider,
        [InterpolatedStringHandlerArgument("writer", "provider")] ref FlagTexts.TextHandler text) =>
        writer.Put(slot, text.Length);

    /// <summary>
    /// Formats <paramref name="text"/> as the next part of the text the following <see cref="Put"/> finishes (a text built
    /// in a loop, e.g. a list of shipments): the parts and that last piece are one text.
    /// </summary>
    public static void Part(
        this ref FlagTexts.Writer writer,
        IFormatProvider? provider,
        [InterpolatedStringHandlerArgument("writer", "provider")] ref FlagTexts.TextHandler text) =>
        writer.Pending = text.Length;
}
