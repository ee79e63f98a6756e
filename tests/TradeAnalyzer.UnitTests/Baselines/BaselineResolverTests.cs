using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Baselines;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Reference;

namespace TradeAnalyzer.UnitTests.Baselines;

public class BaselineResolverTests
{
    private static readonly AnalysisOptions Options = new();

    private static IEnumerable<DeclarationLine> Many(int n, string hs, string origin = "CN", double price = 10) =>
        Enumerable.Range(0, n).Select(i => TestLines.Line(hs, price * (1 + (0.01 * (i % 7))), origin: origin));

    private static BaselineResolver Resolver(IEnumerable<DeclarationLine> lines, BaselineSet? history = null, IReadOnlyList<ExternalBaseline>? external = null) =>
        new(history, BaselineSet.Build(lines.ToList()), external ?? [], Options);

    [Fact]
    public void Full_line_with_eleven_others_is_used_on_its_own()
    {
        var r = Resolver(Many(12, "2933399901", origin: "IN"));
        var b = r.Resolve(HsCode.Parse("2933399901"), BaseUnit.Kg, "IN", "MX");
        Assert.NotNull(b);
        Assert.Equal(new BaselineKey("2933399901", BaseUnit.Kg, null, null), b.Key);
        Assert.Equal("national line", b.LevelLabel);
        Assert.False(b.IsFallback);
        Assert.Equal("HS 2933.39.9901 kg", b.Group);
    }

    [Fact]
    public void Eleven_lines_are_only_ten_without_the_record_so_the_chain_falls_back()
    {
        // 11 on the full line (10 others), 13 more under HS8 29333999.
        var r = Resolver(Many(11, "2933399901").Concat(Many(13, "2933399902")));
        var b = r.Resolve(HsCode.Parse("2933399901"), BaseUnit.Kg, "CN", "MX");
        Assert.NotNull(b);
        Assert.Equal(new BaselineKey("29333999", BaseUnit.Kg, null, null), b.Key);
        Assert.True(b.IsFallback);
        Assert.Equal("HS 2933.39.99 kg (HS8 fallback)", b.Group);
    }

    [Fact]
    public void Falls_back_to_hs6_then_hs4()
    {
        var r = Resolver(Many(3, "2933399901").Concat(Many(3, "2933391000")).Concat(Many(8, "2933491000")));
        var b = r.Resolve(HsCode.Parse("2933399901"), BaseUnit.Kg, "CN", "MX");
        Assert.NotNull(b);
        Assert.Equal("2933", b.Key.HsPrefix);
        Assert.Equal("HS 2933 kg (HS4 fallback)", b.Group);

        var r6 = Resolver(Many(3, "2933399901").Concat(Many(9, "2933391000")));
        Assert.Equal("293339", r6.Resolve(HsCode.Parse("2933399901"), BaseUnit.Kg, "CN", "MX")!.Key.HsPrefix);
    }

    [Fact]
    public void A_heading_that_prices_the_record_s_own_product_differently_is_not_a_baseline()
    {
        // P2P (2914.31, ~12 USD/kg) has three lines; acetone (2914.11, ~1.2 USD/kg) fills the HS4 heading.
        var r = Resolver(Many(40, "2914110100", price: 1.2).Concat(Many(3, "2914310100", price: 12)));
        Assert.Null(r.Resolve(HsCode.Parse("2914310100"), BaseUnit.Kg, "CN", "MX"));

        // A comparable heading (own lines priced alike) is still used as the fallback.
        var comparable = Resolver(Many(40, "2914110100", price: 1.2).Concat(Many(3, "2914310100", price: 1.5)));
        var b = comparable.Resolve(HsCode.Parse("2914310100"), BaseUnit.Kg, "CN", "MX");
        Assert.NotNull(b);
        Assert.Equal("2914", b.Key.HsPrefix);

        // One other line is too few to judge: the heading is used.
        var thin = Resolver(Many(40, "2914110100", price: 1.2).Concat(Many(2, "2914310100", price: 12)));
        Assert.NotNull(thin.Resolve(HsCode.Parse("2914310100"), BaseUnit.Kg, "CN", "MX"));
    }

    [Fact]
    public void Nothing_large_enough_and_no_reference_gives_no_baseline()
    {
        var r = Resolver(Many(5, "2933399901"));
        Assert.Null(r.Resolve(HsCode.Parse("2933399901"), BaseUnit.Kg, "CN", "MX"));
        Assert.Null(r.Resolve(HsCode.Parse("2933399901"), BaseUnit.L, "CN", "MX"));
    }

    [Fact]
    public void Corridor_group_is_used_when_it_has_thirty_others()
    {
        var r = Resolver(Many(31, "293339", "CN").Concat(Many(20, "293339", "IN", price: 40)));
        var cn = r.Resolve(HsCode.Parse("293339"), BaseUnit.Kg, "CN", "MX");
        var india = r.Resolve(HsCode.Parse("293339"), BaseUnit.Kg, "IN", "MX");
        Assert.Equal(new BaselineKey("293339", BaseUnit.Kg, "CN", "MX"), cn!.Key);
        Assert.Equal("HS 2933.39 kg, CN to MX", cn.Group);
        Assert.Equal(new BaselineKey("293339", BaseUnit.Kg, null, null), india!.Key);
        Assert.Equal(51, india.Full.Count);

        // 30 in the corridor are 29 others: all origins instead.
        var r30 = Resolver(Many(30, "293339", "CN").Concat(Many(20, "293339", "IN")));
        Assert.False(r30.Resolve(HsCode.Parse("293339"), BaseUnit.Kg, "CN", "MX")!.Key.IsCorridor);
    }

    [Fact]
    public void History_counts_towards_the_minimum()
    {
        var history = BaselineSet.Build(Many(20, "2933399901").ToList());
        var r = Resolver(Many(2, "2933399901"), history);
        var b = r.Resolve(HsCode.Parse("2933399901"), BaseUnit.Kg, "CN", "MX");
        Assert.NotNull(b);
        Assert.Equal("2933399901", b.Key.HsPrefix);
        Assert.Equal(22, b.Histogram!.Count);
        // History itself is not changed by the merge.
        Assert.True(history.TryGet(b.Key, out var h));
        Assert.Equal(20, h.Count);
    }

    [Fact]
    public void External_reference_seeds_a_thin_group_before_coarser_own_data()
    {
        ExternalBaseline[] external = [new("2933.39", BaseUnit.Kg, 12, 10, 15, 800, "Comtrade 2024", "2024")];
        var r = Resolver(Many(3, "2933399901").Concat(Many(30, "2933491000")), external: external);
        var b = r.Resolve(HsCode.Parse("2933399901"), BaseUnit.Kg, "CN", "MX");
        Assert.NotNull(b);
        Assert.NotNull(b.External);
        Assert.Equal("Comtrade 2024", b.Source);
        Assert.Equal("HS 2933.39 kg (Comtrade 2024 reference)", b.Group);
        Assert.Equal(Math.Log(12), b.Full.LnMedian, 12);
        Assert.Equal(Math.Log(10) - (2 * (Math.Log(15) - Math.Log(10))), b.Full.LowerFence, 12);
        Assert.Equal(Math.Log(15) + (2 * (Math.Log(15) - Math.Log(10))), b.Full.UpperFence, 12);
        // Enough own data at the national line wins over the reference.
        var own = Resolver(Many(12, "2933399901"), external: external);
        Assert.Null(own.Resolve(HsCode.Parse("2933399901"), BaseUnit.Kg, "CN", "MX")!.External);
    }

    [Fact]
    public void External_reference_without_quartiles_assumes_a_documented_spread()
    {
        ExternalBaseline[] external = [new("293339", BaseUnit.Kg, 12, null, null, 50, "ref", null)];
        var b = Resolver(Many(2, "293339"), external: external).Resolve(HsCode.Parse("293339"), BaseUnit.Kg, "CN", "MX");
        Assert.Equal(Math.Log(12) - ResolvedBaseline.ExternalHalfSpread, b!.Full.LnQ1, 12);
        Assert.Equal(Math.Log(12) + ResolvedBaseline.ExternalHalfSpread, b.Full.LnQ3, 12);
    }
}
