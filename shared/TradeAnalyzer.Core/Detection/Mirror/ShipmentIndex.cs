using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Text;

namespace TradeAnalyzer.Core.Detection.Mirror;

/// <summary>
/// The declarations of one analysis grouped into shipments (one per reporter, flow and declaration id), with
/// normalised party names. Built once per <see cref="AnalysisContext"/> and shared by the mirror and invoice
/// detectors (the first detector to ask pays for it).
/// </summary>
public sealed class ShipmentIndex
{
    private static readonly ConditionalWeakTable<AnalysisContext, Lazy<ShipmentIndex>> Cache = [];

    private ShipmentIndex(List<DeclarationShipment> all)
    {
        All = all;
        var exportCount = 0;
        foreach (var s in all)
        {
            exportCount += s.Flow == TradeFlow.Export ? 1 : 0;
        }

        var exports = new List<DeclarationShipment>(exportCount);
        var imports = new List<DeclarationShipment>(all.Count - exportCount);
        foreach (var s in all)
        {
            (s.Flow == TradeFlow.Export ? exports : imports).Add(s);
        }

        Exports = exports;
        Imports = imports;
    }

    /// <summary>Every shipment, in order of first appearance.</summary>
    public IReadOnlyList<DeclarationShipment> All { get; }

    /// <summary>Export declarations.</summary>
    public IReadOnlyList<DeclarationShipment> Exports { get; }

    /// <summary>Import declarations.</summary>
    public IReadOnlyList<DeclarationShipment> Imports { get; }

    /// <summary>The index of <paramref name="context"/>, built on first use and shared by the detectors.</summary>
    public static ShipmentIndex For(AnalysisContext context) =>
        Cache.GetValue(context, c => new Lazy<ShipmentIndex>(() => Build(c.Declarations))).Value;

    /// <summary>Forgets the index of <paramref name="context"/> (a later <see cref="For"/> builds it again).</summary>
    internal static void Release(AnalysisContext context) => Cache.Remove(context);

    /// <summary>Groups <paramref name="declarations"/> into shipments; linear in the number of lines.</summary>
    public static ShipmentIndex Build(IReadOnlyList<DeclarationLine> declarations)
    {
        // Declaration id -> first shipment with that id; other reporters or flows with the same id are chained through
        // DeclarationShipment.NextSameId. A string-keyed dictionary hashes faster and stores less than a tuple key.
        // Each line's shipment is noted, and the lines are then laid out shipment after shipment in one array that the
        // shipments' Lines are ranges of (no list per shipment).
        var byId = new Dictionary<string, int>(declarations.Count);
        var all = new List<DeclarationShipment>(declarations.Count);
        var shipmentOf = new int[declarations.Count];
        var sizes = new List<int>(declarations.Count);
        for (var i = 0; i < declarations.Count;)
        {
            var line = declarations[i];

            // The lines of a declaration are usually consecutive: the whole run joins one shipment with one look-up.
            var run = 1;
            while (i + run < declarations.Count && Same(line, declarations[i + run]))
            {
                run++;
            }

            var shipment = -1;
            ref var head = ref CollectionsMarshal.GetValueRefOrAddDefault(byId, line.DeclarationId, out var exists);
            if (exists)
            {
                DeclarationShipment? last = null;
                for (var k = head; k >= 0; k = last!.NextSameId)
                {
                    last = all[k];
                    if (Same(last.Main, line))
                    {
                        shipment = k;
                        break;
                    }
                }

                if (shipment < 0)
                {
                    shipment = all.Count;
                    last!.NextSameId = shipment;
                    all.Add(new DeclarationShipment(shipment, line));
                    sizes.Add(0);
                }
            }
            else
            {
                head = shipment = all.Count;
                all.Add(new DeclarationShipment(shipment, line));
                sizes.Add(0);
            }

            shipmentOf.AsSpan(i, run).Fill(shipment);
            CollectionsMarshal.AsSpan(sizes)[shipment] += run;
            i += run;
        }

        var lines = new DeclarationLine[declarations.Count];
        var cursor = new int[all.Count];
        var offset = 0;
        for (var s = 0; s < all.Count; s++)
        {
            cursor[s] = offset;
            all[s].Lines = new ArraySegment<DeclarationLine>(lines, offset, sizes[s]);
            offset += sizes[s];
        }

        for (var i = 0; i < declarations.Count; i++)
        {
            lines[cursor[shipmentOf[i]]++] = declarations[i];
        }

        var names = new NameCache();
        foreach (var s in all)
        {
            s.Complete();
            s.ExporterNorm = names.Normalize(s.Main.ExporterName, out var exporterId);
            s.ImporterNorm = names.Normalize(s.Main.ImporterName, out var importerId);
            s.PartiesKey = ((long)exporterId << 32) | (uint)importerId;
        }

        return new ShipmentIndex(all);
    }

    /// <summary>True when <paramref name="line"/> belongs to the declaration of <paramref name="first"/> (same id, reporter and flow).</summary>
    private static bool Same(DeclarationLine first, DeclarationLine line) =>
        line.Flow == first.Flow
        && string.Equals(line.DeclarationId, first.DeclarationId, StringComparison.Ordinal)
        && string.Equals(line.ReporterCountry, first.ReporterCountry, StringComparison.Ordinal);

    /// <summary>An invoice number reduced to upper-case letters and digits ("inv-2026/001" and "INV 2026 001" compare equal).</summary>
    public static string InvoiceKey(string invoiceNumber)
    {
        if (IsOwnInvoiceKey(invoiceNumber))
        {
            return invoiceNumber;
        }

        Span<char> buffer = invoiceNumber.Length <= 256 ? stackalloc char[invoiceNumber.Length] : new char[invoiceNumber.Length];
        return new string(buffer[..WriteInvoiceKey(invoiceNumber, buffer)]);
    }

    /// <summary>True when the number is only 0-9 and A-Z, so that it is its own <see cref="InvoiceKey"/>.</summary>
    internal static bool IsOwnInvoiceKey(string invoiceNumber)
    {
        foreach (var c in invoiceNumber)
        {
            if (!(c is >= '0' and <= '9' or >= 'A' and <= 'Z'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Writes the letters and digits of the number upper-cased into <paramref name="key"/> (at least as long); returns how many.</summary>
    internal static int WriteInvoiceKey(string invoiceNumber, Span<char> key)
    {
        var n = 0;
        foreach (var c in invoiceNumber)
        {
            if (char.IsLetterOrDigit(c))
            {
                key[n++] = char.ToUpperInvariant(c);
            }
        }

        return n;
    }
}

/// <summary>Memoises <see cref="PartyNames.Normalize"/>: trader names repeat across many lines. Each distinct
/// normalised name also gets a small id (0 for the empty name) so that pairs of names can be hashed as one number.</summary>
internal sealed class NameCache
{
    private readonly Dictionary<string, (string Norm, int Id)> _cache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal) { [string.Empty] = 0 };

    public string Normalize(string? name) => Normalize(name, out _);

    public string Normalize(string? name, out int id)
    {
        if (string.IsNullOrEmpty(name))
        {
            id = 0;
            return string.Empty;
        }

        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_cache, name, out var exists);
        if (!exists)
        {
            var norm = PartyNames.Normalize(name);
            ref var normId = ref CollectionsMarshal.GetValueRefOrAddDefault(_ids, norm, out var known);
            if (!known)
            {
                normId = _ids.Count - 1;
            }

            entry = (norm, normId);
        }

        id = entry.Id;
        return entry.Norm;
    }
}
