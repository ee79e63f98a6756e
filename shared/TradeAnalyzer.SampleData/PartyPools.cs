using System.Globalization;
using System.Text;

namespace TradeAnalyzer.SampleData;

/// <summary>
/// Builds the named traders of a run (exporters per origin, Mexican importers, third-party payers) from word pools
/// disjoint from the fictitious sanctions vocabulary, and the fixed fictitious sanctions list.
/// </summary>
internal sealed class PartyPools
{
    private static readonly string[] UsPlaces =
    [
        "Blue Ridge", "Lone Star", "Gulf Coast", "Great Lakes", "Red River", "Pioneer", "Summit", "Cedar Valley", "Keystone", "Prairie",
        "Liberty", "Sierra", "Mesa", "Harbor Point", "Northfield", "Westbrook", "Iron Creek", "Silver Lake", "Eagle Pass", "Rio Grande",
        "Bluebonnet", "Appalachian", "Cascade", "Heartland", "Midwest", "Palmetto", "Granite State", "Sandhill", "Magnolia", "Ozark",
    ];

    private static readonly string[] UsTrades =
    [
        "Polymers", "Industrial Supply", "Auto Components", "Steel", "Agri Exports", "Electronics", "Chemical Distribution", "Foods",
        "Apparel", "Furniture", "Trading", "Manufacturing", "Materials", "Fertilizer", "Tire", "Packaging",
    ];

    private static readonly string[] UsForms = ["LLC", "Inc.", "Corp.", "Co.", "LLC", "Inc."];

    private static readonly string[] MxPrefixes =
    [
        "Comercializadora", "Distribuidora", "Importadora", "Grupo Industrial", "Industrias", "Manufacturas", "Proveedora", "Corporativo",
    ];

    private static readonly string[] MxSectors = ["Automotriz", "Química", "Textil", "Agroindustrial", "Electrónica", "Alimentaria", "Metalúrgica", "Plástica", "Farmacéutica", "Mueblera"];

    private static readonly string[] MxPlaces =
    [
        "del Bajío", "del Norte", "Regiomontana", "Tapatía", "Azteca", "del Pacífico", "Sierra Madre", "Anáhuac", "Cumbres", "de la Laguna",
        "Huasteca", "del Valle", "de Occidente", "del Golfo", "Sonorense", "Mexiquense", "Queretana", "Chihuahuense", "Poblana", "Yucateca",
    ];

    private static readonly string[] MxForms = ["S.A. de C.V.", "S.A. de C.V.", "S.A. de C.V.", "S. de R.L. de C.V.", "S.A.P.I. de C.V."];

    private static readonly string[] CnCities = ["Ningbo", "Shanghai", "Shenzhen", "Wuhan", "Hangzhou", "Qingdao", "Tianjin", "Guangzhou", "Suzhou", "Xiamen", "Jinan", "Changzhou", "Nanjing", "Shijiazhuang"];

    private static readonly string[] CnBrands = ["Hengda", "Jiahua", "Xinyuan", "Huatai", "Ruifeng", "Dongsheng", "Jinlong", "Tianyi", "Baoli", "Yongxin", "Kaida", "Minghui", "Sanhe", "Zhongtai", "Haoyu", "Lianfa"];

    private static readonly string[] CnTrades = ["Chemical", "Trading", "Import & Export", "New Material", "Technology", "Pharmaceutical", "Machinery", "Textile"];

    private static readonly string[] InNames = ["Shree Ganesh", "Sai Krupa", "Aarav", "Mahalaxmi", "Vardhman", "Sunrise", "Navkar", "Siddhi Vinayak", "Krishna", "Deccan", "Kaveri", "Om Sai", "Jai Bharat", "Rajdeep", "Trimurti"];

    private static readonly string[] InTrades = ["Chemicals", "Pharma", "Organics", "Textiles", "Exports", "Industries", "Life Sciences", "Intermediates"];

    private static readonly string[] InForms = ["Pvt. Ltd.", "Pvt. Ltd.", "Ltd.", "Private Limited"];

    private static readonly string[] DeNames = ["Rheinland", "Bergmann", "Hoffmann", "Neckar", "Brandt", "Schäfer", "Weser", "Kessler", "Albrecht", "Ostsee", "Falken", "Lindner", "Wagner", "Hansa"];

    private static readonly string[] DeTrades = ["Maschinenbau", "Chemie", "Kunststoff", "Technik", "Handel", "Automotive", "Pharma"];

    private static readonly string[] DeForms = ["GmbH", "GmbH", "AG", "GmbH & Co. KG"];

    private static readonly (string Name, string Country)[] Payers =
    [
        ("Atlas Meridian Holdings Ltd.", "PA"), ("Pacific Rim Investments S.A.", "PA"), ("Coral Bay Ventures Inc.", "PA"),
        ("Golden Crescent General Trading LLC", "AE"), ("Desert Pearl FZE", "AE"), ("Falcon Gate Commercial Brokers LLC", "AE"),
        ("Orient Bridge Trading Ltd.", "HK"), ("Harbour Lights Enterprises Ltd.", "HK"), ("Silverstone Global Ltd.", "VG"),
        ("Seabreeze Capital Ltd.", "BZ"), ("Servicios Financieros Alameda, S.A. de C.V.", "MX"), ("Grupo Cambiario Independencia, S.A. de C.V.", "MX"),
        ("Sunbelt Payment Services LLC", "US"), ("Northgate Remittance Corp.", "US"),
    ];

    /// <summary>Builds the pools; below 2,000 shipments they shrink in proportion so every trader still ships early in the period.</summary>
    public PartyPools(Rng rng, int shipments)
    {
        var scale = Math.Clamp(shipments / 2000.0, 0.1, 1.0);
        int Size(int full) => Math.Max(8, (int)Math.Round(full * scale));
        UsExporters = Build(rng, Size(110), "US", () => $"{rng.Pick(UsPlaces)} {rng.Pick(UsTrades)} {rng.Pick(UsForms)}", UsId);
        CnExporters = Build(rng, Size(80), "CN", () => $"{rng.Pick(CnCities)} {rng.Pick(CnBrands)} {rng.Pick(CnTrades)} Co., Ltd.", CnId);
        InExporters = Build(rng, Size(55), "IN", () => $"{rng.Pick(InNames)} {rng.Pick(InTrades)} {rng.Pick(InForms)}", InId);
        DeExporters = Build(rng, Size(45), "DE", () => $"{rng.Pick(DeNames)} {rng.Pick(DeTrades)} {rng.Pick(DeForms)}", DeId);
        MxImporters = Build(rng, Size(200), "MX", () => $"{rng.Pick(MxPrefixes)} {rng.Pick(MxSectors)} {rng.Pick(MxPlaces)}, {rng.Pick(MxForms)}", MxId);
        ThirdPartyPayers = Array.ConvertAll(Payers, p => new Party(p.Name, string.Empty, p.Country));
    }

    public Party[] UsExporters { get; }

    public Party[] CnExporters { get; }

    public Party[] InExporters { get; }

    public Party[] DeExporters { get; }

    public Party[] MxImporters { get; }

    public Party[] ThirdPartyPayers { get; }

    /// <summary>Every name used by a normal record (for the tests: none may resemble a sanctions entry).</summary>
    public IEnumerable<Party> AllNormal => UsExporters.Concat(CnExporters).Concat(InExporters).Concat(DeExporters).Concat(MxImporters);

    /// <summary>A name for the k-th new exporter (first seen in the last 30 days), distinct from every pool name.</summary>
    public static Party NewExporter(int k, Rng rng)
    {
        string[] first = ["Kun", "Hua", "Fu", "Long", "Sheng", "Bo", "Tong", "Rui"];
        string[] second = ["lun", "xin", "yuan", "teng", "da", "chuang", "xiang", "kang", "mei", "jie", "hong", "tai", "feng", "rong", "sen", "bang"];
        string[] trades = ["Biotech", "Fine Chemical", "Pharmtech", "Chemical Technology", "Import & Export"];
        var city = CnCities[k % CnCities.Length];
        var brand = first[(k / CnCities.Length) % first.Length] + second[(k / (CnCities.Length * first.Length)) % second.Length];
        var round = k / (CnCities.Length * first.Length * second.Length);
        var name = $"{city} {brand}{(round > 0 ? " " + (round + 1).ToString(CultureInfo.InvariantCulture) : string.Empty)} {trades[rng.Next(trades.Length)]} Co., Ltd.";
        return new Party(name, rng.Chance(0.5) ? CnId(rng) : string.Empty, "CN");
    }

    /// <summary>The 2-3 exporters whose shipments are mostly anomalous and whose values are round numbers.</summary>
    public static readonly Party[] ProfileExporters =
    [
        new("Borderline Commodities Group LLC", "98-7000123", "US"),
        new("Guangzhou Fortune Harvest Trading Co., Ltd.", "91440101MA5CX0007K", "CN"),
        new("Ananta Global Impex Pvt. Ltd.", "27AAHCA7001M1ZQ", "IN"),
    ];

    /// <summary>The fixed fictitious sanctions list (names invented for testing; not any real designation).</summary>
    public static readonly SanctionsEntry[] Sanctions = BuildSanctions();

    private static SanctionsEntry[] BuildSanctions()
    {
        const string Source = "FICTITIOUS TEST LIST (not a real designation)";
        (string Name, string Country, string Program, string? Alias)[] rows =
        [
            ("Químicos Zorvantec del Istmo, S.A. de C.V.", "MX", "SDNTK", "Zorvantec Química"),
            ("Comercializadora Velqarro Norteña, S.A. de C.V.", "MX", "ILLICIT-DRUGS-EO14059", null),
            ("Xolutra Farmacéutica del Mayab, S. de R.L. de C.V.", "MX", "SDNTK", null),
            ("Importaciones Qembrix Pacífico, S.A. de C.V.", "MX", "ILLICIT-DRUGS-EO14059", "Qembrix Import"),
            ("Grupo Tlazvorin Logística, S.A. de C.V.", "MX", "SDNTK", null),
            ("Servicios Ixmaltro Aduanales, S.A. de C.V.", "MX", "ILLICIT-DRUGS-EO14059", null),
            ("Laboratorios Quetzvexa, S.A. de C.V.", "MX", "SDNTK", null),
            ("Transportes Yolvarek Sinaloa, S.A. de C.V.", "MX", "ILLICIT-DRUGS-EO14059", null),
            ("Agroquímica Brontzal, S.A. de C.V.", "MX", "SDNTK", null),
            ("Casa de Cambio Ulvézquez, S.A. de C.V.", "MX", "ILLICIT-DRUGS-EO14059", null),
            ("Inmobiliaria Zarquelo Jalisco, S.A. de C.V.", "MX", "SDNTK", null),
            ("Comercial Oxtavreno, S.A. de C.V.", "MX", "ILLICIT-DRUGS-EO14059", null),
            ("Exportadora Vrenkamol, S.A. de C.V.", "MX", "SDNTK", null),
            ("Químicos Draxulmo Occidente, S.A. de C.V.", "MX", "ILLICIT-DRUGS-EO14059", null),
            ("Suministros Klevorra, S. de R.L. de C.V.", "MX", "SDNTK", null),
            ("Qorvexi Yunshan Biotech Co., Ltd.", "CN", "ILLICIT-DRUGS-EO14059", "Qorvexi Biological Technology"),
            ("Hebei Zanthuvo Chemical Co., Ltd.", "CN", "ILLICIT-DRUGS-EO14059", null),
            ("Yuxorbai Pharmaceutical Technology Co., Ltd.", "CN", "SDNTK", null),
            ("Songjiang Velmoquin Trading Co., Ltd.", "CN", "ILLICIT-DRUGS-EO14059", null),
            ("Zhejiang Krixandu New Material Co., Ltd.", "CN", "SDNTK", "Krixandu Material"),
            ("Hubei Ostravelle Fine Chemical Co., Ltd.", "CN", "ILLICIT-DRUGS-EO14059", null),
            ("Guangdong Plixomar Import & Export Co., Ltd.", "CN", "SDNTK", null),
            ("Drevnazo Huoxing Chemical Technology Co., Ltd.", "CN", "ILLICIT-DRUGS-EO14059", null),
            ("Anhui Quolvantri Industrial Co., Ltd.", "CN", "SDNTK", null),
            ("Jiangsu Varnexu Biotech Co., Ltd.", "CN", "ILLICIT-DRUGS-EO14059", null),
            ("Shandong Ylmorati Chemical Co., Ltd.", "CN", "SDNTK", null),
            ("Fujian Zelkarvo Trading Co., Ltd.", "CN", "ILLICIT-DRUGS-EO14059", null),
            ("Henan Brovaxil Pharmaceutical Co., Ltd.", "CN", "SDNTK", null),
            ("Xtrovaline Chemical Industries Co., Ltd.", "CN", "ILLICIT-DRUGS-EO14059", null),
            ("Qelvarin Biochem Co., Ltd.", "CN", "SDNTK", null),
            ("Zorvikram Organics Pvt. Ltd.", "IN", "ILLICIT-DRUGS-EO14059", "Zorvikram Chemicals"),
            ("Vexalpur Lifesciences Pvt. Ltd.", "IN", "SDNTK", null),
            ("Kwantrexa Pharma Private Limited", "IN", "ILLICIT-DRUGS-EO14059", null),
            ("Ilmavroti Intermediates Ltd.", "IN", "SDNTK", null),
            ("Druxemba Exports Pvt. Ltd.", "IN", "ILLICIT-DRUGS-EO14059", null),
            ("Ozquarel Fine Chem Pvt. Ltd.", "IN", "SDNTK", null),
            ("Plavintor Global Ltd.", "HK", "ILLICIT-DRUGS-EO14059", null),
            ("Trexomalu Holdings Limited", "HK", "SDNTK", null),
            ("Vanquor Zelthan Trading Ltd.", "HK", "ILLICIT-DRUGS-EO14059", null),
            ("Zelmorath Shipping Ltd.", "HK", "SDNTK", null),
            ("Inversiones Qalvaderos, S.A.", "PA", "ILLICIT-DRUGS-EO14059", null),
            ("Xandrivel Overseas Corp.", "PA", "SDNTK", null),
            ("Oquendrix Marine S.A.", "PA", "ILLICIT-DRUGS-EO14059", null),
            ("Falqorah General Trading LLC", "AE", "SDNTK", null),
            ("Zubravel FZE", "AE", "ILLICIT-DRUGS-EO14059", null),
            ("Korvessa Commodities DMCC", "AE", "SDNTK", null),
            ("Brexvalor Supply LLC", "US", "ILLICIT-DRUGS-EO14059", null),
            ("Yantrovix Industrial Inc.", "US", "SDNTK", "Yantrovix Industries"),
        ];

        var list = new List<SanctionsEntry>(rows.Length + 8);
        foreach (var r in rows)
        {
            list.Add(new SanctionsEntry(r.Name, r.Country, r.Program, Source, null));
            if (r.Alias is not null)
            {
                list.Add(new SanctionsEntry(r.Alias, r.Country, r.Program, Source + "; alias", r.Name));
            }
        }

        return [.. list];
    }

    /// <summary>A spelling of a sanctions name a declarant might use: case, accents, legal form or punctuation changed.</summary>
    public static string Vary(string name, int variant) => (variant % 4) switch
    {
        0 => name.ToUpperInvariant(),
        1 => StripAccents(name).Replace(",", string.Empty, StringComparison.Ordinal),
        2 => ChangeLegalForm(name),
        _ => name.Replace(".", string.Empty, StringComparison.Ordinal).Replace(",", string.Empty, StringComparison.Ordinal).ToUpperInvariant(),
    };

    private static string ChangeLegalForm(string name)
    {
        (string From, string To)[] swaps =
        [
            (", S.A. de C.V.", " SA DE CV"), (", S. de R.L. de C.V.", " S DE RL DE CV"), (" Co., Ltd.", " Company Limited"),
            (" Pvt. Ltd.", " Private Limited"), (" Private Limited", " Pvt Ltd"), (" LLC", " L.L.C."), (" Inc.", " Incorporated"),
            (" Ltd.", " Limited"), (" Limited", " Ltd"), (" Corp.", " Corporation"), (", S.A.", " SA"),
        ];
        foreach (var (from, to) in swaps)
        {
            if (name.EndsWith(from, StringComparison.Ordinal))
            {
                return name[..^from.Length] + to;
            }
        }

        return name.ToLowerInvariant();
    }

    private static string StripAccents(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                'á' => 'a', 'é' => 'e', 'í' => 'i', 'ó' => 'o', 'ú' => 'u', 'ñ' => 'n', 'ü' => 'u', 'ä' => 'a', 'ö' => 'o',
                'Á' => 'A', 'É' => 'E', 'Í' => 'I', 'Ó' => 'O', 'Ú' => 'U', 'Ñ' => 'N',
                _ => c,
            });
        }

        return sb.ToString();
    }

    private static Party[] Build(Rng rng, int count, string country, Func<string> name, Func<Rng, string> id)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<Party>(count);
        var attempts = 0;
        while (result.Count < count && attempts++ < count * 50)
        {
            var n = name();
            // Distinct after normalisation too, so two companies never share an exporter key by name.
            var key = TradeAnalyzer.Core.Text.PartyNames.Normalize(n);
            if (!seen.Add(n) || !keys.Add(key))
            {
                continue;
            }

            result.Add(new Party(n, rng.Chance(0.9) ? id(rng) : string.Empty, country));
        }

        return [.. result];
    }

    private static string Digits(Rng rng, int n)
    {
        Span<char> c = stackalloc char[n];
        for (var i = 0; i < n; i++)
        {
            c[i] = (char)('0' + rng.Next(10));
        }

        return new string(c);
    }

    private static string Letters(Rng rng, int n)
    {
        Span<char> c = stackalloc char[n];
        for (var i = 0; i < n; i++)
        {
            c[i] = (char)('A' + rng.Next(26));
        }

        return new string(c);
    }

    private static string UsId(Rng rng) => $"{Digits(rng, 2)}-{Digits(rng, 7)}";

    private static string MxId(Rng rng) =>
        Letters(rng, 3) + rng.Between(0, 25).ToString("D2", CultureInfo.InvariantCulture) + rng.Between(1, 12).ToString("D2", CultureInfo.InvariantCulture)
        + rng.Between(1, 28).ToString("D2", CultureInfo.InvariantCulture) + Letters(rng, 2) + Digits(rng, 1);

    private static string CnId(Rng rng) => "91" + Digits(rng, 6) + "MA" + Letters(rng, 2) + Digits(rng, 5) + Letters(rng, 1);

    private static string InId(Rng rng) => Digits(rng, 2) + Letters(rng, 5) + Digits(rng, 4) + Letters(rng, 1) + "1Z" + Letters(rng, 1);

    private static string DeId(Rng rng) => "DE" + Digits(rng, 9);
}
