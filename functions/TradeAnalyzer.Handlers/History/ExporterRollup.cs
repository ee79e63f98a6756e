using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Profiles;
using TradeAnalyzer.Core.Scoring;

namespace TradeAnalyzer.Handlers.History;

/// <summary>
/// One upload's contribution to an exporter's standing profile: the profile the upload's analysis gave, its
/// <see cref="ExporterDigest"/> (null for contributions recorded before digests existed) and its place in upload order
/// (<paramref name="Stamp"/>, the time the upload was first recorded, ticks; ties by upload id).
/// </summary>
public sealed record ExporterContribution(string UploadId, long Stamp, ExporterProfile Profile, ExporterDigest? Digest);

/// <summary>
/// An exporter's standing profile and the findings its uploads recorded that no longer stand
/// (<see cref="ExporterDigest.FindingKeyOf"/> hashes, ascending): on a replaced line version, or withdrawn by a later
/// upload's verdict on their subject. The Flags table and the archive keep those findings; readers leave them out.
/// </summary>
public sealed record ExporterStanding(ExporterProfile Profile, ulong[] Withdrawn);

/// <summary>
/// Combines one exporter's per-upload contributions into its standing profile (docs/methods-risk.md, "Standing profile
/// across uploads"). An outreach analyst reads it as "what this exporter shipped": each declaration line counts once
/// however many uploads brought it (a corrected or overlapping extract sends lines again; the latest upload's version
/// wins), and each shipment counts once however many uploads its declarations came in (the export declaration in one
/// file, the import declaration in another), with the same per-shipment rules as one upload's profile: a shipment with
/// an export declaration is valued from its export lines, flagged and precursor shipments are distinct shipments, and
/// the value at risk takes each record at its largest figure, sums a document's records and keeps a shipment's largest
/// document. A finding recorded by several uploads (the same <see cref="Flag.Key"/>) counts once, at its latest figure;
/// findings on a line from uploads older than the line's latest version are about a version that no longer stands and
/// are dropped; so are findings whose subject (<see cref="ExporterDigest.SubjectOf"/>: a declaration's mirror status) a later
/// upload judged (<see cref="ExporterDigest.Covered"/>, <see cref="StandingScope"/>) without repeating them: an export
/// flagged MIRROR_MISSING whose import a later upload paired with it. The risk score is the highest any upload gave (with that upload's reasons), so a risky month is not
/// diluted by quiet ones. Contributions without a digest (recorded by older versions) are added as they are.
/// </summary>
public static class ExporterRollup
{
    /// <summary>
    /// Sums profiles that cannot be de-duplicated (no digests): counts, values and flags add up, first and last seen
    /// widen, commodities and counterparties keep their value order, and the score is the highest any part gave.
    /// </summary>
    public static ExporterProfile Combine(IReadOnlyList<ExporterProfile> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var contributions = new ExporterContribution[parts.Count];
        for (var i = 0; i < parts.Count; i++)
        {
            contributions[i] = new ExporterContribution(i.ToString("D10", System.Globalization.CultureInfo.InvariantCulture), 0, parts[i], null);
        }

        return Combine(contributions);
    }

    /// <summary>The standing profile of the contributions (in any order: they are put in upload order first).</summary>
    public static ExporterProfile Combine(IReadOnlyList<ExporterContribution> contributions) => Stand(contributions).Profile;

    /// <summary>
    /// The standing profile of the contributions (in any order: they are put in upload order first) and the findings
    /// they recorded that no longer stand.
    /// </summary>
    public static ExporterStanding Stand(IReadOnlyList<ExporterContribution> contributions)
    {
        ArgumentNullException.ThrowIfNull(contributions);
        if (contributions.Count == 0)
        {
            throw new ArgumentException("At least one profile is needed.", nameof(contributions));
        }

        var ordered = new List<ExporterContribution>(contributions);
        ordered.Sort(static (x, y) => x.Stamp != y.Stamp ? x.Stamp.CompareTo(y.Stamp) : string.CompareOrdinal(x.UploadId, y.UploadId));
        if (ordered.Count == 1)
        {
            return new ExporterStanding(ordered[0].Profile, []);
        }

        var profiles = new ExporterProfile[ordered.Count];
        for (var i = 0; i < profiles.Length; i++)
        {
            profiles[i] = ordered[i].Profile;
        }

        var top = profiles.MaxBy(p => p.Score)!;
        var flags = new Dictionary<FlagCode, int>();
        var figures = Figures.Of(ordered, flags);

        // Contributions without a digest are added as they are (their lines and shipments cannot be told apart).
        var shipments = figures.Shipments;
        var value = figures.Value;
        var flagged = figures.Flagged;
        var atRisk = figures.ValueAtRisk;
        var precursors = figures.Precursors;
        var roundWeighted = figures.ValueCount == 0 ? 0 : (double)figures.Round / figures.ValueCount * figures.Shipments;
        var first = figures.First;
        var last = figures.Last;
        double? benford = figures.HasDigests ? Benford.Mad(figures.Digits) : null;
        ExporterProfile? largestLegacy = null;
        foreach (var c in ordered)
        {
            var p = c.Profile;
            if (p.FirstSeen < first)
            {
                first = p.FirstSeen; // the profile's first seen also knows the history before this exporter's digests
            }

            if (c.Digest is { LineCount: > 0 })
            {
                continue;
            }

            if (p.LastSeen > last)
            {
                last = p.LastSeen;
            }

            if (c.Digest is not null)
            {
                continue;
            }

            shipments += p.Shipments;
            value += p.ValueUsd;
            flagged += p.FlaggedShipments;
            atRisk += p.ValueAtRiskUsd;
            precursors += p.PrecursorShipments;
            roundWeighted += p.RoundValueShare * p.Shipments;

            foreach (var (code, n) in p.FlagsByCode)
            {
                flags[code] = flags.GetValueOrDefault(code) + n;
            }

            if (largestLegacy is null || p.Shipments > largestLegacy.Shipments)
            {
                largestLegacy = p;
            }
        }

        if (!figures.HasDigests)
        {
            benford = largestLegacy!.BenfordMad;
        }

        var commodities = new List<string>();
        var counterparties = new List<string>();
        var seenCommodities = new HashSet<string>(StringComparer.Ordinal);
        var seenCounterparties = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in profiles)
        {
            foreach (var c in p.Commodities)
            {
                if (commodities.Count < 20 && seenCommodities.Add(c))
                {
                    commodities.Add(c);
                }
            }

            foreach (var c in p.Counterparties)
            {
                if (counterparties.Count < 20 && seenCounterparties.Add(c))
                {
                    counterparties.Add(c);
                }
            }
        }

        var profile = top with
        {
            Name = profiles.MaxBy(p => p.LastSeen)!.Name,
            Shipments = shipments,
            ValueUsd = value,
            FirstSeen = first,
            LastSeen = last,
            Commodities = commodities,
            Counterparties = counterparties,
            FlagsByCode = flags,
            FlaggedShipments = Math.Min(flagged, shipments),
            ValueAtRiskUsd = atRisk,
            PrecursorShipments = Math.Min(precursors, shipments),
            RoundValueShare = shipments == 0 ? 0 : roundWeighted / shipments,
            BenfordMad = benford,
            Tier = RecordScorer.TierOf(top.Score),
        };
        return new ExporterStanding(profile, figures.Withdrawn);
    }

    /// <summary>The de-duplicated figures of the contributions that have digests.</summary>
    private sealed class Figures
    {
        public bool HasDigests { get; private set; }

        public int Shipments { get; private set; }

        public double Value { get; private set; }

        public int Flagged { get; private set; }

        public int Precursors { get; private set; }

        public double ValueAtRisk { get; private set; }

        public int[] Digits { get; } = new int[10];

        public int ValueCount { get; private set; }

        public int Round { get; private set; }

        public DateOnly First { get; private set; } = DateOnly.MaxValue;

        public DateOnly Last { get; private set; } = DateOnly.MinValue;

        /// <summary>Findings recorded by some contribution with no standing recording, ascending.</summary>
        public ulong[] Withdrawn { get; private set; } = [];

        /// <summary>Figures of <paramref name="ordered"/> (upload order); flag counts by code are added to <paramref name="byCode"/>.</summary>
        public static Figures Of(List<ExporterContribution> ordered, Dictionary<FlagCode, int> byCode)
        {
            var f = new Figures();

            // 1. Lines: the latest upload's version of each line wins (walk the uploads newest first; the first version met
            // stands). winner[line] is the standing version's upload, for the flags below.
            var winner = new Dictionary<ulong, int>();
            var standing = new List<(int Part, int Line)>();
            for (var p = ordered.Count - 1; p >= 0; p--)
            {
                if (ordered[p].Digest is not { } d)
                {
                    continue;
                }

                f.HasDigests = true;
                for (var i = 0; i < d.LineCount; i++)
                {
                    if (winner.TryAdd(d.LineKeys[i], p))
                    {
                        standing.Add((p, i));
                    }
                }
            }

            // 2. Shipments of the standing lines; a shipment with an export declaration is valued from its export lines.
            var shipmentOf = new Dictionary<ulong, int>();
            var hasExport = new List<bool>();
            foreach (var (p, i) in standing)
            {
                var d = ordered[p].Digest!;
                if (!shipmentOf.TryGetValue(d.LineShipments[i], out var s))
                {
                    s = hasExport.Count;
                    shipmentOf[d.LineShipments[i]] = s;
                    hasExport.Add(false);
                }

                if ((d.LineBits[i] & ExporterDigest.ExportBit) != 0)
                {
                    hasExport[s] = true;
                }

                var day = DateOnly.FromDayNumber(d.LineDays[i]);
                if (day < f.First)
                {
                    f.First = day;
                }

                if (day > f.Last)
                {
                    f.Last = day;
                }
            }

            f.Shipments = hasExport.Count;
            var value = 0.0;
            foreach (var (p, i) in standing)
            {
                var d = ordered[p].Digest!;
                var bits = d.LineBits[i];
                if (hasExport[shipmentOf[d.LineShipments[i]]] && (bits & ExporterDigest.ExportBit) == 0)
                {
                    continue;
                }

                value += d.LineUsd[i];
                var digit = (bits >> ExporterDigest.DigitShift) & 0xF;
                if (digit > 0)
                {
                    f.Digits[digit]++;
                }

                if ((bits & ExporterDigest.PositiveBit) != 0)
                {
                    f.ValueCount++;
                    if ((bits & ExporterDigest.RoundBit) != 0)
                    {
                        f.Round++;
                    }
                }
            }

            f.Value = value;

            // 3. Findings: each once (newest first, the first met stands), none about a line version that was replaced and
            // none whose subject a later upload judged without repeating it. coveredBy[subject]: the latest upload that did.
            var coveredBy = new Dictionary<ulong, int>();
            for (var p = 0; p < ordered.Count; p++)
            {
                if (ordered[p].Digest is { } d)
                {
                    foreach (var subject in d.Covered)
                    {
                        coveredBy[subject] = p;
                    }
                }
            }

            var seen = new HashSet<ulong>();
            HashSet<ulong>? dropped = null;
            var recordOf = new Dictionary<ulong, int>();
            var records = new List<(ulong Shipment, ulong View, double Largest, byte Kinds)>();
            for (var p = ordered.Count - 1; p >= 0; p--)
            {
                if (ordered[p].Digest is not { } d)
                {
                    continue;
                }

                for (var k = 0; k < d.FlagCount; k++)
                {
                    var kinds = d.FlagKinds[k];
                    if (((kinds & ExporterDigest.OnLine) != 0 && winner.TryGetValue(d.FlagRecords[k], out var w) && w > p)
                        || (d.FlagSubjects[k] != 0 && coveredBy.TryGetValue(d.FlagSubjects[k], out var judged) && judged > p))
                    {
                        (dropped ??= []).Add(d.FlagKeys[k]);
                        continue;
                    }

                    if (!seen.Add(d.FlagKeys[k]))
                    {
                        continue;
                    }

                    var code = (FlagCode)d.FlagCodes[k];
                    byCode[code] = byCode.GetValueOrDefault(code) + 1;
                    if ((kinds & ExporterDigest.OnRecord) == 0)
                    {
                        continue;
                    }

                    var figure = d.FlagFigures[k];
                    if (recordOf.TryGetValue(d.FlagRecords[k], out var r))
                    {
                        // As ShipmentRef.Earlier: a record's shipment does not depend on which of its flags came first.
                        var (s, v, largest, had) = records[r];
                        var earlier = d.FlagShipments[k] < s || (d.FlagShipments[k] == s && d.FlagViews[k] < v);
                        records[r] = (earlier ? d.FlagShipments[k] : s, earlier ? d.FlagViews[k] : v, Math.Max(largest, figure), (byte)(had | kinds));
                    }
                    else
                    {
                        recordOf[d.FlagRecords[k]] = records.Count;
                        records.Add((d.FlagShipments[k], d.FlagViews[k], figure, kinds));
                    }
                }
            }

            // 4. Flagged and precursor shipments, and the value at risk: records sorted by shipment, document and figure,
            // swept once (a document's records summed smallest first, a shipment's largest document, shipments summed
            // smallest first), so the figure does not depend on the uploads' or flags' order.
            records.Sort(static (x, y) => x.Shipment != y.Shipment ? x.Shipment.CompareTo(y.Shipment)
                : x.View != y.View ? x.View.CompareTo(y.View) : x.Largest.CompareTo(y.Largest));
            var perShipment = new List<double>();
            for (var i = 0; i < records.Count;)
            {
                var shipment = records[i].Shipment;
                var most = 0.0;
                byte kinds = 0;
                while (i < records.Count && records[i].Shipment == shipment)
                {
                    var view = records[i].View;
                    var sum = 0.0;
                    for (; i < records.Count && records[i].Shipment == shipment && records[i].View == view; i++)
                    {
                        sum += Math.Max(0, records[i].Largest);
                        kinds |= records[i].Kinds;
                    }

                    most = Math.Max(most, sum);
                }

                if (most > 0)
                {
                    perShipment.Add(most);
                }

                if ((kinds & ExporterDigest.DeclarationOrShipment) != 0)
                {
                    f.Flagged++;
                    if ((kinds & ExporterDigest.Precursor) != 0)
                    {
                        f.Precursors++;
                    }
                }
            }

            perShipment.Sort();
            var total = 0.0;
            foreach (var v in perShipment)
            {
                total += v;
            }

            f.ValueAtRisk = total;
            if (dropped is not null)
            {
                dropped.ExceptWith(seen);
                var withdrawn = dropped.ToArray();
                Array.Sort(withdrawn);
                f.Withdrawn = withdrawn;
            }

            return f;
        }
    }
}
