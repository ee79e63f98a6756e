using System.Runtime.CompilerServices;
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
        var exports = new List<DeclarationShipment>();
        var imports = new List<DeclarationShipment>();
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

    /// <summary>Groups <paramref name="declarations"/> into shipments; linear in the number of lines.</summary>
    public static ShipmentIndex Build(IReadOnlyList<DeclarationLine> declarations)
    {
        var byKey = new Dictionary<(string Reporter, TradeFlow Flow, string Id), DeclarationShipment>();
        var all = new List<DeclarationShipment>();
        for (var i = 0; i < declarations.Count; i++)
        {
            var line = declarations[i];
            var key = (line.ReporterCountry, line.Flow, line.DeclarationId);
            if (byKey.TryGetValue(key, out var shipment))
            {
                shipment.Add(line);
            }
            else
            {
                shipment = new DeclarationShipment(all.Count, line);
                byKey.Add(key, shipment);
                all.Add(shipment);
            }
        }

        var names = new NameCache();
        foreach (var s in all)
        {
            s.Complete();
            s.ExporterNorm = names.Normalize(s.Main.ExporterName);
            s.ImporterNorm = names.Normalize(s.Main.ImporterName);
        }

        return new ShipmentIndex(all);
    }

    /// <summary>An invoice number reduced to upper-case letters and digits ("inv-2026/001" and "INV 2026 001" compare equal).</summary>
    public static string InvoiceKey(string invoiceNumber)
    {
        var clean = true;
        foreach (var c in invoiceNumber)
        {
            if (!(c is >= '0' and <= '9' or >= 'A' and <= 'Z'))
            {
                clean = false;
                break;
            }
        }

        if (clean)
        {
            return invoiceNumber;
        }

        Span<char> buffer = invoiceNumber.Length <= 256 ? stackalloc char[invoiceNumber.Length] : new char[invoiceNumber.Length];
        var n = 0;
        foreach (var c in invoiceNumber)
        {
            if (char.IsLetterOrDigit(c))
            {
                buffer[n++] = char.ToUpperInvariant(c);
            }
        }

        return new string(buffer[..n]);
    }
}

/// <summary>Memoises <see cref="PartyNames.Normalize"/>: trader names repeat across many lines.</summary>
internal sealed class NameCache
{
    private readonly Dictionary<string, string> _cache = new(StringComparer.Ordinal);

    public string Normalize(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return string.Empty;
        }

        if (!_cache.TryGetValue(name, out var norm))
        {
            norm = PartyNames.Normalize(name);
            _cache.Add(name, norm);
        }

        return norm;
    }
}
