using System.Globalization;
using System.Reflection;
using System.Text;
using TradeAnalyzer.Core.Text;

namespace TradeAnalyzer.Core.Reference;

/// <summary>Helpers shared by the reference-list parsers: header lookup, list splitting, embedded defaults.</summary>
internal static class ReferenceRows
{
    /// <summary>Column index by header name, matched case-insensitively after trimming and folding spaces and dashes to '_'.</summary>
    public static Dictionary<string, int> Header(IReadOnlyList<string> header)
    {
        var map = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Count; i++)
        {
            var key = HeaderKey(header[i]);
            map.TryAdd(key, i);
        }

        return map;
    }

    public static string HeaderKey(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in PartyNames.Fold(name.Trim().TrimStart('\uFEFF')))
        {
            sb.Append(c is ' ' or '-' or '.' ? '_' : char.ToLowerInvariant(c));
        }

        return sb.ToString();
    }

    /// <summary>The trimmed field at <paramref name="index"/>, or "" when the row is short or the column is absent.</summary>
    public static string Field(IReadOnlyList<string> row, int index) =>
        index >= 0 && index < row.Count ? row[index].Trim() : string.Empty;

    public static int Column(Dictionary<string, int> header, params string[] names)
    {
        foreach (var n in names)
        {
            if (header.TryGetValue(n, out var i))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Splits a ';'-separated list, trimming items and dropping empty ones.</summary>
    public static List<string> SplitList(string text) =>
        text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    public static bool IsBlank(IReadOnlyList<string> row)
    {
        foreach (var f in row)
        {
            if (!string.IsNullOrWhiteSpace(f))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads an embedded CSV resource (logical name "TradeAnalyzer.Reference.{file}") as rows.</summary>
    public static List<IReadOnlyList<string>> Embedded(string file)
    {
        var name = "TradeAnalyzer.Reference." + file;
        using var stream = typeof(ReferenceRows).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource '{name}' is missing from {typeof(ReferenceRows).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        using var csv = new CsvRowReader(reader);
        var rows = new List<IReadOnlyList<string>>();
        while (csv.TryReadRecord(out var fields))
        {
            rows.Add(fields.ToArray());
        }

        return rows;
    }

    public static DateOnly? ParseDate(string text) =>
        DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
}
