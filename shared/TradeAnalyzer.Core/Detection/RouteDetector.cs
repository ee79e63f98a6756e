using System.Globalization;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Reference;

namespace TradeAnalyzer.Core.Detection;

/// <summary>
/// HIGH_RISK_ROUTE on declarations (docs/methods-risk.md): origin, destination or a transit country on the FATF
/// call-for-action list (high), or a routing that layers jurisdictions without reason: goods that leave and come back
/// to the same country through a transit country, two or more re-export hubs in transit, or three or more distinct
/// transit countries. A monitored (grey-list) country adds to a flag only together with one of those; a hub alone is
/// never flagged.
/// </summary>
public sealed class RouteDetector : IDetector
{
    /// <summary>Score when origin or destination is high risk.</summary>
    public const double HighEndpointScore = 75;

    /// <summary>Score when a transit country is high risk.</summary>
    public const double HighTransitScore = 70;

    /// <summary>Score of a round trip (origin = destination, with transit).</summary>
    public const double RoundTripScore = 60;

    /// <summary>Score of two or more hubs, or three or more distinct countries, in transit.</summary>
    public const double LayeredScore = 55;

    public string Name => "route";

    public void Detect(AnalysisContext context, IFlagSink sink)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(sink);
        var list = context.Reference.Jurisdictions;
        if (list.Entries.Count == 0)
        {
            return;
        }

        var spanish = context.Options.Spanish;
        var declarations = context.Declarations;
        var flagged = 0L;
        // Everything Assess reads (origin, destination, transit) is on the line's route part, which lines with the same
        // route and terms share: each thread assesses a distinct part once instead of every line.
        Parallel.ForEach(Ranges.Of(declarations.Count), () => (Memo: new RouteMemo(list, spanish), Keys: new RiskFlags.ExporterKeys()), (range, _, local) =>
        {
            var (memo, keys) = local;
            var found = 0L;
            // Most lines only compare their route part with the previous line's, so the loop waits on the record and
            // (when the part changes) the part's header for its identity hash: both are prefetched ahead within the
            // range (Detection/RecordSpan), so that the misses overlap.
            var span = RecordSpan.Of(declarations, out var all) ? all[..range.Item2] : default;
            for (var i = range.Item1; i < range.Item2; i++)
            {
                if (RecordSpan.Ahead(span, i) is { } near)
                {
                    CacheHint.Object(near.RouteRef);
                }

                var d = span.Length != 0 ? span[i] : declarations[i];
                if (memo.Of(d) is { } v)
                {
                    found++;
                    sink.Add(RiskFlags.ForDeclaration(d, keys.Of(d), FlagCode.HighRiskRoute, v.Score, Texts(d, v, spanish), d.ValueUsd));
                }
            }

            Interlocked.Add(ref flagged, found);
            return local;
        }, _ => { });
        context.Artifacts.Counters.AddOrUpdate("route.flagged", flagged, (_, v) => v + flagged);
    }

    /// <summary>
    /// "Route R of line D/n reasons (value USD)." and the route: the line number as an int with the current culture (the
    /// same digits for every culture when not negative), the value invariant; formatted straight into the flag's chunk
    /// (<see cref="FlagTexts.Writer"/>) but for a negative line number (never in real data: the string path).
    /// </summary>
    private static FlagTexts Texts(DeclarationLine d, Verdict v, bool spanish)
    {
        if (d.LineNo < 0)
        {
            var what = spanish ? $"La ruta {v.Route} de la línea {d.DeclarationId}/{d.LineNo}" : $"Route {v.Route} of line {d.DeclarationId}/{d.LineNo}";
            return FlagTexts.Encode($"{what} {v.Reasons} ({RiskFlags.N2(d.ValueUsd)} USD).", null, v.Route);
        }

        var invariant = CultureInfo.InvariantCulture;
        var w = FlagTexts.Writer.Begin();
        w.Put(FlagTexts.Observed, v.Route);
        if (spanish)
        {
            w.Put(FlagTexts.Explanation, invariant, $"La ruta {v.Route} de la línea {d.DeclarationId}/{d.LineNo} {v.Reasons} ({d.ValueUsd:N2} USD).");
        }
        else
        {
            w.Put(FlagTexts.Explanation, invariant, $"Route {v.Route} of line {d.DeclarationId}/{d.LineNo} {v.Reasons} ({d.ValueUsd:N2} USD).");
        }

        return w.End();
    }

    /// <summary>"CN > HK > AE > MX".</summary>
    public static string RouteText(string origin, string destination, IReadOnlyList<string> transit) =>
        transit.Count == 0 ? $"{origin} > {destination}" : $"{origin} > {string.Join(" > ", transit)} > {destination}";

    /// <summary>The score and the reasons (one clause) when the route is to be flagged; null otherwise. Allocation-free for clean routes.</summary>
    public static (double Score, string Reasons)? Assess(JurisdictionList list, string? origin, string? destination, IReadOnlyList<string> transit, bool spanish = false)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(transit);
        var o = list.Find(origin);
        var dd = list.Find(destination);
        var highEndpoint = o?.Risk == JurisdictionRisk.High || dd?.Risk == JurisdictionRisk.High;
        var monitored = o?.Risk == JurisdictionRisk.Monitored || dd?.Risk == JurisdictionRisk.Monitored;
        var highTransit = false;
        var hubs = 0;
        var distinct = 0;
        for (var i = 0; i < transit.Count; i++)
        {
            var t = transit[i];
            if (string.Equals(t, origin, StringComparison.OrdinalIgnoreCase) || string.Equals(t, destination, StringComparison.OrdinalIgnoreCase) || SeenBefore(transit, i))
            {
                continue;
            }

            distinct++;
            var j = list.Find(t);
            switch (j?.Risk)
            {
                case JurisdictionRisk.High:
                    highTransit = true;
                    break;
                case JurisdictionRisk.Monitored:
                    monitored = true;
                    break;
                case JurisdictionRisk.Hub:
                    hubs++;
                    break;
            }
        }

        var roundTrip = transit.Count > 0 && distinct > 0 && string.Equals(origin, destination, StringComparison.OrdinalIgnoreCase);
        var layered = hubs >= 2 || distinct >= 3;
        if (!highEndpoint && !highTransit && !roundTrip && !layered)
        {
            return null; // hubs alone and grey-list countries alone are not flagged
        }

        var reasons = new List<string>(4);
        var score = 0.0;
        if (highEndpoint)
        {
            var which = o?.Risk == JurisdictionRisk.High ? o : dd!;
            score = HighEndpointScore;
            reasons.Add(spanish
                ? $"{(ReferenceEquals(which, o) ? "tiene origen en" : "tiene destino en")} {which.Country}, {which.Reason}{AsOfText(which, true)}"
                : $"{(ReferenceEquals(which, o) ? "starts in" : "ends in")} {which.Country}, {which.Reason}{AsOfText(which, false)}");
        }

        if (highTransit)
        {
            var which = transit.Select(list.Find).First(j => j?.Risk == JurisdictionRisk.High)!;
            score = Math.Max(score, HighTransitScore);
            reasons.Add(spanish ? $"transita por {which.Country}, {which.Reason}{AsOfText(which, true)}" : $"transits {which.Country}, {which.Reason}{AsOfText(which, false)}");
        }

        if (roundTrip)
        {
            score = Math.Max(score, RoundTripScore);
            reasons.Add(spanish ? "sale y vuelve al mismo país pasando por terceros países" : "leaves and returns to the same country through third countries");
        }

        if (layered)
        {
            score = Math.Max(score, LayeredScore);
            reasons.Add(spanish
                ? $"pasa por {distinct:N0} países de tránsito distintos ({hubs:N0} centros de reexportación)"
                : $"passes through {distinct:N0} distinct transit countries ({hubs:N0} of them re-export hubs)");
        }

        if (monitored)
        {
            reasons.Add(spanish ? "e incluye un país en seguimiento reforzado del GAFI" : "and involves a FATF increased-monitoring country");
        }

        // Each further reason adds 5 points to the strongest one.
        score = Math.Min(95, score + (5 * (reasons.Count - 1)));
        return (score, string.Join("; ", reasons));
    }

    private static string AsOfText(Jurisdiction j, bool spanish) =>
        j.AsOf is { } d ? (spanish ? $" (lista al {d:yyyy-MM-dd})" : $" (list as of {d:yyyy-MM-dd})") : string.Empty;

    private static bool SeenBefore(IReadOnlyList<string> transit, int index)
    {
        for (var k = 0; k < index; k++)
        {
            if (string.Equals(transit[k], transit[index], StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A flagged route's score, reasons (<see cref="Assess"/>) and text (<see cref="RouteText"/>).</summary>
    private sealed record Verdict(double Score, string Reasons, string Route);

    /// <summary>Verdicts by route part, for one thread (<see cref="PartMemo{TPart, TValue}"/>).</summary>
    private sealed class RouteMemo(JurisdictionList list, bool spanish)
    {
        private readonly PartMemo<DeclarationRoute, Verdict?> _memo = new(d =>
            Assess(list, d.OriginCountry, d.DestinationCountry, d.TransitCountries, spanish) is { } r
                ? new Verdict(r.Score, r.Reasons, RouteText(d.OriginCountry, d.DestinationCountry, d.TransitCountries))
                : null);

        public Verdict? Of(DeclarationLine d) => _memo.Of(d.RouteRef, d);
    }
}
