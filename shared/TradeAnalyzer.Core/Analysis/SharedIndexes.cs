using TradeAnalyzer.Core.Detection.Invoices;
using TradeAnalyzer.Core.Detection.Mirror;

namespace TradeAnalyzer.Core.Analysis;

/// <summary>
/// Scheduling and lifetime of the indexes the reconciliation detectors share (<see cref="ShipmentIndex"/>,
/// <see cref="InvoiceIndex"/>): the analyzer runs the longest detectors first and drops each index as soon as the
/// last detector that reads it has finished, instead of keeping it for as long as the context lives.
/// </summary>
internal sealed class SharedIndexes
{
    /// <summary>Detector names, longest-running first (measured on 1.9M lines), except that the invoice index is built
    /// (third-party payments) while the mirror builds the shipment index, and the price detector (which needs neither
    /// index) comes before the invoice detector, which reads both: the second core does not wait for the shipment index
    /// while the mirror is still building it. Unknown detectors go after them.</summary>
    private static readonly string[] CostOrder =
        ["mirror", "third-party-payment", "price", "invoice", "precursor", "invoice-reuse", "weight", "sanctions", "route", "vague", "mirror-comtrade"];

    private static readonly HashSet<string> ShipmentReaders = new(["mirror", "invoice", "invoice-reuse"], StringComparer.Ordinal);

    private static readonly HashSet<string> InvoiceReaders = new(["invoice", "third-party-payment"], StringComparer.Ordinal);

    private readonly AnalysisContext _context;
    private int _shipmentReaders;
    private int _invoiceReaders;

    public SharedIndexes(AnalysisContext context, IReadOnlyList<IDetector> detectors)
    {
        _context = context;
        foreach (var d in detectors)
        {
            _shipmentReaders += ShipmentReaders.Contains(d.Name) ? 1 : 0;
            _invoiceReaders += InvoiceReaders.Contains(d.Name) ? 1 : 0;
        }
    }

    /// <summary>The detectors in <see cref="CostOrder"/> (a stable order: unknown ones keep their relative order, last).</summary>
    public static List<IDetector> LongestFirst(IReadOnlyList<IDetector> detectors)
    {
        var ordered = new List<IDetector>(detectors);
        var rank = new int[ordered.Count];
        var position = new int[ordered.Count];
        for (var i = 0; i < ordered.Count; i++)
        {
            var r = Array.IndexOf(CostOrder, ordered[i].Name);
            rank[i] = r < 0 ? CostOrder.Length : r;
            position[i] = i;
        }

        Array.Sort(position, (a, b) => rank[a] != rank[b] ? rank[a].CompareTo(rank[b]) : a.CompareTo(b));
        var result = new List<IDetector>(ordered.Count);
        foreach (var i in position)
        {
            result.Add(ordered[i]);
        }

        return result;
    }

    /// <summary>True when <paramref name="detector"/> reads the shipment index and another detector is building it now:
    /// started now, it would hold a core waiting for that build (see <see cref="ReadyFirst"/>).</summary>
    public bool WaitsForIndex(IDetector detector) => ShipmentReaders.Contains(detector.Name) && ShipmentIndex.IsBuilding(_context);

    /// <summary>
    /// <paramref name="detectors"/> handed out one at a time in their order, except that one for which
    /// <paramref name="waits"/> holds is passed over while a later one does not (the analysis's second core started the
    /// invoice detector after price and then waited ~0.25-0.7 s for the mirror's shipment index build, a core left idle
    /// in the analysis stage; it now runs the next detectors meanwhile). When every detector left waits, the first of
    /// them is handed out (it waits for the build, as before). One enumeration is shared by the analysis's threads:
    /// <c>Partitioner.Create(..., NoBuffering)</c> moves it under its lock, one detector at a time, and each is
    /// handed out once; <paramref name="waits"/> is asked at that moment.
    /// </summary>
    public static IEnumerable<IDetector> ReadyFirst(IReadOnlyList<IDetector> detectors, Func<IDetector, bool> waits)
    {
        var taken = new bool[detectors.Count];
        while (true)
        {
            var first = -1;
            var pick = -1;
            for (var i = 0; i < taken.Length && pick < 0; i++)
            {
                if (taken[i])
                {
                    continue;
                }

                first = first < 0 ? i : first;
                pick = waits(detectors[i]) ? -1 : i;
            }

            pick = pick < 0 ? first : pick;
            if (pick < 0)
            {
                yield break;
            }

            taken[pick] = true;
            yield return detectors[pick];
        }
    }

    /// <summary>Called when <paramref name="detector"/> has finished: drops the indexes nobody else still reads.</summary>
    public void Done(IDetector detector)
    {
        if (ShipmentReaders.Contains(detector.Name) && Interlocked.Decrement(ref _shipmentReaders) == 0)
        {
            ShipmentIndex.Release(_context);
        }

        if (InvoiceReaders.Contains(detector.Name) && Interlocked.Decrement(ref _invoiceReaders) == 0)
        {
            InvoiceIndex.Release(_context);
        }
    }

    /// <summary>Drops both indexes (after every detector ran).</summary>
    public void ReleaseAll()
    {
        ShipmentIndex.Release(_context);
        InvoiceIndex.Release(_context);
    }
}
