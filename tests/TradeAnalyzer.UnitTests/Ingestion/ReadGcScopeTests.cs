using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;
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

    [Fact]
    public void A_region_is_made_present_ahead_of_the_allocator_without_changing_what_is_allocated()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("TRADEANALYZER_READ_PREFAULT") == "0")
        {
            return;
        }

        var before = HeapPrefault.PopulatedBytes;
        var kept = new List<int[]>();
        using (ReadGcScope.Enter(true, 64L << 20))
        {
            Assert.True(Volatile.Read(ref HeapPrefault.Running) >= 1);
            var wait = Stopwatch.StartNew();
            for (var i = 0; wait.Elapsed < TimeSpan.FromSeconds(10) && (i < 40_000 || HeapPrefault.PopulatedBytes == before); i++)
            {
                // About 40 MiB of small arrays, each filled with its own number, while the thread runs ahead.
                var a = new int[250];
                a.AsSpan().Fill(i);
                kept.Add(a);
                if ((i & 1023) == 0)
                {
                    Thread.Sleep(1);
                }
            }
        }

        Assert.True(HeapPrefault.PopulatedBytes > before, "no memory was made present during the region");
        var stopped = Stopwatch.StartNew();
        while (Volatile.Read(ref HeapPrefault.Running) != 0 && stopped.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(5);
        }

        Assert.Equal(0, Volatile.Read(ref HeapPrefault.Running));
        for (var i = 0; i < kept.Count; i++)
        {
            Assert.True(kept[i].AsSpan().IndexOfAnyExcept(i) < 0, $"array {i} changed");
        }
    }

    [Fact]
    public void The_prefault_goes_on_ahead_of_the_allocator_wherever_it_moves_in_the_mapping()
    {
        const long MiB = 1L << 20;
        const long mapEnd = 1000 * MiB;
        var ahead = HeapPrefault.Ahead;
        // Moving up: on from where the last call stopped, to Ahead past the frontier.
        Assert.Equal((110 * MiB, 100 * MiB + ahead), HeapPrefault.NextRange(100 * MiB, 110 * MiB, mapEnd));
        // Past what was made present: from the frontier, rounded up to a page.
        Assert.Equal((130 * MiB + 4096, 130 * MiB + ahead), HeapPrefault.NextRange(130 * MiB + 5, 110 * MiB, mapEnd));
        // Never past the mapping's end, and nothing when that is reached.
        Assert.Equal((990 * MiB, mapEnd), HeapPrefault.NextRange(990 * MiB, 0, mapEnd));
        var (from, to) = HeapPrefault.NextRange(995 * MiB, mapEnd, mapEnd);
        Assert.True(from >= to);
        // The collector hands out a region below the ones made present (in the same mapping): from the frontier again,
        // not from the top of what was made present (which left a whole workbook's read without the thread's help).
        Assert.Equal((10 * MiB, 10 * MiB + ahead), HeapPrefault.NextRange(10 * MiB, mapEnd, mapEnd));
    }

    [Fact]
    public void Only_the_writable_anonymous_mapping_of_the_heap_is_found()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var array = new byte[100];
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        try
        {
            var address = (long)handle.AddrOfPinnedObject();
            Assert.True(HeapPrefault.TryFindMapping(address, out var start, out var end));
            Assert.True(start <= address && address < end);
            Assert.Equal(0, start % 4096);
            Assert.Equal(0, end % 4096);
        }
        finally
        {
            handle.Free();
        }

        // Code in a shared library (a file behind it, not writable), and an address nothing maps.
        var code = NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "madvise");
        Assert.False(HeapPrefault.TryFindMapping(code, out _, out _));
        Assert.False(HeapPrefault.TryFindMapping(4096, out _, out _));
    }
}
