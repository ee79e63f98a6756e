using System.Runtime.InteropServices;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Detection.Mirror;

/// <summary>
/// The facts the mirror analysis tests on every export and import, read once in shipment order (each shipment and its
/// main line visited sequentially) into flat arrays: day numbers, country ids and HS heading codes. Country ids are
/// equal exactly when the country codes are; <see cref="NoCountry"/> stands for a country that is not given.
/// </summary>
internal sealed class MirrorFacts
{
    /// <summary>Id of a country that is not given (null).</summary>
    public const int NoCountry = -1;

    private readonly Dictionary<string, int> _countries = new(StringComparer.Ordinal);
    private string? _lastCountry;
    private int _lastId;

    public MirrorFacts(IReadOnlyList<DeclarationShipment> exports, IReadOnlyList<DeclarationShipment> imports)
    {
        ArgumentNullException.ThrowIfNull(exports);
        ArgumentNullException.ThrowIfNull(imports);
        ImportDay = GC.AllocateUninitializedArray<int>(imports.Count);
        ImportReporter = GC.AllocateUninitializedArray<int>(imports.Count);
        ImportExporterCountry = GC.AllocateUninitializedArray<int>(imports.Count);
        ImportOrigin = GC.AllocateUninitializedArray<int>(imports.Count);
        ImportHeading = GC.AllocateUninitializedArray<int>(imports.Count);
        ExportDay = GC.AllocateUninitializedArray<int>(exports.Count);
        ExportReporter = GC.AllocateUninitializedArray<int>(exports.Count);
        ExportDestination = GC.AllocateUninitializedArray<int>(exports.Count);
        ExportImporterCountry = GC.AllocateUninitializedArray<int>(exports.Count);
        ExportHeading = GC.AllocateUninitializedArray<int>(exports.Count);
        var owner = imports.Count > 0 ? imports[0].Owner : exports.Count > 0 ? exports[0].Owner : null;
        if (owner is null)
        {
            return;
        }

        // Record parts are shared by many lines (a few thousand routes, parties and goods for a million lines): the
        // index numbers each shipment's main-line parts, so their country ids and heading are worked out once per
        // part here, and each shipment's facts are array look-ups (its main line is not read again).
        var routes = new RouteIds[owner.RouteParts.Length];
        _modes = new TransportMode[routes.Length];
        for (var r = 0; r < routes.Length; r++)
        {
            var route = owner.RouteParts[r];
            routes[r] = new RouteIds(Id(route.ReporterCountry), Id(route.OriginCountry), Id(route.DestinationCountry));
            _modes[r] = route.Mode;
        }

        var exporterCountries = new int[owner.PartyParts.Length];
        var importerCountries = new int[owner.PartyParts.Length];
        for (var p = 0; p < exporterCountries.Length; p++)
        {
            var parties = owner.PartyParts[p];
            exporterCountries[p] = parties.ExporterCountry is { } ec ? Id(ec) : NoCountry;
            importerCountries[p] = parties.ImporterCountry is { } ic ? Id(ic) : NoCountry;
        }

        var headings = new int[owner.GoodsParts.Length];
        _hs = new HsPrefixes[owner.GoodsParts.Length];
        _units = new BaseUnit[owner.GoodsParts.Length];
        var prefixes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var g = 0; g < headings.Length; g++)
        {
            var hs = owner.GoodsParts[g].Hs.GetValueOrDefault();
            headings[g] = HeadingCode(hs);
            _units[g] = owner.GoodsParts[g].Unit;
            _hs[g] = new HsPrefixes(PrefixId(prefixes, hs.Digits, 2), PrefixId(prefixes, hs.Digits, 4), PrefixId(prefixes, hs.Digits, 6));
        }

        _owner = owner;

        var days = owner.Days;
        var routeNumbers = owner.RouteNumbers;
        var partyNumbers = owner.PartyNumbers;
        var goodsNumbers = owner.GoodsNumbers;
        for (var i = 0; i < imports.Count; i++)
        {
            var s = imports[i].Index;
            ref readonly var route = ref routes[routeNumbers[s]];
            ImportDay[i] = days[s];
            ImportReporter[i] = route.Reporter;
            ImportExporterCountry[i] = exporterCountries[partyNumbers[s]];
            ImportOrigin[i] = route.Origin;
            ImportHeading[i] = headings[goodsNumbers[s]];
        }

        for (var e = 0; e < exports.Count; e++)
        {
            var s = exports[e].Index;
            ref readonly var route = ref routes[routeNumbers[s]];
            ExportDay[e] = days[s];
            ExportReporter[e] = route.Reporter;
            ExportDestination[e] = route.Destination;
            ExportImporterCountry[e] = importerCountries[partyNumbers[s]];
            ExportHeading[e] = headings[goodsNumbers[s]];
        }
    }

    private readonly ShipmentIndex? _owner;
    private readonly HsPrefixes[] _hs = [];
    private readonly BaseUnit[] _units = [];
    private readonly TransportMode[] _modes = [];

    /// <summary>The transport mode of shipment <paramref name="shipment"/> (its main line's route part's, as
    /// <c>Main.Mode</c>) without reading its main line.</summary>
    public TransportMode ModeOf(int shipment) => _modes[_owner!.RouteNumbers[shipment]];

    /// <summary>The unit of shipment <paramref name="shipment"/> (its main line's, <see cref="DeclarationShipment.Unit"/>).</summary>
    public BaseUnit UnitOf(int shipment) => _units[_owner!.GoodsNumbers[shipment]];

    /// <summary>The unit of goods part <paramref name="goods"/> (a shipment's <see cref="ShipmentIndex.GoodsNumbers"/>).</summary>
    public BaseUnit UnitOfGoods(int goods) => _units[goods];

    /// <summary>The <see cref="HsOf"/> numbers of goods part <paramref name="goods"/> (a shipment's
    /// <see cref="ShipmentIndex.GoodsNumbers"/>).</summary>
    public HsPrefixes HsOfGoods(int goods) => _hs[goods];

    /// <summary>Numbers for the first 2, 4 and 6 digits of shipment <paramref name="shipment"/>'s HS code (its main
    /// line's): equal exactly when <see cref="string.CompareOrdinal(string, int, string, int, int)"/> of that many
    /// digits is 0 (shorter codes compare whole, a missing code equals only a missing code).</summary>
    public HsPrefixes HsOf(int shipment) => _hs[_owner!.GoodsNumbers[shipment]];

    /// <summary>A number for the first <paramref name="length"/> characters of <paramref name="digits"/> (all of them
    /// when shorter; -1 when null), equal exactly when the prefixes are.</summary>
    private static int PrefixId(Dictionary<string, int> ids, string? digits, int length)
    {
        if (digits is null)
        {
            return -1;
        }

        // CompareOrdinal compares the substrings clamped to each code's length: equal exactly when these texts are
        // (one table for every length: ids are only compared between prefixes of the same length).
        var prefix = digits.Length <= length ? digits : digits[..length];
        ref var id = ref CollectionsMarshal.GetValueRefOrAddDefault(ids, prefix, out var seen);
        if (!seen)
        {
            id = ids.Count - 1;
        }

        return id;
    }

    /// <summary>Number of distinct countries named (ids are 0 to this - 1).</summary>
    public int CountryCount => _countries.Count;

    public int[] ImportDay { get; }

    public int[] ImportReporter { get; }

    /// <summary>The import's exporter country, <see cref="NoCountry"/> when not given.</summary>
    public int[] ImportExporterCountry { get; }

    public int[] ImportOrigin { get; }

    /// <summary>The import main line's <see cref="HeadingCode"/>.</summary>
    public int[] ImportHeading { get; }

    public int[] ExportDay { get; }

    public int[] ExportReporter { get; }

    public int[] ExportDestination { get; }

    /// <summary>The export's importer country, <see cref="NoCountry"/> when not given.</summary>
    public int[] ExportImporterCountry { get; }

    /// <summary>The export main line's <see cref="HeadingCode"/>.</summary>
    public int[] ExportHeading { get; }

    /// <summary>The id of <paramref name="country"/>, or <see cref="NoCountry"/> when no shipment names it.</summary>
    public int Find(string country) => _countries.GetValueOrDefault(country, NoCountry);

    /// <summary>
    /// A number for the HS heading (the first four digits) of <paramref name="hs"/>: equal headings give equal numbers
    /// (the converse is not needed: it only spares the exact prefix test of most party candidates).
    /// </summary>
    public static int HeadingCode(HsCode hs)
    {
        var digits = hs.Digits;
        if (digits is null)
        {
            return -1;
        }

        var n = Math.Min(4, digits.Length);
        var code = n;
        for (var k = 0; k < n; k++)
        {
            code = unchecked((code * 31) + digits[k]);
        }

        return code;
    }

    private int Id(string country)
    {
        // Country codes are pooled by the reader and repeat from one shipment to the next: the last one is often it.
        if (ReferenceEquals(country, _lastCountry))
        {
            return _lastId;
        }

        ref var id = ref CollectionsMarshal.GetValueRefOrAddDefault(_countries, country, out var exists);
        if (!exists)
        {
            id = _countries.Count - 1;
        }

        _lastCountry = country;
        _lastId = id;
        return id;
    }

    private readonly record struct RouteIds(int Reporter, int Origin, int Destination);

    /// <summary>Numbers of an HS code's first 2, 4 and 6 digits (<see cref="HsOf"/>).</summary>
    internal readonly record struct HsPrefixes(int Hs2, int Hs4, int Hs6);
}
