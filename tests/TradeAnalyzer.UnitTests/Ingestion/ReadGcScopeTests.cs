using System.Runtime;
using TradeAnalyzer.Ingestion;

namespace TradeAnalyzer.UnitTests.Ingestion;

/// <summary>
/// Big files are read without collections, in one region shared by the reads running at the same time, and the
/// collector is back to normal when the last one ends or when the budget is spent.
/// </summary>
[Collection(nameof(ReadGcScopeTests))]
[CollectionDefinition(nameof(ReadGcScopeTests), DisableParallelization = true)]
public sealed class ReadGcScopeTests
{
    [Fact]
    public void Parallel_reads_share_one_region_until_the_last_one_ends()
    {
        var before = GCSettings.LatencyMode;
        var first = ReadGcScope.Enter(true, 8L << 20);
        Assert.NotNull(first);
        Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        var gen0 = GC.CollectionCount(0);
        var second = ReadGcScope.Enter(true, 8L << 20);
        Assert.NotNull(second);
        Assert.Equal(2, ReadGcScope.Open);
        _ = new byte[1 << 20];
        Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);

        first.Dispose();
        first.Dispose(); // twice counts once
        Assert.Equal(1, ReadGcScope.Open);
        Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        second.Dispose();
        Assert.Equal(0, ReadGcScope.Open);
        Assert.Equal(before, GCSettings.LatencyMode);
        Assert.True(GC.CollectionCount(0) >= gen0);
    }

    [Fact]
    public void A_spent_budget_ends_the_region_and_the_scope_still_closes()
    {
        var before = GCSettings.LatencyMode;
        using (ReadGcScope.Enter(true, 1))
        {
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
            var keep = new List<byte[]>();
            for (var i = 0; i < 80; i++)
            {
                keep.Add(new byte[1 << 20]); // 80 MiB, over the 32 MiB margin of a 1-byte file
            }

            Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
            GC.KeepAlive(keep);
        }

        Assert.Equal(0, ReadGcScope.Open);
        Assert.Equal(before, GCSettings.LatencyMode);
    }

    [Fact]
    public void Not_enabled_means_no_scope()
    {
        Assert.Null(ReadGcScope.Enter(false, 1L << 30));
        Assert.Null(ReadGcScope.Enter(true, 0));
        Assert.Equal(0, ReadGcScope.Open);
    }
}
