using TradeAnalyzer.Ingestion;

namespace TradeAnalyzer.UnitTests.Ingestion;

/// <summary>
/// The managed heap's reservation is found in the process's memory map and advised to use huge pages where the system
/// leaves that to programs; nothing else in the map is advised.
/// </summary>
public sealed class HeapHugePagesTests
{
    private static readonly string[] Maps =
    [
        "55d0a0000000-55d0a0010000 r--p 00000000 08:01 1234                       /usr/bin/dotnet",
        "7f0000000000-7f0000400000 rw-p 00000000 00:00 0 ",
        "7f0000400000-7f0010000000 ---p 00000000 00:00 0 ",
        "7f0010000000-7f0010200000 rw-p 00000000 00:00 0",
        "7f0010200000-7f0020000000 ---p 00000000 00:00 0 ",
        "7f0020000000-7f0020100000 rw-p 00000000 00:00 0                          [stack:42]",
        "7f0030000000-7f0030100000 rw-p 00000000 00:00 0 ",
        "7f0030100000-7f0030200000 r-xp 00000000 08:01 99                         /usr/lib/libc.so.6",
    ];

    [Fact]
    public void The_reservation_is_the_run_of_touching_anonymous_mappings_around_the_address()
    {
        // Inside the committed piece in the middle: the run spans committed and reserved pieces on both sides and stops
        // at the named stack mapping after it.
        var (start, end) = HeapHugePages.HeapReservation(0x7f0010000100, Maps);
        Assert.Equal(0x7f0000000000, start);
        Assert.Equal(0x7f0020000000, end);

        // A mapping with a gap on both sides is a run of its own, and a file mapping after it ends the run.
        Assert.Equal((0x7f0030000000L, 0x7f0030100000L), HeapHugePages.HeapReservation(0x7f0030000000, Maps));
    }

    [Fact]
    public void Addresses_outside_anonymous_memory_give_no_range()
    {
        Assert.Equal((0L, 0L), HeapHugePages.HeapReservation(0x55d0a0000010, Maps)); // the executable
        Assert.Equal((0L, 0L), HeapHugePages.HeapReservation(0x7f0020000010, Maps)); // a named mapping
        Assert.Equal((0L, 0L), HeapHugePages.HeapReservation(0x7f0040000000, Maps)); // unmapped
        Assert.Equal((0L, 0L), HeapHugePages.HeapReservation(0x7f0000000000, ["garbage", ""]));
    }

    [Fact]
    public void The_heap_is_advised_only_where_the_system_leaves_huge_pages_to_programs()
    {
        var advised = HeapHugePages.EnsureAdvised();
        Assert.Equal(advised, HeapHugePages.EnsureAdvised()); // once per process, same answer
        var expected = OperatingSystem.IsLinux() && HeapHugePages.SystemMode() == "madvise" &&
                       Environment.GetEnvironmentVariable("TRADEANALYZER_HUGEPAGES") != "0";
        Assert.Equal(expected, advised);
        if (!advised)
        {
            Assert.Equal((0L, 0L), HeapHugePages.Range);
            return;
        }

        // A new array lies in the advised range, and the kernel lists the advice ("hg") on the mapping that holds it.
        var array = GC.AllocateUninitializedArray<byte>(4 << 20, pinned: true);
        var address = AddressOf(array);
        Assert.InRange(address, HeapHugePages.Range.Start, HeapHugePages.Range.End - 1);
        Assert.Contains("hg", VmFlagsOfMappingHolding(address));
    }

    [Fact]
    public void Memory_the_collector_gives_back_and_takes_again_is_advised_again()
    {
        if (!HeapHugePages.EnsureAdvised())
        {
            return; // nothing advised on this system: nothing to keep
        }

        // The collector gives memory back by mapping it afresh, which drops the advice. An aggressive collection gives
        // back all it can; the advice must be on every mapping of the range afterwards, so that what is committed there
        // next gets huge pages. (Other tests collect meanwhile, so a few tries are allowed for a quiet moment.)
        var before = Interlocked.Read(ref HeapHugePages.Readvised);
        string[] unadvised = [];
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var garbage = new List<byte[]>();
            for (var i = 0; i < 64; i++)
            {
                garbage.Add(new byte[1 << 20]);
            }

            GC.KeepAlive(garbage);
            garbage = null;
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            unadvised = UnadvisedMappingsIn(HeapHugePages.Range);
            if (unadvised.Length == 0)
            {
                break;
            }
        }

        Assert.True(Interlocked.Read(ref HeapHugePages.Readvised) > before, "advised again after the collections");
        Assert.Empty(unadvised);
        var array = GC.AllocateUninitializedArray<byte>(4 << 20, pinned: true);
        Assert.Contains("hg", VmFlagsOfMappingHolding(AddressOf(array)));
    }

    // The mappings inside the range whose flags lack the huge-page advice, as "start-end".
    private static string[] UnadvisedMappingsIn((long Start, long End) range) =>
        [.. Mappings().Where(m => m.Start >= range.Start && m.End <= range.End && !m.Flags.Contains("hg")).Select(m => $"{m.Start:x}-{m.End:x}")];

    // The array is pinned (allocated on the pinned heap), so its address stays put.
    private static long AddressOf(byte[] array) => System.Runtime.InteropServices.Marshal.UnsafeAddrOfPinnedArrayElement(array, 0);

    private static string[] VmFlagsOfMappingHolding(long address) =>
        Mappings().FirstOrDefault(m => address >= m.Start && address < m.End).Flags ?? [];

    // Every mapping of the process with its flags, from /proc/self/smaps.
    private static IEnumerable<(long Start, long End, string[] Flags)> Mappings()
    {
        long start = 0, end = 0;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            // A mapping's header ("7f..-7f.. rw-p ...") starts its block; the block's fields ("Size:", "VmFlags:") follow.
            var first = line.Split(' ', 2)[0];
            var dash = first.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && !first.EndsWith(':') &&
                long.TryParse(first.AsSpan(0, dash), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var s) &&
                long.TryParse(first.AsSpan(dash + 1), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var e))
            {
                (start, end) = (s, e);
            }
            else if (first == "VmFlags:")
            {
                yield return (start, end, line["VmFlags:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }
        }
    }
}
