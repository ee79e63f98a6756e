using System.Globalization;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Scoring;

namespace TradeAnalyzer.Core.Profiles;

/// <summary>
/// One profile per exporter (key: tax id, else normalised name; <see cref="DeclarationLine.ExporterKey"/>): shipments,
/// value, commodities, counterparties, first and last seen (history included), flags by code, value at risk, Benford
/// first-digit MAD (n >= 50) and round-value share, and a 0-100 score with tiers that ranks exporters for outreach
/// (docs/methods-risk.md). Adds NEW_EXPORTER and EXPORTER_PROFILE flags.
/// </summary>
public sealed class ExporterProfiler : IExporterProfiler
{
    /// <summary>Largest number of commodities and counterparties kept on a profile (most valuable first).</summary>
    public const int MaxListed = 25;

    /// <summary>Share of round declared values counted as high (with at least 10 values).</summary>
    public const double HighRoundShare = 0.4;

    /// <summary>Exporter score from which EXPORTER_PROFILE is raised (when the evidence rule also holds).</summary>
    public const double ProfileFlagScore = 60;

    public IReadOnlyList<ExporterProfile> Profile(AnalysisContext context, IReadOnlyList<Flag> recordFlags, IFlagSink sink)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(recordFlags);
        ArgumentNullException.ThrowIfNull(sink);
        var spanish = context.Options.Spanish;
        var asOf = context.AsOf;
        var window = context.Options.NewExporterWindowDays;

        // 1. Roll the declaration lines up by exporter.
        var acc = new Dictionary<string, Acc>(StringComparer.Ordinal);
        foreach (var d in context.Declarations)
        {
            var key = RiskFlags.ExporterKeyOf(d);
            if (!acc.TryGetValue(key, out var a))
            {
                acc[key] = a = new Acc(key, d.ExporterName, d.ExporterId, d.ExporterCountry ?? d.OriginCountry, d.Date);
            }

            a.Add(d);
        }

        // 2. Flags by exporter.
        var flagsBy = new Dictionary<string, List<Flag>>(StringComparer.Ordinal);
        foreach (var f in recordFlags)
        {
            if (f.ExporterKey is null || f.RecordType is RecordType.Exporter or RecordType.Corridor)
            {
                continue;
            }

            if (!flagsBy.TryGetValue(f.ExporterKey, out var list))
            {
                flagsBy[f.ExporterKey] = list = [];
            }

            list.Add(f);
        }

        // 3. Thresholds for "unusually high value" among exporters.
        var totals = acc.Values.Select(a => a.Value).Order().ToArray();
        var maxes = acc.Values.Select(a => a.MaxShipment).Order().ToArray();
        var highTotal = HighValueThreshold(totals);
        var highShipment = HighValueThreshold(maxes);

        var profiles = new List<ExporterProfile>(acc.Count);
        foreach (var a in acc.Values)
        {
            var flags = flagsBy.GetValueOrDefault(a.Key) ?? [];
            var profile = Build(a, flags, context, asOf, window, highTotal, highShipment, spanish, out var exporterFlags);
            foreach (var f in exporterFlags)
            {
                sink.Add(f);
            }

            profiles.Add(profile);
        }

        profiles.Sort((x, y) => y.Score != x.Score ? y.Score.CompareTo(x.Score) : string.CompareOrdinal(x.Key, y.Key));
        return profiles;
    }

    /// <summary>The 95th percentile of the values with at least 20 exporters, else three times the median.</summary>
    internal static double HighValueThreshold(double[] sorted)
    {
        if (sorted.Length == 0)
        {
            return double.PositiveInfinity;
        }

        if (sorted.Length >= 20)
        {
            var pos = 0.95 * (sorted.Length - 1);
            var lo = (int)Math.Floor(pos);
            var hi = Math.Min(sorted.Length - 1, lo + 1);
            return sorted[lo] + ((pos - lo) * (sorted[hi] - sorted[lo]));
        }

        return 3 * sorted[sorted.Length / 2];
    }

    private static ExporterProfile Build(Acc a, List<Flag> flags, AnalysisContext context, DateOnly asOf, int window, double highTotal, double highShipment, bool es, out List<Flag> exporterFlags)
    {
        exporterFlags = [];
        var firstSeen = a.First;
        if (context.ExporterFirstSeen.TryGetValue(a.Key, out var known) && known < firstSeen)
        {
            firstSeen = known;
        }

        var byCode = new Dictionary<FlagCode, int>();
        var flaggedRecords = new HashSet<string>(StringComparer.Ordinal);
        var precursorRecords = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in flags)
        {
            byCode[f.Code] = byCode.GetValueOrDefault(f.Code) + 1;
            if (f.RecordType is RecordType.Declaration or RecordType.Shipment)
            {
                var rec = RecordScorer.RecordOf(f);
                if (rec is { } r)
                {
                    flaggedRecords.Add(r.Key);
                    if (f.Code is FlagCode.PrecursorChemical or FlagCode.PrecursorMisdeclared)
                    {
                        precursorRecords.Add(r.Key);
                    }
                }
            }
        }

        var flagged = Math.Min(flaggedRecords.Count, a.Shipments);
        var share = a.Shipments == 0 ? 0 : (double)flagged / a.Shipments;
        var valueAtRisk = RecordScorer.ValueAtRisk(flags);
        var maxRecord = flags.Count == 0 ? 0 : RecordScorer.Score(flags).Max(s => s.Score);
        var mad = Benford.Mad(a.Digits);
        var benfordBad = mad > Benford.NonconformingMad;
        var roundShare = a.ValueCount == 0 ? 0 : (double)a.Round / a.ValueCount;
        var roundHigh = a.ValueCount >= 10 && roundShare >= HighRoundShare;
        var days = asOf.DayNumber - firstSeen.DayNumber;
        var isNew = days >= 0 && days <= window;
        var highValue = a.Value >= highTotal || a.MaxShipment >= highShipment;

        // Score: each part is documented in docs/methods-risk.md.
        var parts = new List<(double Points, string Reason)>();
        if (maxRecord > 0)
        {
            parts.Add((0.6 * maxRecord, es ? $"registro más riesgoso con puntaje {N2(maxRecord)}" : $"riskiest record scores {N2(maxRecord)}"));
        }

        if (flagged > 0)
        {
            parts.Add((20 * Math.Min(1, share / 0.5) * Math.Min(1, flagged / 3.0),
                es ? $"{flagged:N0} de {a.Shipments:N0} envíos marcados ({RiskFlags.Percent(share)})" : $"{flagged:N0} of {a.Shipments:N0} shipments flagged ({RiskFlags.Percent(share)})"));
        }

        if (precursorRecords.Count > 0)
        {
            parts.Add((precursorRecords.Count >= 3 ? 15 : 10, es ? $"{precursorRecords.Count:N0} envíos de precursores" : $"{precursorRecords.Count:N0} precursor shipments"));
        }

        if (valueAtRisk > 10_000)
        {
            parts.Add((10 * Math.Clamp(Math.Log10(valueAtRisk / 10_000) / 3, 0, 1), es ? $"valor en riesgo {N2(valueAtRisk)} USD" : $"value at risk {N2(valueAtRisk)} USD"));
        }

        if (benfordBad)
        {
            parts.Add((8, es ? $"primeros dígitos fuera de Benford (MAD {mad!.Value.ToString("0.0000", CultureInfo.InvariantCulture)} > 0.015, n = {a.DigitCount:N0})" : $"first digits depart from Benford (MAD {mad!.Value.ToString("0.0000", CultureInfo.InvariantCulture)} > 0.015, n = {a.DigitCount:N0})"));
        }

        if (roundHigh)
        {
            parts.Add((5, es ? $"{RiskFlags.Percent(roundShare)} de valores redondos" : $"{RiskFlags.Percent(roundShare)} of declared values are round"));
        }

        if (isNew)
        {
            parts.Add((7, es ? $"visto por primera vez el {firstSeen:yyyy-MM-dd}" : $"first seen {firstSeen:yyyy-MM-dd}"));
        }

        parts.Sort((x, y) => y.Points.CompareTo(x.Points));
        var score = Math.Round(Math.Min(100, parts.Sum(p => p.Points)), 1);
        var tier = RecordScorer.TierOf(score);
        var byCodeAll = new Dictionary<FlagCode, int>(byCode);

        var name = a.Name;
        Flag ExporterFlag(FlagCode code, double s, string text, string? expected, string? observed) => new()
        {
            Code = code,
            Score = RiskFlags.Clamp(s),
            Severity = EnumText.SeverityFromScore(RiskFlags.Clamp(s)),
            RecordType = RecordType.Exporter,
            ExporterName = name,
            ExporterKey = a.Key,
            ValueUsd = a.Value,
            ValueAtRiskUsd = valueAtRisk > 0 ? valueAtRisk : null,
            Expected = expected,
            Observed = observed,
            Explanation = text,
            Date = a.Last,
            OriginCountry = a.Country,
        };

        if (isNew && (precursorRecords.Count > 0 || highValue))
        {
            var what = new List<string>();
            if (precursorRecords.Count > 0)
            {
                what.Add(es ? $"ya envió {precursorRecords.Count:N0} cargamentos de precursores" : $"has already shipped {precursorRecords.Count:N0} precursor consignments");
            }

            if (highValue)
            {
                what.Add(es
                    ? $"declaró {N2(a.Value)} USD en {a.Shipments:N0} envíos (máximo {N2(a.MaxShipment)} USD), por encima del umbral de exportadores ({N2(a.Value >= highTotal ? highTotal : highShipment)} USD)"
                    : $"declared {N2(a.Value)} USD over {a.Shipments:N0} shipments (largest {N2(a.MaxShipment)} USD), above the high-value mark among exporters ({N2(a.Value >= highTotal ? highTotal : highShipment)} USD)");
            }

            var s = 60 + (precursorRecords.Count > 0 ? 15 : 0) + (highValue ? 5 : 0);
            var text = es
                ? $"El exportador '{name}' apareció por primera vez el {firstSeen:yyyy-MM-dd} ({days:N0} días antes del {asOf:yyyy-MM-dd}) y {string.Join(" y ", what)}."
                : $"Exporter '{name}' was first seen on {firstSeen:yyyy-MM-dd} ({days:N0} days before {asOf:yyyy-MM-dd}) and {string.Join(" and ", what)}.";
            exporterFlags.Add(ExporterFlag(FlagCode.NewExporter, s, text, $"first seen > {window:N0} days ago", $"first seen {firstSeen:yyyy-MM-dd}"));
        }

        var evidence = (share >= 0.3 && flagged >= 3) || (benfordBad && flagged >= 1) || (roundHigh && flagged >= 1);
        if (score >= ProfileFlagScore && evidence)
        {
            var text = es
                ? $"El exportador '{name}' tiene un puntaje de riesgo de {N2(score)} ({TierText(tier, true)}): {string.Join("; ", parts.Select(p => p.Reason))}."
                : $"Exporter '{name}' has a risk score of {N2(score)} ({TierText(tier, false)}): {string.Join("; ", parts.Select(p => p.Reason))}.";
            exporterFlags.Add(ExporterFlag(FlagCode.ExporterProfile, score, text, null, $"{flagged:N0}/{a.Shipments:N0} flagged; VaR {N2(valueAtRisk)} USD"));
        }

        foreach (var f in exporterFlags)
        {
            byCodeAll[f.Code] = byCodeAll.GetValueOrDefault(f.Code) + 1;
        }

        return new ExporterProfile
        {
            Key = a.Key,
            Name = a.Name,
            ExporterId = a.Id,
            Country = a.Country,
            Shipments = a.Shipments,
            ValueUsd = a.Value,
            FirstSeen = firstSeen,
            LastSeen = a.Last,
            Commodities = Top(a.Commodities).Select(h => h.Length == 6 ? $"{h[..4]}.{h[4..]}" : h).ToList(),
            Counterparties = Top(a.Counterparties),
            FlagsByCode = byCodeAll,
            FlaggedShipments = flagged,
            ValueAtRiskUsd = valueAtRisk,
            PrecursorShipments = precursorRecords.Count,
            BenfordMad = mad,
            RoundValueShare = roundShare,
            Score = score,
            Tier = tier,
            Reasons = parts.Select(p => p.Reason).ToList(),
        };
    }

    private static string TierText(RiskTier tier, bool es) => tier switch
    {
        RiskTier.Critical => es ? "crítico" : "critical",
        RiskTier.High => es ? "alto" : "high",
        RiskTier.Medium => es ? "medio" : "medium",
        _ => es ? "bajo" : "low",
    };

    private static string N2(double v) => RiskFlags.N2(v);

    private static List<string> Top(Dictionary<string, double> values) =>
        values.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(MaxListed).Select(kv => kv.Key).ToList();

    /// <summary>Running totals of one exporter.</summary>
    private sealed class Acc(string key, string name, string? id, string? country, DateOnly first)
    {
        public string Key { get; } = key;

        public string Name { get; } = name;

        public string? Id { get; private set; } = id;

        public string? Country { get; } = country;

        public int Shipments { get; private set; }

        public double Value { get; private set; }

        public double MaxShipment { get; private set; }

        public DateOnly First { get; private set; } = first;

        public DateOnly Last { get; private set; } = first;

        public int[] Digits { get; } = new int[10];

        public int DigitCount { get; private set; }

        public int Round { get; private set; }

        public int ValueCount { get; private set; }

        public Dictionary<string, double> Commodities { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, double> Counterparties { get; } = new(StringComparer.Ordinal);

        public void Add(DeclarationLine d)
        {
            Shipments++;
            Value += d.ValueUsd;
            MaxShipment = Math.Max(MaxShipment, d.ValueUsd);
            if (d.Date < First)
            {
                First = d.Date;
            }

            if (d.Date > Last)
            {
                Last = d.Date;
            }

            Id ??= d.ExporterId;
            var digit = Benford.FirstDigit(d.Value);
            if (digit > 0)
            {
                Digits[digit]++;
                DigitCount++;
            }

            if (d.Value > 0)
            {
                ValueCount++;
                if (Benford.IsRound(d.Value))
                {
                    Round++;
                }
            }

            var hs6 = d.Hs.Hs6;
            Commodities[hs6] = Commodities.GetValueOrDefault(hs6) + d.ValueUsd;
            Counterparties[d.ImporterName] = Counterparties.GetValueOrDefault(d.ImporterName) + d.ValueUsd;
        }
    }
}
