namespace TradeAnalyzer.Ingestion;

/// <summary>
/// ISO code lists used by validation: country codes (alpha-2, and alpha-3 of the main trading countries converted to
/// alpha-2) and ISO 4217 currency codes. Returned strings are shared instances, so millions of rows do not allocate.
/// </summary>
public static class CodeLists
{
    private static readonly string[] Alpha2 = BuildAlpha2();

    private const string Alpha3Pairs =
        "MEX MX,USA US,CHN CN,IND IN,CAN CA,DEU DE,FRA FR,GBR GB,ITA IT,ESP ES,NLD NL,BEL BE,CHE CH,AUT AT,POL PL,CZE CZ," +
        "SWE SE,NOR NO,DNK DK,FIN FI,IRL IE,PRT PT,GRC GR,TUR TR,RUS RU,UKR UA,JPN JP,KOR KR,PRK KP,TWN TW,HKG HK,MAC MO," +
        "SGP SG,MYS MY,THA TH,VNM VN,IDN ID,PHL PH,PAK PK,BGD BD,LKA LK,ARE AE,SAU SA,QAT QA,KWT KW,OMN OM,BHR BH,IRN IR," +
        "IRQ IQ,ISR IL,JOR JO,LBN LB,SYR SY,EGY EG,MAR MA,DZA DZ,TUN TN,NGA NG,ZAF ZA,KEN KE,ETH ET,GHA GH,BRA BR,ARG AR," +
        "CHL CL,COL CO,PER PE,ECU EC,VEN VE,BOL BO,PRY PY,URY UY,PAN PA,CRI CR,GTM GT,HND HN,SLV SV,NIC NI,BLZ BZ,CUB CU," +
        "DOM DO,HTI HT,JAM JM,TTO TT,BHS BS,BRB BB,CYM KY,VGB VG,AUS AU,NZL NZ,LUX LU,LIE LI,MLT MT,CYP CY,HUN HU,ROU RO," +
        "BGR BG,SRB RS,HRV HR,SVN SI,SVK SK,EST EE,LVA LV,LTU LT,BLR BY,KAZ KZ,UZB UZ,AFG AF,MMR MM,KHM KH,LAO LA,NPL NP";

    private static readonly Dictionary<string, string> Alpha3 = BuildAlpha3();

    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> Alpha3Lookup =
        Alpha3.GetAlternateLookup<ReadOnlySpan<char>>();

    private const string CurrencyCodes =
        "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF " +
        "CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG " +
        "HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA " +
        "MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD " +
        "RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX " +
        "USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL CNH";

    private static readonly Dictionary<string, string> Currencies = BuildCurrencies();

    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> CurrencyLookup =
        Currencies.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Normalises a country code: two letters (any case) or a known alpha-3 code, to upper-case alpha-2.</summary>
    public static bool TryCountry(ReadOnlySpan<char> text, out string code)
    {
        var t = text.Trim();
        if (t.Length == 2 && char.IsAsciiLetter(t[0]) && char.IsAsciiLetter(t[1]))
        {
            code = Alpha2[((char.ToUpperInvariant(t[0]) - 'A') * 26) + (char.ToUpperInvariant(t[1]) - 'A')];
            return true;
        }

        if (t.Length == 3 && Alpha3Lookup.TryGetValue(t, out var a2))
        {
            code = a2;
            return true;
        }

        code = string.Empty;
        return false;
    }

    /// <summary>
    /// The code's shared instance when <paramref name="text"/> is exactly two upper-case ASCII letters (most cells): what
    /// <see cref="TryCountry"/> gives for them, without its trim and case folding. False for anything else.
    /// </summary>
    internal static bool TryUpperAlpha2(ReadOnlySpan<char> text, out string code)
    {
        if (text.Length == 2 && (uint)(text[0] - 'A') < 26 && (uint)(text[1] - 'A') < 26)
        {
            code = Alpha2[((text[0] - 'A') * 26) + (text[1] - 'A')];
            return true;
        }

        code = string.Empty;
        return false;
    }

    /// <summary>Normalises an ISO 4217 currency code (any case) to its upper-case shared instance.</summary>
    public static bool TryCurrency(ReadOnlySpan<char> text, out string code)
    {
        var t = text.Trim();
        if (CurrencyLookup.TryGetValue(t, out var c))
        {
            code = c;
            return true;
        }

        code = string.Empty;
        return false;
    }

    private static string[] BuildAlpha2()
    {
        var a = new string[26 * 26];
        for (var i = 0; i < 26; i++)
        {
            for (var j = 0; j < 26; j++)
            {
                a[(i * 26) + j] = string.Concat((char)('A' + i), (char)('A' + j));
            }
        }

        return a;
    }

    private static Dictionary<string, string> BuildAlpha3()
    {
        var d = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in Alpha3Pairs.Split(','))
        {
            d[pair[..3]] = pair[4..6];
        }

        return d;
    }

    private static Dictionary<string, string> BuildCurrencies()
    {
        var d = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in CurrencyCodes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            d[c] = c;
        }

        return d;
    }
}
