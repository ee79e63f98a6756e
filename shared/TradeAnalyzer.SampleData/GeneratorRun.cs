using System.Globalization;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.SampleData;

/// <summary>
/// One generation run: plans which shipments carry which anomaly (a small per-shipment index), then streams
/// declarations, invoices and truth rows shipment by shipment.
/// </summary>
internal sealed class GeneratorRun
{
    public const string DeclarationsHeader =
        "declaration_id,line_no,flow,declaration_date,reporter_country,exporter_name,importer_name,exporter_id,importer_id,exporter_country,importer_country,origin_country,destination_country,hs_code,description,cas_number,quantity,quantity_unit,net_weight_kg,value,currency,incoterm,invoice_number,transport_mode,port_of_loading,port_of_discharge,transit_countries,shipment_id";

    public const string InvoicesHeader =
        "invoice_number,invoice_date,seller_name,buyer_name,seller_country,buyer_country,seller_id,buyer_id,line_no,hs_code,description,cas_number,quantity,quantity_unit,unit_price,line_total,currency,incoterm,payment_terms,payer_name,payer_country,beneficiary_name,beneficiary_country,shipment_id";

    public const string TruthHeader = "flag,record_type,declaration_id,line_no,invoice_number,shipment_id,exporter_name,note";

    private const byte SpecialNone = 0;
    private const byte SpecialProfile = 1;
    private const byte SpecialNew = 2;
    private const byte SpecialFollower = 3;
    private const byte SpecialLeader = 4;
    private const int NoCode = -1;

    private static readonly string[] PaymentTerms = ["30 days net", "60 days net", "T/T in advance", "L/C at sight", "CAD", "50% advance, 50% against B/L"];
    private static readonly string[] Carriers = ["MAEU", "MSCU", "COSU", "HLCU", "CMDU", "ONEY"];
    private static readonly int[] UsPrecursors = [5, 7, 9, 10, 11, 12];
    private static readonly Dictionary<string, string> Aduanas = BuildAduanas();
    private static readonly string[] AirlinePrefixes = ["176", "160", "784", "020", "139", "006"];

    private readonly SampleOptions _o;
    private readonly Rng _rng;
    private readonly PartyPools _pools;
    private readonly FxSeries _fx;
    private readonly Slot[] _plan;
    private readonly List<Party> _newExporters = [];
    private readonly Dictionary<int, ShipmentData> _leaders = [];
    private readonly Dictionary<int, int> _followersLeft = [];
    private readonly double[] _ordinaryCumulative;
    private readonly double[] _exporterCumUs, _exporterCumCn, _exporterCumIn, _exporterCumDe, _importerCum;
    private readonly Commodity[] _misdeclared;
    private readonly bool[] _codesThisShipment = new bool[FlagCodes.All.Count];
    private readonly int[] _plantedByCode = new int[FlagCodes.All.Count];
    private readonly ShipmentData _s = new();
    private readonly int _lateStart;
    private readonly int[] _roundRobin = new int[4];
    private readonly PriceNoise _priceNoise;
    private int _mxSequence;
    private string _sanctionedName = string.Empty;
    private CsvOut _decl = null!, _inv = null!, _truth = null!;

    public GeneratorRun(SampleOptions options)
    {
        if (options.Shipments < 100)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "At least 100 shipments are needed for baselines and planted anomalies.");
        }

        if (options.Days < 60)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "The period must cover at least 60 days.");
        }

        _o = options;
        _rng = new Rng(options.Seed);
        _pools = new PartyPools(_rng, options.Shipments);
        _fx = new FxSeries(_rng, options.Start.AddDays(-90), options.Days + 95);
        _ordinaryCumulative = Rng.Cumulate(Array.ConvertAll(Catalogue.Ordinary, c => c.Weight));
        _exporterCumUs = Zipf(_pools.UsExporters.Length);
        _exporterCumCn = Zipf(_pools.CnExporters.Length);
        _exporterCumIn = Zipf(_pools.InExporters.Length);
        _exporterCumDe = Zipf(_pools.DeExporters.Length);
        _importerCum = Zipf(_pools.MxImporters.Length);
        _misdeclared = Array.ConvertAll(Catalogue.Misdeclared, m => new Commodity(
            m.Hs[..7], "0000", m.Hs[8..], m.Description, m.Description, m.Precursor == "tablet press" ? "u" : "kg", m.MedianUsd,
            m.Precursor == "tablet press" ? 2 : 150, m.Precursor == "tablet press" ? 1_150 : 1, 1, string.Empty, string.Empty)
        { Precursor = m.Precursor, Cas = m.Cas });
        _lateStart = FirstIndexOfDay(options.Days - 28);
        _priceNoise = new PriceNoise(_rng);
        _plan = new Slot[options.Shipments];
        Plan();
    }

    public PartyPools Pools => _pools;

    public FxSeries Fx => _fx;

    public SampleSummary Run(string directory, IProgress<long>? progress, CancellationToken ct)
    {
        using (_decl = new CsvOut(Path.Combine(directory, "declarations.csv")))
        using (_inv = new CsvOut(Path.Combine(directory, "invoices.csv")))
        using (_truth = new CsvOut(Path.Combine(directory, "truth.csv")))
        {
            _decl.Header(DeclarationsHeader);
            _inv.Header(InvoicesHeader);
            _truth.Header(TruthHeader);
            for (var i = 0; i < _plan.Length; i++)
            {
                if ((i & 4095) == 0)
                {
                    ct.ThrowIfCancellationRequested();
                    progress?.Report(i);
                }

                Shipment(i);
            }

            for (var p = 0; p < PartyPools.ProfileExporters.Length; p++)
            {
                var e = PartyPools.ProfileExporters[p];
                Array.Clear(_codesThisShipment);
                Truth(FlagCode.ExporterProfile, "exporter", string.Empty, 0, string.Empty, string.Empty, e.Name,
                    "most shipments carry planted anomalies and every declared value is a round number");
                Count();
            }

            progress?.Report(_plan.Length);
            var byCode = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var code in FlagCodes.All)
            {
                byCode[code.ToCode()] = _plantedByCode[(int)code];
            }

            return new SampleSummary(_decl.Rows, _inv.Rows, _truth.Rows, byCode);
        }
    }

    // ---------------------------------------------------------------- planning

    private struct Slot
    {
        public Corridor Corridor;
        public byte Special;
        public sbyte Code;
        public int Aux;
    }

    private int Day(int i) => (int)((long)i * _o.Days / _plan.Length);

    private int FirstIndexOfDay(int day) => (int)Math.Min(_o.Shipments - 1, (((long)day * _o.Shipments) + _o.Days - 1) / _o.Days);

    // At least 8 cases per code from 1,000 shipments up; proportionally fewer (never zero) in tiny samples.
    private int Target(double rate) => Math.Max(_plan.Length >= 1000 ? 8 : Math.Max(1, _plan.Length / 125), (int)Math.Round(rate * _plan.Length));

    private void Plan()
    {
        var n = _plan.Length;
        for (var i = 0; i < n; i++)
        {
            var r = _rng.NextDouble();
            _plan[i].Corridor = r < 0.5 ? Corridor.UsMx : r < 0.75 ? Corridor.CnMx : r < 0.88 ? Corridor.InMx : Corridor.DeMx;
            _plan[i].Code = NoCode;
        }

        // Exporters whose shipments are mostly anomalous (exporter-level EXPORTER_PROFILE).
        FlagCode[] profileCodes = [FlagCode.PriceAboveBaseline, FlagCode.ThirdPartyPayment, FlagCode.InvoiceValueMismatch, FlagCode.VagueDescription, FlagCode.PriceBelowBaseline];
        for (var p = 0; p < PartyPools.ProfileExporters.Length; p++)
        {
            var count = Math.Max(Math.Max(3, Math.Min(12, n / 100)), (int)Math.Round(n * 0.004));
            for (var k = 0; k < count; k++)
            {
                var i = PickFree(0, n);
                _plan[i].Special = SpecialProfile;
                _plan[i].Aux = p;
                _plan[i].Corridor = p switch { 0 => Corridor.UsMx, 1 => Corridor.CnMx, _ => Corridor.InMx };
                _plan[i].Code = _rng.Chance(0.8) ? (sbyte)profileCodes[_rng.Next(profileCodes.Length)] : (sbyte)NoCode;
            }
        }

        // New exporters: first seen in the last 28 days, shipping precursors (even) or very high value (odd).
        var newCount = Math.Max(4, (int)Math.Round(n * 0.0025));
        for (var e = 0; e < newCount; e++)
        {
            _newExporters.Add(PartyPools.NewExporter(e, _rng));
            var shipments = _rng.Between(2, 3);
            for (var k = 0; k < shipments; k++)
            {
                var i = PickFree(_lateStart, n);
                _plan[i].Special = SpecialNew;
                _plan[i].Aux = e;
                _plan[i].Corridor = Corridor.CnMx;
                _plan[i].Code = e % 2 == 0 ? (sbyte)FlagCode.PrecursorChemical : (sbyte)NoCode;
            }
        }

        // Invoice reuse: a leader and 1-2 followers about a week apart, same parties, goods and invoice number.
        var step = Math.Max(1, (int)((long)n * 7 / _o.Days));
        var groups = Target(0.006);
        for (var g = 0; g < groups; g++)
        {
            var size = _rng.Chance(0.5) ? 2 : 3;
            for (var attempt = 0; attempt < 10_000; attempt++)
            {
                var i = _rng.Next(n - (step * (size - 1)));
                var free = true;
                for (var k = 0; k < size && free; k++)
                {
                    free = IsFree(i + (k * step));
                }

                if (!free)
                {
                    continue;
                }

                _plan[i].Special = SpecialLeader;
                _plan[i].Code = (sbyte)FlagCode.InvoiceReused;
                _followersLeft[i] = size - 1;
                for (var k = 1; k < size; k++)
                {
                    ref var f = ref _plan[i + (k * step)];
                    f.Special = SpecialFollower;
                    f.Aux = i;
                    f.Corridor = _plan[i].Corridor;
                    f.Code = (sbyte)FlagCode.InvoiceReused;
                }

                break;
            }
        }

        var margin = n / 20;
        Assign(FlagCode.PriceAboveBaseline, 0.012, null, 0, n);
        Assign(FlagCode.PriceBelowBaseline, 0.012, null, 0, n);
        Assign(FlagCode.MirrorMissing, 0.012, Corridor.UsMx, margin, n - margin);
        Assign(FlagCode.MirrorValueGap, 0.012, Corridor.UsMx, 0, n);
        Assign(FlagCode.MirrorQuantityGap, 0.01, Corridor.UsMx, 0, n);
        Assign(FlagCode.MirrorHsMismatch, 0.01, Corridor.UsMx, 0, n);
        Assign(FlagCode.InvoiceMissing, 0.01, null, 0, n);
        Assign(FlagCode.InvoiceValueMismatch, 0.012, null, 0, n);
        Assign(FlagCode.InvoiceQuantityMismatch, 0.01, null, 0, n);
        Assign(FlagCode.InvoicePartyMismatch, 0.01, null, 0, n);
        Assign(FlagCode.ThirdPartyPayment, 0.012, null, 0, n);
        Assign(FlagCode.PrecursorChemical, 0.03, null, 0, _lateStart);
        Assign(FlagCode.PrecursorMisdeclared, 0.01, Corridor.CnMx, 0, n);
        Assign(FlagCode.HighRiskRoute, 0.012, Corridor.CnMx, 0, n);
        Assign(FlagCode.SanctionedParty, 0.01, null, 0, n);
        Assign(FlagCode.VagueDescription, 0.012, null, 0, n);
        Assign(FlagCode.WeightQuantityMismatch, 0.01, null, 0, n);
    }

    private void Assign(FlagCode code, double rate, Corridor? corridor, int lo, int hi)
    {
        var count = Target(rate);
        for (var k = 0; k < count; k++)
        {
            var i = PickFree(lo, hi);
            _plan[i].Code = (sbyte)code;
            if (code == FlagCode.PrecursorChemical && _plan[i].Corridor == Corridor.UsMx && _rng.Chance(0.6))
            {
                _plan[i].Corridor = (Corridor)_rng.Between(1, 2); // precursors come mostly from China and India
            }

            if (corridor == Corridor.CnMx)
            {
                // Import-only corridors: China, India (and Germany for routing).
                if (_plan[i].Corridor == Corridor.UsMx)
                {
                    _plan[i].Corridor = code == FlagCode.HighRiskRoute ? (Corridor)_rng.Between(1, 3) : (Corridor)_rng.Between(1, 2);
                }
                else if (code == FlagCode.PrecursorMisdeclared && _plan[i].Corridor == Corridor.DeMx)
                {
                    _plan[i].Corridor = Corridor.CnMx;
                }
            }
            else if (corridor is { } c)
            {
                _plan[i].Corridor = c;
            }
        }
    }

    private bool IsFree(int i) => _plan[i].Special == SpecialNone && _plan[i].Code == NoCode;

    private int PickFree(int lo, int hi)
    {
        for (var attempt = 0; attempt < 1_000_000; attempt++)
        {
            var i = lo + _rng.Next(hi - lo);
            if (IsFree(i))
            {
                return i;
            }
        }

        throw new InvalidOperationException("Too many planted anomalies for the number of shipments.");
    }

    private static double[] Zipf(int count)
    {
        var w = new double[count];
        for (var i = 0; i < count; i++)
        {
            w[i] = 1.0 / Math.Pow(i + 1, 0.6);
        }

        return Rng.Cumulate(w);
    }

    // ---------------------------------------------------------------- one shipment

    private void Shipment(int i)
    {
        var slot = _plan[i];
        Array.Clear(_codesThisShipment);
        var s = _s;
        if (slot.Special == SpecialFollower)
        {
            s.CopyFrom(_leaders[slot.Aux]);
            if (--_followersLeft[slot.Aux] == 0)
            {
                _leaders.Remove(slot.Aux);
                _followersLeft.Remove(slot.Aux);
            }

            AssignDatesAndIds(i, s);
            s.WriteInvoice = false;
        }
        else
        {
            Build(i, slot, s);
            if (slot.Special == SpecialLeader)
            {
                _leaders[i] = s.Clone();
            }
        }

        var code = slot.Code == NoCode ? (FlagCode?)null : (FlagCode)slot.Code;
        if (slot.Special != SpecialFollower && code is { } c)
        {
            Apply(c, s);
        }

        if (slot.Special == SpecialProfile)
        {
            RoundValues(s);
        }

        if (s.WriteUs)
        {
            WriteUs(s);
        }

        if (s.WriteMx)
        {
            WriteMx(s);
        }

        if (s.WriteInvoice)
        {
            WriteInvoice(s);
        }

        WriteTruth(slot, code, s);
        Count();
    }

    private void Build(int i, Slot slot, ShipmentData s)
    {
        var code = slot.Code == NoCode ? (FlagCode?)null : (FlagCode)slot.Code;
        s.Corridor = slot.Corridor;
        s.Exporter = slot.Special switch
        {
            SpecialProfile => PartyPools.ProfileExporters[slot.Aux],
            SpecialNew => _newExporters[slot.Aux],
            _ => PickExporter(s.Corridor, code == FlagCode.PrecursorChemical),
        };
        s.Importer = _pools.MxImporters[_rng.Weighted(_importerCum)];
        s.InvoiceSeller = s.Exporter;
        s.Payer = s.Importer;
        s.Beneficiary = s.Exporter;
        s.Origin = s.Exporter.Country;
        s.Transit = string.Empty;
        Route(s);
        s.CifFactor = Geography.CifFactor(s.Mode);
        s.MxCurrency = slot.Special == SpecialProfile || _rng.Chance(0.3) ? "USD" : "MXN";
        s.InvCurrency = s.Corridor == Corridor.DeMx && _rng.Chance(0.6) ? "EUR" : "USD";
        s.InvIncoterm = s.Corridor == Corridor.UsMx ? "FOB" : slot.Special == SpecialProfile || _rng.Chance(0.4) ? "CIF" : "FOB";
        s.PaymentTerms = PaymentTerms[_rng.Next(PaymentTerms.Length)];
        s.WriteUs = s.Corridor == Corridor.UsMx;
        s.WriteMx = true;
        s.WriteInvoice = true;

        // Planted records are single-line so the anomaly sits on one identifiable line; normal ones have 1-3 lines.
        var plain = code is null or FlagCode.InvoiceQuantityMismatch or FlagCode.InvoiceReused or FlagCode.InvoiceMissing or FlagCode.InvoicePartyMismatch or FlagCode.ThirdPartyPayment or FlagCode.SanctionedParty;
        var r = _rng.NextDouble();
        s.LineCount = !plain ? 1 : r < 0.82 ? 1 : r < 0.94 ? 2 : 3;
        for (var l = 0; l < s.LineCount; l++)
        {
            var commodity = ChooseCommodity(s, code, l);
            // A planted value gap starts from a price at or below the median so the gap alone never crosses a price fence.
            var z = code == FlagCode.MirrorValueGap ? -Math.Abs(_rng.Normal(1.5)) : _priceNoise.Next(commodity);
            var price = Math.Round(commodity.MedianUsd * Math.Exp(Catalogue.PriceSigma * z), 4);
            var quantity = commodity.QuantityMedian * Math.Exp(0.6 * _rng.Normal(2.0));
            if (slot.Special == SpecialNew && code is null)
            {
                quantity *= 25; // very high value for a first-time exporter
            }

            quantity = commodity.Unit == "u" ? Math.Max(1, Math.Round(quantity)) : Math.Round(quantity, 2);
            var value = Math.Round(price * quantity, 2);
            var netKg = commodity.Unit == "kg" ? quantity : Math.Round(quantity * commodity.KgPerUnit * _rng.Uniform(0.95, 1.05), 1);
            Fill(s.Us[l], commodity, quantity, value, netKg, commodity.HsUs, commodity.DescriptionEn);
            Fill(s.Mx[l], commodity, quantity, value, netKg, commodity.HsMx, commodity.DescriptionEs);
            Fill(s.Inv[l], commodity, quantity, value, netKg, s.Corridor == Corridor.UsMx ? commodity.HsUs : commodity.HsMx, commodity.DescriptionEn);
            s.CifNoise[l] = s.MxCurrency == "USD" && slot.Special == SpecialProfile ? 1.0 : _rng.Uniform(0.98, 1.02);
        }

        AssignDatesAndIds(i, s);
        s.InvoiceNumber = InvoiceNumber(i, s);
    }

    private static void Fill(LineData l, Commodity c, double quantity, double value, double netKg, string hs, string description)
    {
        l.Commodity = c;
        l.Quantity = quantity;
        l.ValueUsd = value;
        l.NetKg = netKg;
        l.Hs = hs;
        l.Description = description;
        l.Cas = c.Cas;
    }

    private Commodity ChooseCommodity(ShipmentData s, FlagCode? code, int line)
    {
        if (line == 0 && code == FlagCode.PrecursorChemical)
        {
            return s.Corridor switch
            {
                // US exporters: chemicals on the DEA List I and machines; Germany: machines; China and India: anything.
                Corridor.UsMx => Catalogue.Precursors[UsPrecursors[_rng.Next(UsPrecursors.Length)]],
                Corridor.DeMx => Catalogue.Precursors[_rng.Between(11, 12)],
                _ => Catalogue.Precursors[_rng.Next(Catalogue.Precursors.Length)],
            };
        }

        if (line == 0 && code == FlagCode.PrecursorMisdeclared)
        {
            return _misdeclared[_rng.Next(_misdeclared.Length)];
        }

        while (true)
        {
            var c = Catalogue.Ordinary[_rng.Weighted(_ordinaryCumulative)];
            if (code == FlagCode.WeightQuantityMismatch && c.Unit != "kg")
            {
                continue;
            }

            var duplicate = false;
            for (var k = 0; k < line; k++)
            {
                duplicate |= ReferenceEquals(s.Us[k].Commodity, c);
            }

            if (!duplicate)
            {
                return c;
            }
        }
    }

    private Party PickExporter(Corridor corridor, bool established)
    {
        var (pool, cum) = corridor switch
        {
            Corridor.UsMx => (_pools.UsExporters, _exporterCumUs),
            Corridor.CnMx => (_pools.CnExporters, _exporterCumCn),
            Corridor.InMx => (_pools.InExporters, _exporterCumIn),
            _ => (_pools.DeExporters, _exporterCumDe),
        };

        // Precursor shipments of established exporters come from the busiest third of the pool (long history).
        if (established)
        {
            return pool[_rng.Next(Math.Max(1, pool.Length / 3))];
        }

        // The first shipments of each corridor go round the whole pool, so every regular exporter is seen early in the
        // period and none looks like a new exporter; after that, a skewed (Zipf-like) choice.
        ref var next = ref _roundRobin[(int)corridor];
        return next < pool.Length ? pool[next++] : pool[_rng.Weighted(cum)];
    }

    private void Route(ShipmentData s)
    {
        var r = _rng.NextDouble();
        switch (s.Corridor)
        {
            case Corridor.UsMx:
                if (r < 0.6)
                {
                    var x = Geography.RoadCrossings[_rng.Next(Geography.RoadCrossings.Length)];
                    (s.Mode, s.PortOfLoading, s.PortOfDischarge) = ("road", x.Us, x.Mx);
                }
                else if (r < 0.75)
                {
                    var x = Geography.RailCrossings[_rng.Next(Geography.RailCrossings.Length)];
                    (s.Mode, s.PortOfLoading, s.PortOfDischarge) = ("rail", x.Us, x.Mx);
                }
                else if (r < 0.85)
                {
                    (s.Mode, s.PortOfLoading, s.PortOfDischarge) = ("air", _rng.Pick(Geography.UsAirports), _rng.Pick(Geography.MxAirports).Port);
                }
                else
                {
                    var la = _rng.Chance(0.3);
                    (s.Mode, s.PortOfLoading, s.PortOfDischarge) = ("sea", la ? "Los Angeles, CA" : _rng.Pick(Geography.UsSeaports[..2]),
                        la ? _rng.Pick(Geography.MxPacificPorts).Port : _rng.Pick(Geography.MxGulfPorts).Port);
                }

                break;
            case Corridor.CnMx:
                if (r < 0.85)
                {
                    (s.Mode, s.PortOfLoading, s.PortOfDischarge) = ("sea", _rng.Pick(Geography.CnSeaports), _rng.Pick(Geography.MxPacificPorts).Port);
                    s.Transit = _rng.Chance(0.15) ? "US" : string.Empty;
                }
                else
                {
                    (s.Mode, s.PortOfLoading, s.PortOfDischarge) = ("air", _rng.Pick(Geography.CnAirports), _rng.Pick(Geography.MxAirports).Port);
                }

                break;
            case Corridor.InMx:
                if (r < 0.85)
                {
                    (s.Mode, s.PortOfLoading, s.PortOfDischarge) = ("sea", _rng.Pick(Geography.InSeaports), _rng.Pick(Geography.MxPacificPorts).Port);
                    s.Transit = _rng.Chance(0.2) ? "LK" : string.Empty;
                }
                else
                {
                    (s.Mode, s.PortOfLoading, s.PortOfDischarge) = ("air", _rng.Pick(Geography.InAirports), _rng.Pick(Geography.MxAirports).Port);
                }

                break;
            default:
                if (r < 0.7)
                {
                    (s.Mode, s.PortOfLoading, s.PortOfDischarge) = ("sea", _rng.Pick(Geography.DeSeaports), _rng.Pick(Geography.MxGulfPorts).Port);
                    s.Transit = _rng.Chance(0.1) ? "ES" : string.Empty;
                }
                else
                {
                    (s.Mode, s.PortOfLoading, s.PortOfDischarge) = ("air", _rng.Pick(Geography.DeAirports), _rng.Pick(Geography.MxAirports).Port);
                }

                break;
        }
    }

    private void AssignDatesAndIds(int i, ShipmentData s)
    {
        s.MxDate = _o.Start.AddDays(Day(i));
        var lag = s.Mode switch
        {
            "road" => _rng.Between(3, 7),
            "rail" => _rng.Between(5, 12),
            "air" => _rng.Between(3, 6),
            _ => s.Corridor == Corridor.UsMx ? _rng.Between(10, 30) : _rng.Between(25, 40),
        };
        s.UsDate = s.MxDate.AddDays(-lag);
        s.InvDate = s.UsDate.AddDays(-_rng.Between(0, 4));
        var yy = s.MxDate.Year % 100;
        s.UsDeclarationId = string.Create(CultureInfo.InvariantCulture, $"X{s.UsDate:yyyyMMdd}{i:D7}");
        var aduana = s.PortOfDischarge.Length > 0 ? Aduana(s.PortOfDischarge) : "47";
        s.MxDeclarationId = string.Create(CultureInfo.InvariantCulture, $"{yy:D2} {aduana} {3000 + ((i * 7) % 900):D4} {6000000 + _mxSequence++:D7}");
        var serial = ((long)i * 97) + _rng.Next(97);
        var shipmentId = s.Mode switch
        {
            "sea" => string.Create(CultureInfo.InvariantCulture, $"{Carriers[_rng.Next(Carriers.Length)]}{serial:D10}"),
            "air" => string.Create(CultureInfo.InvariantCulture, $"{AirlinePrefixes[_rng.Next(AirlinePrefixes.Length)]}-{serial:D8}"),
            "rail" => string.Create(CultureInfo.InvariantCulture, $"RW{serial:D9}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"CP{serial:D10}"),
        };
        s.ShipmentIdUs = shipmentId;

        // 80% of mirrored shipments carry the same bill of lading on both sides; the rest match by invoice, parties, HS6, dates.
        s.ShipmentIdMx = s.Corridor != Corridor.UsMx || _rng.Chance(0.8) ? shipmentId : string.Empty;
        s.MxExporterName = s.Corridor == Corridor.UsMx && _rng.Chance(0.25) ? Shout(s.Exporter.Name) : s.Exporter.Name;
    }

    private static string Aduana(string port) => Aduanas.TryGetValue(port, out var a) ? a : "47";

    private static Dictionary<string, string> BuildAduanas()
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var x in Geography.RoadCrossings.Concat(Geography.RailCrossings))
        {
            d[x.Mx] = x.Aduana;
        }

        foreach (var x in Geography.MxAirports.Concat(Geography.MxGulfPorts).Concat(Geography.MxPacificPorts))
        {
            d[x.Port] = x.Aduana;
        }

        return d;
    }

    private static string Shout(string name) => name.Replace(",", string.Empty, StringComparison.Ordinal).Replace(".", string.Empty, StringComparison.Ordinal).ToUpperInvariant();

    private static string InvoiceNumber(int i, ShipmentData s) => s.Exporter.Country switch
    {
        "US" => string.Create(CultureInfo.InvariantCulture, $"INV{s.InvDate.Year % 100:D2}-{i:D7}"),
        "CN" => string.Create(CultureInfo.InvariantCulture, $"CI{s.InvDate:yyyyMM}{i:D7}"),
        "IN" => string.Create(CultureInfo.InvariantCulture, $"EXP/{s.InvDate.Year % 100:D2}-{(s.InvDate.Year % 100) + 1:D2}/{i:D7}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"RE-{s.InvDate.Year % 100:D2}-{i:D7}"),
    };

    // ---------------------------------------------------------------- anomalies

    private void Apply(FlagCode code, ShipmentData s)
    {
        var mirrored = s.Corridor == Corridor.UsMx;
        switch (code)
        {
            case FlagCode.PriceAboveBaseline:
            {
                var f = _rng.Uniform(4, 8);
                Scale(s.Mx[0], 1, f);
                if (!mirrored)
                {
                    Scale(s.Inv[0], 1, f); // over-invoiced: the invoice carries the inflated price too
                }

                break;
            }

            case FlagCode.PriceBelowBaseline:
            {
                var f = 1 / _rng.Uniform(4, 8);
                Scale(s.Us[0], 1, f);
                Scale(s.Mx[0], 1, f);
                Scale(s.Inv[0], 1, f);
                break;
            }

            case FlagCode.MirrorMissing:
                s.WriteMx = false;
                break;
            case FlagCode.MirrorValueGap:
                Scale(s.Mx[0], 1, _rng.Uniform(1.5, 1.7));
                break;
            case FlagCode.MirrorQuantityGap:
            {
                var f = _rng.Uniform(1.5, 3);
                var q = s.Mx[0].Commodity.Unit == "u" ? Math.Round(s.Mx[0].Quantity * f) : Math.Round(s.Mx[0].Quantity * f, 2);
                var g = q / s.Mx[0].Quantity;
                s.Mx[0].Quantity = q;
                s.Mx[0].NetKg = Math.Round(s.Mx[0].NetKg * g, 1);
                s.Mx[0].ValueUsd = Math.Round(s.Mx[0].ValueUsd * g, 2);
                break;
            }

            case FlagCode.MirrorHsMismatch:
            {
                var c = s.Mx[0].Commodity;
                s.Mx[0].Hs = (_rng.Chance(0.5) ? c.AltHsSameChapter : c.AltHsOtherChapter) + ".99";
                break;
            }

            case FlagCode.InvoiceMissing:
                s.WriteInvoice = false;
                break;
            case FlagCode.InvoiceValueMismatch:
            {
                var f = _rng.Chance(0.5) ? 0.5 : 1.6;
                for (var l = 0; l < s.LineCount; l++)
                {
                    s.Inv[l].ValueUsd = Math.Round(s.Inv[l].ValueUsd * f, 2);
                }

                break;
            }

            case FlagCode.InvoiceQuantityMismatch:
            {
                var l = s.Inv[0];
                var f = _rng.Chance(0.3) ? 0.5 : _rng.Uniform(1.5, 2.5);
                l.Quantity = l.Commodity.Unit == "u" ? Math.Max(1, Math.Round(l.Quantity * f)) : Math.Round(l.Quantity * f, 2);
                if (Math.Abs(l.Quantity - s.Mx[0].Quantity) < 1)
                {
                    l.Quantity += 2; // tiny unit counts: make the difference visible
                }

                break;
            }

            case FlagCode.InvoicePartyMismatch:
            {
                var pool = s.Corridor switch
                {
                    Corridor.UsMx => _pools.UsExporters,
                    Corridor.CnMx => _pools.CnExporters,
                    Corridor.InMx => _pools.InExporters,
                    _ => _pools.DeExporters,
                };
                Party other;
                do
                {
                    other = pool[_rng.Next(pool.Length)];
                }
                while (ReferenceEquals(other, s.Exporter));

                s.InvoiceSeller = other;
                s.Beneficiary = other;
                break;
            }

            case FlagCode.ThirdPartyPayment:
                s.Payer = _pools.ThirdPartyPayers[_rng.Next(_pools.ThirdPartyPayers.Length)];
                if (_rng.Chance(0.25))
                {
                    s.Beneficiary = _pools.ThirdPartyPayers[_rng.Next(_pools.ThirdPartyPayers.Length)];
                }

                break;
            case FlagCode.HighRiskRoute:
            {
                var r = _rng.NextDouble();
                if (r < 0.4)
                {
                    var hr = Geography.HighRisk[_rng.Next(Geography.HighRisk.Length)];
                    s.Transit = _rng.Chance(0.5) ? hr : "AE;" + hr;
                }
                else if (r < 0.7)
                {
                    s.Origin = Geography.HighRisk[_rng.Next(Geography.HighRisk.Length)];
                }
                else
                {
                    s.Transit = Geography.HubChains[_rng.Next(Geography.HubChains.Length)];
                }

                break;
            }

            case FlagCode.SanctionedParty:
            {
                // Importer side for Mexico-bound trade; exporter side for Chinese and Indian suppliers.
                var exporterSide = s.Corridor is Corridor.CnMx or Corridor.InMx && _rng.Chance(0.6);
                var country = exporterSide ? (s.Corridor == Corridor.CnMx ? "CN" : "IN") : "MX";
                var entry = PickSanction(country);
                var name = PartyPools.Vary(entry.Name, _rng.Next(4));
                _sanctionedName = $"{name}' (sanctions entry '{entry.Name}";
                if (exporterSide)
                {
                    s.Exporter = new Party(name, string.Empty, s.Exporter.Country);
                    s.InvoiceSeller = s.Exporter;
                    s.Beneficiary = s.Exporter;
                    s.MxExporterName = name;
                }
                else
                {
                    s.Importer = new Party(name, string.Empty, "MX");
                    s.Payer = s.Importer;
                }

                break;
            }

            case FlagCode.VagueDescription:
            {
                var side = mirrored && _rng.Chance(0.5) ? s.Us[0] : s.Mx[0];
                var c = side.Commodity;
                var pool = c.IsChemical ? Catalogue.VagueChemical : c.Hs6.StartsWith("87", StringComparison.Ordinal) || c.Hs6.StartsWith("84", StringComparison.Ordinal) || c.Hs6.StartsWith("85", StringComparison.Ordinal)
                    ? Catalogue.VagueParts : Catalogue.VagueOther;
                side.Description = pool[_rng.Next(pool.Length)];
                break;
            }

            case FlagCode.WeightQuantityMismatch:
            {
                var side = mirrored && _rng.Chance(0.5) ? s.Us[0] : s.Mx[0];
                side.NetKg = Math.Round(side.NetKg * (_rng.Chance(0.5) ? 10 : 0.1), 1);
                break;
            }

            default:
                break; // PRECURSOR_* are chosen with the commodity; INVOICE_REUSED by the plan.
        }
    }

    private SanctionsEntry PickSanction(string country)
    {
        while (true)
        {
            var e = PartyPools.Sanctions[_rng.Next(PartyPools.Sanctions.Length)];
            if (e.Country == country)
            {
                return e;
            }
        }
    }

    private static void Scale(LineData l, double quantityFactor, double valueFactor)
    {
        l.Quantity *= quantityFactor;
        l.ValueUsd = Math.Round(l.ValueUsd * valueFactor, 2);
    }

    private static void RoundValues(ShipmentData s)
    {
        for (var l = 0; l < s.LineCount; l++)
        {
            if (s.Corridor == Corridor.UsMx)
            {
                s.Us[l].ValueUsd = RoundNumber(s.Us[l].ValueUsd);
                s.Inv[l].ValueUsd = RoundNumber(s.Inv[l].ValueUsd);
            }
            else
            {
                // Declared CIF in USD is round: store the FOB basis that gives it.
                s.Mx[l].ValueUsd = RoundNumber(s.Mx[l].ValueUsd * s.CifFactor) / s.CifFactor;
                s.Inv[l].ValueUsd = RoundNumber(s.Inv[l].ValueUsd * s.CifFactor) / s.CifFactor;
            }
        }
    }

    private static double RoundNumber(double v)
    {
        var unit = v >= 10_000 ? 1_000 : v >= 1_000 ? 100 : 10;
        return Math.Max(unit, Math.Round(v / unit) * unit);
    }

    // ---------------------------------------------------------------- writers

    private void WriteUs(ShipmentData s)
    {
        for (var l = 0; l < s.LineCount; l++)
        {
            var d = s.Us[l];
            Declaration(s.UsDeclarationId, l + 1, "export", s.UsDate, "US", s.Exporter.Name, s, d, d.ValueUsd, "USD", "FOB", s.ShipmentIdUs);
        }
    }

    private void WriteMx(ShipmentData s)
    {
        for (var l = 0; l < s.LineCount; l++)
        {
            var d = s.Mx[l];
            var usd = d.ValueUsd * s.CifFactor * s.CifNoise[l];
            var value = s.MxCurrency == "USD" ? usd : usd / _fx.Rate("MXN", s.MxDate);
            Declaration(s.MxDeclarationId, l + 1, "import", s.MxDate, "MX", s.MxExporterName, s, d, Math.Round(value, 2), s.MxCurrency, "CIF", s.ShipmentIdMx);
        }
    }

    private void Declaration(string id, int line, string flow, DateOnly date, string reporter, string exporterName, ShipmentData s, LineData d, double value, string currency, string incoterm, string shipmentId)
    {
        _decl.Field(id).Integer(line).Field(flow).Date(date).Field(reporter)
            .Field(exporterName).Field(s.Importer.Name).Field(s.Exporter.Id).Field(s.Importer.Id).Field(s.Exporter.Country).Field("MX")
            .Field(s.Origin).Field("MX").Field(d.Hs).Field(d.Description).Field(d.Cas);
        Quantity(_decl, d.Quantity, d.Commodity.Unit);
        _decl.Field(d.Commodity.Unit).Number(d.NetKg, "F1").Number(value).Field(currency).Field(incoterm).Field(s.InvoiceNumber)
            .Field(s.Mode).Field(s.PortOfLoading).Field(s.PortOfDischarge).Field(s.Transit).Field(shipmentId);
        _decl.EndRow();
    }

    private static void Quantity(CsvOut o, double q, string unit) => o.Number(q, unit == "u" ? "F0" : "F2");

    private void WriteInvoice(ShipmentData s)
    {
        var rate = s.InvCurrency == "USD" ? 1.0 : _fx.Rate(s.InvCurrency, s.InvDate);
        for (var l = 0; l < s.LineCount; l++)
        {
            var d = s.Inv[l];
            var usd = s.InvIncoterm == "CIF" ? d.ValueUsd * s.CifFactor * s.CifNoise[l] : d.ValueUsd;
            var amount = usd / rate;
            var unitPrice = Math.Round(amount / d.Quantity, 4);
            var total = Math.Round(unitPrice * d.Quantity, 2);
            _inv.Field(s.InvoiceNumber).Date(s.InvDate).Field(s.InvoiceSeller.Name).Field(s.Importer.Name).Field(s.InvoiceSeller.Country).Field("MX")
                .Field(s.InvoiceSeller.Id).Field(s.Importer.Id).Integer(l + 1).Field(d.Hs).Field(d.Description).Field(d.Cas);
            Quantity(_inv, d.Quantity, d.Commodity.Unit);
            _inv.Field(d.Commodity.Unit).Number(unitPrice, "F4").Number(total).Field(s.InvCurrency).Field(s.InvIncoterm).Field(s.PaymentTerms)
                .Field(s.Payer.Name).Field(s.Payer.Country).Field(s.Beneficiary.Name).Field(s.Beneficiary.Country).Field(s.ShipmentIdUs);
            _inv.EndRow();
        }
    }

    // ---------------------------------------------------------------- truth

    private void WriteTruth(Slot slot, FlagCode? code, ShipmentData s)
    {
        var us = s.WriteUs;
        var mx = s.WriteMx;
        var name = s.Exporter.Name;
        if (slot.Special == SpecialNew)
        {
            DeclarationRows(FlagCode.NewExporter, s, us, mx, 0, "exporter first seen in the last 30 days of the data, " + (code == FlagCode.PrecursorChemical ? "shipping a precursor" : "shipping unusually high value"));
        }

        if (code is not { } c)
        {
            return;
        }

        var c0 = s.Mx[0].Commodity;
        switch (c)
        {
            case FlagCode.PriceAboveBaseline:
                DeclarationRows(c, s, false, true, 1, $"unit price {s.Mx[0].ValueUsd / s.Mx[0].Quantity / c0.MedianUsd:F1}x the median of HS {c0.Hs6}");
                if (s.Corridor == Corridor.UsMx)
                {
                    ShipmentRow(FlagCode.MirrorValueGap, s, "side effect: the import is over-valued while the export is not");
                    InvoiceRows(FlagCode.InvoiceValueMismatch, s, false, true, "side effect: the import declares more than the invoice");
                }

                break;
            case FlagCode.PriceBelowBaseline:
                DeclarationRows(c, s, us, mx, 1, $"unit price {s.Mx[0].ValueUsd / s.Mx[0].Quantity / c0.MedianUsd:F2}x the median of HS {c0.Hs6} (declarations and invoice agree)");
                break;
            case FlagCode.MirrorMissing:
                Truth(c, "shipment", s.UsDeclarationId, 0, s.InvoiceNumber, s.ShipmentIdUs, name, "US export with no Mexican import declaration");
                break;
            case FlagCode.MirrorValueGap:
                ShipmentRow(c, s, $"import value {s.Mx[0].ValueUsd / s.Us[0].ValueUsd:F2}x the export after CIF/FOB, same quantity");
                InvoiceRows(FlagCode.InvoiceValueMismatch, s, false, true, "side effect: the import declares more than the invoice");
                break;
            case FlagCode.MirrorQuantityGap:
                ShipmentRow(c, s, $"import quantity {s.Mx[0].Quantity / s.Us[0].Quantity:F2}x the export, value scaled alike");
                ShipmentRow(FlagCode.MirrorValueGap, s, "side effect: value scaled with the quantity");
                InvoiceRows(FlagCode.InvoiceQuantityMismatch, s, false, true, "side effect: the import quantity differs from the invoice");
                InvoiceRows(FlagCode.InvoiceValueMismatch, s, false, true, "side effect: the import value differs from the invoice");
                break;
            case FlagCode.MirrorHsMismatch:
                ShipmentRow(c, s, $"export under HS {c0.Hs6}, import under {s.Mx[0].Hs[..7]}" + (s.Mx[0].Hs[..2] != c0.Hs6[..2] ? " (different chapter)" : " (same chapter)"));
                break;
            case FlagCode.InvoiceMissing:
                DeclarationRows(c, s, us, mx, 0, "invoice cited by the declaration is not in invoices.csv", record: "declaration");
                break;
            case FlagCode.InvoiceValueMismatch:
                InvoiceRows(c, s, us, mx, $"invoice total {s.Inv[0].ValueUsd / s.Us[0].ValueUsd:F1}x the declared value");
                break;
            case FlagCode.InvoiceQuantityMismatch:
                InvoiceRows(c, s, us, mx, "invoice quantity of line 1 differs from the declaration (same total)");
                break;
            case FlagCode.InvoicePartyMismatch:
                InvoiceRows(c, s, us, mx, $"invoice seller '{s.InvoiceSeller.Name}' is not the declared exporter");
                break;
            case FlagCode.InvoiceReused:
                InvoiceRows(c, s, us, mx, "the same invoice number is declared for several shipments");
                break;
            case FlagCode.ThirdPartyPayment:
                InvoiceRows(c, s, us, mx, $"payer '{s.Payer.Name}' ({s.Payer.Country}) is not the buyer" + (ReferenceEquals(s.Beneficiary, s.InvoiceSeller) ? string.Empty : $"; beneficiary '{s.Beneficiary.Name}' is not the seller"));
                break;
            case FlagCode.PrecursorChemical:
                DeclarationRows(c, s, us, mx, 1, $"watchlisted {c0.Precursor} under HS {c0.Hs6}");
                break;
            case FlagCode.PrecursorMisdeclared:
                DeclarationRows(c, s, us, mx, 1, $"description names {c0.Precursor} but HS is {c0.Hs6}");
                DeclarationRows(FlagCode.PrecursorChemical, s, us, mx, 1, $"side effect: the goods are the watchlisted {c0.Precursor}");
                break;
            case FlagCode.HighRiskRoute:
                DeclarationRows(c, s, us, mx, 0, $"origin {s.Origin}, transit {(s.Transit.Length == 0 ? "none" : s.Transit)}");
                break;
            case FlagCode.SanctionedParty:
                DeclarationRows(c, s, us, mx, 0, $"party '{_sanctionedName}')");
                break;
            case FlagCode.VagueDescription:
                DeclarationRows(c, s, us && s.Us[0].Description != s.Us[0].Commodity.DescriptionEn, mx && s.Mx[0].Description != s.Mx[0].Commodity.DescriptionEs, 1, "generic goods description");
                break;
            case FlagCode.WeightQuantityMismatch:
                DeclarationRows(c, s, us && Math.Abs(s.Us[0].NetKg - s.Us[0].Quantity) > 0.5, mx && Math.Abs(s.Mx[0].NetKg - s.Mx[0].Quantity) > 0.5, 1, "net weight 10x or 1/10 of the quantity in kg");
                break;
            default:
                break;
        }
    }

    private void DeclarationRows(FlagCode code, ShipmentData s, bool us, bool mx, int line, string note, string record = "declaration")
    {
        if (us && s.WriteUs)
        {
            Truth(code, record, s.UsDeclarationId, line, s.InvoiceNumber, s.ShipmentIdUs, s.Exporter.Name, note);
        }

        if (mx && s.WriteMx)
        {
            Truth(code, record, s.MxDeclarationId, line, s.InvoiceNumber, s.ShipmentIdMx, s.Exporter.Name, note);
        }
    }

    private void ShipmentRow(FlagCode code, ShipmentData s, string note) =>
        Truth(code, "shipment", s.MxDeclarationId, 0, s.InvoiceNumber, s.ShipmentIdMx.Length > 0 ? s.ShipmentIdMx : s.ShipmentIdUs, s.Exporter.Name, note + "; export declaration " + s.UsDeclarationId);

    private void InvoiceRows(FlagCode code, ShipmentData s, bool us, bool mx, string note) => DeclarationRows(code, s, us, mx, 0, note, "invoice");

    private void Truth(FlagCode code, string recordType, string declarationId, int line, string invoice, string shipmentId, string exporter, string note)
    {
        _truth.Field(code.ToCode()).Field(recordType).Field(declarationId);
        if (line > 0)
        {
            _truth.Integer(line);
        }
        else
        {
            _truth.Field(string.Empty);
        }

        _truth.Field(invoice).Field(shipmentId).Field(exporter).Field(note);
        _truth.EndRow();
        _codesThisShipment[(int)code] = true;
    }

    private void Count()
    {
        for (var c = 0; c < _codesThisShipment.Length; c++)
        {
            if (_codesThisShipment[c])
            {
                _plantedByCode[c]++;
            }
        }
    }
}
