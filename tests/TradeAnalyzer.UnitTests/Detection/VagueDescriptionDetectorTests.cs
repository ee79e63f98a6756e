using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.UnitTests.Baselines;

namespace TradeAnalyzer.UnitTests.Detection;

public class VagueDescriptionDetectorTests
{
    [Theory]
    [InlineData("chemicals")]
    [InlineData("Chemical Products")]
    [InlineData("SAMPLES")]
    [InlineData("spare parts")]
    [InlineData("General cargo")]
    [InlineData("goods")]
    [InlineData("Merchandise")]
    [InlineData("various")]
    [InlineData("machinery")]
    [InlineData("parts of machinery")]
    [InlineData("Productos químicos")]
    [InlineData("MERCANCÍA")]
    [InlineData("muestras")]
    [InlineData("partes y refacciones")]
    [InlineData("varios")]
    [InlineData("  refacciones. ")]
    [InlineData("various spare parts")]
    public void Generic_descriptions_are_vague(string description) =>
        Assert.True(VagueDescriptionDetector.IsVague(description));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("ephedrine hydrochloride chemical grade")]
    [InlineData("4-piperidone hydrochloride")]
    [InlineData("N-phenethyl-4-piperidone (NPP)")]
    [InlineData("spare parts for tablet press TDP-5")]
    [InlineData("muestras de ácido fenilacético")]
    [InlineData("acetone 99.5%")]
    [InlineData("chemical products chemical products samples various")]
    [InlineData("sodium hydroxide")]
    public void Specific_or_missing_descriptions_are_not_vague(string? description) =>
        Assert.False(VagueDescriptionDetector.IsVague(description));

    [Fact]
    public void Flag_names_the_description_and_rates_chemicals_higher()
    {
        var lines = new[]
        {
            TestLines.Line("2933.39", 10, quantity: 500, description: "Chemicals", id: "CHEM"),
            TestLines.Line("8431.49", 10, quantity: 500, description: "spare parts", id: "PARTS"),
            TestLines.Line("2933.39", 10, quantity: 500, description: "4-anilinopiperidine", id: "OK"),
        };
        var flags = TestLines.Run(new VagueDescriptionDetector(), TestLines.Context(lines)).OrderBy(f => f.DeclarationId).ToList();
        Assert.Equal(["CHEM", "PARTS"], flags.Select(f => f.DeclarationId));
        Assert.Equal(VagueDescriptionDetector.ChemicalScore, flags[0].Score);
        Assert.Equal(VagueDescriptionDetector.BaseScore, flags[1].Score);
        Assert.Equal("The description \"Chemicals\" for HS 2933.39 (5,000.00 USD) is too generic to identify the goods; it names no chemical or CAS number.", flags[0].Explanation);
        Assert.Equal(Severity.Medium, flags[1].Severity);

        var es = TestLines.Run(new VagueDescriptionDetector(), TestLines.Context([lines[1]], new AnalysisOptions { Language = "es" }));
        Assert.StartsWith("La descripción \"spare parts\"", Assert.Single(es).Explanation);
    }

    [Fact]
    public void Verdicts_kept_by_string_instance_flag_exactly_the_vague_lines()
    {
        // Equal texts in different instances, blanks and nulls, in runs and scattered, over several threads.
        var texts = new[] { "chemicals", "ephedrine hydrochloride", "  ", "spare parts", "Cajas de cartón corrugado", "varios", "" };
        var random = new Random(9);
        var lines = new List<DeclarationLine>();
        string? previous = null;
        for (var i = 0; i < 20_000; i++)
        {
            var pick = random.Next(texts.Length + 1);
            var description = random.Next(3) == 0 ? previous
                : pick == texts.Length ? null
                : random.Next(2) == 0 ? texts[pick] : new string(texts[pick].AsSpan());
            lines.Add(TestLines.Line("293339", 10, description: description, id: $"V{i}"));
            previous = description;
        }

        var flags = TestLines.Run(new VagueDescriptionDetector(), TestLines.Context(lines));
        var expected = lines.Where(l => VagueDescriptionDetector.IsVague(l.Description)).Select(l => l.DeclarationId).Order(StringComparer.Ordinal);
        Assert.Equal(expected, flags.Select(f => f.DeclarationId).Order(StringComparer.Ordinal));
        var byId = lines.ToDictionary(l => l.DeclarationId);
        Assert.All(flags, f => Assert.Equal(byId[f.DeclarationId!].Description!.Trim(), f.Observed));
    }

    [Fact]
    public void Lines_from_a_list_an_array_and_another_collection_give_the_same_flags()
    {
        // A list or an array is read as a span with the records and goods parts prefetched ahead within each range
        // (more than two ranges of lines here, vague lines at both ends); any other collection one line at a time.
        var texts = new[] { "chemicals", "ephedrine hydrochloride", "spare parts", "Cajas de cartón corrugado", "varios" };
        var lines = new List<DeclarationLine>();
        for (var i = 0; i < 40_000; i++)
        {
            lines.Add(TestLines.Line("293339", 10, description: texts[(i / (1 + (i % 5))) % texts.Length], id: $"V{i}"));
        }

        lines[0] = TestLines.Line("293339", 10, description: "goods", id: "V-first");
        lines[^1] = TestLines.Line("293339", 10, description: "goods", id: "V-last");

        static List<(string?, string?, string)> Sorted(List<Flag> flags) =>
            [.. flags.Select(f => (f.DeclarationId, f.Observed, f.Explanation)).Order()];

        var fromList = Sorted(TestLines.Run(new VagueDescriptionDetector(), TestLines.Context(lines)));
        var fromArray = Sorted(TestLines.Run(new VagueDescriptionDetector(), TestLines.Context(lines.ToArray())));
        var fromOther = Sorted(TestLines.Run(new VagueDescriptionDetector(), TestLines.Context(lines.AsReadOnly())));
        Assert.Equal(fromOther, fromList);
        Assert.Equal(fromOther, fromArray);
        Assert.Contains(fromList, f => f.Item1 == "V-first");
        Assert.Contains(fromList, f => f.Item1 == "V-last");
        Assert.Equal(lines.Count(l => VagueDescriptionDetector.IsVague(l.Description)), fromList.Count);
    }

    [Fact]
    public void A_lone_surrogate_in_the_description_is_kept_as_the_string_path_keeps_it()
    {
        var description = " goods \ud800 ";
        var flag = Assert.Single(TestLines.Run(new VagueDescriptionDetector(), TestLines.Context([TestLines.Line("8431.49", 10, quantity: 500, description: description, id: "X")])));
        Assert.False(flag.Texts.IsUtf8);
        Assert.Equal("goods \ud800", flag.Observed);
        Assert.StartsWith("The description \"goods \ud800\" for HS 8431.49 ", flag.Explanation, StringComparison.Ordinal);
    }
}
