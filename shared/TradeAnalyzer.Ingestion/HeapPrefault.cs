using System.Globalization;
using System.Runtime.InteropServices;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// Makes the managed heap's memory present a little ahead of the allocator, on a thread of its own, while a big file is
/// read inside a no-collection region (<see cref="ReadGcScope"/>). A read allocates about its file's size of records
/// and id strings, all kept, in memory the process has never touched, and on this kind of virtual machine the first
/// touch of a page is slow: the page faults under the collector's clearing of each new allocation context were about a
/// quarter of the parsing thread's CPU (read6). The parsing thread of the bigger file is the read's critical path (its
/// last second or so runs alone while the other core idles), so the faults are taken off it:
/// <c>madvise(MADV_POPULATE_WRITE)</c> makes a range's pages present (zero-filled, as a write fault would) without
/// writing to them, which is safe on memory the collector is using, and on memory it decommits meanwhile the call just
/// fails. Nothing the program sees changes: the same objects at the same places, their pages present sooner. (Reading
/// a byte of each page from this thread as well took another quarter off the parsing thread in a test, but a read of
/// memory the collector decommits meanwhile is a fatal access violation, so it is not done.)
/// The thread stays at most <see cref="Ahead"/> past the frontier of small-object allocation (found by allocating a
/// probe array bigger than the rest of an allocation context, which the allocator places at its frontier), so it makes
/// present hardly more than the read would have touched. Linux only; off with the environment variable
/// TRADEANALYZER_READ_PREFAULT=0 (to compare). Any failure (a kernel without MADV_POPULATE_WRITE, before 5.14; memory
/// no longer committed) just ends the thread.
/// </summary>
internal static partial class HeapPrefault
{
    private const int MadvPopulateWrite = 23;
    private const long Page = 4096;

    /// <summary>Memory made present per call (a few milliseconds of the kernel's work).</summary>
    private const long Chunk = 1L << 20;

    /// <summary>How far past the allocation frontier memory is made present.</summary>
    internal const long Ahead = 24L << 20;

    /// <summary>Allocation between two looks at the frontier.</summary>
    private const long ProbeEvery = 1L << 20;

    /// <summary>Bigger than an allocation context (8 KB) and smaller than a large object: placed at the frontier.</summary>
    private const int ProbeBytes = 12 * 1024;

    private static readonly bool Enabled =
        OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("TRADEANALYZER_READ_PREFAULT") != "0";

    private static int _generation;

    /// <summary>Whether a thread is at work now (for tests).</summary>
    internal static int Running;

    /// <summary>Pages made present so far in the process (for tests and diagnostics).</summary>
    internal static long PopulatedBytes;

    /// <summary>Starts a thread for the region just started; the previous one (if any) stops.</summary>
    public static void Start()
    {
        var generation = Interlocked.Increment(ref _generation);
        if (!Enabled)
        {
            return;
        }

        var thread = new Thread(() => Run(generation)) { IsBackground = true, Name = "heap prefault" };
        Interlocked.Increment(ref Running);
        thread.Start();
    }

    /// <summary>Stops the thread (it ends after the call it is in).</summary>
    public static void Stop() => Interlocked.Increment(ref _generation);

    private static void Run(int generation)
    {
        try
        {
            long mapStart = 0, mapEnd = 0, done = 0;
            var lastLook = -ProbeEvery;
            while (Volatile.Read(ref _generation) == generation)
            {
                var allocated = GC.GetTotalAllocatedBytes(false);
                if (allocated - lastLook < ProbeEvery)
                {
                    Thread.Sleep(1);
                    continue;
                }

                lastLook = allocated;
                var frontier = Frontier();
                if (frontier < mapStart || frontier >= mapEnd)
                {
                    if (!TryFindMapping(frontier, out mapStart, out mapEnd))
                    {
                        return;
                    }

                    done = 0;
                }

                var (from, to) = NextRange(frontier, done, mapEnd);
                while (from < to && Volatile.Read(ref _generation) == generation)
                {
                    var size = Math.Min(Chunk, to - from);
                    if (Madvise((nint)from, (nuint)size, MadvPopulateWrite) != 0)
                    {
                        return;
                    }

                    Interlocked.Add(ref PopulatedBytes, size);
                    from += size;
                }

                done = from;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            // No /proc/self/maps, or no madvise to call: an optimisation that cannot run, never a failure of the read
            // (an exception left on this thread would end the process).
        }
        finally
        {
            Interlocked.Decrement(ref Running);
        }
    }

    /// <summary>
    /// The pages to make present next: from the frontier (or from where the last call stopped, when that is ahead of it)
    /// to <see cref="Ahead"/> past it, within the mapping. The frontier does not only move up: the collector hands out
    /// its regions in no particular order, and one mapping holds many of them (a read of a workbook started near the top
    /// of a 722 MB mapping and went on from its bottom), so a frontier below what was made present starts afresh.
    /// </summary>
    internal static (long From, long To) NextRange(long frontier, long done, long mapEnd)
    {
        var start = (frontier + Page - 1) & ~(Page - 1);
        var to = Math.Min(mapEnd, (frontier + Ahead) & ~(Page - 1));
        // Only a stretch just made present (at most Ahead before the frontier's reach) is skipped.
        var from = done > start && done <= to ? done : start;
        return (from, to);
    }

    // Where the allocator hands out small-object memory now: a probe too big for any allocation context's rest gets a
    // context of its own at the frontier.
    private static unsafe long Frontier()
    {
        var probe = new byte[ProbeBytes];
        fixed (byte* p = probe)
        {
            return (long)p;
        }
    }

    // The writable anonymous mapping holding address (the heap's committed memory), from /proc/self/maps.
    internal static bool TryFindMapping(long address, out long start, out long end)
    {
        start = end = 0;
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var span = line.AsSpan();
            var dash = span.IndexOf('-');
            var space = span.IndexOf(' ');
            if (dash <= 0 || space <= dash + 1 ||
                !long.TryParse(span[..dash], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var s) ||
                !long.TryParse(span[(dash + 1)..space], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var e))
            {
                continue;
            }

            if (address < s || address >= e)
            {
                continue;
            }

            // "rw-p 00000000 00:00 0": writable, private, no file behind it.
            var rest = span[(space + 1)..];
            var fields = rest.Split(' ');
            var i = 0;
            var writable = false;
            var inode = "";
            foreach (var f in fields)
            {
                var field = rest[f];
                if (field.IsEmpty)
                {
                    continue;
                }

                if (i == 0)
                {
                    writable = field.StartsWith("rw", StringComparison.Ordinal);
                }
                else if (i == 3)
                {
                    inode = field.ToString();
                    break;
                }

                i++;
            }

            if (!writable || inode != "0")
            {
                return false;
            }

            start = s;
            end = e;
            return true;
        }

        return false;
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);
}
