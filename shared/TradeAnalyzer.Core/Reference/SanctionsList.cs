using System.Globalization;

namespace TradeAnalyzer.Core.Reference;

/// <summary>One sanctioned party with its aliases (OFAC SDN.CSV + ALT.CSV, or the plain name,country,program,source list).</summary>
public sealed record SanctionsEntry(
    string Id,
    string Name,
    IReadOnlyList<string> Aliases,
    string? Country,
    string Program,
    string Source);

/// <summary>
/// The sanctions list used for SANCTIONED_PARTY screening. <see cref="Screener"/> is its token index, built on first use
/// and shared by every thread.
/// </summary>
public sealed class SanctionsList
{
    private const string SdnSource = "OFAC SDN";
    private readonly Lazy<SanctionsScreener> _screener;

    public SanctionsList(IEnumerable<SanctionsEntry> entries)
    {
        Entries = entries.ToList();
        _screener = new Lazy<SanctionsScreener>(() => new SanctionsScreener(this), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public static SanctionsList Empty { get; } = new([]);

    public IReadOnlyList<SanctionsEntry> Entries { get; }

    /// <summary>The screener over this list (token index), built once.</summary>
    public SanctionsScreener Screener => _screener.Value;

    /// <summary>
    /// Parses a sanctions list, recognising its format from the first non-blank row:
    /// OFAC SDN.CSV (no header, 12 columns: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage,
    /// GRT, Vess_flag, Vess_owner, Remarks; "-0-" for empty), with optional ALT.CSV rows (ent_num, alt_num, alt_type,
    /// alt_name, alt_remarks) adding aliases; or a plain list with a header `name,country,program,source` (optional
    /// `aliases` column, ';'-separated, and `id`). Rows without a name are skipped; OFAC's end-of-file marker too.
    /// </summary>
    public static SanctionsList Parse(IEnumerable<IReadOnlyList<string>> rows, IEnumerable<IReadOnlyList<string>>? altRows = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var e = rows.GetEnumerator();
        IReadOnlyList<string>? first = null;
        while (e.MoveNext())
        {
            if (!ReferenceRows.IsBlank(e.Current))
            {
                first = e.Current;
                break;
            }
        }

        if (first is null)
        {
            return Empty;
        }

        return IsSdnRow(first) ? ParseSdn(first, e, altRows) : ParsePlain(first, e, altRows);
    }

    private static bool IsSdnRow(IReadOnlyList<string> row) =>
        row.Count >= 6 && long.TryParse(row[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static string SdnField(IReadOnlyList<string> row, int i)
    {
        var f = ReferenceRows.Field(row, i);
        return f == "-0-" ? string.Empty : f;
    }

    private static SanctionsList ParseSdn(IReadOnlyList<string> first, IEnumerator<IReadOnlyList<string>> rest, IEnumerable<IReadOnlyList<string>>? altRows)
    {
        var aliases = ReadAliases(altRows);
        var entries = new List<SanctionsEntry>();
        var row = first;
        while (true)
        {
            if (IsSdnRow(row))
            {
                var id = row[0].Trim();
                var name = SdnField(row, 1);
                if (name.Length > 0)
                {
                    entries.Add(new SanctionsEntry(
                        id,
                        name,
                        aliases.TryGetValue(id, out var a) ? a : [],
                        null,
                        CleanProgram(SdnField(row, 3)),
                        SdnSource));
                }
            }

            if (!rest.MoveNext())
            {
                break;
            }

            row = rest.Current;
        }

        return new SanctionsList(entries);
    }

    private static SanctionsList ParsePlain(IReadOnlyList<string> headerRow, IEnumerator<IReadOnlyList<string>> rest, IEnumerable<IReadOnlyList<string>>? altRows)
    {
        var header = ReferenceRows.Header(headerRow);
        var name = ReferenceRows.Column(header, "name", "sdn_name", "party", "entity");
        if (name < 0)
        {
            throw new InvalidDataException("The sanctions list is neither OFAC SDN.CSV (12 columns, no header) nor a list with a 'name' column (name,country,program,source).");
        }

        var country = ReferenceRows.Column(header, "country");
        var program = ReferenceRows.Column(header, "program", "programs", "list");
        var source = ReferenceRows.Column(header, "source");
        var aliasCol = ReferenceRows.Column(header, "aliases", "alias", "aka");
        var idCol = ReferenceRows.Column(header, "id", "ent_num", "uid");
        var alt = ReadAliases(altRows);
        var entries = new List<SanctionsEntry>();
        var rowNo = 1;
        while (rest.MoveNext())
        {
            rowNo++;
            var row = rest.Current;
            var n = ReferenceRows.Field(row, name);
            if (n.Length == 0)
            {
                continue;
            }

            var id = ReferenceRows.Field(row, idCol);
            if (id.Length == 0)
            {
                id = rowNo.ToString(CultureInfo.InvariantCulture);
            }

            var aliasList = ReferenceRows.SplitList(ReferenceRows.Field(row, aliasCol));
            if (alt.TryGetValue(id, out var more))
            {
                aliasList.AddRange(more);
            }

            var c = ReferenceRows.Field(row, country).ToUpperInvariant();
            var s = ReferenceRows.Field(row, source);
            entries.Add(new SanctionsEntry(id, n, aliasList, c.Length == 0 ? null : c, CleanProgram(ReferenceRows.Field(row, program)), s.Length == 0 ? "sanctions list" : s));
        }

        return new SanctionsList(entries);
    }

    private static Dictionary<string, List<string>> ReadAliases(IEnumerable<IReadOnlyList<string>>? altRows)
    {
        var map = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (altRows is null)
        {
            return map;
        }

        foreach (var row in altRows)
        {
            if (row.Count < 4 || !long.TryParse(row[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue; // header, blank line or OFAC's end-of-file marker
            }

            var alias = SdnField(row, 3);
            if (alias.Length == 0)
            {
                continue;
            }

            var id = row[0].Trim();
            if (!map.TryGetValue(id, out var list))
            {
                map[id] = list = [];
            }

            list.Add(alias);
        }

        return map;
    }

    // SDN.CSV writes several programs as "SDGT] [IRGC"; show them as "SDGT; IRGC".
    private static string CleanProgram(string program) =>
        string.Join("; ", program.Split(["] [", "[", "]"], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
