using System.Text;
using System.Text.Unicode;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// Detects the text encoding of a file from its first bytes: a BOM (UTF-8, UTF-16 LE/BE), the NUL pattern of BOM-less
/// UTF-16, else UTF-8 when the sample is valid UTF-8, else Windows-1252 (which also reads Latin-1 text).
/// </summary>
public static class TextEncodingDetector
{
    private static readonly Lazy<Encoding> Windows1252 = new(() =>
    {
        try
        {
            return CodePagesEncodingProvider.Instance.GetEncoding(1252) ?? Encoding.Latin1;
        }
        catch (NotSupportedException)
        {
            return Encoding.Latin1;
        }
    });

    /// <summary>Detects the encoding; <paramref name="isWholeFile"/> says the sample is the complete file (no cut character at its end).</summary>
    public static (Encoding Encoding, string Name) Detect(ReadOnlySpan<byte> sample, bool isWholeFile)
    {
        if (sample.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return (new UTF8Encoding(false), "utf-8 (bom)");
        }

        if (sample.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return (new UnicodeEncoding(false, false), "utf-16le");
        }

        if (sample.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return (new UnicodeEncoding(true, false), "utf-16be");
        }

        var probe = sample[..(Math.Min(sample.Length, 4096) & ~1)];
        if (probe.Length >= 4)
        {
            int evenZeros = 0, oddZeros = 0;
            for (var i = 0; i < probe.Length; i += 2)
            {
                evenZeros += probe[i] == 0 ? 1 : 0;
                oddZeros += probe[i + 1] == 0 ? 1 : 0;
            }

            var pairs = probe.Length / 2;
            if (oddZeros > pairs * 0.3 && evenZeros < pairs * 0.05)
            {
                return (new UnicodeEncoding(false, false), "utf-16le");
            }

            if (evenZeros > pairs * 0.3 && oddZeros < pairs * 0.05)
            {
                return (new UnicodeEncoding(true, false), "utf-16be");
            }
        }

        var check = sample;
        if (!isWholeFile)
        {
            // The sample may end inside a multi-byte character: drop the incomplete tail (at most 3 bytes).
            var cut = check.Length;
            var back = 0;
            while (cut > 0 && back < 3 && (check[cut - 1] & 0xC0) == 0x80)
            {
                cut--;
                back++;
            }

            if (cut > 0 && check[cut - 1] >= 0xC0)
            {
                cut--;
            }

            check = check[..cut];
        }

        return Utf8.IsValid(check) ? (new UTF8Encoding(false), "utf-8") : (Windows1252.Value, "windows-1252");
    }

    /// <summary>
    /// Picks the delimiter of the header line: the most frequent of ',', ';', tab and '|' outside quotes (',' when none).
    /// </summary>
    public static char DetectDelimiter(ReadOnlySpan<char> head)
    {
        int comma = 0, semi = 0, tab = 0, pipe = 0;
        var inQuotes = false;
        foreach (var c in head)
        {
            if (c == '"')
            {
                inQuotes = !inQuotes;
                continue;
            }

            if (inQuotes)
            {
                continue;
            }

            if (c is '\n' or '\r')
            {
                if (comma + semi + tab + pipe > 0)
                {
                    break;
                }

                continue;
            }

            switch (c)
            {
                case ',': comma++; break;
                case ';': semi++; break;
                case '\t': tab++; break;
                case '|': pipe++; break;
            }
        }

        var best = ',';
        var max = comma;
        if (semi > max)
        {
            best = ';';
            max = semi;
        }

        if (tab > max)
        {
            best = '\t';
            max = tab;
        }

        if (pipe > max)
        {
            best = '|';
        }

        return best;
    }
}
