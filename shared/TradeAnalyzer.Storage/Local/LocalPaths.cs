using System.Security.Cryptography;
using System.Text;

namespace TradeAnalyzer.Storage.Local;

/// <summary>
/// Maps names to file-system segments that stay inside their directory: unsafe characters are
/// percent-encoded, "."/".." can never appear, too-long segments become "~" + hash (the real name is then
/// read from the file), and the empty string becomes "~".
/// </summary>
internal static class LocalPaths
{
    private const int MaxSegmentBytes = 200;

    /// <summary>Encodes one name segment (any string) into a safe file name.</summary>
    public static string EncodeSegment(string segment)
    {
        if (segment.Length == 0)
        {
            return "~";
        }

        StringBuilder? sb = null;
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            var safe = c >= 0x20 && c != 0x7F && c is not ('<' or '>' or ':' or '"' or '|' or '?' or '*' or '%' or '~' or '\\' or '/' or '#');
            if (safe && !char.IsSurrogate(c))
            {
                sb?.Append(c);
                continue;
            }

            sb ??= new StringBuilder(segment, 0, i, segment.Length + 16);
            if (char.IsHighSurrogate(c) && i + 1 < segment.Length && char.IsLowSurrogate(segment[i + 1]))
            {
                sb.Append(c).Append(segment[i + 1]);
                i++;
                continue;
            }

            var bytes = Encoding.UTF8.GetBytes(segment.Substring(i, 1));
            var n = bytes.Length;
            for (var b = 0; b < n; b++)
            {
                sb.Append('%').Append(bytes[b].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        var encoded = sb?.ToString() ?? segment;
        if (encoded is "." or "..")
        {
            encoded = encoded.Replace(".", "%2E", StringComparison.Ordinal);
        }

        if (encoded[^1] is '.' or ' ')
        {
            encoded = encoded[..^1] + (encoded[^1] == '.' ? "%2E" : "%20");
        }

        return Encoding.UTF8.GetByteCount(encoded) <= MaxSegmentBytes ? encoded : "~" + Hash(segment)[..48];
    }

    /// <summary>Decodes a segment; null when it is a hashed segment whose name must be read from the file.</summary>
    public static string? DecodeSegment(string encoded)
    {
        if (encoded == "~")
        {
            return string.Empty;
        }

        if (encoded.StartsWith('~'))
        {
            return null;
        }

        return encoded.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(encoded) : encoded;
    }

    /// <summary>Encodes a validated blob name ("a/b/c") into a relative path.</summary>
    public static string EncodeBlobName(string name)
    {
        var segments = name.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            segments[i] = EncodeSegment(segments[i]);
        }

        return Path.Combine(segments);
    }

    /// <summary>Lowercase hex SHA-256 of the UTF-8 text.</summary>
    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Throws unless <paramref name="path"/> is inside <paramref name="root"/> (defence in depth).</summary>
    public static string EnsureInside(string root, string path)
    {
        var full = Path.GetFullPath(path);
        var rootFull = Path.GetFullPath(root);
        if (!rootFull.EndsWith(Path.DirectorySeparatorChar))
        {
            rootFull += Path.DirectorySeparatorChar;
        }

        if (!full.StartsWith(rootFull, StringComparison.Ordinal))
        {
            throw new ArgumentException("The name resolves outside the store root.");
        }

        return full;
    }
}
