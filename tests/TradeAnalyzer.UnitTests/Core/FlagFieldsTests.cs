using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.UnitTests.Core;

/// <summary>The flag keeps its optional figures as plain fields with presence bits: absent, zero and set stay apart.</summary>
public sealed class FlagFieldsTests
{
    private static Flag Bare() => new()
    {
        Code = FlagCode.PriceAboveBaseline,
        Severity = Severity.High,
        Score = 80,
        RecordType = RecordType.Declaration,
        Explanation = "x",
    };

    [Fact]
    public void Optional_figures_are_absent_until_set_and_read_back_as_set()
    {
        var bare = Bare();
        Assert.Null(bare.LineNo);
        Assert.Null(bare.ValueUsd);
        Assert.Null(bare.ValueAtRiskUsd);
        Assert.Null(bare.Date);
        Assert.Null(bare.Source);

        var set = bare with
        {
            LineNo = 0,
            ValueUsd = 0.0,
            ValueAtRiskUsd = -1.5,
            Date = default(DateOnly),
            Source = new SourceRef("declarations.csv", 0),
        };
        Assert.Equal(0, set.LineNo);
        Assert.Equal(0.0, set.ValueUsd);
        Assert.Equal(-1.5, set.ValueAtRiskUsd);
        Assert.Equal(default(DateOnly), set.Date);
        Assert.Equal(new SourceRef("declarations.csv", 0), set.Source);

        // Setting one figure leaves the others as they were; clearing one clears only it.
        var one = set with { ValueUsd = null };
        Assert.Null(one.ValueUsd);
        Assert.Equal(0, one.LineNo);
        Assert.Equal(-1.5, one.ValueAtRiskUsd);
        Assert.Equal(default(DateOnly), one.Date);
        Assert.NotNull(one.Source);
        var again = one with { LineNo = int.MinValue, Source = null };
        Assert.Equal(int.MinValue, again.LineNo);
        Assert.Null(again.Source);
        Assert.Null(again.ValueUsd);
        Assert.Equal(-1.5, again.ValueAtRiskUsd);
    }

    [Fact]
    public void Equality_tells_an_absent_figure_from_a_zero_and_matches_equal_values()
    {
        var bare = Bare();
        Assert.Equal(bare, Bare());
        Assert.Equal(bare.GetHashCode(), Bare().GetHashCode());

        Assert.NotEqual(bare, bare with { LineNo = 0 });
        Assert.NotEqual(bare, bare with { ValueUsd = 0.0 });
        Assert.NotEqual(bare, bare with { ValueAtRiskUsd = 0.0 });
        Assert.NotEqual(bare, bare with { Date = default(DateOnly) });
        Assert.NotEqual(bare, bare with { Source = default(SourceRef) });

        var a = bare with { LineNo = 3, ValueUsd = 12.5, Date = new DateOnly(2025, 3, 1), Source = new SourceRef("f.csv", 9) };
        var b = Bare() with { Source = new SourceRef("f.csv", 9), Date = new DateOnly(2025, 3, 1), ValueUsd = 12.5, LineNo = 3 };
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(bare, a with { LineNo = null, ValueUsd = null, Date = null, Source = null });
        Assert.NotEqual(a, b with { ValueUsd = 12.51 });
    }
}
