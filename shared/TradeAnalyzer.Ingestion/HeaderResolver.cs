using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Ingestion;

/// <summary>The outcome of matching a header row: the kind, the profile, and where each canonical column is.</summary>
internal sealed class HeaderResolution
{
    public required FileKind Kind { get; init; }

    public required MappingProfile Profile { get; init; }

    /// <summary>Per canonical column of <see cref="Kind"/>, the file column index or -1.</summary>
    public required int[] Map { get; init; }

    public int Score { get; init; }

    /// <summary>Required canonical columns that are neither in the file nor given by the profile.</summary>
    public List<string> Missing { get; } = [];
}

/// <summary>Recognises a file's kind and profile from its header row.</summary>
internal static class HeaderResolver
{
    public static HeaderResolution? Resolve(IReadOnlyList<string> header, FileKind? forcedKind, MappingProfile? forcedProfile)
    {
        var folded = new string[header.Count];
        for (var i = 0; i < folded.Length; i++)
        {
            folded[i] = HeaderNames.Fold(header[i]);
        }

        IReadOnlyList<MappingProfile> profiles = forcedProfile is not null ? [forcedProfile] : MappingProfile.BuiltIn;
        var kindForced = forcedKind is not null and not FileKind.Unknown;
        HeaderResolution? best = null;
        foreach (var profile in profiles)
        {
            foreach (var kind in CanonicalColumns.RecognisedKinds)
            {
                if (kindForced ? kind != forcedKind : (profile.Kind is not null && profile.Kind != kind))
                {
                    continue;
                }

                var cols = CanonicalColumns.For(kind);
                var map = new int[cols.Count];
                var prio = new int[cols.Count];
                Array.Fill(map, -1);
                for (var j = 0; j < folded.Length; j++)
                {
                    if (folded[j].Length == 0 || profile.Map(folded[j], kind) is not { } m)
                    {
                        continue;
                    }

                    var ci = CanonicalColumns.IndexOf(kind, m.Column);
                    if (map[ci] < 0 || m.Priority < prio[ci])
                    {
                        map[ci] = j;
                        prio[ci] = m.Priority;
                    }
                }

                int score = 0, required = 0, covered = 0;
                for (var c = 0; c < cols.Count; c++)
                {
                    if (map[c] >= 0)
                    {
                        score += cols[c].Required ? 2 : 1;
                    }

                    if (cols[c].Required)
                    {
                        required++;
                        if (map[c] >= 0 || profile.Fixed.ContainsKey(cols[c].Name) || profile.Defaults.ContainsKey(cols[c].Name))
                        {
                            covered++;
                        }
                    }
                }

                var coverage = required == 0 ? 1 : (double)covered / required;
                var r = new HeaderResolution { Kind = kind, Profile = profile, Map = map, Score = score };
                for (var c = 0; c < cols.Count; c++)
                {
                    if (cols[c].Required && map[c] < 0 && !profile.Fixed.ContainsKey(cols[c].Name) && !profile.Defaults.ContainsKey(cols[c].Name))
                    {
                        r.Missing.Add(cols[c].Name);
                    }
                }

                if (!kindForced && (coverage < 0.5 || score < 3))
                {
                    continue;
                }

                if (best is null || score > best.Score)
                {
                    best = r;
                }
            }
        }

        return best;
    }

    /// <summary>True for a header-less OFAC SDN.CSV row: 12 or more fields, a numeric first field, and "-0-" placeholders.</summary>
    public static bool LooksLikeSdn(IReadOnlyList<string> row) => row.Count >= 12 && IsNumber(row[0]) && row.Contains("-0-");

    private static bool IsNumber(string s) => s.Trim().Length > 0 && !s.Trim().AsSpan().ContainsAnyExceptInRange('0', '9');
}
