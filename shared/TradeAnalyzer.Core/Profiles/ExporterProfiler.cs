using System.Globalization;
using System.Runtime.InteropServices;
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

    /// <summary>Chance (binomial tail) below which an exporter's share of anomalous shipments is a pattern on its own.</summary>
    public const double PatternPValue = 1e-8;

    /// <summary>The weaker chance that suffices when most declared values are round numbers.</summary>
    public const double PatternPValueWithRoundValues = 0.05;

    /// <summary>A new exporter's line this many times the median line value of the same goods is unusually high value.</summary>
    public const double NewcomerValueRatio = 10;

    /// <summary>Share of round declared values so extreme (with 10 values or more) that three anomalous shipments make a pattern.</summary>
    public const double AlmostAllRound = 0.8;

    /// <summary>The chance that suffices when first digits also depart from Benford's law (a weaker sign on one exporter's few commodities).</summary>
    public const double PatternPValueWithBenford = 1e-6;

    /// <summary>Most shared record parts remembered by reference in one pass (records that share none stay correct, only slower).</summary>
    private const int MaxRemembered = 1 << 18;

    /// <summary>The key a declaration's exporter is profiled under (its normalised name and id when no key was given).</summary>
    public static string ExporterKeyOf(DeclarationLine line) => RiskFlags.ExporterKeyOf(line);

    /// <summary>Codes that describe how a shipment was traded or documented (as opposed to what or who it is).</summary>
    public static bool IsTradeAnomaly(FlagCode code) => code is FlagCode.PriceAboveBaseline or FlagCode.PriceBelowBaseline
        or FlagCode.MirrorMissing or FlagCode.MirrorValueGap or FlagCode.MirrorQuantityGap or FlagCode.MirrorHsMismatch
        or FlagCode.InvoiceMissing or FlagCode.InvoiceValueMismatch or FlagCode.InvoiceQuantityMismatch or FlagCode.InvoicePartyMismatch
        or FlagCode.InvoiceReused or FlagCode.ThirdPartyPayment or FlagCode.WeightQuantityMismatch or FlagCode.VagueDescription;

    public IReadOnlyList<ExporterProfile> Profile(AnalysisContext context, IReadOnlyList<Flag> recordFlags, IFlagSink sink)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(recordFlags);
        ArgumentNullException.ThrowIfNull(sink);
        var spanish = context.Options.Spanish;
        var asOf = context.AsOf;
        var window = context.Options.NewExporterWindowDays;

        // 1. The roll-up of each exporter's lines, made beside the detectors when the analyzer called Prepare.
        var acc = context.Artifacts.ExporterRollUp as Dictionary<string, Acc> ?? RollUp(context);
        context.Artifacts.ExporterRollUp = null;

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

        // Each exporter's flags are digested once (records, scores, value at risk), on both cores.
        var accs = acc.Values.ToArray();
        var digests = new ExporterFlagDigest[accs.Length];
        Parallel.For(0, accs.Length, i => digests[i] = ExporterFlagDigest.Of(flagsBy.GetValueOrDefault(accs[i].Key) ?? []));

        // The base rate of trade anomalies per shipment among exporters of the same country (flows differ: a US exporter's
        // shipments are seen by two customs and their invoices, a Chinese one's only at import): an exporter's own share
        // is judged against it.
        var byCountry = new Dictionary<string, (long Shipments, long Anomalies)>(StringComparer.Ordinal);
        for (var i = 0; i < accs.Length; i++)
        {
            var a = accs[i];
            var n = Math.Min(a.Shipments, digests[i].AnomalyShipments);
            var c = byCountry.GetValueOrDefault(a.Country ?? string.Empty);
            byCountry[a.Country ?? string.Empty] = (c.Shipments + a.Shipments, c.Anomalies + n);
        }

        double BaseRateOf(Acc a) => byCountry.TryGetValue(a.Country ?? string.Empty, out var c) && c.Shipments > 0
            ? Math.Clamp((double)c.Anomalies / c.Shipments, 0.01, 0.5)
            : 0.01;

        // 3. Thresholds for "unusually high value" among exporters.
        var totals = acc.Values.Select(a => a.Value).Order().ToArray();
        var maxes = acc.Values.Select(a => a.MaxShipment).Order().ToArray();
        var highTotal = HighValueThreshold(totals);
        var highShipment = HighValueThreshold(maxes);

        var built = new ExporterProfile[accs.Length];
        Parallel.For(0, accs.Length, i =>
        {
            var a = accs[i];
            built[i] = Build(a, digests[i], context, asOf, window, highTotal, highShipment, BaseRateOf(a), spanish, out var exporterFlags);
            foreach (var f in exporterFlags)
            {
                sink.Add(f);
            }
        });

        var profiles = new List<ExporterProfile>(built);

        profiles.Sort((x, y) => y.Score != x.Score ? y.Score.CompareTo(x.Score) : string.CompareOrdinal(x.Key, y.Key));
        return profiles;
    }

    /// <summary>
    /// Everything of the profiles that does not need the flags (the lines grouped and rolled up per exporter, the
    /// newcomers' largest line against the typical line of the same goods), kept in the context's artifacts for
    /// <see cref="Profile"/>. The analyzer runs it beside the detectors, where a core is free once the short detectors
    /// are done; without it, <see cref="Profile"/> does the same work itself.
    /// </summary>
    public void Prepare(AnalysisContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Artifacts.ExporterRollUp = RollUp(context);
    }

    private static Dictionary<string, Acc> RollUp(AnalysisContext context)
    {
        var asOf = context.AsOf;
        var window = context.Options.NewExporterWindowDays;
        var declarations = context.Declarations;

        // 1. Group the declaration lines by exporter, then roll each exporter up in parallel. The exporter key depends only on the parties, which lines of one file share: the parties part (by reference)
        // finds the exporter without building and hashing the key string per line. Bounded, for unshared records.
        var acc = new Dictionary<string, Acc>(StringComparer.Ordinal);
        var byParties = new Dictionary<DeclarationParties, Acc>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < declarations.Count; i++)
        {
            var d = declarations[i];
            if (!byParties.TryGetValue(d.PartiesRef, out var a))
            {
                var key = RiskFlags.ExporterKeyOf(d);
                if (!acc.TryGetValue(key, out a))
                {
                    acc[key] = a = new Acc(key, d.ExporterName, d.ExporterId, d.ExporterCountry ?? d.OriginCountry, d.Date);
                }

                if (byParties.Count < MaxRemembered)
                {
                    byParties[d.PartiesRef] = a;
                }
            }

            a.Lines.Add(i);
        }

        Parallel.ForEach(acc.Values, a => a.RollUp(declarations));

        // 1b. For exporters that are new: how large their largest line is against the typical (median) line value of the
        // same HS6 goods among all lines, since "unusually high value" for a newcomer is about the goods, not the exporter.
        var newcomers = acc.Values.Where(a => IsNew(FirstSeen(a, context), asOf, window)).ToList();
        if (newcomers.Count > 0)
        {
            var typical = TypicalLineValues(declarations, newcomers);
            foreach (var a in newcomers)
            {
                foreach (var i in a.Lines)
                {
                    var d = declarations[i];
                    if (typical.TryGetValue(d.Hs.Digits, out var median) && median > 0)
                    {
                        a.MaxValueRatio = Math.Max(a.MaxValueRatio, d.ValueUsd / median);
                    }
                }
            }
        }

        return acc;
    }

    /// <summary>
    /// The median line value of each HS6 that <paramref name="newcomers"/> ship, over all declaration lines of that HS6,
    /// keyed by full code (<see cref="HsCode.Digits"/>): codes are mapped to HS6 groups once per distinct code, and only
    /// the groups the newcomers need are gathered (no grouping of every line, no HS6 substring per line).
    /// </summary>
    private static Dictionary<string, double> TypicalLineValues(IReadOnlyList<DeclarationLine> declarations, List<Acc> newcomers)
    {
        var groupOfCode = new Dictionary<string, int>(StringComparer.Ordinal);
        var groupOfHs6 = new Dictionary<string, int>(StringComparer.Ordinal);
        var needed = new List<bool>();
        foreach (var a in newcomers)
        {
            foreach (var i in a.Lines)
            {
                needed[GroupOf(declarations[i].Hs.Digits)] = true;
            }
        }

        var groupOfLine = new int[declarations.Count];
        var groupOfGoods = new Dictionary<GoodsPart, int>(ReferenceEqualityComparer.Instance);
        var sizes = new int[needed.Count + 1];
        for (var i = 0; i < declarations.Count; i++)
        {
            // The code is on the line's goods part, which lines share: one string look-up per distinct part.
            var goods = declarations[i].GoodsRef;
            if (!groupOfGoods.TryGetValue(goods, out var g))
            {
                g = GroupOf(declarations[i].Hs.Digits);
                if (groupOfGoods.Count < MaxRemembered)
                {
                    groupOfGoods[goods] = g;
                }
            }

            groupOfLine[i] = g;
            if (g < sizes.Length - 1 && needed[g])
            {
                sizes[g + 1]++;
            }
        }

        var start = new int[sizes.Length];
        for (var g = 1; g < sizes.Length; g++)
        {
            start[g] = start[g - 1] + sizes[g];
        }

        var values = new double[start[^1]];
        var cursor = (int[])start.Clone();
        for (var i = 0; i < declarations.Count; i++)
        {
            var g = groupOfLine[i];
            if (g < sizes.Length - 1 && needed[g])
            {
                values[cursor[g]++] = declarations[i].ValueUsd;
            }
        }

        var medianOfGroup = new double[needed.Count];
        for (var g = 0; g < needed.Count; g++)
        {
            if (needed[g])
            {
                medianOfGroup[g] = Median(values.AsSpan(start[g], sizes[g + 1]));
            }
        }

        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (code, g) in groupOfCode)
        {
            if (g < needed.Count && needed[g])
            {
                result[code] = medianOfGroup[g];
            }
        }

        return result;

        int GroupOf(string digits)
        {
            ref var g = ref CollectionsMarshal.GetValueRefOrAddDefault(groupOfCode, digits, out var known);
            if (!known)
            {
                ref var h = ref CollectionsMarshal.GetValueRefOrAddDefault(groupOfHs6, digits[..6], out var seen);
                if (!seen)
                {
                    h = groupOfHs6.Count - 1;
                    needed.Add(false);
                }

                g = h;
            }

            return g;
        }
    }

    private static DateOnly FirstSeen(Acc a, AnalysisContext context) =>
        context.ExporterFirstSeen.TryGetValue(a.Key, out var known) && known < a.First ? known : a.First;

    private static bool IsNew(DateOnly firstSeen, DateOnly asOf, int window)
    {
        var days = asOf.DayNumber - firstSeen.DayNumber;
        return days >= 0 && days <= window;
    }

    private static double Median(Span<double> v)
    {
        v.Sort();
        return v.Length == 0 ? 0 : v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }

    private static string FormatChance(double p) => p < 0.0001 ? "< 0.0001" : p.ToString("0.0000", CultureInfo.InvariantCulture);

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

    private static ExporterProfile Build(Acc a, ExporterFlagDigest digest, AnalysisContext context, DateOnly asOf, int window, double highTotal, double highShipment, double baseRate, bool es, out List<Flag> exporterFlags)
    {
        exporterFlags = [];
        var firstSeen = FirstSeen(a, context);

        var flagged = Math.Min(digest.FlaggedShipments, a.Shipments);
        var precursorShipments = digest.PrecursorShipments;
        var share = a.Shipments == 0 ? 0 : (double)flagged / a.Shipments;
        var valueAtRisk = digest.ValueAtRisk;
        var topScores = digest.TopScores;
        var maxRecord = topScores.Length == 0 ? 0 : topScores[0];
        var thirdRecord = topScores.Length < 3 ? 0 : topScores[2];
        var mad = Benford.Mad(a.Digits);
        var benfordBad = mad > Benford.NonconformingMad;
        var roundShare = a.ValueCount == 0 ? 0 : (double)a.Round / a.ValueCount;
        var roundHigh = a.ValueCount >= 10 && roundShare >= HighRoundShare;
        var days = asOf.DayNumber - firstSeen.DayNumber;
        var isNew = IsNew(firstSeen, asOf, window);
        var highValue = a.Value >= highTotal || a.MaxShipment >= highShipment || a.MaxValueRatio >= NewcomerValueRatio;

        // Score: each part is documented in docs/methods-risk.md.
        var parts = new List<(double Points, string Reason)>();
        if (maxRecord > 0)
        {
            // The riskiest record counts most; the third riskiest shows whether it is a one-off.
            parts.Add(((0.45 * maxRecord) + (0.15 * thirdRecord), es
                ? $"registro más riesgoso con puntaje {N2(maxRecord)}{(thirdRecord > 0 ? $", el tercero {N2(thirdRecord)}" : string.Empty)}"
                : $"riskiest record scores {N2(maxRecord)}{(thirdRecord > 0 ? $", third riskiest {N2(thirdRecord)}" : string.Empty)}"));
        }

        if (flagged > 0)
        {
            parts.Add((20 * Math.Min(1, share / 0.5) * Math.Min(1, flagged / 3.0),
                es ? $"{flagged:N0} de {a.Shipments:N0} envíos marcados ({RiskFlags.Percent(share)})" : $"{flagged:N0} of {a.Shipments:N0} shipments flagged ({RiskFlags.Percent(share)})"));
        }

        if (precursorShipments > 0)
        {
            parts.Add((precursorShipments >= 3 ? 15 : 10, es ? $"{precursorShipments:N0} envíos de precursores" : $"{precursorShipments:N0} precursor shipments"));
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
        var byCodeAll = digest.ByCode;

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

        if (isNew && (precursorShipments > 0 || highValue))
        {
            var what = new List<string>();
            if (precursorShipments > 0)
            {
                what.Add(es ? $"ya envió {precursorShipments:N0} cargamentos de precursores" : $"has already shipped {precursorShipments:N0} precursor consignments");
            }

            if (a.MaxValueRatio >= NewcomerValueRatio)
            {
                what.Add(es
                    ? $"su línea más grande vale {a.MaxValueRatio.ToString("0.0", CultureInfo.InvariantCulture)} veces la mediana de las líneas de la misma mercancía"
                    : $"its largest line is worth {a.MaxValueRatio.ToString("0.0", CultureInfo.InvariantCulture)} times the median line of the same goods");
            }

            if (a.Value >= highTotal || a.MaxShipment >= highShipment)
            {
                what.Add(es
                    ? $"declaró {N2(a.Value)} USD en {a.Shipments:N0} envíos (máximo {N2(a.MaxShipment)} USD), por encima del umbral de exportadores ({N2(a.Value >= highTotal ? highTotal : highShipment)} USD)"
                    : $"declared {N2(a.Value)} USD over {a.Shipments:N0} shipments (largest {N2(a.MaxShipment)} USD), above the high-value mark among exporters ({N2(a.Value >= highTotal ? highTotal : highShipment)} USD)");
            }

            var s = 60 + (precursorShipments > 0 ? 15 : 0) + (highValue ? 5 : 0);
            var text = es
                ? $"El exportador '{name}' apareció por primera vez el {firstSeen:yyyy-MM-dd} ({days:N0} días antes del {asOf:yyyy-MM-dd}) y {string.Join(" y ", what)}."
                : $"Exporter '{name}' was first seen on {firstSeen:yyyy-MM-dd} ({days:N0} days before {asOf:yyyy-MM-dd}) and {string.Join(" and ", what)}.";
            exporterFlags.Add(ExporterFlag(FlagCode.NewExporter, s, text, $"first seen > {window:N0} days ago", $"first seen {firstSeen:yyyy-MM-dd}"));
        }

        // A pattern, not one record: the exporter's share of shipments with trade anomalies (price, mirror, invoice,
        // payment, weight, description) is far above the base rate of all exporters (binomial tail), or clearly above
        // it while its declared values look made up (mostly round numbers; or first digits far from Benford's law). What the goods are (precursors) or who the
        // parties are (sanctions, routes) is flagged on the records themselves.
        var anomalies = Math.Min(digest.AnomalyShipments, a.Shipments);
        var chance = anomalies == 0 ? 1 : 1 - MathNet.Numerics.Distributions.Binomial.CDF(baseRate, a.Shipments, anomalies - 1);
        var evidence = anomalies >= 3
            && (chance < PatternPValue
                || (roundHigh && chance < PatternPValueWithRoundValues)
                || (a.ValueCount >= 10 && roundShare >= AlmostAllRound)
                || (benfordBad && chance < PatternPValueWithBenford));
        if (evidence)
        {
            parts.Add((0, es
                ? $"{anomalies:N0} de {a.Shipments:N0} envíos con anomalías comerciales frente a {RiskFlags.Percent(baseRate)} entre los exportadores del mismo país (probabilidad por azar {FormatChance(chance)})"
                : $"{anomalies:N0} of {a.Shipments:N0} shipments carry trade anomalies against {RiskFlags.Percent(baseRate)} among exporters from the same country (chance {FormatChance(chance)})"));
        }

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
            Commodities = Top(a.Commodities.GroupBy(kv => kv.Key[..6], StringComparer.Ordinal).ToDictionary(g => $"{g.Key[..4]}.{g.Key[4..]}", g => g.Sum(kv => kv.Value), StringComparer.Ordinal)),
            Counterparties = Top(a.Counterparties),
            FlagsByCode = byCodeAll,
            FlaggedShipments = flagged,
            ValueAtRiskUsd = valueAtRisk,
            PrecursorShipments = precursorShipments,
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

        /// <summary>Distinct shipments (<see cref="ShipmentRef"/>), not lines: a shipment declared by both customs counts once.</summary>
        public int Shipments { get; private set; }

        public double Value { get; private set; }

        /// <summary>The largest shipment's value (its counted lines together).</summary>
        public double MaxShipment { get; private set; }

        /// <summary>Largest line value over the median line value of the same HS6 goods (computed for new exporters only).</summary>
        public double MaxValueRatio { get; set; }

        public DateOnly First { get; private set; } = first;

        public DateOnly Last { get; private set; } = first;

        public int[] Digits { get; } = new int[10];

        public int DigitCount { get; private set; }

        public int Round { get; private set; }

        public int ValueCount { get; private set; }

        public Dictionary<string, double> Commodities { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, double> Counterparties { get; } = new(StringComparer.Ordinal);

        /// <summary>Indexes of the exporter's declaration lines.</summary>
        public List<int> Lines { get; } = [];

        /// <summary>
        /// Rolls up the exporter's lines by shipment (<see cref="ShipmentRef"/>): a shipment declared at export and at
        /// import counts once, with the lines of the export declaration (the exporter's own); a shipment seen only at
        /// import counts with the import lines. Values, digits, round values, commodities and counterparties come from
        /// the counted lines; first and last seen from all of them.
        /// </summary>
        public void RollUp(IReadOnlyList<DeclarationLine> declarations)
        {
            // 1. Runs of lines of one shipment: lines of one declaration come together, so a line of the same declaration
            // and shipment id as the one before continues its run. Runs are counted, then keyed.
            var runs = 0;
            DeclarationLine? previous = null;
            foreach (var i in Lines)
            {
                var d = declarations[i];
                runs += SameRun(previous, d) ? 0 : 1;
                previous = d;
            }

            var keys = new ShipmentRef[runs];
            var runOf = new int[runs];
            var starts = new int[runs + 1];
            previous = null;
            for (int k = 0, r = -1; k < Lines.Count; k++)
            {
                var d = declarations[Lines[k]];
                if (!SameRun(previous, d))
                {
                    r++;
                    keys[r] = ShipmentRef.Of(d);
                    runOf[r] = r;
                    starts[r] = k;
                }

                previous = d;
            }

            starts[runs] = Lines.Count;

            // 2. Runs of the same shipment (an export and an import declaration, a shipment split over declarations)
            // found by sorting the keys: no hash table per exporter.
            Array.Sort(keys, runOf);
            var shipmentOfRun = new int[runs];
            var shipments = 0;
            for (var r = 0; r < runs; r++)
            {
                shipments += r > 0 && keys[r] == keys[r - 1] ? 0 : 1;
                shipmentOfRun[runOf[r]] = shipments - 1;
            }

            Shipments = shipments;
            var hasExport = new bool[shipments];
            for (var r = 0; r < runs; r++)
            {
                for (var k = starts[r]; k < starts[r + 1]; k++)
                {
                    var d = declarations[Lines[k]];
                    hasExport[shipmentOfRun[r]] |= d.Flow == TradeFlow.Export;
                    if (d.Date < First)
                    {
                        First = d.Date;
                    }

                    if (d.Date > Last)
                    {
                        Last = d.Date;
                    }
                }
            }

            // 3. The counted lines of each shipment.
            var shipmentValue = new double[shipments];
            for (var r = 0; r < runs; r++)
            {
                var shipment = shipmentOfRun[r];
                for (var k = starts[r]; k < starts[r + 1]; k++)
                {
                    var d = declarations[Lines[k]];
                    if (hasExport[shipment] && d.Flow != TradeFlow.Export)
                    {
                        continue;
                    }

                    shipmentValue[shipment] += d.ValueUsd;
                    Add(d);
                }
            }

            MaxShipment = shipments == 0 ? 0 : shipmentValue.Max();
        }

        private static bool SameRun(DeclarationLine? previous, DeclarationLine d) => previous is not null
            && string.Equals(previous.DeclarationId, d.DeclarationId, StringComparison.Ordinal)
            && string.Equals(previous.ShipmentId, d.ShipmentId, StringComparison.Ordinal);

        private void Add(DeclarationLine d)
        {
            Value += d.ValueUsd;
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

            // Keyed by the full code (no substring per line); folded to HS6 when the profile is built.
            CollectionsMarshal.GetValueRefOrAddDefault(Commodities, d.Hs.Digits, out _) += d.ValueUsd;
            CollectionsMarshal.GetValueRefOrAddDefault(Counterparties, d.ImporterName, out _) += d.ValueUsd;
        }
    }
}
