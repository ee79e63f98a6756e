using System.Text.Json;
using TradeAnalyzer.Cli.Hosting;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.UnitTests.Core;

/// <summary>A profile's flag counts enumerate (and serialise) in the codes' order, whatever order they were counted in.</summary>
public sealed class ExporterProfileTests
{
    private static ExporterProfile With(Dictionary<FlagCode, int> counts) => new() { Key = "ID:1", Name = "Acme", FlagsByCode = counts };

    [Fact]
    public void Flag_counts_counted_in_any_order_come_out_in_code_order_and_serialise_the_same()
    {
        // The order the detectors of one run and of another (or the JIT and the AOT builds) may count them in.
        var one = With(new() { [FlagCode.PrecursorChemical] = 2, [FlagCode.InvoiceReused] = 10, [FlagCode.MirrorValueGap] = 3 });
        var other = With(new() { [FlagCode.InvoiceReused] = 10, [FlagCode.MirrorValueGap] = 3, [FlagCode.PrecursorChemical] = 2 });

        var expected = new[] { FlagCode.InvoiceReused, FlagCode.MirrorValueGap, FlagCode.PrecursorChemical }.OrderBy(c => c).ToArray();
        Assert.Equal(expected, one.FlagsByCode.Keys.ToArray());
        Assert.Equal(expected, other.FlagsByCode.Keys.ToArray());
        Assert.Equal(10, one.FlagsByCode[FlagCode.InvoiceReused]);
        Assert.Equal(
            JsonSerializer.Serialize<IReadOnlyList<ExporterProfile>>([one], ReviewApiJson.Default.IReadOnlyListExporterProfile),
            JsonSerializer.Serialize<IReadOnlyList<ExporterProfile>>([other], ReviewApiJson.Default.IReadOnlyListExporterProfile));
    }

    [Fact]
    public void Counts_already_in_code_order_are_kept_as_given_and_a_copy_keeps_them()
    {
        var counts = new Dictionary<FlagCode, int> { [FlagCode.PriceAboveBaseline] = 1, [FlagCode.PrecursorChemical] = 4 }
            .OrderBy(kv => kv.Key).ToDictionary(kv => kv.Key, kv => kv.Value);
        var profile = With(counts);
        Assert.Same(counts, profile.FlagsByCode);
        var copy = profile with { Score = 50 };
        Assert.Same(counts, copy.FlagsByCode);
        Assert.Empty(new ExporterProfile { Key = "k", Name = "n" }.FlagsByCode);
    }
}
