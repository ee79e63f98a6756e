using System.Globalization;
using System.Runtime.InteropServices;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// Asks Linux to back the managed heap with transparent huge pages (2 MiB) instead of 4 KiB pages, once per process,
/// before the first big read. An analysis of a million-line file keeps about 1.3 GB of records, indexes and tables that
/// the detectors walk in no cache-friendly order; with 4 KiB pages that is some 330,000 page faults (each one slow on
/// this kind of virtual machine) and a translation miss on almost every record touched. Most Linux systems, like this
/// one, make huge pages available only where a program asks for them (<c>transparent_hugepage/enabled</c> set to
/// <c>madvise</c>); the collector does not ask, so this does: <c>madvise(MADV_HUGEPAGE)</c> over the address range the
/// collector reserved at start-up (one contiguous range of anonymous mappings, committed piece by piece as the heap
/// grows). It changes only how the kernel backs that memory: the same objects at the same addresses.
/// Measured on the full sample (1.93M rows, six alternated pairs): 3.6% less wall time and 4% less CPU, peak memory
/// within the noise (docs/benchmarks-history.md, "Huge pages for the managed heap").
/// Linux only; nothing is done when the system's setting is <c>never</c> (an administrator's choice) or <c>always</c>
/// (nothing to ask); off with the environment variable TRADEANALYZER_HUGEPAGES=0. Any failure leaves the heap as it was.
/// </summary>
internal static partial class HeapHugePages
{
    private const int MadvHugePage = 14;

    /// <summary>The most address space advised (the collector's reservation is about twice the machine's memory).</summary>
    private const long MaxRange = 1L << 40;

    private static readonly Lazy<bool> Advised = new(Advise, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The address range advised, for tests and diagnostics (0, 0 when nothing was).</summary>
    internal static (long Start, long End) Range { get; private set; }

    /// <summary>Advises the heap's range once per process; whether the advice is in effect.</summary>
    public static bool EnsureAdvised() => Advised.Value;

    /// <summary>The system's setting, from <c>/sys/kernel/mm/transparent_hugepage/enabled</c> ("always [madvise] never").</summary>
    internal static string? SystemMode()
    {
        try
        {
            var text = File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled");
            var open = text.IndexOf('[', StringComparison.Ordinal);
            var close = open < 0 ? -1 : text.IndexOf(']', open);
            return close > open ? text[(open + 1)..close] : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool Advise()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("TRADEANALYZER_HUGEPAGES") == "0" ||
            SystemMode() != "madvise")
        {
            return false;
        }

        try
        {
            var (start, end) = HeapReservation(AddressOfNewObject(), File.ReadLines("/proc/self/maps"));
            if (end <= start || Madvise((nint)start, (nuint)(end - start), MadvHugePage) != 0)
            {
                return false;
            }

            Range = (start, end);
            _ = new AfterCollection();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            // An optimisation that cannot run, never a failure of the read.
            return false;
        }
    }

    /// <summary>How many times the range was advised again (for tests and diagnostics).</summary>
    internal static long Readvised;

    /// <summary>
    /// Advises the range again. The collector gives memory back by mapping it afresh (<c>mmap</c> with
    /// <c>MAP_FIXED</c>, <c>PROT_NONE</c>), and a new mapping does not keep the advice: when the collector commits that
    /// memory again for new objects, it is backed by 4 KiB pages. On the 2x sample (3.85M rows) a quarter of the heap
    /// ended up so, with three to nine times the page faults and four times the system time of the 1x run. One <c>madvise</c> over the range
    /// marks every mapping in it again, committed or not (the mappings of memory already touched keep their small
    /// pages; what is committed next gets huge ones).
    /// </summary>
    internal static bool Readvise()
    {
        var (start, end) = Range;
        if (end <= start || Madvise((nint)start, (nuint)(end - start), MadvHugePage) != 0)
        {
            return false;
        }

        Interlocked.Increment(ref Readvised);
        return true;
    }

    /// <summary>
    /// Advises the range again after every collection (collections are when memory is given back): an object that is
    /// garbage at once is finalized after the next collection of generation 0, which every collection includes, and
    /// its finalizer leaves a new one for the next. A few microseconds of the finalizer thread per collection.
    /// </summary>
    private sealed class AfterCollection
    {
        ~AfterCollection()
        {
            if (Environment.HasShutdownStarted)
            {
                return;
            }

            try
            {
                Readvise();
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                return;
            }

            _ = new AfterCollection();
        }
    }

    // Where a new small object lands: inside the collector's reservation.
    private static unsafe long AddressOfNewObject()
    {
        var probe = new byte[64];
        fixed (byte* p = probe)
        {
            return (long)p;
        }
    }

    /// <summary>
    /// The collector's reservation around <paramref name="address"/>, from the lines of <c>/proc/self/maps</c>: the
    /// mapping holding it and its neighbours as long as they touch end to start and are anonymous (no file, no name
    /// such as [stack]), committed or not; at most <see cref="MaxRange"/> bytes. (0, 0) when the address is not in an
    /// anonymous mapping.
    /// </summary>
    internal static (long Start, long End) HeapReservation(long address, IEnumerable<string> mapsLines)
    {
        var maps = new List<(long Start, long End, bool Anonymous)>();
        foreach (var line in mapsLines)
        {
            if (TryParse(line, out var s, out var e, out var anonymous))
            {
                maps.Add((s, e, anonymous));
            }
        }

        var at = maps.FindIndex(m => address >= m.Start && address < m.End);
        if (at < 0 || !maps[at].Anonymous)
        {
            return (0, 0);
        }

        var low = at;
        var high = at;
        while (low > 0 && maps[low - 1].Anonymous && maps[low - 1].End == maps[low].Start &&
               maps[high].End - maps[low - 1].Start <= MaxRange)
        {
            low--;
        }

        while (high < maps.Count - 1 && maps[high + 1].Anonymous && maps[high + 1].Start == maps[high].End &&
               maps[high + 1].End - maps[low].Start <= MaxRange)
        {
            high++;
        }

        return (maps[low].Start, maps[high].End);
    }

    // "7f1263881000-7f1265000000 rw-p 00000000 00:00 0    [optional path]": anonymous = inode 0 and no path.
    private static bool TryParse(string line, out long start, out long end, out bool anonymous)
    {
        start = end = 0;
        anonymous = false;
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5)
        {
            return false;
        }

        var dash = fields[0].IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 ||
            !long.TryParse(fields[0].AsSpan(0, dash), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out start) ||
            !long.TryParse(fields[0].AsSpan(dash + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out end))
        {
            return false;
        }

        anonymous = fields[4] == "0" && (fields.Length < 6 || string.IsNullOrWhiteSpace(fields[5]));
        return true;
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);
}
