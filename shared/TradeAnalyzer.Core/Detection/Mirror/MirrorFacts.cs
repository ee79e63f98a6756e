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

    // Record parts are shared by many lines (a few thousand routes, parties and goods for a million lines): their
    // country ids and heading are worked out once per part, not once per shipment. Parties are numbered by the
    // shipment index already (an array look-up); routes and goods are numbered here, by reference.
    private readonly ReferenceIds<DeclarationRoute> _routeNumbers = new();
    private readonly List<RouteIds> _routes = [];
    private readonly ReferenceIds<GoodsPart> _goodsNumbers = new();
    private readonly List<int> _headings = [];
    private PartyIds[] _parties = [];

    public MirrorFacts(IReadOnlyList<DeclarationShipment> exports, IReadOnlyList<DeclarationShipment> imports)
    {
        ArgumentNullException.ThrowIfNull(exports);
        ArgumentNullException.ThrowIfNull(imports);
        var owner = imports.Count > 0 ? imports[0].Owner : exports.Count > 0 ? exports[0].Owner : null;
        _parties = new PartyIds[owner?.PartyCount ?? 0];
        ImportDay = new int[imports.Count];
        ImportReporter = new int[imports.Count];
        ImportExporterCountry = new int[imports.Count];
        ImportOrigin = new int[imports.Count];
        ImportHeading = new int[imports.Count];
        for (var i = 0; i < imports.Count; i++)
        {
            var im = imports[i];
            var main = im.Main;
            var route = RouteOf(main);
            ImportDay[i] = im.Day;
            ImportReporter[i] = route.Reporter;
            ImportExporterCountry[i] = PartiesOf(im, main).ExporterCountry;
            ImportOrigin[i] = route.Origin;
            ImportHeading[i] = HeadingOf(main);
        }

        ExportDay = new int[exports.Count];
        ExportReporter = new int[exports.Count];
        ExportDestination = new int[exports.Count];
        ExportImporterCountry = new int[exports.Count];
        ExportHeading = new int[exports.Count];
        for (var e = 0; e < exports.Count; e++)
        {
            var ex = exports[e];
            var main = ex.Main;
            var route = RouteOf(main);
            ExportDay[e] = ex.Day;
            ExportReporter[e] = route.Reporter;
            ExportDestination[e] = route.Destination;
            ExportImporterCountry[e] = PartiesOf(ex, main).ImporterCountry;
            ExportHeading[e] = HeadingOf(main);
        }

        // The caches are only needed while the arrays are filled.
        _routes.Clear();
        _headings.Clear();
        _parties = [];
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

    private RouteIds RouteOf(DeclarationLine main)
    {
        var number = _routeNumbers.IdOf(main.RouteRef, out var added);
        if (added)
        {
            _routes.Add(new RouteIds(Id(main.ReporterCountry), Id(main.OriginCountry), Id(main.DestinationCountry)));
        }

        return _routes[number];
    }

    private PartyIds PartiesOf(DeclarationShipment shipment, DeclarationLine main)
    {
        ref var ids = ref _parties[shipment.PartyNumber];
        if (!ids.Known)
        {
            ids = new PartyIds(
                main.ExporterCountry is { } ec ? Id(ec) : NoCountry,
                main.ImporterCountry is { } ic ? Id(ic) : NoCountry,
                true);
        }

        return ids;
    }

    private int HeadingOf(DeclarationLine main)
    {
        var number = _goodsNumbers.IdOf(main.GoodsRef, out var added);
        if (added)
        {
            _headings.Add(HeadingCode(main.Hs));
        }

        return _headings[number];
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

    /// <summary>A parties part's country ids; <see cref="Known"/> is false until they are worked out.</summary>
    private readonly record struct PartyIds(int ExporterCountry, int ImporterCountry, bool Known);
}
