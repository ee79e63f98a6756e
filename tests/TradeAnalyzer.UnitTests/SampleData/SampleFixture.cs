using TradeAnalyzer.SampleData;

namespace TradeAnalyzer.UnitTests.SampleData;

/// <summary>Generates the default sample (seed 42, 2,000 shipments) once for the tests of the class.</summary>
public sealed class SampleFixture : IDisposable
{
    public SampleFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "ta-sample-" + Guid.NewGuid().ToString("N"));
        Summary = SampleGenerator.Write(Directory, new SampleOptions());
        Declarations = SampleTable.Load(Path.Combine(Directory, "declarations.csv"));
        Invoices = SampleTable.Load(Path.Combine(Directory, "invoices.csv"));
        Truth = SampleTable.Load(Path.Combine(Directory, "truth.csv"));
        Fx = SampleTable.Load(Path.Combine(Directory, "fx.csv"));
        Sanctions = SampleTable.Load(Path.Combine(Directory, "sanctions.csv"));
    }

    public string Directory { get; }

    public SampleSummary Summary { get; }

    internal SampleTable Declarations { get; }

    internal SampleTable Invoices { get; }

    internal SampleTable Truth { get; }

    internal SampleTable Fx { get; }

    internal SampleTable Sanctions { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, true);
}
