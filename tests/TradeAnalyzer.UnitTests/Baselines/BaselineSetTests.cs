using FsCheck.Xunit;
using TradeAnalyzer.Core.Baselines;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.UnitTests.Baselines;

public class BaselineSetTests
{
    private static readonly string[] Codes = ["2933399901", "2933399902", "29333100", "293349", "2914110000"];
    private static readonly string[] Origins = ["CN", "IN", "DE"];

    /// <summary>Maps arbitrary integers to lines over a few codes and corridors, each int giving 3 lines (to cross the exact limit).</summary>
    private static List<DeclarationLine> LinesFrom(int[]? seeds)
    {
        var lines = new List<DeclarationLine>();
        foreach (var s in seeds ?? [])
        {
            var u = (uint)s;
            for (var r = 0; r < 3; r++)
            {
                var v = u + ((uint)r * 7919);
                lines.Add(TestLines.Line(
                    Codes[(int)(v % (uint)Codes.Length)],
                    Math.Exp(((v / 7) % 2000) / 300.0),
                    origin: Origins[(int)((v / 11) % (uint)Origins.Length)]));
            }
        }

        return lines;
    }

    [Property(MaxTest = 60)]
    public bool Merge_equals_batch_build(int[] a, int[] b)
    {
        var la = LinesFrom(a);
        var lb = LinesFrom(b);
        var merged = BaselineSet.Build(la).Merge(BaselineSet.Build(lb));
        return merged.ContentEquals(BaselineSet.Build([.. la, .. lb]));
    }

    [Property(MaxTest = 60)]
    public bool Merge_is_commutative(int[] a, int[] b)
    {
        var sa = BaselineSet.Build(LinesFrom(a));
        var sb = BaselineSet.Build(LinesFrom(b));
        return sa.Merge(sb).ContentEquals(sb.Merge(sa));
    }

    [Property(MaxTest = 60)]
    public bool Merge_is_associative(int[] a, int[] b, int[] c)
    {
        var sa = BaselineSet.Build(LinesFrom(a));
        var sb = BaselineSet.Build(LinesFrom(b));
        var sc = BaselineSet.Build(LinesFrom(c));
        var left = sa.Merge(sb).Merge(sc);
        var right = sa.Merge(sb.Merge(sc));
        var inPlace = new BaselineSet();
        inPlace.MergeFrom(sc);
        inPlace.MergeFrom(sa);
        inPlace.MergeFrom(sb);
        return left.ContentEquals(right) && left.ContentEquals(inPlace);
    }

    [Fact]
    public void Build_makes_every_level_over_all_origins_and_per_corridor()
    {
        var set = BaselineSet.Build(
        [
            TestLines.Line("2933.39.99.01", 10, origin: "CN"),
            TestLines.Line("2933.39.99.01", 20, origin: "IN"),
            TestLines.Line("2933.31.00", 30, origin: "CN"),
        ]);

        Assert.True(set.TryGet(new BaselineKey("2933399901", BaseUnit.Kg, null, null), out var full));
        Assert.Equal(2, full.Count);
        Assert.True(set.TryGet(new BaselineKey("29333999", BaseUnit.Kg, null, null), out var hs8));
        Assert.Equal(2, hs8.Count);
        Assert.True(set.TryGet(new BaselineKey("293339", BaseUnit.Kg, "CN", "MX"), out var hs6cn));
        Assert.Equal(1, hs6cn.Count);
        Assert.True(set.TryGet(new BaselineKey("2933", BaseUnit.Kg, null, null), out var hs4));
        Assert.Equal(3, hs4.Count);
        Assert.Equal(Math.Log(20), hs4.Median, 12);
        Assert.True(set.TryGet(new BaselineKey("2933", BaseUnit.Kg, "CN", "MX"), out var hs4cn));
        Assert.Equal(2, hs4cn.Count);
        Assert.False(set.TryGet(new BaselineKey("2933", BaseUnit.L, null, null), out _));
        // All origins: 2933399901, 29333999, 293339, 2933, 29333100, 293331 (6); CN-MX the same 6; IN-MX 4.
        Assert.Equal(16, set.Count);
    }

    [Fact]
    public void Lines_without_a_positive_price_are_left_out()
    {
        var set = BaselineSet.Build([TestLines.Line("293339", 0), TestLines.Line("293339", 5)]);
        Assert.True(set.TryGet(new BaselineKey("293339", BaseUnit.Kg, null, null), out var h));
        Assert.Equal(1, h.Count);
    }

    [Fact]
    public void Large_parallel_build_equals_sequential_merge_of_single_lines()
    {
        var lines = LinesFrom(Enumerable.Range(0, 40_000).ToArray());
        var batch = BaselineSet.Build(lines);
        var incremental = new BaselineSet();
        foreach (var chunk in lines.Chunk(7_001))
        {
            incremental.MergeFrom(BaselineSet.Build(chunk));
        }

        Assert.True(batch.ContentEquals(incremental));
    }

    [Fact]
    public void Stream_round_trip()
    {
        var set = BaselineSet.Build(LinesFrom(Enumerable.Range(0, 500).ToArray()));
        using var ms = new MemoryStream();
        set.Write(ms);
        ms.Position = 0;
        var back = BaselineSet.Read(ms);
        Assert.True(set.ContentEquals(back));
        Assert.Equal(set.Count, back.Count);
    }

    [Theory]
    [InlineData("2933399901", BaseUnit.Kg, null, null, "2933399901_kg")]
    [InlineData("293339", BaseUnit.L, "CN", "MX", "293339_l_CN_MX")]
    [InlineData("2933", BaseUnit.M2, null, "US", "2933_m2_*_US")]
    public void Key_text_round_trips_and_is_a_valid_row_key(string prefix, BaseUnit unit, string? origin, string? dest, string text)
    {
        var key = new BaselineKey(prefix, unit, origin, dest);
        Assert.Equal(text, key.ToString());
        Assert.True(BaselineKey.TryParse(text, out var back));
        Assert.Equal(key, back);
        Assert.DoesNotContain(text, c => c is '/' or '\\' or '#' or '?');
    }

    [Theory]
    [InlineData("")]
    [InlineData("2933")]
    [InlineData("29a3_kg")]
    [InlineData("2933_lb")]
    [InlineData("2933_kg_CN")]
    public void Bad_key_text_is_rejected(string text) => Assert.False(BaselineKey.TryParse(text, out _));
}
