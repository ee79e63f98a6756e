using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Reference;
using TradeAnalyzer.UnitTests.Detection;

namespace TradeAnalyzer.UnitTests.Reference;

public class WatchlistTests
{
    private static List<string> Names(string text) =>
        Watchlist.Default.MatchText(text).Where(h => h.Kind is WatchlistHitKind.Name or WatchlistHitKind.Cas).Select(h => h.Entry.Name).Distinct().ToList();

    [Fact]
    public void Default_loads_the_embedded_precursor_list()
    {
        var w = Watchlist.Default;
        Assert.True(w.Entries.Count >= 20);
        var fourAp = Assert.Single(w.Entries, e => e.Name == "4-AP");
        Assert.Equal(["23056-29-3"], fourAp.CasNumbers);
        Assert.Equal(["2933.39"], fourAp.HsCodes);
        Assert.True(w.Entries.Single(e => e.Name == "tablet press").IsEquipment);
        Assert.False(fourAp.IsEquipment);
    }

    [Theory]
    [InlineData("Ephedrine hydrochloride USP", "ephedrine")]
    [InlineData("EFEDRINA / ephedrine sulfate 25 kg drums", "ephedrine")]
    [InlineData("Pseudoephedrine HCl", "pseudoephedrine")]
    [InlineData("PSEUDOEPHEDRINE SULFATE", "pseudoephedrine")]
    [InlineData("Norephedrine (phenylpropanolamine)", "norephedrine")]
    [InlineData("4-AP, 98% purity", "4-AP")]
    [InlineData("N-phenylpiperidin-4-amine", "4-AP")]
    [InlineData("1-boc-4-AP", "1-boc-4-AP")]
    [InlineData("tert-butyl 4-(phenylamino)piperidine-1-carboxylate", "1-boc-4-AP")]
    [InlineData("4-anilinopiperidine", "4-AP")]
    [InlineData("1-boc-4-anilinopiperidine", "1-boc-4-AP")]
    [InlineData("N-BOC-4-piperidone", "1-boc-4-piperidone")]
    [InlineData("4-Piperidone monohydrate hydrochloride", "4-piperidone")]
    [InlineData("N-phenethyl-4-piperidone", "NPP")]
    [InlineData("despropionyl fentanyl", "ANPP")]
    [InlineData("Norfentanyl reference standard", "norfentanyl")]
    [InlineData("Fenilacetona / phenylacetone", "P2P")]
    [InlineData("BMK oil", "P2P")]
    [InlineData("Químico industrial CAS 103-79-7", "P2P")]
    public void MatchText_finds_exactly_the_named_precursor(string text, string expected) =>
        Assert.Equal([expected], Names(text));

    [Theory]
    [InlineData("ethyl acetate")]
    [InlineData("Pseudoephedrine-free cold remedy tablets")]
    [InlineData("methylamines mixture")]
    [InlineData("PMKX resin")]
    [InlineData("pharmaceutical grade sugar, CAS 57-50-1")]
    [InlineData("CAS 103-79-8 (wrong check digit)")]
    [InlineData("safroles")]
    public void MatchText_ignores_near_misses(string text) => Assert.Empty(Names(text));

    [Fact]
    public void Pseudoephedrine_does_not_also_match_ephedrine()
    {
        var hits = Watchlist.Default.MatchText("pseudoephedrine");
        Assert.DoesNotContain(hits, h => h.Entry.Name == "ephedrine");
    }

    [Fact]
    public void Machine_phrases_and_words_are_told_apart()
    {
        var press = Watchlist.Default.MatchText("Rotary TABLET PRESS 35 stations");
        Assert.Contains(press, h => h.Entry.Name == "tablet press" && h.Kind == WatchlistHitKind.Machine);
        var encapsulated = Watchlist.Default.MatchText("Encapsulated fish oil softgels");
        Assert.All(encapsulated, h => Assert.Equal(WatchlistHitKind.MachineWord, h.Kind));
        Assert.Contains(Watchlist.Default.MatchText("Máquina encapsuladora automática"), h => h.Entry.Name == "capsule filling machine" && h.Kind == WatchlistHitKind.Machine);
    }

    [Fact]
    public void SpecificEntryFor_uses_own_subheadings_but_not_residual_or_shared_ones()
    {
        var w = Watchlist.Default;
        Assert.Equal("ephedrine", w.SpecificEntryFor(HsCode.Parse("2939.41.01"))?.Name);
        Assert.Equal("ANPP", w.SpecificEntryFor(HsCode.Parse("2933.36"))?.Name);
        Assert.Null(w.SpecificEntryFor(HsCode.Parse("2933.39.99"))); // 'other': shared by five precursors and many innocent goods
        Assert.Null(w.SpecificEntryFor(HsCode.Parse("2926.90.99"))); // residual subheading
        Assert.Null(w.SpecificEntryFor(HsCode.Parse("8479.89.99"))); // machines need a keyword too
        Assert.Null(w.SpecificEntryFor(HsCode.Parse("2915.39.99")));
    }

    [Fact]
    public void Parse_reads_a_custom_list_and_its_aliased_headers()
    {
        var w = Watchlist.Parse(RiskRecords.Rows("Name,Synonym,CAS,HS\ngamma-butyrolactone,GBL,96-48-0,2932.20\n,,,\n"));
        var e = Assert.Single(w.Entries);
        Assert.Equal(["GBL"], e.Synonyms);
        Assert.Equal("gamma-butyrolactone", Assert.Single(w.MatchText("GBL solvent")).Entry.Name);
        Assert.Equal(e, Assert.Single(w.FindByCas("96-48-0")));
    }

    [Fact]
    public void Parse_without_a_name_column_is_an_error() =>
        Assert.Throws<InvalidDataException>(() => Watchlist.Parse(RiskRecords.Rows("id,cas\n1,96-48-0\n")));
}
