using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection;
using TradeAnalyzer.Core.Model;
using static TradeAnalyzer.UnitTests.Detection.RiskRecords;

namespace TradeAnalyzer.UnitTests.Detection;

public class PrecursorDetectorTests
{
    private static List<Flag> Flags(params DeclarationLine[] lines) => Run(new PrecursorDetector(), Context(lines));

    [Fact]
    public void Named_precursor_under_its_own_code_is_a_precursor_chemical()
    {
        var flags = Flags(Line(hs: "2939.41.01", description: "Ephedrine hydrochloride USP", value: 48_000));
        var f = Assert.Single(flags);
        Assert.Equal(FlagCode.PrecursorChemical, f.Code);
        Assert.InRange(f.Score, 70, 90);
        Assert.Equal(48_000, f.ValueAtRiskUsd);
        Assert.Contains("ephedrine", f.Explanation, StringComparison.Ordinal);
        Assert.Contains("48,000.00 USD", f.Explanation, StringComparison.Ordinal);
        Assert.Equal("D1", f.DeclarationId);
        Assert.Equal("2939.41.01", f.HsCode);
        Assert.False(string.IsNullOrEmpty(f.ExporterKey));
    }

    [Fact]
    public void Pseudoephedrine_is_not_reported_as_ephedrine()
    {
        var f = Assert.Single(Flags(Line(hs: "2939.42.01", description: "Pseudoephedrine sulfate")));
        Assert.Equal(FlagCode.PrecursorChemical, f.Code);
        Assert.Contains("pseudoephedrine", f.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain(" ephedrine (", f.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Precursor_named_under_a_residual_code_without_its_own_code_is_flagged()
    {
        var f = Assert.Single(Flags(Line(hs: "2933.39.99", description: "4-AP (4-anilinopiperidine) 99%")));
        Assert.Equal(FlagCode.PrecursorChemical, f.Code);
        Assert.Contains("4-AP", f.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_residual_code_alone_is_not_flagged_but_its_specific_codes_are()
    {
        Assert.Empty(Flags(Line(hs: "2933.39.99", description: "Heterocyclic compound, pharmaceutical intermediate")));
        Assert.Empty(Flags(Line(hs: "2926.90.99", description: "nitrile compound")));
        var f = Assert.Single(Flags(Line(hs: "2933.37.01", description: "Organic chemical")));
        Assert.Equal(FlagCode.PrecursorChemical, f.Code);
        Assert.Contains("NPP", f.Explanation, StringComparison.Ordinal);
        Assert.Equal(70, f.Score);
    }

    [Fact]
    public void Cas_number_in_the_column_or_in_the_text_identifies_the_precursor()
    {
        var byColumn = Flags(Line(hs: "2933.39.99", description: "pharmaceutical intermediate", cas: ["23056-29-3"]));
        Assert.Contains(byColumn, f => f.Code == FlagCode.PrecursorChemical && f.Explanation.Contains("CAS 23056-29-3", StringComparison.Ordinal));
        var byText = Flags(Line(hs: "2914.31.01", description: "ketone, CAS No. 103-79-7"));
        Assert.Contains(byText, f => f.Code == FlagCode.PrecursorChemical && f.Explanation.Contains("P2P", StringComparison.Ordinal));
        Assert.Empty(Flags(Line(hs: "2914.39.99", description: "ketone, CAS 103-79-8")));
    }

    [Fact]
    public void Named_precursor_under_a_foreign_code_is_misdeclared_with_the_expected_codes()
    {
        var flags = Flags(Line(hs: "2915.39.99", description: "1-boc-4-piperidone (industrial solvent)", value: 12_500));
        var mis = Assert.Single(flags, f => f.Code == FlagCode.PrecursorMisdeclared);
        Assert.Contains(flags, f => f.Code == FlagCode.PrecursorChemical);
        Assert.Equal("HS 2933.39", mis.Expected);
        Assert.Equal("HS 2915.39.99", mis.Observed);
        Assert.Contains("1-boc-4-piperidone", mis.Explanation, StringComparison.Ordinal);
        Assert.Contains("2933.39", mis.Explanation, StringComparison.Ordinal);
        Assert.InRange(mis.Score, 80, 90);
        Assert.Equal(12_500, mis.ValueAtRiskUsd);
    }

    [Fact]
    public void Pseudoephedrine_under_the_ephedrine_code_is_misdeclared_but_not_the_reverse_of_its_own_code()
    {
        Assert.Contains(Flags(Line(hs: "2939.41.01", description: "Pseudoephedrine HCl")), f => f.Code == FlagCode.PrecursorMisdeclared);
        Assert.DoesNotContain(Flags(Line(hs: "2939.42.01", description: "Pseudoephedrine HCl")), f => f.Code == FlagCode.PrecursorMisdeclared);
    }

    [Fact]
    public void Tablet_press_needs_its_code_and_a_machine_word()
    {
        var press = Assert.Single(Flags(Line(hs: "8479.89.99", description: "TDP-5 single punch tablet press")));
        Assert.Equal(FlagCode.PrecursorChemical, press.Code);
        Assert.Contains("tablet press", press.Explanation, StringComparison.Ordinal);
        Assert.Single(Flags(Line(hs: "8422.30.01", description: "Semi-automatic encapsulating machine")));
        Assert.Empty(Flags(Line(hs: "8479.89.99", description: "Industrial mixer")));
        Assert.Empty(Flags(Line(hs: "2106.90.99", description: "Encapsulated fish oil softgels")));
        Assert.Empty(Flags(Line(hs: "8422.30.01", description: "Bottle filling and capping machine")));
    }

    [Fact]
    public void Tablet_press_declared_outside_machinery_is_misdeclared()
    {
        var flags = Flags(Line(hs: "7326.90.99", description: "Used pill press, 8 stations"));
        var f = Assert.Single(flags, x => x.Code == FlagCode.PrecursorMisdeclared);
        Assert.Contains("8479.89", f.Explanation, StringComparison.Ordinal);

        // In its own heading (8479.90: parts of 8479 machines) it is equipment to look at, not a misdeclaration.
        var parts = Assert.Single(Flags(Line(hs: "8479.90.99", description: "Tablet press punches and dies")));
        Assert.Equal(FlagCode.PrecursorChemical, parts.Code);
        Assert.Equal(65, parts.Score);

        // Declared as other machinery of chapter 84 (8438.20: confectionery machines) it is misdeclared.
        var other = Flags(Line(hs: "8438.20.01", description: "Rotary tablet press, 16 stations"));
        Assert.Contains(other, x => x.Code == FlagCode.PrecursorMisdeclared);
    }

    [Fact]
    public void Invoices_are_screened_and_identified_by_number()
    {
        var ctx = Context([Line()], [Invoice(description: "Norfentanyl 1 kg", number: "F-77"), Invoice(description: "ethyl acetate", number: "F-78")]);
        var f = Assert.Single(Run(new PrecursorDetector(), ctx));
        Assert.Equal(RecordType.Invoice, f.RecordType);
        Assert.Equal("F-77", f.InvoiceNumber);
        Assert.Equal(FlagCode.PrecursorChemical, f.Code);
    }

    [Fact]
    public void Explanations_are_in_spanish_when_asked()
    {
        var ctx = Context([Line(hs: "2915.39.99", description: "4-AP")], options: new AnalysisOptions { Language = "es" });
        var mis = Assert.Single(Run(new PrecursorDetector(), ctx), f => f.Code == FlagCode.PrecursorMisdeclared);
        Assert.Contains("fracción", mis.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Many_lines_with_repeated_descriptions_give_one_flag_per_matching_line()
    {
        var lines = Enumerable.Range(0, 20_000)
            .Select(i => Line(hs: i % 100 == 0 ? "2933.39.99" : "2915.39.99", description: i % 100 == 0 ? "4-piperidone HCl" : $"ethyl acetate lot {i % 50}", id: $"D{i}"))
            .ToArray();
        var flags = Flags(lines);
        Assert.Equal(200, flags.Count(f => f.Code == FlagCode.PrecursorChemical));
        Assert.DoesNotContain(flags, f => f.Code == FlagCode.PrecursorMisdeclared);
    }

    [Fact]
    public void Lines_read_from_one_file_share_their_goods_but_each_flag_names_its_own_line_and_figures()
    {
        // Ingestion gives lines with the same code, description and unit one shared goods part; the detector evaluates
        // a part once. Each line must still get its own flags, with its own id, quantity and value.
        var csv = string.Join('\n',
            TradeAnalyzer.UnitTests.Ingestion.IngestTestData.DeclHeader,
            TradeAnalyzer.UnitTests.Ingestion.IngestTestData.DeclRow(id: "D1", qty: "100", value: "5000", hs: "2933.39.99"),
            TradeAnalyzer.UnitTests.Ingestion.IngestTestData.DeclRow(id: "D2", qty: "250", value: "12500", hs: "2933.39.99"),
            TradeAnalyzer.UnitTests.Ingestion.IngestTestData.DeclRow(id: "D3", qty: "40", value: "2000", hs: "3824.99.99"),
            TradeAnalyzer.UnitTests.Ingestion.IngestTestData.DeclRow(id: "D4", qty: "60", value: "3000", hs: "3824.99.99"))
            .Replace(",piperidone,", ",4-piperidone monohydrate,", StringComparison.Ordinal);
        var read = TradeAnalyzer.UnitTests.Ingestion.IngestTestData.Read(csv);
        var lines = read.Declarations;
        Assert.Equal(4, lines.Count);
        Assert.Same(lines[0].GoodsRef, lines[1].GoodsRef);
        Assert.Same(lines[2].GoodsRef, lines[3].GoodsRef);

        var flags = Run(new PrecursorDetector(), Context([.. lines]));
        var chemical = flags.Where(f => f.Code == FlagCode.PrecursorChemical).OrderBy(f => f.DeclarationId, StringComparer.Ordinal).ToList();
        Assert.Equal(["D1", "D2", "D3", "D4"], chemical.Select(f => f.DeclarationId));
        Assert.StartsWith("Line D1/1 (100.00 kg, 5,000.00 USD) matches the precursor watchlist: ", chemical[0].Explanation, StringComparison.Ordinal);
        Assert.StartsWith("Line D2/1 (250.00 kg, 12,500.00 USD) matches the precursor watchlist: ", chemical[1].Explanation, StringComparison.Ordinal);
        Assert.Equal(12_500, chemical[1].ValueAtRiskUsd);

        // 4-piperidone under 3824.99 is not its own code: both lines of that goods part are also misdeclared, each by name.
        var misdeclared = flags.Where(f => f.Code == FlagCode.PrecursorMisdeclared).OrderBy(f => f.DeclarationId, StringComparer.Ordinal).ToList();
        Assert.Equal(["D3", "D4"], misdeclared.Select(f => f.DeclarationId));
        Assert.StartsWith("Line D4/1 (60.00 kg, 3,000.00 USD): the description names ", misdeclared[1].Explanation, StringComparison.Ordinal);
        Assert.Equal(misdeclared[0].Expected, misdeclared[1].Expected);
    }

    [Fact]
    public void Lines_from_a_list_an_array_and_another_collection_give_the_same_flags()
    {
        // A list or an array is read as a span with the records and goods parts prefetched ahead within each range
        // (more than two ranges of lines here, flagged lines at both ends), and so are the invoices (serially); any other
        // collection one line at a time.
        (string Hs, string Description)[] goods = [("2915.39.99", "ethyl acetate"), ("2939.41.01", "Ephedrine hydrochloride USP"), ("3824.99.99", "4-piperidone monohydrate"), ("2933.39.99", "resin")];
        var lines = new List<DeclarationLine>();
        for (var i = 0; i < 40_000; i++)
        {
            var (hs, description) = goods[(i / (1 + (i % 5))) % goods.Length];
            lines.Add(Line(hs: hs, description: description, id: $"D{i}", value: 1_000 + i));
        }

        var invoices = new List<InvoiceLine>();
        for (var i = 0; i < 3_000; i++)
        {
            var (hs, description) = goods[(i / (1 + (i % 4))) % goods.Length];
            invoices.Add(Invoice(hs: hs, description: description, number: $"F{i}", value: 500 + i));
        }

        invoices[^1] = Invoice(description: "Ephedrine hydrochloride USP", number: "F-last");
        lines[0] = Line(hs: "2939.41.01", description: "Ephedrine hydrochloride USP", id: "D-first");
        lines[^1] = Line(hs: "2939.41.01", description: "Ephedrine hydrochloride USP", id: "D-last");

        static List<(string?, string?, FlagCode, double, string, string?, string?)> Sorted(List<Flag> flags) =>
            [.. flags.Select(f => (f.DeclarationId, f.InvoiceNumber, f.Code, f.Score, f.Explanation, f.Expected, f.Observed)).Order()];

        var fromList = Sorted(Run(new PrecursorDetector(), Context(lines, invoices)));
        var fromArray = Sorted(Run(new PrecursorDetector(), Context(lines.ToArray(), invoices.ToArray())));
        var fromOther = Sorted(Run(new PrecursorDetector(), Context(lines.AsReadOnly(), invoices.AsReadOnly())));
        Assert.Equal(fromOther, fromList);
        Assert.Equal(fromOther, fromArray);
        Assert.Contains(fromList, f => f.Item1 == "D-first" && f.Item3 == FlagCode.PrecursorChemical);
        Assert.Contains(fromList, f => f.Item1 == "D-last" && f.Item3 == FlagCode.PrecursorChemical);
        Assert.Contains(fromList, f => f.Item2 == "F-last" && f.Item3 == FlagCode.PrecursorChemical);
        var declarationFlags = fromList.Where(f => f.Item2 is null).ToList();
        Assert.Equal(lines.Count(d => d.Description is not "ethyl acetate" and not "resin"), declarationFlags.Count(f => f.Item3 == FlagCode.PrecursorChemical));
        Assert.Equal(lines.Count(d => d.Description == "4-piperidone monohydrate"), declarationFlags.Count(f => f.Item3 == FlagCode.PrecursorMisdeclared));
        Assert.Equal(invoices.Count(v => v.Description is not "ethyl acetate" and not "resin"), fromList.Count(f => f.Item2 is not null && f.Item3 == FlagCode.PrecursorChemical));
    }
}
