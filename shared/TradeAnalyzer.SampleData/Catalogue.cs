namespace TradeAnalyzer.SampleData;

/// <summary>The fixed commodity catalogue: ordinary goods traded into Mexico and watchlisted precursors.</summary>
internal static class Catalogue
{
    /// <summary>Sigma of ln(unit price) around the commodity median for ordinary records (truncated at 2.5 sigma).</summary>
    public const double PriceSigma = 0.25;

    /// <summary>Truncation of the price noise, in sigmas: clean records stay well inside Tukey fences (k = 1.5 is 2.7 sigma).</summary>
    public const double PriceNoiseLimit = 2.3;

    public static readonly Commodity[] Ordinary =
    [
        new("8708.99", "8180", "99", "Motor vehicle parts: gearbox housings and brackets", "Partes para vehículos automóviles: carcasas y soportes", "kg", 8.20, 2_500, 1, 3.0, "8708.29", "7326.90"),
        new("8708.30", "5090", "99", "Brake pads and brake assemblies for passenger cars", "Balatas y conjuntos de frenos para automóviles", "kg", 9.40, 1_800, 1, 2.0, "8708.40", "6813.89"),
        new("8544.42", "9090", "99", "Insulated wiring harnesses with connectors, 80 V", "Arneses eléctricos aislados con conectores, 80 V", "kg", 16.50, 900, 1, 2.0, "8544.49", "8536.69"),
        new("3901.10", "0010", "01", "Polyethylene LDPE pellets, density < 0.94", "Polietileno de baja densidad en gránulos", "kg", 1.45, 22_000, 1, 2.5, "3901.20", "2901.21"),
        new("3902.10", "0000", "01", "Polypropylene homopolymer resin in primary form", "Polipropileno homopolímero en forma primaria", "kg", 1.35, 20_000, 1, 2.0, "3902.30", "2901.22"),
        new("7208.51", "0060", "01", "Hot-rolled steel plate, thickness over 10 mm", "Placa de acero laminada en caliente, espesor superior a 10 mm", "kg", 0.92, 60_000, 1, 2.0, "7208.52", "2601.11"),
        new("7210.49", "0090", "99", "Galvanized flat-rolled steel coils", "Lámina de acero galvanizada en rollo", "kg", 1.12, 45_000, 1, 1.5, "7210.41", "2608.00"),
        new("7606.12", "3090", "99", "Aluminium alloy sheet, rectangular", "Lámina de aleación de aluminio, rectangular", "kg", 3.60, 15_000, 1, 1.2, "7606.11", "2606.00"),
        new("0804.40", "0000", "01", "Fresh Hass avocados", "Aguacates Hass frescos", "kg", 2.30, 18_000, 1, 1.5, "0804.50", "2008.99"),
        new("1005.90", "2030", "04", "Yellow dent corn, not for seed", "Maíz amarillo, excepto para siembra", "kg", 0.24, 90_000, 1, 2.0, "1005.10", "1102.20"),
        new("1201.90", "0095", "01", "Soybeans, whether or not broken, not for seed", "Frijol de soya, excepto para siembra", "kg", 0.46, 80_000, 1, 1.5, "1201.10", "2304.00"),
        new("0207.14", "0020", "04", "Frozen chicken leg quarters", "Piernas y muslos de pollo congelados", "kg", 2.40, 24_000, 1, 1.5, "0207.13", "1602.32"),
        new("8471.30", "0100", "01", "Portable laptop computers, 14 inch", "Computadoras portátiles de 14 pulgadas", "u", 460.00, 600, 2.1, 1.8, "8471.41", "8528.52"),
        new("8517.13", "0000", "01", "Smartphones, 128 GB", "Teléfonos inteligentes de 128 GB", "u", 310.00, 1_200, 0.35, 1.5, "8517.14", "8525.89"),
        new("8528.72", "6400", "99", "LED television receivers, 55 inch", "Televisores LED de 55 pulgadas", "u", 290.00, 400, 16, 1.2, "8528.71", "9405.42"),
        new("6109.10", "0012", "01", "Men's cotton knitted T-shirts", "Camisetas de punto de algodón para hombre", "u", 3.60, 12_000, 0.2, 1.5, "6109.90", "5208.52"),
        new("6203.42", "4015", "01", "Men's cotton denim trousers", "Pantalones de mezclilla de algodón para hombre", "u", 9.50, 6_000, 0.6, 1.2, "6203.43", "5209.42"),
        new("9403.60", "8081", "99", "Wooden office furniture, desks", "Muebles de madera para oficina, escritorios", "u", 125.00, 250, 28, 1.2, "9403.30", "4421.99"),
        new("9401.61", "6011", "01", "Upholstered seats with wooden frames", "Asientos tapizados con armazón de madera", "u", 96.00, 300, 18, 1.0, "9401.69", "4418.99"),
        new("3004.90", "9215", "99", "Medicaments in measured doses for retail sale: antibiotics", "Medicamentos dosificados para venta al por menor: antibióticos", "kg", 62.00, 700, 1, 1.5, "3004.20", "2106.90"),
        new("3102.10", "0000", "01", "Urea fertiliser, granular, 46% N", "Urea fertilizante granulada, 46% N", "kg", 0.38, 100_000, 1, 1.5, "3102.30", "2814.10"),
        new("3105.20", "0000", "01", "NPK mineral fertiliser 15-15-15", "Fertilizante mineral NPK 15-15-15", "kg", 0.52, 60_000, 1, 1.2, "3105.30", "2510.10"),
        new("2902.30", "0000", "01", "Toluene, industrial grade, in isotanks", "Tolueno grado industrial en isotanques", "kg", 1.02, 20_000, 1, 1.2, "2902.41", "2710.12"),
        new("2914.11", "0000", "01", "Acetone, technical grade, in drums", "Acetona grado técnico en tambores", "kg", 1.10, 16_000, 1, 1.2, "2914.12", "3814.00"),
        new("2905.11", "0000", "01", "Methanol, industrial grade", "Metanol grado industrial", "kg", 0.45, 40_000, 1, 1.0, "2905.12", "2710.19"),
        new("2815.12", "0000", "01", "Sodium hydroxide in aqueous solution (caustic soda lye)", "Hidróxido de sodio en solución acuosa (sosa cáustica)", "kg", 0.55, 30_000, 1, 1.0, "2815.11", "3402.90"),
        new("3208.10", "0000", "01", "Polyester based industrial paints and varnishes", "Pinturas y barnices industriales a base de poliésteres", "kg", 4.60, 5_000, 1, 1.2, "3208.20", "2707.50"),
        new("4011.10", "1010", "01", "New pneumatic radial tyres for passenger cars", "Llantas neumáticas radiales nuevas para automóviles", "u", 76.00, 900, 9, 1.5, "4011.20", "8708.70"),
        new("8414.30", "8030", "99", "Refrigeration compressors, hermetic", "Compresores herméticos para refrigeración", "u", 185.00, 500, 11, 1.2, "8414.80", "7326.90"),
        new("8481.80", "9050", "99", "Industrial ball valves of stainless steel", "Válvulas de bola industriales de acero inoxidable", "kg", 26.00, 1_500, 1, 1.2, "8481.30", "7307.21"),
        new("3923.30", "0090", "01", "PET preforms for plastic bottles", "Preformas de PET para botellas de plástico", "kg", 2.20, 12_000, 1, 1.2, "3923.50", "7010.90"),
        new("4819.10", "0040", "01", "Corrugated cardboard boxes", "Cajas de cartón corrugado", "kg", 1.25, 14_000, 1, 1.0, "4819.20", "3923.10"),
    ];

    public static readonly Commodity[] Precursors =
    [
        new Commodity("2933.39", "6100", "99", "4-AP (4-anilinopiperidine), 99% purity", "4-AP (4-anilinopiperidina), pureza 99%", "kg", 48.00, 200, 1, 1.0, "", "") { Precursor = "4-AP", Cas = "23056-29-3" },
        new Commodity("2933.39", "6100", "99", "1-boc-4-AP (tert-butyl 4-(phenylamino)piperidine-1-carboxylate)", "1-boc-4-AP (tert-butil 4-(fenilamino)piperidina-1-carboxilato)", "kg", 48.00, 150, 1, 1.0, "", "") { Precursor = "1-boc-4-AP", Cas = "125541-22-2" },
        new Commodity("2933.39", "6100", "99", "4-piperidone monohydrate hydrochloride", "Clorhidrato de 4-piperidona monohidratada", "kg", 48.00, 250, 1, 1.0, "", "") { Precursor = "4-piperidone", Cas = "40064-34-4" },
        new Commodity("2933.39", "6100", "99", "N-boc-4-piperidone (1-boc-4-piperidone)", "N-boc-4-piperidona (1-boc-4-piperidona)", "kg", 48.00, 200, 1, 1.0, "", "") { Precursor = "1-boc-4-piperidone", Cas = "79099-07-3" },
        new Commodity("2933.37", "0000", "01", "NPP (N-phenethyl-4-piperidone)", "NPP (N-fenetil-4-piperidona)", "kg", 65.00, 100, 1, 0.6, "", "") { Precursor = "NPP", Cas = "39742-60-4" },
        new Commodity("2916.34", "0000", "01", "Phenylacetic acid, 99%", "Ácido fenilacético, 99%", "kg", 4.20, 2_000, 1, 1.0, "", "") { Precursor = "phenylacetic acid", Cas = "103-82-2" },
        new Commodity("2939.41", "0000", "01", "Ephedrine hydrochloride USP", "Clorhidrato de efedrina USP", "kg", 95.00, 100, 1, 0.8, "", "") { Precursor = "ephedrine", Cas = "50-98-6" },
        new Commodity("2939.42", "0000", "01", "Pseudoephedrine hydrochloride USP", "Clorhidrato de pseudoefedrina USP", "kg", 90.00, 150, 1, 0.8, "", "") { Precursor = "pseudoephedrine", Cas = "345-78-8" },
        new Commodity("2914.31", "0000", "01", "Phenylacetone (P2P, 1-phenyl-2-propanone)", "Fenilacetona (P2P, 1-fenil-2-propanona)", "kg", 12.50, 500, 1, 0.6, "", "") { Precursor = "P2P", Cas = "103-79-7" },
        new Commodity("2921.11", "0000", "01", "Methylamine 40% aqueous solution", "Metilamina solución acuosa al 40%", "kg", 1.60, 8_000, 1, 1.0, "", "") { Precursor = "methylamine", Cas = "74-89-5" },
        new Commodity("2926.90", "4890", "99", "Benzyl cyanide (phenylacetonitrile)", "Cianuro de bencilo (fenilacetonitrilo)", "kg", 3.10, 2_000, 1, 0.8, "", "") { Precursor = "benzyl cyanide", Cas = "140-29-4" },
        new Commodity("8479.89", "9499", "99", "Rotary tablet press (tableting machine), 27 stations, with punch and die sets", "Máquina tableteadora rotativa (rotary tablet press), 27 estaciones, con punzones y matrices", "u", 18_500.00, 2, 1_150, 0.8, "", "") { Precursor = "tablet press" },
        new Commodity("8422.30", "9180", "99", "Automatic capsule filling machine (encapsulator)", "Máquina llenadora de cápsulas automática (capsule filler)", "u", 24_000.00, 1, 900, 0.6, "", "") { Precursor = "capsule filling machine" },
    ];

    /// <summary>Descriptions that name a precursor (or its CAS number) for goods declared under an unrelated HS code.</summary>
    public static readonly (string Description, string Cas, string Hs, string Precursor, double MedianUsd)[] Misdeclared =
    [
        ("4-piperidone hydrochloride", "", "3824.99.99", "4-piperidone", 48),
        ("Intermediario químico orgánico CAS 79099-07-3", "", "2915.39.99", "1-boc-4-piperidone", 48),
        ("Reactivo de laboratorio: 4-anilinopiperidine (4-AP)", "", "3822.19.99", "4-AP", 48),
        ("Pharmaceutical intermediate tert-butyl 4-(phenylamino)piperidine-1-carboxylate", "125541-22-2", "2942.00.99", "1-boc-4-AP", 48),
        ("Aromatic ketone solvent (benzyl methyl ketone)", "", "2914.19.99", "P2P", 12.5),
        ("Organic acid for perfumery, alpha-toluic acid", "103-82-2", "2915.90.99", "phenylacetic acid", 4.2),
        ("Food additive mixture, CAS 345-78-8", "", "2106.90.99", "pseudoephedrine", 90),
        ("Industrial machine for confectionery (tablet press)", "", "8438.20.99", "tablet press", 18_500),
    ];

    /// <summary>Generic descriptions for VAGUE_DESCRIPTION (chemical, parts, other).</summary>
    public static readonly string[] VagueChemical = ["chemicals", "productos químicos", "chemical products", "samples"];

    public static readonly string[] VagueParts = ["parts", "partes", "spare parts", "samples"];

    public static readonly string[] VagueOther = ["mercancía general", "general merchandise", "goods", "varios", "samples"];
}
