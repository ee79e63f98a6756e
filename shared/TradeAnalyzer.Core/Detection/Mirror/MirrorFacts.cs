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
    // country ids and heading are worked out once per part, found by reference, not once per shipment.
    private readonly Dictionary<DeclarationRoute, RouteIds> _routes = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<DeclarationParties, PartyIds> _parties = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<GoodsPart, int> _goods = new(ReferenceEqualityComparer.Instance);

    public MirrorFacts(IReadOnlyList<DeclarationShipment> exports, IReadOnlyList<DeclarationShipment> imports)
    {
        ArgumentNullException.ThrowIfNull(exports);
        ArgumentNullException.ThrowIfNull(imports);
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
            ImportExporterCountry[i] = PartiesOf(main).ExporterCountry;
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
            ExportImporterCountry[e] = PartiesOf(main).ImporterCountry;
            ExportHeading[e] = HeadingOf(main);
        }

        // The caches are only needed while the arrays are filled.
        _routes.Clear();
        _parties.Clear();
        _goods.Clear();
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
        ref var ids = ref CollectionsMarshal.GetValueRefOrAddDefault(_routes, main.RouteRef, out var known);
        if (!known)
        {
            ids = new RouteIds(Id(main.ReporterCountry), Id(main.OriginCountry), Id(main.DestinationCountry));
        }

        return ids;
    }

    private PartyIds PartiesOf(DeclarationLine main)
    {
        ref var ids = ref CollectionsMarshal.GetValueRefOrAddDefault(_parties, main.PartiesRef, out var known);
        if (!known)
        {
            ids = new PartyIds(
                main.ExporterCountry is { } ec ? Id(ec) : NoCountry,
                main.ImporterCountry is { } ic ? Id(ic) : NoCountry);
        }

        return ids;
    }

    private int HeadingOf(DeclarationLine main)
    {
        ref var heading = ref CollectionsMarshal.GetValueRefOrAddDefault(_goods, main.GoodsRef, out var known);
        if (!known)
        {
            heading = HeadingCode(main.Hs);
        }

        return heading;
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

    private readonly record struct PartyIds(int ExporterCountry, int ImporterCountry);
}
