using System.Collections.Concurrent;
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
        var window = context.Options.NewExporterWindowDays;

        // 1. The roll-up of each exporter's lines, made beside the detectors when the analyzer called Prepare.
        var (accs, asOf) = context.Artifacts.ExporterRollUp as (List<ExporterTotals>, DateOnly)? ?? RollUp(context);
        context.Artifacts.ExporterRollUp = null;

        // 2. The flags grouped by record: the score stage's grouping when the analyzer shares it (made when the detectors
        // ended, while the roll-up ran), else made here.
        var groups = context.Artifacts.RecordFlagGroups is { } shared && shared.GetAwaiter().GetResult() is var made && ReferenceEquals(made.Flags, recordFlags)
            ? made
            : FlagGroups.Of(recordFlags);
        context.Artifacts.RecordFlagGroups = null;
        var facts = groups.Facts;

        // Flags by exporter: each flag's exporter numbered (a detector's flags come record after record, so the key is
        // mostly the previous flag's instance), then the flags' positions laid out exporter after exporter in one array.
        var exporterOfKey = new Dictionary<string, int>(accs.Count, StringComparer.Ordinal);
        for (var i = 0; i < accs.Count; i++)
        {
            exporterOfKey[accs[i].Key] = i;
        }

        var exporterOf = new int[facts.Length];
        var flagStart = new int[accs.Count + 1];
        string? lastKey = null;
        var last = -1;
        for (var k = 0; k < facts.Length; k++)
        {
            ref readonly var f = ref facts[k];
            var e = -1;
            if (f.ExporterKey is { } key && f.RecordType is not (RecordType.Exporter or RecordType.Corridor))
            {
                if (!ReferenceEquals(key, lastKey))
                {
                    last = exporterOfKey.GetValueOrDefault(key, -1);
                    lastKey = key;
                }

                e = last;
            }

            exporterOf[k] = e;
            if (e >= 0)
            {
                flagStart[e + 1]++;
            }
        }

        for (var e = 0; e < accs.Count; e++)
        {
            flagStart[e + 1] += flagStart[e];
        }

        var byExporter = new int[flagStart[^1]];
        var cursor = (int[])flagStart.Clone();
        for (var k = 0; k < facts.Length; k++)
        {
            if (exporterOf[k] >= 0)
            {
                byExporter[cursor[exporterOf[k]]++] = k;
            }
        }

        // Each exporter's flags are digested once (records, scores, value at risk), on both cores. The loop's workers are
        // replaced every few ranges (each calls the local init), so the scratches (a stamp and a number per record of the
        // grouping: ~1.9 MB on perf650) are handed on through a pool.
        var digests = new ExporterFlagDigest[accs.Count];
        var pool = new ConcurrentBag<ExporterFlagDigest.Scratch>();
        Parallel.For(
            0,
            accs.Count,
            () => pool.TryTake(out var reused) ? reused : new ExporterFlagDigest.Scratch(),
            (i, _, scratch) =>
            {
                digests[i] = ExporterFlagDigest.Of(byExporter.AsSpan(flagStart[i], flagStart[i + 1] - flagStart[i]), groups, scratch);
                return scratch;
            },
            pool.Add);

        // The base rate of trade anomalies per shipment among exporters of the same country (flows differ: a US exporter's
        // shipments are seen by two customs and their invoices, a Chinese one's only at import): an exporter's own share
        // is judged against it.
        var byCountry = new Dictionary<string, (long Shipments, long Anomalies)>(StringComparer.Ordinal);
        for (var i = 0; i < accs.Count; i++)
        {
            var a = accs[i];
            var n = Math.Min(a.Shipments, digests[i].AnomalyShipments);
            var c = byCountry.GetValueOrDefault(a.Country ?? string.Empty);
            byCountry[a.Country ?? string.Empty] = (c.Shipments + a.Shipments, c.Anomalies + n);
        }

        double BaseRateOf(ExporterTotals a) => byCountry.TryGetValue(a.Country ?? string.Empty, out var c) && c.Shipments > 0
            ? Math.Clamp((double)c.Anomalies / c.Shipments, 0.01, 0.5)
            : 0.01;

        // 3. Thresholds for "unusually high value" among exporters.
        var totals = accs.Select(a => a.Value).Order().ToArray();
        var maxes = accs.Select(a => a.MaxShipment).Order().ToArray();
        var highTotal = HighValueThreshold(totals);
        var highShipment = HighValueThreshold(maxes);

        var built = new ExporterProfile[accs.Count];
        Parallel.For(0, accs.Count, i =>
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

    /// <summary>The roll-up and the analysis date (<see cref="AnalysisContext.AsOf"/>, whose latest line date the
    /// roll-up reads in its own pass over the lines instead of another pass over every line).</summary>
    private static (List<ExporterTotals> Exporters, DateOnly AsOf) RollUp(AnalysisContext context)
    {
        var window = context.Options.NewExporterWindowDays;
        return ExporterRollUp.Of(
            context.Declarations,
            latest => context.Options.AsOf ?? latest ?? DateOnly.FromDateTime(DateTime.UtcNow),
            (a, asOf) => IsNew(FirstSeen(a, context), asOf, window));
    }

    private static DateOnly FirstSeen(ExporterTotals a, AnalysisContext context) =>
        context.ExporterFirstSeen.TryGetValue(a.Key, out var known) && known < a.First ? known : a.First;

    private static bool IsNew(DateOnly firstSeen, DateOnly asOf, int window)
    {
        var days = asOf.DayNumber - firstSeen.DayNumber;
        return days >= 0 && days <= window;
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

    private static ExporterProfile Build(ExporterTotals a, ExporterFlagDigest digest, AnalysisContext context, DateOnly asOf, int window, double highTotal, double highShipment, double baseRate, bool es, out List<Flag> exporterFlags)
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
            Texts = FlagTexts.Encode(text, expected, observed),
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
            Commodities = a.Commodities,
            Counterparties = a.Counterparties,
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
}
