namespace TradeAnalyzer.SampleData;

/// <summary>Transport modes, ports and clean or risky routings per corridor.</summary>
internal static class Geography
{
    public static readonly (string Us, string Mx, string Aduana)[] RoadCrossings =
    [
        ("Laredo, TX", "Nuevo Laredo, Tamps.", "24"), ("El Paso, TX", "Ciudad Juárez, Chih.", "07"), ("Otay Mesa, CA", "Tijuana, B.C.", "40"),
        ("Nogales, AZ", "Nogales, Son.", "02"), ("Pharr, TX", "Reynosa, Tamps.", "30"),
    ];

    public static readonly (string Us, string Mx, string Aduana)[] RailCrossings =
    [
        ("Laredo, TX", "Nuevo Laredo, Tamps.", "24"), ("Eagle Pass, TX", "Piedras Negras, Coah.", "22"), ("El Paso, TX", "Ciudad Juárez, Chih.", "07"),
    ];

    public static readonly string[] UsAirports = ["Los Angeles (LAX)", "Dallas-Fort Worth (DFW)", "Miami (MIA)", "Chicago (ORD)"];

    public static readonly string[] UsSeaports = ["Houston, TX", "New Orleans, LA", "Los Angeles, CA"];

    public static readonly (string Port, string Aduana)[] MxAirports = [("AICM Ciudad de México", "47"), ("Guadalajara (GDL)", "73"), ("Monterrey (MTY)", "19"), ("Querétaro (QRO)", "64")];

    public static readonly (string Port, string Aduana)[] MxGulfPorts = [("Veracruz, Ver.", "43"), ("Altamira, Tamps.", "81")];

    public static readonly (string Port, string Aduana)[] MxPacificPorts = [("Manzanillo, Col.", "16"), ("Lázaro Cárdenas, Mich.", "51")];

    public static readonly string[] CnSeaports = ["Shanghai", "Shenzhen (Yantian)", "Ningbo", "Qingdao"];

    public static readonly string[] CnAirports = ["Shanghai (PVG)", "Guangzhou (CAN)"];

    public static readonly string[] InSeaports = ["Nhava Sheva", "Mundra", "Chennai"];

    public static readonly string[] InAirports = ["Mumbai (BOM)", "Hyderabad (HYD)"];

    public static readonly string[] DeSeaports = ["Hamburg", "Bremerhaven"];

    public static readonly string[] DeAirports = ["Frankfurt (FRA)"];

    /// <summary>High-risk transit or origin countries (FATF call for action) used only by planted HIGH_RISK_ROUTE records.</summary>
    public static readonly string[] HighRisk = ["KP", "IR", "MM"];

    /// <summary>Implausible routings through several re-export hubs (each hub alone is not high risk).</summary>
    public static readonly string[] HubChains = ["HK;AE;PA", "SG;AE;NL;PA", "HK;SG;AE", "AE;CH;PA", "HK;BE;PA"];

    public static double CifFactor(string mode) => mode switch
    {
        "sea" => 1.07,
        "air" => 1.13,
        "road" => 1.03,
        _ => 1.04,
    };
}
