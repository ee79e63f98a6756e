using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.UnitTests.Baselines;

/// <summary>Builds declaration lines and contexts for baseline and detector tests.</summary>
internal static class TestLines
{
    private static int _next;

    public static DeclarationLine Line(
        string hs, double unitPriceUsd, double quantity = 100, string origin = "CN", string destination = "MX",
        BaseUnit unit = BaseUnit.Kg, double? netWeightKg = null, string? description = null, string? id = null)
    {
        var n = Interlocked.Increment(ref _next);
        return new DeclarationLine
        {
            Source = new SourceRef("test.csv", n + 1),
            DeclarationId = id ?? $"D{n}",
            Flow = TradeFlow.Import,
            Date = new DateOnly(2025, 3, 1),
            ReporterCountry = destination,
            ExporterName = "Exporter " + origin,
            ImporterName = "Importer " + destination,
            ExporterKey = "N:EXPORTER " + origin,
            OriginCountry = origin,
            DestinationCountry = destination,
            Hs = HsCode.Parse(hs),
            Description = description,
            Quantity = quantity,
            QuantityUnit = unit.ToText(),
            NormQuantity = quantity,
            Unit = unit,
            NetWeightKg = netWeightKg,
            Value = unitPriceUsd * quantity,
            Currency = "USD",
            ValueUsd = unitPriceUsd * quantity,
            FobUsd = unitPriceUsd * quantity,
            Incoterm = Incoterm.Fob,
        };
    }

    public static AnalysisContext Context(IReadOnlyList<DeclarationLine> lines, AnalysisOptions? options = null) =>
        new() { Declarations = lines, Options = options ?? new AnalysisOptions() };

    public static List<Flag> Run(IDetector detector, AnalysisContext context)
    {
        var sink = new ListSink();
        detector.Detect(context, sink);
        return sink.Flags;
    }

    private sealed class ListSink : IFlagSink
    {
        private readonly object _gate = new();

        public List<Flag> Flags { get; } = [];

        public void Add(Flag flag)
        {
            lock (_gate)
            {
                Flags.Add(flag);
            }
        }
    }
}
