namespace TradeAnalyzer.Core.Reference;

/// <summary>Risk of a jurisdiction (spec 1.3 `jurisdictions`).</summary>
public enum JurisdictionRisk
{
    /// <summary>FATF high-risk jurisdiction subject to a call for action (DPRK, Iran, Myanmar).</summary>
    High,

    /// <summary>FATF jurisdiction under increased monitoring (the "grey list").</summary>
    Monitored,

    /// <summary>A documented re-export or transshipment hub: not risky alone, but part of layered routings.</summary>
    Hub,
}

/// <summary>One jurisdiction of the list: ISO alpha-2 code, risk, why, and the date of the source list.</summary>
public sealed record Jurisdiction(string Country, JurisdictionRisk Risk, string Reason, DateOnly? AsOf);

/// <summary>
/// High-risk, monitored and re-export-hub jurisdictions by ISO alpha-2 code. The embedded default
/// (Reference/Data/jurisdictions.csv) holds the FATF lists of 13 June 2025 and the hubs named in FATF/Egmont and FinCEN
/// trade-based money laundering guidance. Immutable; lookups are thread-safe.
/// </summary>
public sealed class JurisdictionList
{
    private static readonly Lazy<JurisdictionList> DefaultList = new(() => Parse(ReferenceRows.Embedded("jurisdictions.csv")));

    private readonly Dictionary<string, Jurisdiction> _byCountry;

    public JurisdictionList(IEnumerable<Jurisdiction> entries)
    {
        _byCountry = entries.GroupBy(e => e.Country, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Last(), StringComparer.OrdinalIgnoreCase);
        AsOf = _byCountry.Count == 0 ? null : _byCountry.Values.Max(j => j.AsOf);
    }

    public static JurisdictionList Empty { get; } = new([]);

    /// <summary>The embedded default list (FATF call-for-action and increased-monitoring lists, re-export hubs).</summary>
    public static JurisdictionList Default => DefaultList.Value;

    public IReadOnlyCollection<Jurisdiction> Entries => _byCountry.Values;

    /// <summary>The latest as-of date of the entries: the date of the lists the file reflects.</summary>
    public DateOnly? AsOf { get; }

    public Jurisdiction? Find(string? country) =>
        country is not null && _byCountry.TryGetValue(country, out var j) ? j : null;

    /// <summary>
    /// Parses `country,risk,reason,as_of` rows (header first; risk: high, monitored (or "increased monitoring", "grey"),
    /// hub; as_of ISO date). Rows with an unknown risk or a country that is not two letters raise
    /// <see cref="InvalidDataException"/> naming the row, so a bad override is not silently half-loaded.
    /// </summary>
    public static JurisdictionList Parse(IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Dictionary<string, int>? header = null;
        int country = -1, risk = -1, reason = -1, asOf = -1;
        var entries = new List<Jurisdiction>();
        var rowNo = 0;
        foreach (var row in rows)
        {
            rowNo++;
            if (ReferenceRows.IsBlank(row))
            {
                continue;
            }

            if (header is null)
            {
                header = ReferenceRows.Header(row);
                country = ReferenceRows.Column(header, "country", "iso2", "country_code", "jurisdiction");
                risk = ReferenceRows.Column(header, "risk", "level", "category");
                reason = ReferenceRows.Column(header, "reason", "note", "notes");
                asOf = ReferenceRows.Column(header, "as_of", "asof", "date");
                if (country < 0 || risk < 0)
                {
                    throw new InvalidDataException("The jurisdictions list needs 'country' and 'risk' columns (country,risk,reason,as_of).");
                }

                continue;
            }

            var code = ReferenceRows.Field(row, country).ToUpperInvariant();
            if (code.Length != 2 || !char.IsAsciiLetter(code[0]) || !char.IsAsciiLetter(code[1]))
            {
                throw new InvalidDataException($"Jurisdictions row {rowNo}: country '{code}' is not an ISO alpha-2 code.");
            }

            var riskText = ReferenceRows.Field(row, risk).ToUpperInvariant();
            JurisdictionRisk level = riskText switch
            {
                "HIGH" or "HIGH RISK" or "HIGH-RISK" or "BLACK" or "BLACKLIST" or "CALL FOR ACTION" => JurisdictionRisk.High,
                "MONITORED" or "INCREASED MONITORING" or "GREY" or "GRAY" or "GREYLIST" or "GREY LIST" => JurisdictionRisk.Monitored,
                "HUB" or "REEXPORT" or "RE-EXPORT" or "TRANSSHIPMENT" => JurisdictionRisk.Hub,
                _ => throw new InvalidDataException($"Jurisdictions row {rowNo}: risk '{ReferenceRows.Field(row, risk)}' is not high, monitored or hub."),
            };
            entries.Add(new Jurisdiction(code, level, ReferenceRows.Field(row, reason), ReferenceRows.ParseDate(ReferenceRows.Field(row, asOf))));
        }

        return new JurisdictionList(entries);
    }
}
