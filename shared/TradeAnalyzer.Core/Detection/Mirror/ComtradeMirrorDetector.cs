using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Detection.Mirror;

/// <summary>
/// Aggregate mirror statistics (spec 1.4): reporter A's exports of a commodity to B in a period against B's imports of
/// the same commodity from A. Imports are CIF, so they are brought to FOB with a flat 1.10 factor before comparing.
/// Emits MIRROR_VALUE_GAP and MIRROR_QUANTITY_GAP (net weight) per corridor, commodity and period, and
/// MIRROR_MISSING where one side reports nothing for a commodity although the partner reported that period.
/// Corridors touching a re-export hub (HK, SG, AE, PA, NL, BE, CH) have their score halved and say why.
/// </summary>
public sealed class ComtradeMirrorDetector : IDetector
{
    /// <summary>Flat CIF/FOB factor for aggregate imports (mode unknown at this level).</summary>
    public const double CifFobFactor = 1.10;

    /// <summary>Relative FOB gap tolerated at corridor level: aggregate data mixes timing, valuation and confidentiality.</summary>
    public const double ValueTolerance = 0.25;

    /// <summary>Relative net-weight difference tolerated at corridor level.</summary>
    public const double WeightTolerance = 0.25;

    /// <summary>Smallest corridor value (USD, larger side) worth a flag.</summary>
    public const double MinValueUsd = 10_000;

    /// <summary>Re-export hubs: their gaps are often re-exports, not mis-invoicing, so their scores are halved.</summary>
    public static IReadOnlySet<string> ReExportHubs { get; } = new HashSet<string>(["HK", "SG", "AE", "PA", "NL", "BE", "CH"], StringComparer.Ordinal);

    public string Name => "mirror-comtrade";

    public void Detect(AnalysisContext context, IFlagSink sink)
    {
        var rows = context.Comtrade;
        if (rows.Count == 0)
        {
            return;
        }

        var spanish = context.Options.Spanish;

        // Sum duplicates: (reporter, partner, flow, code, period) -> totals.
        var cells = new Dictionary<(string Reporter, string Partner, TradeFlow Flow, string Code, string Period), Cell>();
        var reported = new HashSet<(string Reporter, string Partner, TradeFlow Flow, string Period, int CodeLength)>();
        foreach (var r in rows)
        {
            var key = (r.Reporter, r.Partner, r.Flow, r.CommodityCode, r.Period);
            if (!cells.TryGetValue(key, out var cell))
            {
                cell = new Cell(r);
                cells.Add(key, cell);
            }

            cell.Value += r.TradeValueUsd;
            if (r.NetWeightKg is > 0)
            {
                cell.Weight += r.NetWeightKg.Value;
            }
            else
            {
                cell.WeightComplete = false;
            }

            reported.Add((r.Reporter, r.Partner, r.Flow, r.Period, r.CommodityCode.Length));
        }

        long pairs = 0;
        foreach (var (key, ex) in cells)
        {
            if (key.Flow != TradeFlow.Export)
            {
                continue;
            }

            var mirrorKey = (key.Partner, key.Reporter, TradeFlow.Import, key.Code, key.Period);
            if (cells.TryGetValue(mirrorKey, out var im))
            {
                pairs++;
                im.Paired = true;
                Compare(key.Reporter, key.Partner, key.Code, key.Period, ex, im, spanish, sink);
            }
            else if (ex.Value >= MinValueUsd && reported.Contains((key.Partner, key.Reporter, TradeFlow.Import, key.Period, key.Code.Length)))
            {
                Missing(key.Reporter, key.Partner, key.Code, key.Period, ex, exportSide: true, spanish, sink);
            }
        }

        foreach (var (key, im) in cells)
        {
            if (key.Flow == TradeFlow.Import && !im.Paired && im.Value >= MinValueUsd
                && reported.Contains((key.Partner, key.Reporter, TradeFlow.Export, key.Period, key.Code.Length)))
            {
                Missing(key.Partner, key.Reporter, key.Code, key.Period, im, exportSide: false, spanish, sink);
            }
        }

        context.Artifacts.Counters["mirror.comtrade.pairs"] = pairs;
    }

    private static void Compare(string exporter, string importer, string code, string period, Cell ex, Cell im, bool spanish, IFlagSink sink)
    {
        var x = ex.Value;
        var mFob = im.Value / CifFobFactor;
        var weights = ex.WeightComplete && im.WeightComplete && ex.Weight > 0 && im.Weight > 0;
        var a = weights ? MirrorAllowances.QuantityAgreement(ex.Weight, im.Weight) : 1;
        var hub = HubOf(exporter, importer);
        var hubNote = hub is null ? string.Empty
            : spanish ? $"; {hub} es un centro de reexportación, por lo que parte de la diferencia puede deberse a reexportaciones (puntuación reducida a la mitad)"
            : $"; {hub} is a re-export hub, so part of the gap may be re-exports (score halved)";
        var hubFactor = hub is null ? 1.0 : 0.5;
        var gap = mFob - x;
        var baseValue = Math.Min(x, mFob);
        if (Math.Max(x, mFob) >= MinValueUsd && baseValue > 0)
        {
            var rel = Math.Abs(gap) / baseValue;
            var weighted = a * rel;
            if (weighted > ValueTolerance)
            {
                var score = Math.Round(MirrorAllowances.ScoreFromRatio(weighted / ValueTolerance) * hubFactor, 1);
                var text = spanish
                    ? $"En {period}, {exporter} declaró exportaciones de HS {Fmt.HsDigits(code)} a {importer} por {Fmt.Usd(x)} USD FOB, mientras {importer} declaró importaciones desde {exporter} por {Fmt.Usd(im.Value)} USD CIF ({Fmt.Usd(mFob)} USD FOB con factor {CifFobFactor:0.00}), una diferencia de {Fmt.Usd(Math.Abs(gap))} USD ({Fmt.Pct(rel)}%) por encima del {Fmt.Pct(ValueTolerance)}% admitido{hubNote}."
                    : $"In {period}, {exporter} reported exports of HS {Fmt.HsDigits(code)} to {importer} worth {Fmt.Usd(x)} USD FOB while {importer} reported imports from {exporter} of {Fmt.Usd(im.Value)} USD CIF ({Fmt.Usd(mFob)} USD FOB at a {CifFobFactor:0.00} factor), a gap of {Fmt.Usd(Math.Abs(gap))} USD ({Fmt.Pct(rel)}%) beyond the {Fmt.Pct(ValueTolerance)}% allowed{hubNote}.";
                sink.Add(CorridorFlag(FlagCode.MirrorValueGap, score, exporter, importer, code, period, im.Value, Math.Abs(gap),
                    $"{exporter} exports {Fmt.Usd(x)} USD FOB", $"{importer} imports {Fmt.Usd(mFob)} USD FOB-equivalent ({Fmt.Usd(im.Value)} USD CIF)", text, ex.Source));
            }
        }

        if (weights && 1 - a > WeightTolerance && Math.Max(x, mFob) >= MinValueUsd)
        {
            var rel = 1 - a;
            var score = Math.Round(MirrorAllowances.ScoreFromRatio(rel / WeightTolerance) * hubFactor, 1);
            var atRisk = Math.Abs(im.Weight - ex.Weight) * (x / ex.Weight);
            var text = spanish
                ? $"En {period}, {exporter} declaró {Fmt.Num(ex.Weight)} kg de HS {Fmt.HsDigits(code)} exportados a {importer} y {importer} {Fmt.Num(im.Weight)} kg importados desde {exporter}, una diferencia del {Fmt.Pct(rel)}% (tolerancia {Fmt.Pct(WeightTolerance)}%){hubNote}."
                : $"In {period}, {exporter} reported {Fmt.Num(ex.Weight)} kg of HS {Fmt.HsDigits(code)} exported to {importer} and {importer} {Fmt.Num(im.Weight)} kg imported from {exporter}, a {Fmt.Pct(rel)}% difference (tolerance {Fmt.Pct(WeightTolerance)}%){hubNote}.";
            sink.Add(CorridorFlag(FlagCode.MirrorQuantityGap, score, exporter, importer, code, period, im.Value, atRisk,
                $"{Fmt.Num(ex.Weight)} kg ({exporter} exports)", $"{Fmt.Num(im.Weight)} kg ({importer} imports)", text, ex.Source));
        }
    }

    private static void Missing(string exporter, string importer, string code, string period, Cell cell, bool exportSide, bool spanish, IFlagSink sink)
    {
        var hub = HubOf(exporter, importer);
        var hubFactor = hub is null ? 1.0 : 0.5;
        var score = Math.Round(Math.Clamp(45 + (10 * Math.Log10(cell.Value / MinValueUsd)), 45, 80) * hubFactor, 1);
        var hubNote = hub is null ? string.Empty
            : spanish ? $"; {hub} es un centro de reexportación (puntuación reducida a la mitad)"
            : $"; {hub} is a re-export hub (score halved)";
        string text;
        if (exportSide)
        {
            text = spanish
                ? $"En {period}, {exporter} declaró exportaciones de HS {Fmt.HsDigits(code)} a {importer} por {Fmt.Usd(cell.Value)} USD, pero {importer}, que sí reportó importaciones desde {exporter} en ese periodo, no declaró ninguna de ese código{hubNote}."
                : $"In {period}, {exporter} reported exports of HS {Fmt.HsDigits(code)} to {importer} worth {Fmt.Usd(cell.Value)} USD, but {importer}, which did report imports from {exporter} for that period, reported none under that code{hubNote}.";
        }
        else
        {
            text = spanish
                ? $"En {period}, {importer} declaró importaciones de HS {Fmt.HsDigits(code)} desde {exporter} por {Fmt.Usd(cell.Value)} USD, pero {exporter}, que sí reportó exportaciones a {importer} en ese periodo, no declaró ninguna de ese código{hubNote}."
                : $"In {period}, {importer} reported imports of HS {Fmt.HsDigits(code)} from {exporter} worth {Fmt.Usd(cell.Value)} USD, but {exporter}, which did report exports to {importer} for that period, reported none under that code{hubNote}.";
        }

        sink.Add(CorridorFlag(FlagCode.MirrorMissing, score, exporter, importer, code, period, cell.Value, cell.Value,
            exportSide ? $"{importer} imports from {exporter}" : $"{exporter} exports to {importer}", "none reported", text, cell.Source));
    }

    private static string? HubOf(string a, string b) => ReExportHubs.Contains(a) ? a : ReExportHubs.Contains(b) ? b : null;

    private static Flag CorridorFlag(FlagCode code, double score, string exporter, string importer, string hs, string period,
        double value, double atRisk, string expected, string observed, string text, SourceRef source) => new()
    {
        Code = code,
        Score = score,
        Severity = EnumText.SeverityFromScore(score),
        RecordType = RecordType.Corridor,
        HsCode = Fmt.HsDigits(hs),
        ValueUsd = Math.Round(value, 2),
        ValueAtRiskUsd = Math.Round(atRisk, 2),
        Texts = FlagTexts.Encode(text, expected, observed),
        OriginCountry = exporter,
        DestinationCountry = importer,
        Period = period,
        Source = source,
    };

    private sealed class Cell(ComtradeRow first)
    {
        public SourceRef Source { get; } = first.Source;

        public double Value { get; set; }

        public double Weight { get; set; }

        public bool WeightComplete { get; set; } = true;

        public bool Paired { get; set; }
    }
}
