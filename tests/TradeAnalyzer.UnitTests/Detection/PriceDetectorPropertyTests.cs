using FsCheck.Xunit;
using TradeAnalyzer.Core.Baselines;
using TradeAnalyzer.Core.Detection;
using TradeAnalyzer.UnitTests.Baselines;

namespace TradeAnalyzer.UnitTests.Detection;

public class PriceDetectorPropertyTests
{
    /// <summary>
    /// The detector skips the per-record leave-one-out statistics inside a "safe range"; it must flag exactly the
    /// lines a direct leave-one-out check flags, for small exact groups and for binned ones, ties included.
    /// </summary>
    [Property(MaxTest = 40)]
    public bool Skipping_the_safe_range_flags_exactly_what_the_direct_check_flags(int[] seeds, bool big)
    {
        var raw = seeds ?? [];
        var n = big ? 65 + (raw.Length * 3) : 12 + (raw.Length % 50);
        var rng = new Random(raw.Length == 0 ? 1 : raw[0]);
        var lines = new List<TradeAnalyzer.Core.Model.DeclarationLine>(n);
        for (var i = 0; i < n; i++)
        {
            // Coarse steps make ties; a few lines far out.
            var ln = Math.Round(rng.NextDouble() * 0.6, 2) + (rng.NextDouble() < 0.08 ? (rng.NextDouble() < 0.5 ? -1.5 : 1.5) : 0);
            lines.Add(TestLines.Line("2933399901", 10 * Math.Exp(ln), id: $"L{i}"));
        }

        var flagged = TestLines.Run(new PriceDetector(), TestLines.Context(lines)).Select(f => f.DeclarationId).ToHashSet();
        var h = LogHistogram.FromValues(lines.Select(BaselineSet.LnPrice).ToArray());
        foreach (var line in lines)
        {
            var x = BaselineSet.LnPrice(line);
            var s = PriceStats.FromHistogram(h, x, 2.0);
            var direct = (x > s.UpperFence || x < s.LowerFence) && Math.Abs(s.Z(x)) >= PriceDetector.ZFloor;
            if (direct != flagged.Contains(line.DeclarationId))
            {
                return false;
            }
        }

        return true;
    }
}
