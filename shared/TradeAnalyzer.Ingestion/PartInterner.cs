using System.Numerics;
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
    where T : RecordPart
    where TShape : struct, IPartShape
{
    private T?[] _parts = new T?[TableSizes.Start(initialSlots, 256, capacity)];
    private int[] _hashes = new int[TableSizes.Start(initialSlots, 256, capacity)];
    private int _count;
    private T? _last;

    /// <summary>The part to fill for the current line (all of its fields).</summary>
    public T Scratch { get; private set; } = (T)TShape.New(); // a checked cast, once: the shape's casts below rely on it

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

        Scratch = Unsafe.As<T>(TShape.New());
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

/// <summary>
/// How parts of one type are made, compared and hashed (static, so calls through a struct inline). Not generic in the
/// part type: the interner of a reference type runs shared generic code, where a call to a method of
/// <c>IPartShape&lt;T&gt;</c> is looked up at run time per call (a helper call and an indirect call, never inlined);
/// a method of this interface on a struct type argument is a direct call the compiler inlines. The interner passes only
/// parts of its own type, which its first <see cref="New"/> checks (a cast), so a shape may take them unchecked.
/// </summary>
internal interface IPartShape
{
    /// <summary>True when the parts hold the same field values (the same pooled instances).</summary>
    static abstract bool Same(RecordPart x, RecordPart y);

    /// <summary>A hash consistent with <see cref="Same"/>.</summary>
    static abstract int Hash(RecordPart part);

    /// <summary>A new shared part to fill (the interner's next scratch part).</summary>
    static abstract RecordPart New();
}

/// <summary>
/// The shapes of the record parts, one struct per part type: so that <c>Same</c> and <c>Hash</c> inline into
/// <see cref="PartInterner{T,TShape}.Intern"/> (see <see cref="IPartShape"/>).
/// The fields are pooled instances, compared by reference and hashed by their identity hashes (which input text cannot
/// choose), mixed by <see cref="PartHash"/> in place of <see cref="HashCode"/>'s out-of-line calls.
/// </summary>
internal readonly struct DeclarationPartiesShape : IPartShape
{
    public static RecordPart New() => new DeclarationParties { Shared = true };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Same(RecordPart a, RecordPart b) => Same(Unsafe.As<DeclarationParties>(a), Unsafe.As<DeclarationParties>(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Same(DeclarationParties x, DeclarationParties y) =>
        ReferenceEquals(x.ExporterName, y.ExporterName) && ReferenceEquals(x.ImporterName, y.ImporterName) &&
        ReferenceEquals(x.ExporterId, y.ExporterId) && ReferenceEquals(x.ImporterId, y.ImporterId) &&
        ReferenceEquals(x.ExporterCountry, y.ExporterCountry) && ReferenceEquals(x.ImporterCountry, y.ImporterCountry) &&
        ReferenceEquals(x.ExporterKey, y.ExporterKey);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Hash(RecordPart p)
    {
        var part = Unsafe.As<DeclarationParties>(p);
        var h = PartHash.Seed;
        h = PartHash.Add(h, PartHash.Of(part.ExporterName));
        h = PartHash.Add(h, PartHash.Of(part.ImporterName));
        h = PartHash.Add(h, PartHash.Of(part.ExporterId));
        h = PartHash.Add(h, PartHash.Of(part.ImporterId));
        h = PartHash.Add(h, PartHash.Of(part.ExporterCountry));
        h = PartHash.Add(h, PartHash.Of(part.ImporterCountry));
        h = PartHash.Add(h, PartHash.Of(part.ExporterKey));
        return PartHash.Finish(h);
    }
}

/// <summary>The shape of <see cref="DeclarationRoute"/> (see <see cref="DeclarationPartiesShape"/>).</summary>
internal readonly struct DeclarationRouteShape : IPartShape
{
    public static RecordPart New() => new DeclarationRoute { Shared = true };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Same(RecordPart a, RecordPart b) => Same(Unsafe.As<DeclarationRoute>(a), Unsafe.As<DeclarationRoute>(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Same(DeclarationRoute x, DeclarationRoute y) =>
        ReferenceEquals(x.File, y.File) && x.Flow == y.Flow && x.Incoterm == y.Incoterm && x.Mode == y.Mode &&
        ReferenceEquals(x.ReporterCountry, y.ReporterCountry) && ReferenceEquals(x.OriginCountry, y.OriginCountry) &&
        ReferenceEquals(x.DestinationCountry, y.DestinationCountry) && ReferenceEquals(x.Currency, y.Currency) &&
        ReferenceEquals(x.PortOfLoading, y.PortOfLoading) && ReferenceEquals(x.PortOfDischarge, y.PortOfDischarge) &&
        ReferenceEquals(x.TransitCountries, y.TransitCountries);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Hash(RecordPart p)
    {
        var part = Unsafe.As<DeclarationRoute>(p);
        var h = PartHash.Seed;
        h = PartHash.Add(h, PartHash.Of(part.File));
        h = PartHash.Add(h, (int)part.Flow | ((int)part.Incoterm << 8) | ((int)part.Mode << 16));
        h = PartHash.Add(h, PartHash.Of(part.ReporterCountry));
        h = PartHash.Add(h, PartHash.Of(part.OriginCountry));
        h = PartHash.Add(h, PartHash.Of(part.DestinationCountry));
        h = PartHash.Add(h, PartHash.Of(part.Currency));
        h = PartHash.Add(h, PartHash.Of(part.PortOfLoading));
        h = PartHash.Add(h, PartHash.Of(part.PortOfDischarge));
        h = PartHash.Add(h, PartHash.Of(part.TransitCountries));
        return PartHash.Finish(h);
    }
}

/// <summary>The shape of <see cref="GoodsPart"/> (see <see cref="DeclarationPartiesShape"/>).</summary>
internal readonly struct GoodsPartShape : IPartShape
{
    public static RecordPart New() => new GoodsPart { Shared = true };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Same(RecordPart a, RecordPart b) => Same(Unsafe.As<GoodsPart>(a), Unsafe.As<GoodsPart>(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Same(GoodsPart x, GoodsPart y) =>
        x.Hs.HasValue == y.Hs.HasValue && ReferenceEquals(x.Hs?.Digits, y.Hs?.Digits) &&
        ReferenceEquals(x.Description, y.Description) && ReferenceEquals(x.CasNumbers, y.CasNumbers) &&
        ReferenceEquals(x.QuantityUnit, y.QuantityUnit) && x.Unit == y.Unit;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Hash(RecordPart p)
    {
        var part = Unsafe.As<GoodsPart>(p);
        var h = PartHash.Seed;
        h = PartHash.Add(h, PartHash.Of(part.Hs?.Digits));
        h = PartHash.Add(h, (part.Hs.HasValue ? 1 : 0) | ((int)part.Unit << 8));
        h = PartHash.Add(h, PartHash.Of(part.Description));
        h = PartHash.Add(h, PartHash.Of(part.CasNumbers));
        h = PartHash.Add(h, PartHash.Of(part.QuantityUnit));
        return PartHash.Finish(h);
    }
}

/// <summary>The shape of <see cref="InvoiceParties"/> (see <see cref="DeclarationPartiesShape"/>).</summary>
internal readonly struct InvoicePartiesShape : IPartShape
{
    public static RecordPart New() => new InvoiceParties { Shared = true };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Same(RecordPart a, RecordPart b) => Same(Unsafe.As<InvoiceParties>(a), Unsafe.As<InvoiceParties>(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Same(InvoiceParties x, InvoiceParties y) =>
        ReferenceEquals(x.SellerName, y.SellerName) && ReferenceEquals(x.BuyerName, y.BuyerName) &&
        ReferenceEquals(x.SellerCountry, y.SellerCountry) && ReferenceEquals(x.BuyerCountry, y.BuyerCountry) &&
        ReferenceEquals(x.SellerId, y.SellerId) && ReferenceEquals(x.BuyerId, y.BuyerId) &&
        ReferenceEquals(x.PayerName, y.PayerName) && ReferenceEquals(x.PayerCountry, y.PayerCountry) &&
        ReferenceEquals(x.BeneficiaryName, y.BeneficiaryName) && ReferenceEquals(x.BeneficiaryCountry, y.BeneficiaryCountry);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Hash(RecordPart p)
    {
        var part = Unsafe.As<InvoiceParties>(p);
        var h = PartHash.Seed;
        h = PartHash.Add(h, PartHash.Of(part.SellerName));
        h = PartHash.Add(h, PartHash.Of(part.BuyerName));
        h = PartHash.Add(h, PartHash.Of(part.SellerCountry));
        h = PartHash.Add(h, PartHash.Of(part.BuyerCountry));
        h = PartHash.Add(h, PartHash.Of(part.SellerId));
        h = PartHash.Add(h, PartHash.Of(part.BuyerId));
        h = PartHash.Add(h, PartHash.Of(part.PayerName));
        h = PartHash.Add(h, PartHash.Of(part.PayerCountry));
        h = PartHash.Add(h, PartHash.Of(part.BeneficiaryName));
        h = PartHash.Add(h, PartHash.Of(part.BeneficiaryCountry));
        return PartHash.Finish(h);
    }
}

/// <summary>The shape of <see cref="InvoiceTerms"/> (see <see cref="DeclarationPartiesShape"/>).</summary>
internal readonly struct InvoiceTermsShape : IPartShape
{
    public static RecordPart New() => new InvoiceTerms { Shared = true };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Same(RecordPart a, RecordPart b) => Same(Unsafe.As<InvoiceTerms>(a), Unsafe.As<InvoiceTerms>(b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Same(InvoiceTerms x, InvoiceTerms y) =>
        ReferenceEquals(x.File, y.File) && ReferenceEquals(x.Currency, y.Currency) && x.Incoterm == y.Incoterm &&
        ReferenceEquals(x.PaymentTerms, y.PaymentTerms);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Hash(RecordPart p)
    {
        var part = Unsafe.As<InvoiceTerms>(p);
        var h = PartHash.Seed;
        h = PartHash.Add(h, PartHash.Of(part.File));
        h = PartHash.Add(h, PartHash.Of(part.Currency));
        h = PartHash.Add(h, (int)part.Incoterm);
        h = PartHash.Add(h, PartHash.Of(part.PaymentTerms));
        return PartHash.Finish(h);
    }
}

/// <summary>
/// The parts' hash: each field's identity hash (or small value) mixed by a multiply and a rotate, then one avalanche
/// step so that the table's low bits depend on every field. Seeded per process like <see cref="HashCode"/>.
/// </summary>
internal static class PartHash
{
    internal static readonly uint Seed = (uint)HashCode.Combine(0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Of(object? o) => o is null ? 0 : RuntimeHelpers.GetHashCode(o);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Add(uint h, int value) => BitOperations.RotateLeft((h + (uint)value) * 0x9E3779B1U, 15);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Finish(uint h)
    {
        h ^= h >> 16;
        h *= 0x85EBCA6BU;
        h ^= h >> 13;
        return (int)h;
    }
}
