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
        ImportDay = new int[imports.Count];
        ImportReporter = new int[imports.Count];
        ImportExporterCountry = new int[imports.Count];
        ImportOrigin = new int[imports.Count];
        ImportHeading = new int[imports.Count];
        for (var i = 0; i < imports.Count; i++)
        {
            var im = imports[i];
            var main = im.Main;
            ImportDay[i] = im.Date.DayNumber;
            ImportReporter[i] = Id(main.ReporterCountry);
            ImportExporterCountry[i] = main.ExporterCountry is { } ec ? Id(ec) : NoCountry;
            ImportOrigin[i] = Id(main.OriginCountry);
            ImportHeading[i] = HeadingCode(main.Hs);
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
            ExportDay[e] = ex.Date.DayNumber;
            ExportReporter[e] = Id(main.ReporterCountry);
            ExportDestination[e] = Id(main.DestinationCountry);
            ExportImporterCountry[e] = main.ImporterCountry is { } ic ? Id(ic) : NoCountry;
            ExportHeading[e] = HeadingCode(main.Hs);
        }
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
}
