using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Detection;

/// <summary>
/// WEIGHT_QUANTITY_MISMATCH: the declared net weight is implausible for the quantity and unit. Checks, when a net
/// weight is declared: zero, negative or non-finite weight; unit kg: weight and quantity differ by more than
/// <see cref="KgRelativeTolerance"/> of the larger and more than <see cref="KgAbsoluteTolerance"/> kg; unit l: density
/// (kg per litre) outside <see cref="MinDensity"/>-<see cref="MaxDensity"/>; unit u: kg per unit more than
/// <see cref="UnitWeightFactor"/> times above or below the median kg per unit of the same HS6 in this upload (the line
/// itself left out; needs <see cref="AnalysisOptions.MinBaselineCount"/> other lines).
/// </summary>
public sealed class WeightQuantityDetector : IDetector
{
    /// <summary>Relative tolerance for unit kg (10%).</summary>
    public const double KgRelativeTolerance = 0.10;

    /// <summary>Absolute tolerance for unit kg (1 kg), so rounding of small lots is not flagged.</summary>
    public const double KgAbsoluteTolerance = 1.0;

    /// <summary>Lowest plausible density in kg per litre (0.3: lighter than any liquid goods shipped in bulk).</summary>
    public const double MinDensity = 0.3;

    /// <summary>Highest plausible density in kg per litre (3.0: heavier than concentrated acids and brines).</summary>
    public const double MaxDensity = 3.0;

    /// <summary>Factor of kg per unit against the HS6 median beyond which a unit count is implausible (5x).</summary>
    public const double UnitWeightFactor = 5.0;

    /// <inheritdoc />
    public string Name => "weight";

    /// <inheritdoc />
    public void Detect(AnalysisContext context, IFlagSink sink)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(sink);
        var lines = context.Declarations;
        var spanish = context.Options.Spanish;
        var unitMedians = UnitWeights(lines).GetAlternateLookup<ReadOnlySpan<char>>();
        var min = context.Options.MinBaselineCount;
        UnitWeightGroup? GroupOf(DeclarationLine line) => unitMedians.TryGetValue(Hs6Of(line), out var group) ? group : null;

        // Each thread finds a line's HS6 group by its goods part (shared by lines of one code, which it holds), not by
        // hashing the code per line. Ranges of lines rather than one delegate call per line, and the line (its weight
        // is in its second cache line) and its goods part prefetched ahead, as the other per-line detectors do.
        Parallel.ForEach(Ranges.Of(lines.Count), () => new PartMemo<GoodsPart, UnitWeightGroup?>(GroupOf), (range, _, groups) =>
        {
            var span = RecordSpan.Of(lines, out var all) ? all[..range.Item2] : default;
            for (var i = range.Item1; i < range.Item2; i++)
            {
                if (RecordSpan.Ahead(span, i, recordLines: 2) is { } near)
                {
                    CacheHint.Object(near.GoodsRef);
                }

                var line = span.Length != 0 ? span[i] : lines[i];
                if (line.NetWeightKg is not { } w)
                {
                    continue;
                }

                var flag = Check(line, w, groups, min, spanish);
                if (flag is not null)
                {
                    sink.Add(flag);
                }
            }

            return groups;
        }, static _ => { });
    }

    /// <summary>The kg-per-unit medians of unit-counted lines with a positive weight, per HS6 (<see cref="UnitWeightGroup"/>).</summary>
    private static Dictionary<string, UnitWeightGroup> UnitWeights(IReadOnlyList<DeclarationLine> lines)
    {
        var byHs6 = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var lookup = byHs6.GetAlternateLookup<ReadOnlySpan<char>>();

        // The HS code lives on the goods part: its HS6's list is found once per part, not by hashing the code per line.
        var lists = new PartMemo<GoodsPart, List<double>>(line =>
        {
            var key = Hs6Of(line);
            if (!lookup.TryGetValue(key, out var list))
            {
                list = [];
                lookup[key] = list;
            }

            return list;
        });
        // One thread reads every line: the line (two cache lines) and its goods part are prefetched ahead.
        var span = RecordSpan.InPlaceOrCopy(lines);
        for (var i = 0; i < span.Length; i++)
        {
            if (RecordSpan.Ahead(span, i, recordLines: 2) is { } near)
            {
                CacheHint.Object(near.GoodsRef);
            }

            var line = span[i];
            if (line.Unit == BaseUnit.U && line.NetWeightKg is > 0 and var w && double.IsFinite(w) && line.NormQuantity > 0)
            {
                lists.Of(line.GoodsRef, line).Add(Math.Log(w / line.NormQuantity));
            }
        }

        var result = new Dictionary<string, UnitWeightGroup>(byHs6.Count, StringComparer.Ordinal);
        foreach (var (key, list) in byHs6)
        {
            var a = list.ToArray();
            SpanSort.Sort(a.AsSpan());
            result[key] = new UnitWeightGroup(a);
        }

        return result;
    }

    /// <summary>
    /// One HS6's sorted ln(kg per unit), reduced to what a line of it needs: the count and the median with the line's
    /// own value left out. Every line of the group is one of the values (the group is made of exactly the lines
    /// <see cref="Check"/> compares), and leaving out one value gives one of three medians, depending only on whether
    /// the value lies below, at or above the middle value: decided by one comparison instead of two binary searches per
    /// line. Each median is worked out by <see cref="MedianExcluding"/> itself, on a value in that position.
    /// </summary>
    internal sealed class UnitWeightGroup
    {
        /// <summary>The sorted values of a group.</summary>
        public UnitWeightGroup(double[] sorted)
        {
            Count = sorted.Length;
            if (Count < 2)
            {
                // Nothing is left once the value itself is out: Check never asks (fewer than the minimum of others).
                Middle = double.NaN;
                return;
            }

            var n = Count - 1;
            Middle = sorted[n / 2];
            Below = Math.Exp(MedianExcluding(sorted, sorted[0]));
            At = Math.Exp(MedianExcluding(sorted, Middle));
            Above = Math.Exp(MedianExcluding(sorted, sorted[^1]));
        }

        /// <summary>Number of values (lines) in the group.</summary>
        public int Count { get; }

        /// <summary>The value at position (Count - 1) / 2.</summary>
        private double Middle { get; }

        /// <summary>The median without a value below <see cref="Middle"/>.</summary>
        private double Below { get; }

        /// <summary>The median without a value equal to <see cref="Middle"/>.</summary>
        private double At { get; }

        /// <summary>The median without a value above <see cref="Middle"/>.</summary>
        private double Above { get; }

        /// <summary>exp of <see cref="MedianExcluding"/>(sorted values, <paramref name="x"/>) for a value <paramref name="x"/> of the group.</summary>
        public double MedianWithout(double x) => x < Middle ? Below : x > Middle ? Above : At;
    }

    /// <summary>Median of a sorted array with one occurrence of <paramref name="excluded"/> left out.</summary>
    internal static double MedianExcluding(double[] sorted, double excluded)
    {
        var j = Array.BinarySearch(sorted, excluded);
        var n = sorted.Length - (j >= 0 ? 1 : 0);
        double At(int k) => j >= 0 && k >= j ? sorted[k + 1] : sorted[k];
        return n % 2 == 1 ? At(n / 2) : (At((n / 2) - 1) + At(n / 2)) / 2;
    }

    /// <summary>Numbers in the texts as <see cref="DeclarationFlags.N2"/> formats them: invariant culture.</summary>
    private static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;

    /// <summary>The line's HS6 as a span of its code (no substring per line).</summary>
    private static ReadOnlySpan<char> Hs6Of(DeclarationLine line) => line.Hs.Digits.AsSpan(0, 6);

    private static Flag? Check(DeclarationLine line, double w, PartMemo<GoodsPart, UnitWeightGroup?> unitMedians, int min, bool spanish)
    {
        // The texts are built only for a line that is flagged (most are not).
        var q = line.NormQuantity;
        if (!(w > 0) || !double.IsFinite(w))
        {
            // Straight into the flag's chunk (FlagTexts.Writer), worded as the strings were.
            var t = FlagTexts.Writer.Begin();
            t.Put(FlagTexts.Expected, "net weight > 0 kg");
            t.Put(FlagTexts.Observed, Inv, $"{w:N2} kg");
            if (spanish)
            {
                t.Put(FlagTexts.Explanation, Inv, $"El peso neto declarado es {w:N2} kg para {q:N2} {line.Unit.ToText()} de HS {DeclarationFlags.HsText(line.Hs)}, un peso nulo o imposible para mercancía real.");
            }
            else
            {
                t.Put(FlagTexts.Explanation, Inv, $"Declared net weight is {w:N2} kg for {q:N2} {line.Unit.ToText()} of HS {DeclarationFlags.HsText(line.Hs)}, a zero or impossible weight for real goods.");
            }

            return DeclarationFlags.Create(line, FlagCode.WeightQuantityMismatch, 50, t.End());
        }

        switch (line.Unit)
        {
            case BaseUnit.Kg:
            {
                var diff = Math.Abs(w - q);
                if (diff <= KgRelativeTolerance * Math.Max(w, q) || diff <= KgAbsoluteTolerance)
                {
                    return null;
                }

                var ratio = Math.Max(w, q) / Math.Min(w, q);
                var pct = 100 * diff / q;
                var t = FlagTexts.Writer.Begin();
                var qText = t.Put(FlagTexts.Expected, Inv, $"{q:N2} {line.Unit.ToText()}");
                t.Put(FlagTexts.Observed, Inv, $"{w:N2} kg");
                if (spanish)
                {
                    t.Put(FlagTexts.Explanation, Inv, $"El peso neto declarado de {w:N2} kg difiere {pct:N2}% de la cantidad declarada de {qText} (HS {DeclarationFlags.HsText(line.Hs)}); ambos deberían coincidir en kg.");
                }
                else
                {
                    t.Put(FlagTexts.Explanation, Inv, $"Declared net weight of {w:N2} kg differs by {pct:N2}% from the declared quantity of {qText} (HS {DeclarationFlags.HsText(line.Hs)}); both should agree in kg.");
                }

                return DeclarationFlags.Create(line, FlagCode.WeightQuantityMismatch, ScoreFromFactor(ratio, 1.1), t.End());
            }

            case BaseUnit.L:
            {
                var density = w / q;
                if (density is >= MinDensity and <= MaxDensity)
                {
                    return null;
                }

                var factor = density > MaxDensity ? density / MaxDensity : MinDensity / density;
                var t = FlagTexts.Writer.Begin();
                t.Put(FlagTexts.Expected, Inv, $"{MinDensity:N2}-{MaxDensity:N2} kg/l");
                t.Put(FlagTexts.Observed, Inv, $"{density:N2} kg/l");
                if (spanish)
                {
                    t.Put(FlagTexts.Explanation, Inv, $"Un peso neto de {w:N2} kg para {q:N2} {line.Unit.ToText()} de HS {DeclarationFlags.HsText(line.Hs)} implica una densidad de {density:N2} kg/l, fuera del rango plausible de {MinDensity:N2}-{MaxDensity:N2} kg/l.");
                }
                else
                {
                    t.Put(FlagTexts.Explanation, Inv, $"A net weight of {w:N2} kg for {q:N2} {line.Unit.ToText()} of HS {DeclarationFlags.HsText(line.Hs)} means a density of {density:N2} kg/l, outside the plausible {MinDensity:N2}-{MaxDensity:N2} kg/l.");
                }

                return DeclarationFlags.Create(line, FlagCode.WeightQuantityMismatch, ScoreFromFactor(factor, 1.0), t.End());
            }

            case BaseUnit.U:
            {
                if (!(q > 0) || unitMedians.Of(line.GoodsRef, line) is not { } group)
                {
                    return null;
                }

                // The line is one of its group's values: UnitWeights took every unit-counted line with a positive,
                // finite weight and quantity, which are the lines that reach this point, with the same ln(w / q).
                var others = group.Count - 1;
                if (others < Math.Max(min, 1))
                {
                    return null;
                }

                var x = Math.Log(w / q);
                var median = group.MedianWithout(x);
                var perUnit = w / q;
                var factor = Math.Max(perUnit / median, median / perUnit);
                if (factor < UnitWeightFactor)
                {
                    return null;
                }

                var t = FlagTexts.Writer.Begin();
                t.Put(FlagTexts.Expected, Inv, $"{median:N2} kg/u");
                t.Put(FlagTexts.Observed, Inv, $"{perUnit:N2} kg/u");
                if (spanish)
                {
                    t.Put(FlagTexts.Explanation, Inv, $"Un peso neto de {w:N2} kg para {q:N2} {line.Unit.ToText()} de HS {DeclarationFlags.HsText(line.Hs)} da {perUnit:N2} kg por unidad, {factor:N2} veces {(perUnit > median ? "más" : "menos")} que la mediana de {median:N2} kg por unidad de {(long)others:N0} líneas comparables.");
                }
                else
                {
                    t.Put(FlagTexts.Explanation, Inv, $"A net weight of {w:N2} kg for {q:N2} {line.Unit.ToText()} of HS {DeclarationFlags.HsText(line.Hs)} gives {perUnit:N2} kg per unit, {factor:N2} times {(perUnit > median ? "more" : "less")} than the median {median:N2} kg per unit of {(long)others:N0} comparable lines.");
                }

                return DeclarationFlags.Create(line, FlagCode.WeightQuantityMismatch, ScoreFromFactor(factor, UnitWeightFactor), t.End());
            }

            default:
                return null;
        }
    }

    /// <summary>Score from how far beyond tolerance: 40 at the threshold, +20 per doubling, capped at 100.</summary>
    internal static double ScoreFromFactor(double factor, double threshold) =>
        Math.Round(Math.Clamp(40 + (20 * Math.Log2(Math.Max(factor, threshold) / threshold)), 0, 100), 1);
}
