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

    public static Flag ForInvoice(InvoiceLine i, FlagCode code, double score, string explanation, string? expected = null, string? observed = null, double? valueAtRisk = null)
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
            HsCode = i.Hs?.Display,
            ValueUsd = i.ValueUsd,
            ValueAtRiskUsd = valueAtRisk,
            Expected = expected,
            Observed = observed,
            Explanation = explanation,
            ExporterKey = PartyNames.Key(i.SellerName, i.SellerId),
            Date = i.InvoiceDate,
            OriginCountry = i.SellerCountry,
            DestinationCountry = i.BuyerCountry,
            Source = i.Source,
        };
    }

    /// <summary>The declaration's exporter key as ingestion set it, else computed the same way.</summary>
    public static string ExporterKeyOf(DeclarationLine d) =>
        string.IsNullOrEmpty(d.ExporterKey) ? PartyNames.Key(d.ExporterName, d.ExporterId) : d.ExporterKey;

    /// <summary>
    /// <see cref="ExporterKeyOf"/> by parties part, for one thread of one detector run: the key is the normalised name
    /// (tokens, legal forms stripped) unless ingestion set one, and every line of the same parties has the same key, so
    /// it is worked out once per part instead of once per flag. Bounded: parts beyond <see cref="MaxRemembered"/> are
    /// keyed each time, as before.
    /// </summary>
    internal sealed class ExporterKeys
    {
        private const int MaxRemembered = 1 << 16;
        private readonly ReferenceIds<DeclarationParties> _parts = new(1024);
        private readonly List<string> _keys = [];
        private DeclarationParties? _last;
        private string _lastKey = string.Empty;

        public string Of(DeclarationLine d)
        {
            var parties = d.PartiesRef;
            if (ReferenceEquals(parties, _last))
            {
                return _lastKey;
            }

            string key;
            if (_parts.TryGetId(parties, out var id))
            {
                key = _keys[id];
            }
            else
            {
                key = ExporterKeyOf(d);
                if (_parts.Count < MaxRemembered)
                {
                    _parts.IdOf(parties, out _);
                    _keys.Add(key);
                }
            }

            _last = parties;
            _lastKey = key;
            return key;
        }
    }
}
