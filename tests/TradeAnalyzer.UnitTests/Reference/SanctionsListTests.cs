using System.Diagnostics;
using System.Globalization;
using TradeAnalyzer.Core.Reference;
using TradeAnalyzer.Core.Text;
using TradeAnalyzer.UnitTests.Detection;

namespace TradeAnalyzer.UnitTests.Reference;

public class SanctionsListTests
{
    private static readonly string[][] Sdn =
    [
        ["36", "AEROCARIBBEAN AIRLINES", "-0-", "CUBA", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-"],
        ["9001", "ACME QUIMICA, S.A. DE C.V.", "-0-", "SDNTK] [ILLICIT-DRUGS-EO14059", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "Linked To: GUZMAN LOERA, Joaquin."],
        ["9002", "GUZMAN LOERA, Joaquin", "individual", "SDNTK", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "DOB 04 Apr 1957"],
        ["9003", "HUBEI AMARVEL BIOTECH CO., LTD.", "-0-", "ILLICIT-DRUGS-EO14059", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-", "-0-"],
        ["\u001a"],
    ];

    private static readonly string[][] Alt =
    [
        ["9003", "501", "aka", "AMARVEL BIOTECHNOLOGY", "-0-"],
        ["9002", "502", "aka", "EL CHAPO", "-0-"],
    ];

    private static SanctionsList SdnList() => SanctionsList.Parse(Sdn, Alt);

    [Fact]
    public void Parse_reads_sdn_csv_with_empty_markers_programs_and_aliases()
    {
        var list = SdnList();
        Assert.Equal(4, list.Entries.Count);
        var acme = list.Entries.Single(e => e.Id == "9001");
        Assert.Equal("SDNTK; ILLICIT-DRUGS-EO14059", acme.Program);
        Assert.Equal("OFAC SDN", acme.Source);
        Assert.Empty(acme.Aliases);
        Assert.Equal(["AMARVEL BIOTECHNOLOGY"], list.Entries.Single(e => e.Id == "9003").Aliases);
    }

    [Fact]
    public void Parse_reads_the_plain_list_with_header()
    {
        var list = SanctionsList.Parse(RiskRecords.Rows("name,country,program,source\nQuimica Delta SA de CV,mx,SDNTK,UIF list\n,,,\n"));
        var e = Assert.Single(list.Entries);
        Assert.Equal("MX", e.Country);
        Assert.Equal("UIF list", e.Source);
        Assert.Same(SanctionsList.Empty, SanctionsList.Parse([]));
        Assert.Throws<InvalidDataException>(() => SanctionsList.Parse(RiskRecords.Rows("party_id,country\n1,MX\n")));
    }

    [Theory]
    [InlineData("Acme Quimica SA de CV", "9001")]
    [InlineData("ACME QUÍMICA, S.A. de C.V.", "9001")]
    [InlineData("Quimica Acme S.A.", "9001")]
    [InlineData("Acme Quimca SA de CV", "9001")]
    [InlineData("Joaquin Guzman Loera", "9002")]
    [InlineData("Hubei Amarvel Biotech Company Limited", "9003")]
    [InlineData("Amarvel Biotechnology Co Ltd", "9003")]
    public void Screen_matches_despite_legal_forms_order_accents_and_typos(string name, string id)
    {
        var m = SdnList().Screener.Screen(name, 0.92);
        Assert.Equal(id, Assert.Single(m).Entry.Id);
        Assert.InRange(m[0].Similarity, 0.92, 1.0);
    }

    [Theory]
    [InlineData("Acme Industrial Supplies")]
    [InlineData("Acme Quimica Delta Internacional")]
    [InlineData("Hubei Xinrunde Chemical Co., Ltd.")]
    [InlineData("Aerolineas Caribe")]
    [InlineData("Guzman Hermanos SA")]
    [InlineData("")]
    public void Screen_does_not_match_near_misses(string name) => Assert.Empty(SdnList().Screener.Screen(name, 0.92));

    [Fact]
    public void A_shared_common_word_is_not_a_match()
    {
        var list = SanctionsList.Parse(RiskRecords.Rows("name,country,program,source\nGlobal International Ltd,AE,SDNTK,test\n"));
        Assert.Empty(list.Screener.Screen("International Trading Co.", 0.92));
        Assert.Single(list.Screener.Screen("Global International Limited", 0.92));
        Assert.True(SanctionsScreener.Similarity(PartyNames.Tokens("International Trading Co."), PartyNames.Tokens("Global International Ltd")) < 0.9);
    }

    [Fact]
    public void Alias_match_names_the_alias()
    {
        var m = Assert.Single(SdnList().Screener.Screen("El Chapo", 0.92));
        Assert.True(m.IsAlias);
        Assert.Equal("EL CHAPO", m.MatchedName);
        Assert.Equal("GUZMAN LOERA, Joaquin", m.Entry.Name);
    }

    [Fact]
    public void Screening_a_20000_entry_list_uses_the_index_and_stays_fast()
    {
        var list = SyntheticList(20_000, seed: 7);
        var screener = list.Screener;
        Assert.True(screener.IndexedNames >= 20_000);
        var probes = list.Entries.Take(1_000).Select(e => e.Name.ToLowerInvariant() + " s.a. de c.v.").ToList();
        var noise = Enumerable.Range(0, 1_000).Select(i => $"Comercializadora {i.ToString(CultureInfo.InvariantCulture)} Norte").ToList();
        var sw = Stopwatch.StartNew();
        var found = probes.Count(p => screener.Screen(p, 0.92).Count > 0);
        var falsePositives = noise.Count(p => screener.Screen(p, 0.92).Count > 0);
        sw.Stop();
        Assert.Equal(1_000, found);
        Assert.Equal(0, falsePositives);
        Assert.True(sw.ElapsedMilliseconds < 5_000, $"2,000 screenings took {sw.ElapsedMilliseconds} ms");
    }

    /// <summary>A synthetic list of company names drawn from a small vocabulary, as OFAC-like as it needs to be.</summary>
    internal static SanctionsList SyntheticList(int count, int seed)
    {
        string[] first = ["Global", "Pacific", "Golden", "Royal", "United", "Eastern", "Western", "Northern", "Southern", "Grand", "Silver", "Dragon", "Phoenix", "Star", "Ocean", "Sunrise", "Atlas", "Delta", "Alpha", "Omega", "Hubei", "Wuhan", "Shanghai", "Guangzhou", "Sinaloa", "Jalisco", "Culiacan", "Tijuana", "Mumbai", "Hyderabad"];
        string[] second = ["Chemical", "Pharma", "Biotech", "Trading", "Logistics", "Import", "Export", "Industrial", "Technology", "Materials", "Medical", "Holdings", "Investment", "Shipping", "Supply"];
        var rng = new Random(seed);
        var entries = new List<SanctionsEntry>(count);
        for (var i = 0; i < count; i++)
        {
            var name = $"{first[rng.Next(first.Length)]} {Syllables(rng)} {second[rng.Next(second.Length)]} Co., Ltd.";
            entries.Add(new SanctionsEntry((i + 1).ToString(CultureInfo.InvariantCulture), name, i % 4 == 0 ? [Syllables(rng) + " " + Syllables(rng)] : [], null, "SDNTK", "OFAC SDN"));
        }

        return new SanctionsList(entries);
    }

    private static string Syllables(Random rng)
    {
        string[] s = ["ka", "lo", "mi", "ra", "te", "zu", "xin", "hao", "wei", "run", "de", "ta", "mar", "vel", "quo", "pen", "dor", "li"];
        var n = rng.Next(2, 4);
        var parts = new string[n];
        for (var i = 0; i < n; i++)
        {
            parts[i] = s[rng.Next(s.Length)];
        }

        var w = string.Concat(parts);
        return char.ToUpperInvariant(w[0]) + w[1..];
    }
}
