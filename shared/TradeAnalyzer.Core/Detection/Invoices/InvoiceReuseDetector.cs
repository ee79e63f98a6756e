using System.Runtime.InteropServices;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection.Mirror;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Detection.Invoices;

/// <summary>
/// INVOICE_REUSED: one invoice number (of one exporter) declared for several distinct shipments, which lets one sale
/// justify several payments. Declarations naming the same invoice are clustered into shipments: the same shipment id
/// is one shipment (two different shipment ids never are); without shipment ids, the export and import declarations
/// of one mirrored shipment (import reported by the export's destination within the mirror window, paired one-to-one
/// closest dates first, so a cluster never holds two imports) are one shipment,
/// and so are declarations of the same reporter and flow filed within 3 days (amendments, split filings). Every
/// declaration of every shipment involved is flagged.
/// </summary>
public sealed class InvoiceReuseDetector : IDetector
{
    /// <summary>Declarations of one reporter and flow this many days apart or less may be one shipment.</summary>
    public const int SameShipmentDays = 3;

    /// <summary>Largest group clustered pair by pair; larger groups are clustered by shipment id only.</summary>
    private const int MaxPairwise = 2000;

    public string Name => "invoice-reuse";

    public void Detect(AnalysisContext context, IFlagSink sink)
    {
        var index = ShipmentIndex.For(context);
        var shipments = index.All;
        var window = context.Options.MirrorWindowDays;
        var spanish = context.Options.Spanish;

        // Group by (invoice key, exporter), then lay the groups of two or more out in one array (no tuple of strings
        // hashed per shipment, no list per group). Groups keep their order of first appearance and their members
        // ascending positions, as a dictionary of lists would. Invoice keys are the index's numbers for them (equal
        // exactly when the keys are), so no string is hashed.
        // A group is found from the invoice key alone (its first group; the groups of other exporters with that key
        // follow through nextGroup, as the invoice index chains its documents): nearly every key has one exporter, so
        // one look-up and one exporter compared per shipment. The look-up is an array read by the index's dense number
        // of the key (ShipmentIndex.InvoiceKeyNumbers); before, keys that pack into a long went through an
        // InvoiceKeyTable probe per shipment, and only the others (39% here) were dense positions. About 1.4
        // shipments share a group.
        var firstOfKey = new int[index.InvoiceKeyCount];
        // Each group's exporter (at most one group per shipment; written as groups are made); the next group with the
        // same number only for the few numbers of several exporters.
        var groupExporter = GC.AllocateUninitializedArray<int>(shipments.Count);
        var nextGroup = new Dictionary<int, int>();
        var groupOf = new int[shipments.Count];
        var sizes = new List<int>(shipments.Count);
        for (var k = 0; k < shipments.Count; k++)
        {
            var s = shipments[k];
            groupOf[k] = -1;
            var key = s.InvoiceKeyNumber;
            if (key < 0)
            {
                continue;
            }

            var exporter = s.ExporterId;
            // Stored plus one, so that the zeroed array means no group.
            ref var first = ref firstOfKey[key];
            var newNumber = first == 0;
            if (newNumber)
            {
                first = sizes.Count + 1;
            }

            var g = first - 1;
            if (!newNumber)
            {
                var last = -1;
                while (g >= 0 && groupExporter[g] != exporter)
                {
                    last = g;
                    g = nextGroup.GetValueOrDefault(g, -1);
                }

                if (g < 0)
                {
                    g = sizes.Count;
                    nextGroup.Add(last, g);
                }
            }

            if (g == sizes.Count)
            {
                groupExporter[g] = exporter;
                sizes.Add(0);
            }

            groupOf[k] = g;
            CollectionsMarshal.AsSpan(sizes)[g]++;
        }

        var start = new int[sizes.Count + 1];
        for (var g = 0; g < sizes.Count; g++)
        {
            start[g + 1] = start[g] + (sizes[g] >= 2 ? sizes[g] : 0);
        }

        var items = new int[start[^1]];
        var cursor = (int[])start.Clone();
        for (var k = 0; k < shipments.Count; k++)
        {
            var g = groupOf[k];
            if (g >= 0 && sizes[g] >= 2)
            {
                items[cursor[g]++] = shipments[k].Index;
            }
        }

        long reused = 0;
        var scratch = new ClusterScratch();
        for (var g = 0; g < sizes.Count; g++)
        {
            if (sizes[g] < 2)
            {
                continue;
            }

            var members = items.AsSpan(start[g], sizes[g]);
            var cluster = Cluster(members, shipments, window, scratch);
            var clusterCount = 0;
            for (var i = 0; i < cluster.Length; i++)
            {
                if (cluster[i] == i)
                {
                    clusterCount++;
                }
            }

            if (clusterCount < 2)
            {
                continue;
            }

            reused++;
            Flag(members, cluster, clusterCount, shipments, spanish, sink);
        }

        context.Artifacts.Counters["invoice.reused"] = reused;
    }

    /// <summary>Union-find over the group's members; returns each member's root (position in <paramref name="members"/>),
    /// in <paramref name="scratch"/>'s buffer (valid until the next call).</summary>
    private static Span<int> Cluster(ReadOnlySpan<int> members, IReadOnlyList<DeclarationShipment> shipments, int window, ClusterScratch scratch)
    {
        var parent = scratch.Parent(members.Length);
        for (var i = 0; i < parent.Length; i++)
        {
            parent[i] = i;
        }

        if (members.Length > MaxPairwise)
        {
            var firstById = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < members.Length; i++)
            {
                var s = shipments[members[i]];
                var id = s.ShipmentId ?? s.Reporter + "|" + s.DeclarationId;
                if (firstById.TryGetValue(id, out var first))
                {
                    parent[i] = first;
                }
                else
                {
                    firstById.Add(id, i);
                }
            }

            return parent;
        }

        // 1. The same shipment id, or the same reporter and flow within a few days (amendment, split filing).
        var sides = scratch.Sides;
        sides.Clear();
        for (var i = 0; i < members.Length; i++)
        {
            var a = shipments[members[i]];
            for (var j = i + 1; j < members.Length; j++)
            {
                var b = shipments[members[j]];
                if (a.ShipmentId is not null && b.ShipmentId is not null)
                {
                    if (string.Equals(a.ShipmentId, b.ShipmentId, StringComparison.Ordinal))
                    {
                        Union(parent, i, j);
                    }
                }
                else if (a.Flow == b.Flow)
                {
                    if (string.Equals(a.Reporter, b.Reporter, StringComparison.Ordinal)
                        && Math.Abs(a.Date.DayNumber - b.Date.DayNumber) <= SameShipmentDays)
                    {
                        Union(parent, i, j);
                    }
                }
                else if (MirrorSides(a, b, window, out var days))
                {
                    sides.Add(a.Flow == TradeFlow.Export ? (days, i, j) : (days, j, i));
                }
            }
        }

        // 2. Export and import sides of one mirrored shipment, one-to-one, closest dates first: a cluster that already
        // has an import never takes a second one, so two shipments on one invoice are never chained into one.
        if (sides.Count > 0)
        {
            scratch.Flags(members.Length, out var hasExport, out var hasImport);
            for (var i = 0; i < members.Length; i++)
            {
                var root = Find(parent, i);
                hasExport[root] |= shipments[members[i]].Flow == TradeFlow.Export;
                hasImport[root] |= shipments[members[i]].Flow == TradeFlow.Import;
            }

            sides.Sort();
            foreach (var (_, e, m) in sides)
            {
                var re = Find(parent, e);
                var rm = Find(parent, m);
                if (re == rm || hasImport[re] || hasExport[rm])
                {
                    continue;
                }

                Union(parent, e, m);
                var root = Find(parent, e);
                hasExport[root] = hasExport[re] | hasExport[rm];
                hasImport[root] = hasImport[re] | hasImport[rm];
            }
        }

        for (var i = 0; i < parent.Length; i++)
        {
            parent[i] = Find(parent, i);
        }

        return parent;
    }

    /// <summary>Whether an export and an import (either order) can be the two sides of one shipment: the import is
    /// reported by the export's destination from 3 days before to <paramref name="window"/> days after it.</summary>
    internal static bool MirrorSides(DeclarationShipment a, DeclarationShipment b, int window, out int days)
    {
        var (ex, im) = a.Flow == TradeFlow.Export ? (a, b) : (b, a);
        var signed = im.Date.DayNumber - ex.Date.DayNumber;
        days = Math.Abs(signed);
        return ex.Flow == TradeFlow.Export && im.Flow == TradeFlow.Import
            && (string.Equals(im.Reporter, ex.Main.DestinationCountry, StringComparison.Ordinal)
                || string.Equals(im.Reporter, ex.Main.ImporterCountry, StringComparison.Ordinal))
            && signed >= -SameShipmentDays && signed <= window;
    }

    private static int Find(Span<int> parent, int i)
    {
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }

        return i;
    }

    private static void Union(Span<int> parent, int a, int b)
    {
        var ra = Find(parent, a);
        var rb = Find(parent, b);
        if (ra != rb)
        {
            parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }
    }

    /// <summary>Numbers and dates in the texts as <see cref="Fmt"/> formats them: invariant culture.</summary>
    private static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;

    private static void Flag(ReadOnlySpan<int> members, ReadOnlySpan<int> cluster, int clusterCount, IReadOnlyList<DeclarationShipment> shipments, bool spanish, IFlagSink sink)
    {
        var score = Math.Round(Math.Min(90, 55 + (10 * Math.Log2(clusterCount - 1))), 1);
        double total = 0;
        foreach (var m in members)
        {
            total += shipments[m].FobUsd;
        }

        for (var i = 0; i < members.Length; i++)
        {
            var s = shipments[members[i]];
            // Straight into the flag's chunk (FlagTexts.Writer), worded as the strings were: up to five other shipments
            // listed as parts of the explanation.
            var w = FlagTexts.Writer.Begin();
            w.Put(FlagTexts.Expected, spanish ? "un embarque por factura" : "one shipment per invoice");
            if (spanish)
            {
                w.Put(FlagTexts.Observed, Inv, $"{clusterCount:N0} embarques");
                w.Part(Inv, $"La factura {s.InvoiceNumber} de {s.Main.ExporterName}, declarada en {s.Reporter} {s.DeclarationId} ({s.Date:yyyy-MM-dd}, {s.FobUsd:N2} USD FOB), ampara {clusterCount:N0} embarques distintos por {total:N2} USD en total; también figura en ");
            }
            else
            {
                w.Put(FlagTexts.Observed, Inv, $"{clusterCount:N0} shipments");
                w.Part(Inv, $"Invoice {s.InvoiceNumber} of {s.Main.ExporterName}, declared on {s.Reporter} {s.DeclarationId} ({s.Date:yyyy-MM-dd}, {s.FobUsd:N2} USD FOB), stands behind {clusterCount:N0} distinct shipments worth {total:N2} USD in all; it also appears on ");
            }

            var others = 0;
            for (var j = 0; j < members.Length && others < 5; j++)
            {
                if (cluster[j] != cluster[i])
                {
                    var o = shipments[members[j]];
                    w.Part(Inv, $"{(others == 0 ? string.Empty : "; ")}{o.Reporter} {o.DeclarationId} ({o.Date:yyyy-MM-dd}{(o.ShipmentId is null ? string.Empty : ", ")}{o.ShipmentId})");
                    others++;
                }
            }

            w.Put(FlagTexts.Explanation, clusterCount > 2 || others >= 5 ? (spanish ? " entre otras." : " among others.") : ".");
            sink.Add(new Flag
            {
                Code = FlagCode.InvoiceReused,
                Score = score,
                Severity = EnumText.SeverityFromScore(score),
                RecordType = RecordType.Declaration,
                DeclarationId = s.DeclarationId,
                LineNo = s.Lines.Count == 1 ? s.Main.LineNo : null,
                InvoiceNumber = s.InvoiceNumber,
                ShipmentId = s.ShipmentId,
                ExporterName = s.Main.ExporterName,
                ImporterName = s.Main.ImporterName,
                HsCode = DeclarationFlags.HsText(s.Main.Hs),
                ValueUsd = Math.Round(s.ValueUsd, 2),
                ValueAtRiskUsd = Math.Round(s.FobUsd, 2),
                Texts = w.End(),
                ExporterKey = s.Main.ExporterKey.Length > 0 ? s.Main.ExporterKey : null,
                Date = s.Date,
                OriginCountry = s.Main.OriginCountry,
                DestinationCountry = s.Main.DestinationCountry,
                Source = s.Main.Source,
            });
        }
    }

    /// <summary>Buffers <see cref="Cluster"/> reuses from group to group (most groups are an export and its import).</summary>
    private sealed class ClusterScratch
    {
        private int[] _parent = new int[16];
        private bool[] _hasExport = new bool[16];
        private bool[] _hasImport = new bool[16];

        public List<(int Days, int Export, int Import)> Sides { get; } = [];

        /// <summary>A buffer of <paramref name="length"/> ints (contents undefined).</summary>
        public Span<int> Parent(int length)
        {
            if (_parent.Length < length)
            {
                _parent = new int[Math.Max(length, _parent.Length * 2)];
            }

            return _parent.AsSpan(0, length);
        }

        /// <summary>Cleared has-export and has-import flags per root.</summary>
        public void Flags(int length, out Span<bool> hasExport, out Span<bool> hasImport)
        {
            if (_hasExport.Length < length)
            {
                _hasExport = new bool[Math.Max(length, _hasExport.Length * 2)];
                _hasImport = new bool[_hasExport.Length];
            }

            hasExport = _hasExport.AsSpan(0, length);
            hasImport = _hasImport.AsSpan(0, length);
            hasExport.Clear();
            hasImport.Clear();
        }
    }
}
