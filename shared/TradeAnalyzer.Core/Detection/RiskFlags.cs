using System.Globalization;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Text;

namespace TradeAnalyzer.Core.Detection;

/// <summary>Builds the flags of the risk detectors (precursors, routes, sanctions) with the record's identifying columns filled.</summary>
internal static class RiskFlags
{
    /// <summary>Thousands separators and 2 decimals, invariant culture: 12,345.60.</summary>
    public static string N2(double value) => DeclarationFlags.N2(value);

    public static string Percent(double share) => (share * 100).ToString("N2", CultureInfo.InvariantCulture) + "%";

    public static double Clamp(double score) => Math.Round(Math.Clamp(score, 0, 100), 1);

    public static Flag ForDeclaration(DeclarationLine d, FlagCode code, double score, string explanation, string? expected = null, string? observed = null, double? valueAtRisk = null) =>
        ForDeclaration(d, ExporterKeyOf(d), code, score, explanation, expected, observed, valueAtRisk);

    /// <summary><see cref="ForDeclaration(DeclarationLine, FlagCode, double, string, string?, string?, double?)"/> with the line's
    /// exporter key already known (<see cref="ExporterKeys"/>).</summary>
    public static Flag ForDeclaration(DeclarationLine d, string exporterKey, FlagCode code, double score, string explanation, string? expected, string? observed, double? valueAtRisk) =>
        DeclarationFlags.Create(d, exporterKey, code, Clamp(score), explanation, expected, observed, valueAtRisk);

    /// <summary>As <see cref="ForDeclaration(DeclarationLine, string, FlagCode, double, string, string?, string?, double?)"/> with the
    /// texts already written (<see cref="FlagTexts.Writer"/>).</summary>
    public static Flag ForDeclaration(DeclarationLine d, string exporterKey, FlagCode code, double score, FlagTexts texts, double? valueAtRisk) =>
        DeclarationFlags.Create(d, exporterKey, code, Clamp(score), texts, valueAtRisk);

    public static Flag ForInvoice(InvoiceLine i, FlagCode code, double score, string explanation, string? expected = null, string? observed = null, double? valueAtRisk = null) =>
        ForInvoice(i, code, score, FlagTexts.Encode(explanation, expected, observed), valueAtRisk);

    /// <summary>As <see cref="ForInvoice(InvoiceLine, FlagCode, double, string, string?, string?, double?)"/> with the texts already written.</summary>
    public static Flag ForInvoice(InvoiceLine i, FlagCode code, double score, FlagTexts texts, double? valueAtRisk) =>
        ForInvoice(i, InvoiceExporterKey(i), code, score, texts, valueAtRisk);

    /// <summary>As <see cref="ForInvoice(InvoiceLine, FlagCode, double, FlagTexts, double?)"/> with the seller's exporter key
    /// already known (<see cref="SellerKeys"/>).</summary>
    public static Flag ForInvoice(InvoiceLine i, string exporterKey, FlagCode code, double score, FlagTexts texts, double? valueAtRisk)
    {
        var s = Clamp(score);
        return new Flag
        {
            Code = code,
            Score = s,
            Severity = EnumText.SeverityFromScore(s),
            RecordType = RecordType.Invoice,
            LineNo = i.LineNo,
            InvoiceNumber = i.InvoiceNumber,
            ShipmentId = i.ShipmentId,
            ExporterName = i.SellerName,
            ImporterName = i.BuyerName,
            HsCode = DeclarationFlags.HsText(i.Hs),
            ValueUsd = i.ValueUsd,
            ValueAtRiskUsd = valueAtRisk,
            Texts = texts,
            ExporterKey = exporterKey,
            Date = i.InvoiceDate,
            OriginCountry = i.SellerCountry,
            DestinationCountry = i.BuyerCountry,
            Source = i.Source,
        };
    }

    /// <summary>
    /// <see cref="PartyNames.Key"/> of an invoice line's seller, kept per thread by the line's parties part (by reference:
    /// a part never changes once a record holds it): the flags of an upload name the same few thousand sellers over and
    /// over (<see cref="ThreadMemo"/>).
    /// </summary>
    public static string InvoiceExporterKey(InvoiceLine i) =>
        ThreadMemo.Get(ref t_sellerKeys, ReferenceEqualityComparer.Instance, i.PartiesRef, i, static line => PartyNames.Key(line.SellerName, line.SellerId));

    [ThreadStatic]
    private static Dictionary<InvoiceParties, string>? t_sellerKeys;

    /// <summary>
    /// <see cref="PartyNames.Key"/> of invoice sellers for one loop of one detector run, remembered by seller name and id
    /// (the key is a function of the two). A flagged invoice's parties part is often its own (its payer or beneficiary
    /// differs), so <see cref="InvoiceExporterKey"/>'s memo by part misses and its 4,096 entries are cleared over and
    /// over, while the seller repeats: the precursor detector's 34,513 invoice flags on perf650 normalised a name for
    /// most of them. The previous line's part is checked first (an invoice's lines share it). Bounded: after
    /// <see cref="MaxSellers"/> sellers the memo is cleared. Names are hashed by the default string comparer (seeded
    /// per process), so hostile names cannot crowd one bucket.
    /// </summary>
    internal sealed class SellerKeys
    {
        internal const int MaxSellers = 1 << 16;
        private readonly Dictionary<(string Name, string? Id), string> _keys = [];
        private InvoiceParties? _lastPart;
        private string _lastKey = string.Empty;

        public string Of(InvoiceLine i)
        {
            var part = i.PartiesRef;
            if (ReferenceEquals(part, _lastPart))
            {
                return _lastKey;
            }

            if (_keys.Count >= MaxSellers)
            {
                _keys.Clear();
            }

            ref var key = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_keys, (i.SellerName, i.SellerId), out var known);
            if (!known)
            {
                key = PartyNames.Key(i.SellerName, i.SellerId);
            }

            _lastPart = part;
            _lastKey = key!;
            return _lastKey;
        }
    }

    /// <summary>The declaration's exporter key as ingestion set it, else computed the same way.</summary>
    public static string ExporterKeyOf(DeclarationLine d) =>
        string.IsNullOrEmpty(d.ExporterKey) ? PartyNames.Key(d.ExporterName, d.ExporterId) : d.ExporterKey;

    /// <summary>
    /// <see cref="ExporterKeyOf"/> by parties part, for one thread of one detector run: the key is the normalised name
    /// (tokens, legal forms stripped) unless ingestion set one, and every line of the same parties has the same key, so
    /// it is worked out once per part instead of once per flag (bounded: <see cref="PartMemo{TPart, TValue}"/>).
    /// </summary>
    internal sealed class ExporterKeys
    {
        private readonly PartMemo<DeclarationParties, string> _memo = new(ExporterKeyOf);

        public string Of(DeclarationLine d) => _memo.Of(d.PartiesRef, d);
    }
}
