using System.Globalization;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Baselines;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Detection;

/// <summary>
/// PRICE_ABOVE_BASELINE and PRICE_BELOW_BASELINE (price filter, Pak and Zdanowicz, with Tukey fences on log unit
/// values). Builds this upload's statistics once (published as <see cref="AnalysisArtifacts.UploadBaselines"/>),
/// resolves each record's baseline (<see cref="BaselineResolver"/>), and flags a line when ln(unit price) lies outside
/// the fences computed without the line itself and its robust |z| is at least <see cref="ZFloor"/>. Method and
/// defaults: docs/methods-price.md.
/// </summary>
public sealed class PriceDetector : IDetector
{
    /// <summary>Smallest robust |z| that is flagged, whatever the fences say (guards tight groups).</summary>
    public const double ZFloor = 2.0;

    /// <inheritdoc />
    public string Name => "price";

    /// <inheritdoc />
    public void Detect(AnalysisContext context, IFlagSink sink)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(sink);
        var lines = context.Declarations;
        var upload = BaselineSet.Build(lines, out var grouped);
        var order = grouped.Order;
        var lnPrices = grouped.LnPrices;
        context.Artifacts.UploadBaselines = upload;
        var resolver = new BaselineResolver(context.HistoryBaselines, upload, context.Reference.ExternalBaselines, context.Options);
        var spanish = context.Options.Spanish;
        long compared = 0, flagged = 0, unresolved = 0;

        // Each group's baseline, resolved in group order before the parallel pass: resolving inside it made the threads
        // wait on the resolver's locks (its concurrent dictionaries), and the groups are few (hundreds: cheap to resolve).
        var groups = grouped.Groups;
        var baselines = new ResolvedBaseline?[groups.Count];
        for (var i = 0; i < baselines.Length; i++)
        {
            var g = groups[i];
            baselines[i] = resolver.Resolve(g.Hs, g.Unit, g.Origin, g.Destination, recordIncluded: true);
        }

        Parallel.For(0, groups.Count, () => (Compared: 0L, Flagged: 0L, Unresolved: 0L), (gi, _, local) =>
        {
            var g = groups[gi];
            var b = baselines[gi];
            if (b is null)
            {
                local.Unresolved += g.Count;
                return local;
            }

            var safeLow = b.SafeLow;
            var safeHigh = b.SafeHigh;
            var used = 0;

            // The group's prices are one stretch of an array (read in order); a line object is read only when flagged.
            var end = g.Start + g.Count;
            for (var k = g.Start; k < end; k++)
            {
                var x = lnPrices[k];
                if (double.IsNaN(x))
                {
                    continue;
                }

                used++;

                // Inside the safe range no leave-one-out fence can exclude the price: skip the per-record statistics.
                if (x >= safeLow && x <= safeHigh)
                {
                    continue;
                }

                var s = b.StatsFor(x);
                var z = s.Z(x);
                if ((x > s.UpperFence || x < s.LowerFence) && Math.Abs(z) >= ZFloor)
                {
                    sink.Add(CreateFlag(lines[order[k]], b, s, x, z, spanish));
                    local.Flagged++;
                }
            }

            b.CountUses(used);
            local.Compared += used;
            return local;
        }, local =>
        {
            Interlocked.Add(ref compared, local.Compared);
            Interlocked.Add(ref flagged, local.Flagged);
            Interlocked.Add(ref unresolved, local.Unresolved);
        });

        foreach (var b in resolver.Resolved)
        {
            if (b.UsedBy > 0)
            {
                context.Artifacts.BaselinesUsed.Add(b.ToSummary());
            }
        }

        context.Artifacts.Counters.AddOrUpdate("price.compared", compared, (_, v) => v + compared);
        context.Artifacts.Counters.AddOrUpdate("price.flagged", flagged, (_, v) => v + flagged);
        context.Artifacts.Counters.AddOrUpdate("price.no_baseline", unresolved, (_, v) => v + unresolved);
    }

    /// <summary>The flag for a line outside the fences of <paramref name="s"/>.</summary>
    internal static Flag CreateFlag(DeclarationLine line, ResolvedBaseline b, PriceStats s, double x, double z, bool spanish)
    {
        var above = x > s.UpperFence;
        var price = line.UnitPriceUsd;
        var unit = line.Unit.ToText();
        var lowerPrice = Math.Exp(s.LowerFence);
        var upperPrice = Math.Exp(s.UpperFence);
        var atRisk = above ? (price - upperPrice) * line.NormQuantity : (lowerPrice - price) * line.NormQuantity;
        var score = PriceStats.ScoreFromZ(z);

        // Written with the invariant culture straight into the flag's UTF-8 texts (FlagTexts.Writer: no string per text or
        // per number; the explanation quotes the expected and observed bytes, which stay readable if the chunk grows).
        var inv = CultureInfo.InvariantCulture;
        var hs = DeclarationFlags.HsText(line.Hs);
        var w = FlagTexts.Writer.Begin();
        var expected = w.Put(FlagTexts.Expected, inv, $"{lowerPrice:N2}-{upperPrice:N2} USD/{unit}");
        var observed = w.Put(FlagTexts.Observed, inv, $"{price:N2} USD/{unit}");
        if (b.External is not null)
        {
            var median = Math.Exp(s.LnMedian);
            if (spanish)
            {
                w.Put(FlagTexts.Explanation, inv, $"Se declararon {observed} para HS {hs} de {line.OriginCountry} a {line.DestinationCountry}; el valor de referencia de {b.Source} es {median:N2} USD/{unit} (rango aceptado {expected}), por lo que unos {atRisk:N2} USD podrían haberse movido mediante {(above ? "sobrefacturación" : "subfacturación")}.");
            }
            else
            {
                w.Put(FlagTexts.Explanation, inv, $"Declared {observed} for HS {hs} from {line.OriginCountry} to {line.DestinationCountry}; the {b.Source} reference unit value is {median:N2} USD/{unit} (accepted range {expected}), so about {atRisk:N2} USD may have moved through {(above ? "over" : "under")}-invoicing.");
            }
        }
        else
        {
            var p025 = Math.Exp(b.LnQuantile(0.025, x));
            var p975 = Math.Exp(b.LnQuantile(0.975, x));
            var fence = above ? upperPrice : lowerPrice;
            if (spanish)
            {
                w.Put(FlagTexts.Explanation, inv, $"Se declararon {observed} para HS {hs} de {line.OriginCountry} a {line.DestinationCountry}; el 95% de {s.Count:N0} líneas comparables ({b.KeyDescription}) estuvo entre {p025:N2}-{p975:N2} USD/{unit} y el límite {(above ? "superior" : "inferior")} es {fence:N2} USD/{unit}, por lo que unos {atRisk:N2} USD podrían haberse movido mediante {(above ? "sobrefacturación" : "subfacturación")}.");
            }
            else
            {
                w.Put(FlagTexts.Explanation, inv, $"Declared {observed} for HS {hs} from {line.OriginCountry} to {line.DestinationCountry}; 95% of {s.Count:N0} comparable lines ({b.KeyDescription}) were {p025:N2}-{p975:N2} USD/{unit} and the {(above ? "upper" : "lower")} fence is {fence:N2} USD/{unit}, so about {atRisk:N2} USD may have moved through {(above ? "over" : "under")}-invoicing.");
            }
        }

        return DeclarationFlags.Create(
            line, string.IsNullOrEmpty(line.ExporterKey) ? null : line.ExporterKey, above ? FlagCode.PriceAboveBaseline : FlagCode.PriceBelowBaseline, score, w.End(), Math.Round(atRisk, 2));
    }
}
