using System.Runtime.CompilerServices;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// Shares one <see cref="RecordPart"/> per distinct combination of its fields within a file. The parser fills
/// <see cref="Scratch"/> and calls <see cref="Intern"/>: equal to the previous line's part (the usual case for the lines
/// of one document), to a known part, or a new part kept for the next lines. The fields are pooled strings, so parts
/// are compared by reference (a different instance of an equal string only costs a second part, never a wrong value).
/// Known parts are found in an open-addressing table whose comparison <typeparamref name="TShape"/> (a struct) the
/// compiler inlines, instead of a dictionary calling its comparer through an interface for every hash and match.
/// Bounded: past <paramref name="capacity"/> parts new ones are used unshared. The table starts at
/// <paramref name="initialSlots"/> (rounded to a power of two, at least 256, at most what <paramref name="capacity"/>
/// parts need) and doubles when half full.
/// </summary>
internal sealed class PartInterner<T, TShape>(int capacity = 262_144, int initialSlots = 256)
    where T : RecordPart, new()
    where TShape : struct, IPartShape<T>
{
    private T?[] _parts = new T?[TableSizes.Start(initialSlots, 256, capacity)];
    private int[] _hashes = new int[TableSizes.Start(initialSlots, 256, capacity)];
    private int _count;
    private T? _last;

    /// <summary>The part to fill for the current line (all of its fields).</summary>
    public T Scratch { get; private set; } = new() { Shared = true };

    /// <summary>The number of parts remembered.</summary>
    public int Count => _count;

    /// <summary>The slots of the table now (for tests).</summary>
    internal int SlotCount => _parts.Length;

    /// <summary>The shared part equal to <see cref="Scratch"/>.</summary>
    public T Intern()
    {
        var s = Scratch;
        if (_last is not null && TShape.Same(_last, s))
        {
            return _last;
        }

        var hash = TShape.Hash(s);
        var parts = _parts;
        var mask = parts.Length - 1;
        var i = hash & mask;
        while (parts[i] is { } known)
        {
            if (_hashes[i] == hash && TShape.Same(known, s))
            {
                return _last = known;
            }

            i = (i + 1) & mask;
        }

        if (_count < capacity)
        {
            parts[i] = s;
            _hashes[i] = hash;
            if (++_count > parts.Length >> 1)
            {
                Grow();
            }
        }

        Scratch = new() { Shared = true };
        return _last = s;
    }

    /// <summary>
    /// Forgets every part once the file is read (the interner is not used after): a large table of references to parts
    /// made during the read is scanned as roots by the young collections after the read (see
    /// <see cref="LineSet.Release"/>); the records keep the parts they use.
    /// </summary>
    public void Release()
    {
        Array.Clear(_parts);
        _count = 0;
        _last = null;
    }

    private void Grow()
    {
        var parts = new T?[_parts.Length * 2];
        var hashes = new int[parts.Length];
        var mask = parts.Length - 1;
        for (var k = 0; k < _parts.Length; k++)
        {
            if (_parts[k] is { } part)
            {
                var i = _hashes[k] & mask;
                while (parts[i] is not null)
                {
                    i = (i + 1) & mask;
                }

                parts[i] = part;
                hashes[i] = _hashes[k];
            }
        }

        if (RecordParser.ReleasesTables)
        {
            Array.Clear(_parts); // the old table may be a large object: garbage that young collections would still scan
        }

        _parts = parts;
        _hashes = hashes;
    }
}

/// <summary>How parts of type <typeparamref name="T"/> are compared and hashed (static, so calls through a struct inline).</summary>
internal interface IPartShape<T>
{
    /// <summary>True when the parts hold the same field values (the same pooled instances).</summary>
    static abstract bool Same(T x, T y);

    /// <summary>A hash consistent with <see cref="Same"/>.</summary>
    static abstract int Hash(T part);
}

/// <summary>The shapes of the record parts: <see cref="PartComparer"/>'s comparisons, called directly.</summary>
internal readonly struct PartShape :
    IPartShape<DeclarationParties>, IPartShape<DeclarationRoute>, IPartShape<GoodsPart>, IPartShape<InvoiceParties>, IPartShape<InvoiceTerms>
{
    public static bool Same(DeclarationParties x, DeclarationParties y) => PartComparer.Instance.Equals(x, y);

    public static int Hash(DeclarationParties part) => PartComparer.Instance.GetHashCode(part);

    public static bool Same(DeclarationRoute x, DeclarationRoute y) => PartComparer.Instance.Equals(x, y);

    public static int Hash(DeclarationRoute part) => PartComparer.Instance.GetHashCode(part);

    public static bool Same(GoodsPart x, GoodsPart y) => PartComparer.Instance.Equals(x, y);

    public static int Hash(GoodsPart part) => PartComparer.Instance.GetHashCode(part);

    public static bool Same(InvoiceParties x, InvoiceParties y) => PartComparer.Instance.Equals(x, y);

    public static int Hash(InvoiceParties part) => PartComparer.Instance.GetHashCode(part);

    public static bool Same(InvoiceTerms x, InvoiceTerms y) => PartComparer.Instance.Equals(x, y);

    public static int Hash(InvoiceTerms part) => PartComparer.Instance.GetHashCode(part);
}

/// <summary>Reference equality of the (pooled) fields of the record parts.</summary>
internal sealed class PartComparer :
    IEqualityComparer<DeclarationParties>, IEqualityComparer<DeclarationRoute>, IEqualityComparer<GoodsPart>,
    IEqualityComparer<InvoiceParties>, IEqualityComparer<InvoiceTerms>
{
    public static readonly PartComparer Instance = new();

    private static int H(object? o) => o is null ? 0 : RuntimeHelpers.GetHashCode(o);

    private static bool Same(object? a, object? b) => ReferenceEquals(a, b);

    public bool Equals(DeclarationParties? x, DeclarationParties? y) =>
        x is not null && y is not null && Same(x.ExporterName, y.ExporterName) && Same(x.ImporterName, y.ImporterName) &&
        Same(x.ExporterId, y.ExporterId) && Same(x.ImporterId, y.ImporterId) && Same(x.ExporterCountry, y.ExporterCountry) &&
        Same(x.ImporterCountry, y.ImporterCountry) && Same(x.ExporterKey, y.ExporterKey);

    public int GetHashCode(DeclarationParties obj) =>
        HashCode.Combine(H(obj.ExporterName), H(obj.ImporterName), H(obj.ExporterId), H(obj.ImporterId), H(obj.ExporterCountry), H(obj.ImporterCountry), H(obj.ExporterKey));

    public bool Equals(DeclarationRoute? x, DeclarationRoute? y) =>
        x is not null && y is not null && Same(x.File, y.File) && x.Flow == y.Flow && x.Incoterm == y.Incoterm && x.Mode == y.Mode &&
        Same(x.ReporterCountry, y.ReporterCountry) && Same(x.OriginCountry, y.OriginCountry) &&
        Same(x.DestinationCountry, y.DestinationCountry) && Same(x.Currency, y.Currency) && Same(x.PortOfLoading, y.PortOfLoading) &&
        Same(x.PortOfDischarge, y.PortOfDischarge) && Same(x.TransitCountries, y.TransitCountries);

    public int GetHashCode(DeclarationRoute obj)
    {
        var h = new HashCode();
        h.Add(H(obj.File));
        h.Add((int)obj.Flow | ((int)obj.Incoterm << 8) | ((int)obj.Mode << 16));
        h.Add(H(obj.ReporterCountry));
        h.Add(H(obj.OriginCountry));
        h.Add(H(obj.DestinationCountry));
        h.Add(H(obj.Currency));
        h.Add(H(obj.PortOfLoading));
        h.Add(H(obj.PortOfDischarge));
        h.Add(H(obj.TransitCountries));
        return h.ToHashCode();
    }

    public bool Equals(GoodsPart? x, GoodsPart? y) =>
        x is not null && y is not null && x.Hs.HasValue == y.Hs.HasValue && Same(x.Hs?.Digits, y.Hs?.Digits) &&
        Same(x.Description, y.Description) && Same(x.CasNumbers, y.CasNumbers) && Same(x.QuantityUnit, y.QuantityUnit) && x.Unit == y.Unit;

    public int GetHashCode(GoodsPart obj) =>
        HashCode.Combine(H(obj.Hs?.Digits), obj.Hs.HasValue, H(obj.Description), H(obj.CasNumbers), H(obj.QuantityUnit), obj.Unit);

    public bool Equals(InvoiceParties? x, InvoiceParties? y) =>
        x is not null && y is not null && Same(x.SellerName, y.SellerName) && Same(x.BuyerName, y.BuyerName) &&
        Same(x.SellerCountry, y.SellerCountry) && Same(x.BuyerCountry, y.BuyerCountry) && Same(x.SellerId, y.SellerId) &&
        Same(x.BuyerId, y.BuyerId) && Same(x.PayerName, y.PayerName) && Same(x.PayerCountry, y.PayerCountry) &&
        Same(x.BeneficiaryName, y.BeneficiaryName) && Same(x.BeneficiaryCountry, y.BeneficiaryCountry);

    public int GetHashCode(InvoiceParties obj)
    {
        var h = new HashCode();
        h.Add(H(obj.SellerName));
        h.Add(H(obj.BuyerName));
        h.Add(H(obj.SellerCountry));
        h.Add(H(obj.BuyerCountry));
        h.Add(H(obj.SellerId));
        h.Add(H(obj.BuyerId));
        h.Add(H(obj.PayerName));
        h.Add(H(obj.PayerCountry));
        h.Add(H(obj.BeneficiaryName));
        h.Add(H(obj.BeneficiaryCountry));
        return h.ToHashCode();
    }

    public bool Equals(InvoiceTerms? x, InvoiceTerms? y) =>
        x is not null && y is not null && Same(x.File, y.File) && Same(x.Currency, y.Currency) && x.Incoterm == y.Incoterm &&
        Same(x.PaymentTerms, y.PaymentTerms);

    public int GetHashCode(InvoiceTerms obj) => HashCode.Combine(H(obj.File), H(obj.Currency), obj.Incoterm, H(obj.PaymentTerms));
}
