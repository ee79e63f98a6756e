using System.Runtime;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// Suspends garbage collection while big files are read (<see cref="GC.TryStartNoGCRegion(long)"/>), with a budget of
/// allocation from the files' sizes. Reading keeps nearly everything it allocates (the records, their ids and parts),
/// so the collections during a read find almost nothing to free: each young collection copies the new records into
/// the next generation (twice over), and each full one marks the growing heap of records again. Without them every
/// record stays where it was allocated until the first collection after the read.
/// The files of one analysis are read in parallel, so the scopes are counted: a scope that enters while another is
/// open ends the region and starts one with both budgets (the heap is still small then); the last one out ends it.
/// When the allocations exceed the budget, the runtime ends the region by itself and collects as usual; a budget over a
/// third of the memory available to the process (a container's limit) is not started at all.
/// Not used under server GC, nor when the environment variable TRADEANALYZER_READ_NOGC is 0 (to compare).
/// </summary>
internal sealed class ReadGcScope : IDisposable
{
    private static readonly Lock Gate = new();
    private static readonly bool Disabled = Environment.GetEnvironmentVariable("TRADEANALYZER_READ_NOGC") == "0";
    private static int _open;
    private static long _budget;
    private bool _disposed;

    private ReadGcScope()
    {
    }

    /// <summary>
    /// Files smaller than this are read with collections as usual: the region starts with a full collection, which a
    /// small file's read does not pay back.
    /// </summary>
    public const long MinBytes = 64L << 20;

    /// <summary>
    /// Enters a scope for a file of <paramref name="bytes"/> bytes (null when not <paramref name="enabled"/>, disabled
    /// or under server GC).
    /// </summary>
    public static ReadGcScope? Enter(bool enabled, long bytes)
    {
        if (!enabled || Disabled || GCSettings.IsServerGC || bytes <= 0)
        {
            return null;
        }

        lock (Gate)
        {
            _open++;
            // Reading allocates about the file's size (records, id strings, shared parts, transient cells): 1.25x plus a
            // margin covers it.
            _budget += bytes + (bytes / 4) + (32L << 20);
            End();
            try
            {
                // The region commits its budget up front: under a memory limit (a container), a budget that is a large part
                // of what the process may use is not worth the risk, so such reads collect as usual.
                if (_budget <= GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 3 && GC.TryStartNoGCRegion(_budget))
                {
                    // The region's start collected and committed the budget, in memory the collection may have given back
                    // and taken again, which loses the huge-page advice: advised again before any of it is touched. Then the
                    // region's memory is made present ahead of the allocator on another thread (see HeapPrefault).
                    HeapHugePages.Readvise();
                    HeapPrefault.Start();
                }
            }
            catch (ArgumentOutOfRangeException)
            {
                // More than the runtime allows: collect as usual.
            }
            catch (InvalidOperationException)
            {
                // Already in a region someone else started: leave it alone.
            }
        }

        return new ReadGcScope();
    }

    /// <summary>The number of scopes open now (for tests).</summary>
    internal static int Open
    {
        get
        {
            lock (Gate)
            {
                return _open;
            }
        }
    }

    /// <summary>Leaves the scope; the last one out ends the region (when the runtime has not ended it already).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        lock (Gate)
        {
            if (--_open == 0)
            {
                _budget = 0;
                End();
            }
        }
    }

    private static void End()
    {
        HeapPrefault.Stop();
        if (GCSettings.LatencyMode != GCLatencyMode.NoGCRegion)
        {
            return;
        }

        try
        {
            GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // The runtime ended the region meanwhile (the budget was spent): nothing to end.
        }
    }
}
