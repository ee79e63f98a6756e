using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection.Invoices;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Handlers.Analysis;
using TradeAnalyzer.SampleData;

namespace TradeAnalyzer.UnitTests.Handlers;

/// <summary>The invoice index built while the other files are still being read (<see cref="PipelineInputs.InvoiceIndexAhead"/>).</summary>
public sealed class InvoiceIndexAheadTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ta-ahead-" + Guid.NewGuid().ToString("N"));

    public InvoiceIndexAheadTests() => SampleGenerator.Write(_dir, new SampleOptions { Shipments = 500 });

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private AnalysisRequest Request(params string[] files) => new()
    {
        Files = [.. files.Select(f => InputFile.FromPath(Path.Combine(_dir, f)))],
        FxFiles = [InputFile.FromPath(Path.Combine(_dir, "fx.csv"))],
        SanctionsFiles = [InputFile.FromPath(Path.Combine(_dir, "sanctions.csv"))],
    };

    [Fact]
    public void One_invoices_file_gets_its_index_ahead_and_the_findings_are_those_of_an_index_built_in_the_analysis()
    {
        var pipeline = new AnalysisPipeline();
        var inputs = pipeline.Read(Request("declarations.csv", "invoices.csv"));

        Assert.NotNull(inputs.InvoiceIndexAhead);
        Assert.NotEmpty(inputs.Invoices);
        var ahead = pipeline.Analyze(inputs);
        var inline = pipeline.Analyze(inputs with { InvoiceIndexAhead = null });

        Assert.Contains(ahead.Result.Flags, f => f.Code is FlagCode.InvoiceValueMismatch or FlagCode.ThirdPartyPayment);
        Assert.Equal(inline.Result.Flags.Select(f => (f.Key, f.Score, f.Explanation)), ahead.Result.Flags.Select(f => (f.Key, f.Score, f.Explanation)));
    }

    [Fact]
    public async Task The_index_ahead_is_taken_only_for_the_list_it_was_built_from()
    {
        var inputs = new AnalysisPipeline().Read(Request("invoices.csv"));
        var index = inputs.InvoiceIndexAhead!;
        var built = await index;
        var copy = inputs.Invoices.ToList();

        var other = new AnalysisContext { Declarations = [], Invoices = copy };
        Assert.False(InvoiceIndex.UseAhead(other, inputs.Invoices, index));
        Assert.NotSame(built, InvoiceIndex.For(other));

        var same = new AnalysisContext { Declarations = [], Invoices = inputs.Invoices };
        Assert.True(InvoiceIndex.UseAhead(same, inputs.Invoices, index));
        Assert.Same(built, InvoiceIndex.For(same));
        Assert.False(InvoiceIndex.UseAhead(same, inputs.Invoices, index)); // it has one now
    }

    [Fact]
    public void Two_invoices_files_are_indexed_together_by_the_analysis()
    {
        var lines = File.ReadAllLines(Path.Combine(_dir, "invoices.csv"));
        var half = lines.Length / 2;
        File.WriteAllLines(Path.Combine(_dir, "invoices-a.csv"), lines[..half]);
        File.WriteAllLines(Path.Combine(_dir, "invoices-b.csv"), [lines[0], .. lines[half..]]);

        var inputs = new AnalysisPipeline().Read(Request("declarations.csv", "invoices-a.csv", "invoices-b.csv"));

        Assert.Null(inputs.InvoiceIndexAhead);
        var accepted = inputs.Files.Where(f => f.Path.Contains("invoices-", StringComparison.Ordinal)).Select(f => f.RowsAccepted).ToList();
        Assert.Equal(2, accepted.Count);
        Assert.All(accepted, n => Assert.True(n > 0));
        Assert.Equal(accepted.Sum(), inputs.Invoices.Count);
    }

    [Fact]
    public void One_declarations_file_gives_its_own_lines_and_two_give_theirs_in_file_order()
    {
        // One file of declarations: the analysis takes the file's own list (not a copy); several: their lines in file order.
        var one = new AnalysisPipeline().Read(Request("invoices.csv", "declarations.csv"));
        var lines = File.ReadAllLines(Path.Combine(_dir, "declarations.csv"));
        var half = lines.Length / 2;
        File.WriteAllLines(Path.Combine(_dir, "declarations-a.csv"), lines[..half]);
        File.WriteAllLines(Path.Combine(_dir, "declarations-b.csv"), [lines[0], .. lines[half..]]);
        var two = new AnalysisPipeline().Read(Request("declarations-a.csv", "invoices.csv", "declarations-b.csv"));

        Assert.Equal(lines.Length - 1, one.Declarations.Count);
        Assert.Equal(one.Declarations.Select(d => (d.RecordKey, d.FobUsd)), two.Declarations.Select(d => (d.RecordKey, d.FobUsd)));
        Assert.Equal(
            ["declarations-a.csv", "declarations-b.csv"],
            two.Declarations.Select(d => Path.GetFileName(d.Source.File)).Distinct());
        Assert.Equal(one.Invoices.Count, two.Invoices.Count);
    }
}
