namespace TradeAnalyzer.Reports.Excel;

/// <summary>
/// A short piece of UTF-8 markup (at most <see cref="Size"/> bytes) kept in a zero-padded array of exactly
/// <see cref="Size"/> bytes, so that <see cref="XmlByteWriter.Raw(PaddedBytes)"/> copies it with one fixed-size copy
/// and advances by <see cref="Length"/>. Cell markup is written about 12 million times per big workbook: a memmove call
/// whose length is known only at run time costs more than the copy itself.
/// </summary>
internal readonly struct PaddedBytes
{
    /// <summary>The array size, and the most bytes one piece may hold.</summary>
    public const int Size = 64;

    /// <summary>A piece holding <paramref name="utf8"/>.</summary>
    public PaddedBytes(ReadOnlySpan<byte> utf8)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(utf8.Length, Size, nameof(utf8));
        Bytes = new byte[Size];
        utf8.CopyTo(Bytes);
        Length = utf8.Length;
    }

    /// <summary>A piece over <paramref name="bytes"/> (an array of <see cref="Size"/> bytes the caller may refill), its first <paramref name="length"/> bytes.</summary>
    public PaddedBytes(byte[] bytes, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(bytes.Length, Size, nameof(bytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Size, nameof(length));
        Bytes = bytes;
        Length = length;
    }

    /// <summary>The bytes, zero after <see cref="Length"/>.</summary>
    public byte[] Bytes { get; }

    /// <summary>How many of <see cref="Bytes"/> are the markup.</summary>
    public int Length { get; }

    /// <summary>A piece holding <paramref name="ascii"/> as bytes.</summary>
    public static PaddedBytes Ascii(string ascii) => new(System.Text.Encoding.ASCII.GetBytes(ascii));
}
