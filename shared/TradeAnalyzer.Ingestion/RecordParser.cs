using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Normalization;
using TradeAnalyzer.Core.Reference;
using TradeAnalyzer.Core.Text;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// Validates and normalises the rows of one file into records. Every method either returns a record or leaves the
/// reason (column, message, offending value) in <see cref="Failure"/>; nothing throws on bad data.
/// </summary>
internal sealed class RecordParser
{
    private static readonly string[] Empty = [];
    private readonly RowCursor _row;
    private readonly string _file;
    private readonly FxTable _fx;
    private readonly IReadOnlyList<CanonicalColumn> _cols;
    private readonly StringPool _pool = new();
    private readonly LineSet _seen;
    private readonly PartInterner<DeclarationParties, DeclarationPartiesShape> _declParties;
    private readonly PartInterner<DeclarationRoute, DeclarationRouteShape> _declRoutes = new();
    private readonly PartInterner<GoodsPart, GoodsPartShape> _goods = new();
    private readonly PartInterner<InvoiceParties, InvoicePartiesShape> _invParties;
    private readonly PartInterner<InvoiceTerms, InvoiceTermsShape> _invTerms = new();
    private readonly CellPartCache<DeclarationParties> _declPartyCells;
    private readonly CellPartCache<InvoiceParties> _invPartyCells;
    private readonly BoundedCache<string> _keysById = new();
    private readonly BoundedCache<string> _keysByName = new();
    private readonly BoundedCache<HsCode> _hsCodes = new();
    private readonly BoundedCache<IReadOnlyList<string>> _lists = new();
    private readonly BoundedCache<IReadOnlyList<string>> _transits = new();

    public RecordParser(RowCursor row, string file, FxTable fx, int expectedRows = 0)
    {
        _seen = new LineSet(expectedRows - (expectedRows / 4)); // most documents have one or two lines
        _row = row;
        _file = file;
        _fx = fx;
        _cols = CanonicalColumns.For(row.Kind);
        _lastText = new string?[_cols.Count];
        _recentText = new string?[]?[_cols.Count];
        // The parties tables of the file's kind start at the size that holds one party combination per 12 expected rows
        // (perf650: 85,784 per 1.16M declaration lines, 75,452 per 764,271 invoice lines, estimated from the file's
        // bytes: 262,144 slots each) instead of doubling up from 1,024 / 256, every outgrown table a large object of
        // garbage (~14 MiB a run). A file with fewer distinct parties pays at most that one table, as large as the
        // garbage its doubling would have left; the other kind's tables stay small (a parser reads one kind).
        var partySlots = expectedRows / 6;
        var declarations = row.Kind == FileKind.Declarations;
        _declParties = new(initialSlots: declarations ? partySlots : 0);
        _invParties = new(initialSlots: declarations ? 0 : partySlots);
        _declPartyCells = new(row, [5, 6, 7, 8, 9, 10], initialSlots: declarations ? partySlots : 0);
        _invPartyCells = new(row, [2, 3, 4, 5, 6, 7, 19, 20, 21, 22], initialSlots: declarations ? 0 : partySlots);
    }

    /// <summary>
    /// The file is read: empties the duplicate check (see <see cref="LineSet.Release"/>) and the tables of parts and
    /// pooled strings, whose references to what the read made would be scanned by the young collections after the read;
    /// the parser is not used after.
    /// </summary>
    /// <remarks>TRADEANALYZER_READ_RELEASE_TABLES=0 leaves the tables as they are (for A/B runs of one binary; see <see cref="ReleasesTables"/>).</remarks>
    public void Release()
    {
        _seen.Release();
        if (!ReleasesTables)
        {
            return;
        }

        _declPartyCells.Release();
        _invPartyCells.Release();
        _declParties.Release();
        _declRoutes.Release();
        _goods.Release();
        _invParties.Release();
        _invTerms.Release();
        _pool.Clear();
        _keysById.Clear();
        _keysByName.Clear();
        _hsCodes.Clear();
        _lists.Clear();
        _transits.Clear();
        Array.Clear(_lastText);
        foreach (var recent in _recentText)
        {
            if (recent is not null)
            {
                Array.Clear(recent);
            }
        }
    }

    /// <summary>False when TRADEANALYZER_READ_RELEASE_TABLES=0: the tables are kept (and their old arrays not cleared when they grow).</summary>
    internal static bool ReleasesTables => Environment.GetEnvironmentVariable("TRADEANALYZER_READ_RELEASE_TABLES") != "0";

    /// <summary>Why the last row failed: column (canonical), reason, value.</summary>
    public (string? Column, string Reason, string? Value) Failure { get; private set; }

    private bool Fail(int column, string reason, ReadOnlySpan<char> value)
    {
        Failure = (column >= 0 ? _cols[column].Name : null, reason, value.IsEmpty ? null : new string(value[..Math.Min(value.Length, 200)]));
        return false;
    }

    // Last strings of the per-record columns (ids, invoice numbers, shipment ids): the lines of one declaration or
    // invoice are consecutive and repeat them, so the next line shares the string instead of allocating a copy.
    private string? _lastId;
    private string? _lastRef;
    private string? _lastShipment;

    // Last pooled string per column: consecutive lines of one document repeat their parties, ports and descriptions,
    // so comparing with the previous line's string skips the pool's hash and probe most of the time.
    private readonly string?[] _lastText;

    // Per column, recent pooled strings by RecentSlot (created for the columns that are pooled).
    private const int RecentBits = 10;
    private const int RecentSlots = 1 << RecentBits;
    private readonly string?[]?[] _recentText;

    // Last unit, currency and HS code cells and what they parsed to (they repeat across consecutive lines).
    private readonly UnitMemo[] _units = new UnitMemo[4];
    private int _nextUnit;
    private string? _lastCurrencyText;
    private string _lastCurrency = string.Empty;
    private DateOnly _lastCurrencyDate;
    private double _lastRate;
    private readonly char[] _lastHsText = new char[32];
    private int _lastHsLength = -1;
    private HsCode _lastHs;

    // A unit cell and what it parsed to.
    private readonly record struct UnitMemo(string? Text, string Declared, BaseUnit Unit, double Factor);

    private string Pooled(int c, ReadOnlySpan<char> v)
    {
        var last = _lastText[c];
        if (last is not null && v.SequenceEqual(last))
        {
            return last;
        }

        // Then the column's recent values (descriptions, ports: a few hundred distinct per file), in a small table by a
        // cheap hash of the cell that stays in the processor's cache, before the pool's dictionary of every value.
        var recent = _recentText[c] ??= new string?[RecentSlots];
        ref var slot = ref recent[RecentSlot(v)];
        if (slot is { } known && v.SequenceEqual(known))
        {
            return _lastText[c] = known;
        }

        return _lastText[c] = slot = _pool.Get(v);
    }

    // A slot of a column's recent-values table: length and three characters of the cell (collisions only cost a look-up).
    private static int RecentSlot(ReadOnlySpan<char> v) =>
        (int)(((uint)v.Length * 0x9E3779B1u) ^ ((uint)v[0] * 0x85EBCA77u) ^ ((uint)v[v.Length >> 1] * 0xC2B2AE3Du) ^ ((uint)v[^1] * 0x27D4EB2Fu)) >>> (32 - RecentBits);

    private string? PooledOrNull(int c) => _row.Get(c) is { IsEmpty: false } v ? Pooled(c, v) : null;

    private static string? NewOrNull(ReadOnlySpan<char> v, ref string? last) => v.IsEmpty ? null : Repeated(v, ref last);

    private static string Repeated(ReadOnlySpan<char> v, ref string? last)
    {
        if (last is not null && v.SequenceEqual(last))
        {
            return last;
        }

        return last = new string(v);
    }

    private bool Required(int c, out ReadOnlySpan<char> v)
    {
        v = _row.Get(c);
        return !v.IsEmpty || Fail(c, $"missing required value for {_cols[c].Name}", v);
    }

    private bool Text(int c, bool required, out string? text)
    {
        var v = _row.Get(c);
        if (v.IsEmpty)
        {
            text = null;
            return !required || Fail(c, $"missing required value for {_cols[c].Name}", v);
        }

        text = Pooled(c, v);
        return true;
    }

    private bool UniqueText(int c, out string text)
    {
        text = string.Empty;
        if (!Required(c, out var v))
        {
            return false;
        }

        text = Repeated(v, ref _lastId);
        _seen.Prefetch(text);
        return true;
    }

    private bool Country(int c, bool required, out string? code)
    {
        code = null;
        var v = _row.Get(c);
        if (v.IsEmpty)
        {
            return !required || Fail(c, $"missing required value for {_cols[c].Name}", v);
        }

        if (CodeLists.TryUpperAlpha2(v, out var cc) || CodeLists.TryCountry(v, out cc))
        {
            code = cc;
            return true;
        }

        return Fail(c, $"{_cols[c].Name} '{v}' is not an ISO 3166 alpha-2 country code", v);
    }

    private bool Number(int c, bool required, bool positive, out double value)
    {
        value = 0;
        var v = _row.Get(c);
        if (v.IsEmpty)
        {
            return !required || Fail(c, $"missing required value for {_cols[c].Name}", v);
        }

        if (!FieldParsers.TryParseNumber(v, _row.Decimal, out value))
        {
            return Fail(c, $"{_cols[c].Name} '{v}' is not a finite number", v);
        }

        if (positive ? value <= 0 : value < 0)
        {
            return Fail(c, $"{_cols[c].Name} must be {(positive ? "greater than zero" : "zero or more")}, not {value.ToString("G", CultureInfo.InvariantCulture)}", v);
        }

        return true;
    }

    private bool Date(int c, out DateOnly date)
    {
        date = default;
        if (!Required(c, out var v))
        {
            return false;
        }

        if (FieldParsers.TryParseDate(v, _row.DateOrder, out date, out var ambiguous))
        {
            return true;
        }

        return ambiguous
            ? Fail(c, $"{_cols[c].Name} '{v}' is ambiguous (day or month first?); use yyyy-mm-dd or a profile with date_format", v)
            : Fail(c, $"{_cols[c].Name} '{v}' is not a valid date (yyyy-mm-dd, years 1990-2100)", v);
    }

    private bool Flow(int c, out TradeFlow flow)
    {
        flow = TradeFlow.Import;
        if (!Required(c, out var v))
        {
            return false;
        }

        // The two words as most files write them, before the lower-casing copy that the other spellings need.
        if (v is "import")
        {
            flow = TradeFlow.Import;
            return true;
        }

        if (v is "export")
        {
            flow = TradeFlow.Export;
            return true;
        }

        Span<char> lower = stackalloc char[Math.Min(v.Length, 16)];
        var n = v[..lower.Length].ToLowerInvariant(lower);
        switch (lower[..n])
        {
            case "import" or "imports" or "imp" or "i" or "m" or "importacion" or "importación" or "importación definitiva":
                flow = TradeFlow.Import;
                return true;
            case "export" or "exports" or "exp" or "e" or "x" or "exportacion" or "exportación":
                flow = TradeFlow.Export;
                return true;
            default:
                return Fail(c, $"flow '{v}' is not import or export", v);
        }
    }

    private bool Unit(int c, out string declared, out BaseUnit unit, out double factor)
    {
        declared = string.Empty;
        unit = BaseUnit.Kg;
        factor = 0;
        if (!Required(c, out var v))
        {
            return false;
        }

        // Files mix a few units (kg and u: the last unit alone was another row's in three rows of ten), so the last
        // UnitMemo distinct unit cells are remembered with what they parsed to.
        var memo = _units;
        for (var k = 0; k < memo.Length && memo[k].Text is { } known; k++)
        {
            if (v.SequenceEqual(known))
            {
                declared = memo[k].Declared;
                unit = memo[k].Unit;
                factor = memo[k].Factor;
                return true;
            }
        }

        if (!Units.TryParse(v, out unit, out factor))
        {
            return Fail(c, $"unknown unit '{v}'", v);
        }

        Span<char> lower = stackalloc char[Math.Min(v.Length, 64)];
        var n = v[..lower.Length].ToLowerInvariant(lower);
        declared = _pool.Get(lower[..n]);
        memo[_nextUnit] = new UnitMemo(_pool.Get(v), declared, unit, factor);
        _nextUnit = (_nextUnit + 1) % memo.Length;
        return true;
    }

    private bool Currency(int c, DateOnly date, out string currency, out double rate)
    {
        currency = string.Empty;
        rate = 0;
        if (!Required(c, out var v))
        {
            return false;
        }

        // The same cell as the last row's is the same code (the lines of a document, most rows of a file): only its rate
        // is looked up again, when the date changed.
        var same = _lastCurrencyText is not null && v.SequenceEqual(_lastCurrencyText);
        if (same)
        {
            currency = _lastCurrency;
            if (date == _lastCurrencyDate)
            {
                rate = _lastRate;
                return true;
            }
        }
        else if (!CodeLists.TryCurrency(v, out currency))
        {
            return Fail(c, $"unknown currency '{v}'", v);
        }

        if (!_fx.TryGetUsdPerUnit(currency, date, out rate))
        {
            return Fail(c, $"no USD rate for {currency} on or before {date:yyyy-MM-dd}", v);
        }

        if (!same)
        {
            // A cell that is the code as written (most cells) is remembered as the code's own string, without a pool look-up.
            _lastCurrencyText = v.SequenceEqual(currency) ? currency : _pool.Get(v);
            _lastCurrency = currency;
        }

        _lastCurrencyDate = date;
        _lastRate = rate;
        return true;
    }

    private bool Incoterm(int c, out Incoterm incoterm)
    {
        var v = _row.Get(c);
        return Incoterms.TryParse(v, out incoterm) || Fail(c, $"unknown incoterm '{v}'", v);
    }

    private bool Mode(int c, out TransportMode mode)
    {
        var v = _row.Get(c);
        return TransportModes.TryParse(v, out mode) || Fail(c, $"unknown transport mode '{v}'", v);
    }

    private bool LineNo(int c, out int lineNo)
    {
        lineNo = 1;
        var v = _row.Get(c);
        return v.IsEmpty || FieldParsers.TryParseLineNo(v, out lineNo) || Fail(c, $"line_no '{v}' is not a positive whole number", v);
    }

    private bool Hs(int c, bool required, out HsCode? hs)
    {
        hs = null;
        var v = _row.Get(c);
        if (v.IsEmpty)
        {
            return !required || Fail(c, "missing required value for hs_code", v);
        }

        if (v.Length == _lastHsLength && v.SequenceEqual(_lastHsText.AsSpan(0, _lastHsLength)))
        {
            hs = _lastHs;
            return true;
        }

        // Then the recent codes (a file has a few hundred, one after another in no order): one slot by a hash of the
        // cell's characters, compared in place, before the dictionary of every code seen (its hash, entries and key).
        var slot = HsSlot(v);
        var text = _recentHsText.AsSpan(slot * RecentHsChars, RecentHsChars);
        if (_recentHsLength[slot] == v.Length && v.SequenceEqual(text[..v.Length]))
        {
            hs = _recentHs[slot];
            RememberHs(v, _recentHs[slot]);
            return true;
        }

        if (_hsCodes.TryGet(v, out var cached))
        {
            hs = cached;
            RememberHs(v, cached);
            RememberRecentHs(slot, v, cached);
            return true;
        }

        if (HsCode.TryParse(v, out var code))
        {
            hs = code;
            _hsCodes.Add(v, code);
            RememberHs(v, code);
            RememberRecentHs(slot, v, code);
            return true;
        }

        return Fail(c, $"hs_code '{v}' is not an HS code of 6 to 10 digits", v);
    }

    // Recent HS cells (up to RecentHsChars characters each, copied) and their codes, by HsSlot.
    private const int RecentHsBits = 9;
    private const int RecentHsChars = 16;
    private readonly char[] _recentHsText = new char[(1 << RecentHsBits) * RecentHsChars];
    private readonly int[] _recentHsLength = new int[1 << RecentHsBits];
    private readonly HsCode[] _recentHs = new HsCode[1 << RecentHsBits];

    // A slot of the recent HS codes: every character of the cell counts (codes differ in any digit); longer cells than
    // a slot holds are never found there.
    private static int HsSlot(ReadOnlySpan<char> v)
    {
        ulong h = (uint)v.Length;
        if (v.Length >= 4)
        {
            // Three 8-byte reads cover cells of 4 to 12 characters (the first, the middle and the last four characters).
            ref var first = ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(v));
            var bytes = v.Length * 2;
            h ^= Unsafe.ReadUnaligned<ulong>(ref first) * 0x9E3779B185EBCA87UL;
            h ^= BitOperations.RotateLeft(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref first, (bytes - 8) >> 1)) * 0xC2B2AE3D27D4EB4FUL, 21);
            h ^= BitOperations.RotateLeft(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref first, bytes - 8)) * 0x165667B19E3779F9UL, 43);
        }
        else
        {
            foreach (var ch in v)
            {
                h = (h * 0x9E3779B185EBCA87UL) + ch;
            }
        }

        h *= 0x9E3779B185EBCA87UL;
        return (int)(h >> (64 - RecentHsBits));
    }

    private void RememberRecentHs(int slot, ReadOnlySpan<char> text, HsCode code)
    {
        if (text.Length <= RecentHsChars)
        {
            text.CopyTo(_recentHsText.AsSpan(slot * RecentHsChars));
            _recentHsLength[slot] = text.Length;
            _recentHs[slot] = code;
        }
    }

    // The HS cell is copied rather than pooled: the next line compares with it, nothing keeps it.
    private void RememberHs(ReadOnlySpan<char> text, HsCode code)
    {
        if (text.TryCopyTo(_lastHsText))
        {
            _lastHsLength = text.Length;
            _lastHs = code;
        }
        else
        {
            _lastHsLength = -1;
        }
    }

    private IReadOnlyList<string> List(int c)
    {
        var v = _row.Get(c);
        if (v.IsEmpty)
        {
            return Empty;
        }

        if (_lists.TryGet(v, out var cached))
        {
            return cached;
        }

        var parts = new List<string>(2);
        foreach (var range in v.SplitAny(';', ','))
        {
            var p = v[range].Trim();
            if (!p.IsEmpty)
            {
                parts.Add(_pool.Get(p));
            }
        }

        IReadOnlyList<string> list = parts.ToArray();
        _lists.Add(v, list);
        return list;
    }

    private bool Countries(int c, out IReadOnlyList<string> list)
    {
        list = Empty;
        var v = _row.Get(c);
        if (v.IsEmpty)
        {
            return true;
        }

        if (_transits.TryGet(v, out var cached))
        {
            list = cached;
            return true;
        }

        var parts = new List<string>(2);
        foreach (var range in v.SplitAny(';', ',', ' '))
        {
            var p = v[range].Trim();
            if (p.IsEmpty)
            {
                continue;
            }

            if (!CodeLists.TryCountry(p, out var cc))
            {
                return Fail(c, $"transit country '{p}' is not an ISO 3166 alpha-2 country code", v);
            }

            parts.Add(cc);
        }

        list = parts.ToArray();
        _transits.Add(v, list);
        return true;
    }

    private bool Finite(int c, double value, string what) =>
        double.IsFinite(value) && value > 0 || Fail(c, $"{what} is out of range (overflow or underflow)", _row.Get(c));

    /// <summary>Parses the current row as a declaration line (spec 1.1).</summary>
    public DeclarationLine? Declaration(long rowNumber)
    {
        _declPartyCells.Prepare(rowNumber);
        if (!UniqueText(0, out var declId) || !LineNo(1, out var lineNo) || !Flow(2, out var flow) || !Date(3, out var date) ||
            !Country(4, true, out var reporter))
        {
            return null;
        }

        // The party cells (5-10) are looked up after the later columns, so that the table's slot and key have arrived in
        // cache meanwhile; a failure in the later columns still loses to one in the party cells, which come first, so the
        // reason given is the first failing column's, as when the columns are read in order.
        if (!Country(11, true, out var origin) || !Country(12, true, out var destination) ||
            !Hs(13, true, out var hs) || !Number(16, true, true, out var quantity))
        {
            DeclarationPartyCells(rowNumber, out _, out _, out _, out _, out _, out _, out _, out _); // replaces the reason if a party cell fails
            return null;
        }

        _declPartyCells.Locate(); // half-way: the slot fetched since Prepare has arrived; now the key it names
        if (!Unit(17, out var declaredUnit, out var unit, out var factor) ||
            !Number(18, false, false, out var netWeight) || !Number(19, true, true, out var value) ||
            !Currency(20, date, out var currency, out var rate) || !Incoterm(21, out var incoterm) || !Mode(23, out var mode) ||
            !Countries(26, out var transit))
        {
            DeclarationPartyCells(rowNumber, out _, out _, out _, out _, out _, out _, out _, out _); // replaces the reason if a party cell fails
            return null;
        }

        if (!DeclarationPartyCells(rowNumber, out var known, out var partyHash, out var exporter, out var importer, out var exporterId, out var importerId, out var exporterCountry, out var importerCountry))
        {
            return null;
        }

        var normQuantity = quantity * factor;
        var valueUsd = value * rate;
        if (!Finite(16, normQuantity, "quantity") || !Finite(19, valueUsd, "value in USD"))
        {
            return null;
        }

        if (!_seen.Add(declId, lineNo))
        {
            Fail(0, $"duplicate line: declaration {declId} line {lineNo} appears earlier in the file", _row.Get(0));
            return null;
        }

        var parties = known;
        if (parties is null)
        {
            var scratch = _declParties.Scratch;
            scratch.ExporterName = exporter!;
            scratch.ImporterName = importer!;
            scratch.ExporterId = exporterId;
            scratch.ImporterId = importerId;
            scratch.ExporterCountry = exporterCountry;
            scratch.ImporterCountry = importerCountry;
            scratch.ExporterKey = ExporterKey(exporter!, exporterId);
            parties = _declParties.Intern();
            _declPartyCells.Add(partyHash, parties);
        }

        var description = _row.Get(14);
        var route = _declRoutes.Scratch;
        route.File = _file;
        route.Flow = flow;
        route.Incoterm = incoterm;
        route.Mode = mode;
        route.ReporterCountry = reporter!;
        route.OriginCountry = origin!;
        route.DestinationCountry = destination!;
        route.Currency = currency;
        route.PortOfLoading = PooledOrNull(24);
        route.PortOfDischarge = PooledOrNull(25);
        route.TransitCountries = transit;
        var goods = _goods.Scratch;
        goods.Hs = hs;
        goods.Description = description.IsEmpty ? null : Pooled(14, description);
        goods.CasNumbers = List(15);
        goods.QuantityUnit = declaredUnit;
        goods.Unit = unit;
        return new DeclarationLine(rowNumber, parties, _declRoutes.Intern(), _goods.Intern())
        {
            DeclarationId = declId,
            LineNo = lineNo,
            Date = date,
            Quantity = quantity,
            NormQuantity = normQuantity,
            NetWeightKg = _row.Get(18).IsEmpty ? null : netWeight,
            Value = value,
            ValueUsd = valueUsd,
            FobUsd = FobFactors.ToFob(valueUsd, incoterm, mode),
            InvoiceNumber = NewOrNull(_row.Get(22), ref _lastRef),
            ShipmentId = NewOrNull(_row.Get(27), ref _lastShipment),
        };
    }

    // The party cells (columns 5-10) of a declaration: a part built from the same cells before, or each cell read and
    // validated in column order as usual.
    private bool DeclarationPartyCells(
        long rowNumber, out DeclarationParties? known, out int hash, out string? exporter, out string? importer, out string? exporterId, out string? importerId,
        out string? exporterCountry, out string? importerCountry)
    {
        known = _declPartyCells.Find(rowNumber, out hash);
        exporter = importer = exporterId = importerId = exporterCountry = importerCountry = null;
        return known is not null || Text(5, true, out exporter) && Text(6, true, out importer) && Text(7, false, out exporterId) && Text(8, false, out importerId) &&
            Country(9, false, out exporterCountry) && Country(10, false, out importerCountry);
    }

    // The seller and buyer cells (columns 2-7) of an invoice: as above, with the payer and beneficiary (19-22) in the key.
    private bool InvoicePartyCells(
        long rowNumber, out InvoiceParties? known, out int hash, out string? seller, out string? buyer, out string? sellerCountry, out string? buyerCountry,
        out string? sellerId, out string? buyerId)
    {
        known = _invPartyCells.Find(rowNumber, out hash);
        seller = buyer = sellerCountry = buyerCountry = sellerId = buyerId = null;
        return known is not null || Text(2, true, out seller) && Text(3, true, out buyer) && Country(4, false, out sellerCountry) && Country(5, false, out buyerCountry) &&
            Text(6, false, out sellerId) && Text(7, false, out buyerId);
    }

    // The payer and beneficiary countries (columns 20 and 22), not read (nor needed) when the invoice's party cells were known.
    private bool PaymentCountries(InvoiceParties? known, out string? payerCountry, out string? beneficiaryCountry)
    {
        payerCountry = beneficiaryCountry = null;
        return known is not null || Country(20, false, out payerCountry) && Country(22, false, out beneficiaryCountry);
    }

    private string ExporterKey(string name, string? id)
    {
        var cache = id is null ? _keysByName : _keysById;
        var by = id ?? name;
        if (!cache.TryGet(by, out var key))
        {
            key = PartyNames.Key(name, id);
            if (id is not null && key.StartsWith("N:", StringComparison.Ordinal))
            {
                return key; // an id without letters or digits: the key depends on the name, do not cache by id
            }

            cache.Add(by, key);
        }

        return key;
    }

    /// <summary>Parses the current row as an invoice line (spec 1.2).</summary>
    public InvoiceLine? Invoice(long rowNumber)
    {
        _invPartyCells.Prepare(rowNumber);
        if (!UniqueText(0, out var number) || !Date(1, out var date))
        {
            return null;
        }

        // As for declarations: the party cells (2-7) are looked up after columns 8-17, and a failure there loses to one
        // in the party cells; the payer and beneficiary countries (20, 22), which need the look-up, stay in their place.
        if (!LineNo(8, out var lineNo) || !Hs(9, false, out var hs) || !Number(12, true, true, out var quantity))
        {
            InvoicePartyCells(rowNumber, out _, out _, out _, out _, out _, out _, out _, out _); // replaces the reason if a party cell fails
            return null;
        }

        _invPartyCells.Locate(); // half-way: the slot fetched since Prepare has arrived; now the key it names
        if (!Unit(13, out var declaredUnit, out var unit, out var factor) ||
            !Number(14, false, true, out var unitPrice) || !Number(15, false, true, out var lineTotal) ||
            !Currency(16, date, out var currency, out var rate) || !Incoterm(17, out var incoterm))
        {
            InvoicePartyCells(rowNumber, out _, out _, out _, out _, out _, out _, out _, out _); // replaces the reason if a party cell fails
            return null;
        }

        if (!InvoicePartyCells(rowNumber, out var known, out var partyHash, out var seller, out var buyer, out var sellerCountry, out var buyerCountry, out var sellerId, out var buyerId) ||
            !PaymentCountries(known, out var payerCountry, out var beneficiaryCountry) || !Mode(24, out var mode))
        {
            return null;
        }

        var description = _row.Get(10);
        if (hs is null && description.IsEmpty)
        {
            Fail(9, "the line has neither hs_code nor description", default);
            return null;
        }

        var hasPrice = !_row.Get(14).IsEmpty;
        var hasTotal = !_row.Get(15).IsEmpty;
        if (!hasPrice && !hasTotal)
        {
            Fail(15, "the line has neither unit_price nor line_total", default);
            return null;
        }

        if (hasPrice && hasTotal)
        {
            var expected = unitPrice * quantity;
            var tolerance = Math.Max(0.02, Math.Max(0.005 * quantity, 0.001 * lineTotal));
            if (Math.Abs(expected - lineTotal) > tolerance)
            {
                Fail(15, string.Create(CultureInfo.InvariantCulture,
                    $"line_total {lineTotal:N2} disagrees with unit_price {unitPrice:N2} x quantity {quantity:N2} = {expected:N2}"), _row.Get(15));
                return null;
            }
        }
        else if (!hasTotal)
        {
            lineTotal = unitPrice * quantity;
        }

        var normQuantity = quantity * factor;
        var valueUsd = lineTotal * rate;
        if (!Finite(12, normQuantity, "quantity") || !Finite(15, valueUsd, "line total in USD"))
        {
            return null;
        }

        if (!_seen.Add(number, lineNo))
        {
            Fail(0, $"duplicate line: invoice {number} line {lineNo} appears earlier in the file", _row.Get(0));
            return null;
        }

        var parties = known;
        if (parties is null)
        {
            var scratch = _invParties.Scratch;
            scratch.SellerName = seller!;
            scratch.BuyerName = buyer!;
            scratch.SellerCountry = sellerCountry;
            scratch.BuyerCountry = buyerCountry;
            scratch.SellerId = sellerId;
            scratch.BuyerId = buyerId;
            scratch.PayerName = PooledOrNull(19);
            scratch.PayerCountry = payerCountry;
            scratch.BeneficiaryName = PooledOrNull(21);
            scratch.BeneficiaryCountry = beneficiaryCountry;
            parties = _invParties.Intern();
            _invPartyCells.Add(partyHash, parties);
        }

        var terms = _invTerms.Scratch;
        terms.File = _file;
        terms.Currency = currency;
        terms.Incoterm = incoterm;
        terms.PaymentTerms = PooledOrNull(18);
        var goods = _goods.Scratch;
        goods.Hs = hs;
        goods.Description = description.IsEmpty ? null : Pooled(10, description);
        goods.CasNumbers = List(11);
        goods.QuantityUnit = declaredUnit;
        goods.Unit = unit;
        return new InvoiceLine(rowNumber, parties, _invTerms.Intern(), _goods.Intern())
        {
            InvoiceNumber = number,
            InvoiceDate = date,
            LineNo = lineNo,
            Quantity = quantity,
            NormQuantity = normQuantity,
            LineTotal = lineTotal,
            ValueUsd = valueUsd,
            FobUsd = FobFactors.ToFob(valueUsd, incoterm, mode),
            ShipmentId = NewOrNull(_row.Get(23), ref _lastShipment),
        };
    }

    /// <summary>Parses the current row as an aggregate mirror-statistics row (spec 1.4).</summary>
    public ComtradeRow? Comtrade(long rowNumber)
    {
        if (!Required(0, out var period) || !Required(1, out var reporterText) || !Required(2, out var partnerText) ||
            !Flow(3, out var flow) || !Required(4, out var commodity) || !Number(5, true, true, out var value) ||
            !Number(6, false, false, out var netWeight) || !Number(7, false, false, out var qty))
        {
            return null;
        }

        if (period.Length is not (4 or 6) || period.ContainsAnyExceptInRange('0', '9'))
        {
            Fail(0, $"period '{period}' is not a year (yyyy) or a month (yyyymm)", period);
            return null;
        }

        if (commodity.Length is < 2 or > 10 || commodity.ContainsAnyExceptInRange('0', '9'))
        {
            Fail(4, $"commodity_code '{commodity}' is not 2 to 10 digits", commodity);
            return null;
        }

        var reporter = CodeLists.TryCountry(reporterText, out var r2) ? r2 : _pool.Get(reporterText);
        var partner = CodeLists.TryCountry(partnerText, out var p2) ? p2 : _pool.Get(partnerText);
        var unitText = _row.Get(8);
        return new ComtradeRow
        {
            Source = new SourceRef(_file, rowNumber),
            Period = _pool.Get(period),
            Reporter = reporter,
            Partner = partner,
            Flow = flow,
            CommodityCode = _pool.Get(commodity),
            TradeValueUsd = value,
            NetWeightKg = _row.Get(6).IsEmpty ? null : netWeight,
            Quantity = _row.Get(7).IsEmpty ? null : qty,
            QuantityUnit = unitText.IsEmpty ? null : _pool.Get(unitText),
        };
    }

    /// <summary>Adds the current fx row to <paramref name="builder"/>.</summary>
    public bool Fx(FxTable.Builder builder)
    {
        if (!Date(0, out var date) || !Required(1, out var cur) || !Number(2, true, true, out var rate))
        {
            return false;
        }

        if (!CodeLists.TryCurrency(cur, out var currency))
        {
            return Fail(1, $"unknown currency '{cur}'", cur);
        }

        builder.Add(currency, date, rate);
        return true;
    }

    /// <summary>Parses the current row as an external baseline (values per declared unit converted to the base unit).</summary>
    public ExternalBaseline? Baseline()
    {
        if (!Required(0, out var hsText) || !Unit(1, out _, out var unit, out var factor) || !Number(2, true, true, out var median) ||
            !Number(3, false, true, out var q1) || !Number(4, false, true, out var q3) || !Number(5, false, false, out var n))
        {
            return null;
        }

        Span<char> digits = stackalloc char[10];
        var count = 0;
        foreach (var ch in hsText)
        {
            if (char.IsAsciiDigit(ch))
            {
                if (count == 10)
                {
                    Fail(0, $"hs_code '{hsText}' has more than 10 digits", hsText);
                    return null;
                }

                digits[count++] = ch;
            }
            else if (ch is not ('.' or ' ' or '-'))
            {
                Fail(0, $"hs_code '{hsText}' is not an HS code", hsText);
                return null;
            }
        }

        if (count < 2)
        {
            Fail(0, $"hs_code '{hsText}' needs at least 2 digits", hsText);
            return null;
        }

        var hasQ1 = !_row.Get(3).IsEmpty;
        var hasQ3 = !_row.Get(4).IsEmpty;
        var source = _row.Get(6);
        var period = _row.Get(7);
        return new ExternalBaseline(
            new string(digits[..count]),
            unit,
            median / factor,
            hasQ1 ? q1 / factor : null,
            hasQ3 ? q3 / factor : null,
            _row.Get(5).IsEmpty ? 0 : (long)n,
            source.IsEmpty ? "external" : _pool.Get(source),
            period.IsEmpty ? null : _pool.Get(period));
    }
}
