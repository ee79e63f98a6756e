using TradeAnalyzer.Storage;

namespace TradeAnalyzer.Handlers.History;

/// <summary>Blob paths and partition keys of the store (spec section 4), over the container and table names of <see cref="StorageLayout"/>.</summary>
public static class StoreLayout
{
    public const string Incoming = StorageLayout.IncomingContainer;
    public const string Reports = StorageLayout.ReportsContainer;
    public const string Poison = StorageLayout.PoisonContainer;
    public const string Archive = StorageLayout.ArchiveContainer;

    public const string BaselinesTable = StorageLayout.BaselinesTable;
    public const string FlagsTable = StorageLayout.FlagsTable;
    public const string ExportersTable = StorageLayout.ExportersTable;
    public const string UploadsTable = StorageLayout.UploadsTable;

    /// <summary>Prefix of an upload's report folder in `reports`.</summary>
    public static string UploadReportPrefix(string uploadId) => $"uploads/{uploadId}/";

    /// <summary>Name of a weekly digest in `reports`.</summary>
    public static string DigestName(int year, int week) => $"digests/{year:D4}-W{week:D2}.xlsx";

    /// <summary>Name of an exporter review workbook in `reports`.</summary>
    public static string ExporterReviewName(string exporterKey) => $"exporters/{TableKeys.Encode(exporterKey)}.xlsx";

    /// <summary>Prefix of an upload's normalised records in `archive`.</summary>
    public static string ArchivePrefix(string uploadId) => $"uploads/{uploadId}/";

    /// <summary>Prefix of stored reference files in `archive` (fx, sanctions, watchlist, jurisdictions, baselines).</summary>
    public static string ReferencePrefix(string kind) => $"reference/{kind}/";

    /// <summary>ISO week partition key of a date, e.g. "2026-W47".</summary>
    public static string WeekKey(DateOnly date)
    {
        var dt = date.ToDateTime(TimeOnly.MinValue);
        return $"{System.Globalization.ISOWeek.GetYear(dt):D4}-W{System.Globalization.ISOWeek.GetWeekOfYear(dt):D2}";
    }

    /// <summary>Parses "2026-W47" (also "2026W47"), years 1990-2100, with the report layer's week rules.</summary>
    public static bool TryParseWeek(string? text, out int year, out int week)
    {
        var t = (text ?? string.Empty).Trim().ToUpperInvariant();
        if (t.Length > 4 && t[4] == 'W')
        {
            t = t[..4] + "-" + t[4..];
        }

        return TradeAnalyzer.Reports.WeeklyDigest.TryParseWeek(t, out year, out week) && year is >= 1990 and <= 2100;
    }
}

/// <summary>
/// Table keys may not contain / \ # ? or control characters: user-derived keys (exporter names, baseline groups) are
/// percent-encoded, reversibly, so any name is a valid key and two names never collide.
/// </summary>
public static class TableKeys
{
    public static string Encode(string value)
    {
        var sb = new System.Text.StringBuilder(value.Length + 8);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            var v = rune.Value;
            if (v is '/' or '\\' or '#' or '?' or '%' or '\'' || v < 0x20 || v > 0x7E)
            {
                var n = rune.EncodeToUtf8(utf8);
                for (var i = 0; i < n; i++)
                {
                    sb.Append('%').Append(utf8[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            else
            {
                sb.Append((char)v);
            }
        }

        return sb.ToString();
    }

    public static string Decode(string key) => Uri.UnescapeDataString(key);
}
