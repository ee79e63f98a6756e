using System.Collections;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection.Invoices;
using TradeAnalyzer.Core.Detection.Mirror;
using TradeAnalyzer.Core.Model;
using static TradeAnalyzer.UnitTests.Detection.ReconciliationFixtures;

namespace TradeAnalyzer.UnitTests.Detection;

public class ReconciliationAnalyzerTests
{
    [Fact]
    public void Detectors_running_in_parallel_share_the_indexes_and_find_every_planted_case()
    {
        List<DeclarationLine> declarations =
        [
            .. Background(),
            Export("E1", 84_200, shipmentId: "BL-1", invoice: "INV-1"),
            Import("P1", 140_900, shipmentId: "BL-1", invoice: "INV-1"),
            Export("E2", 50_000, shipmentId: "BL-2", invoice: "INV-1", date: Day0.AddDays(20)),
            Import("P2", 53_500, shipmentId: "BL-2", invoice: "INV-1", date: Day0.AddDays(30)),
        ];
        var context = new AnalysisContext
        {
            Declarations = declarations,
            Invoices = [Invoice("INV-1", 84_200, payer: "Casa de Cambio Sur", payerCountry: "PA")],
            Comtrade = [Comtrade("US", "MX", TradeFlow.Export, 1_000_000), Comtrade("MX", "US", TradeFlow.Import, 2_200_000)],
        };
        var analyzer = new Analyzer([new MirrorDetector(), new ComtradeMirrorDetector(), new InvoiceReconciliationDetector(), new InvoiceReuseDetector(), new ThirdPartyPaymentDetector()]);

        var result = analyzer.Run(context);

        var codes = result.Flags.Select(f => f.Code).ToHashSet();
        Assert.Contains(FlagCode.MirrorValueGap, codes);
        Assert.Contains(FlagCode.InvoiceReused, codes);
        Assert.Contains(FlagCode.InvoiceValueMismatch, codes); // E2 and P2 name INV-1 but are worth 50,000
        Assert.Contains(FlagCode.ThirdPartyPayment, codes);
        Assert.Equal(4, result.Flags.Count(f => f.Code == FlagCode.InvoiceReused));
        Assert.Contains(result.Flags, f => f.RecordType == RecordType.Corridor && f.Period == "2025");
        Assert.Same(ShipmentIndex.For(context), ShipmentIndex.For(context));
        Assert.Equal(5L, result.Counters["mirror.pairs"]); // 3 background pairs and the two planted shipments
        Assert.All(result.Flags, f => Assert.False(string.IsNullOrWhiteSpace(f.Explanation)));
    }

    [Fact]
    public void Three_shipments_on_one_invoice_score_higher_than_two()
    {
        var two = Run(new InvoiceReuseDetector(), [Export("E1", 1_000, invoice: "INV-1", shipmentId: "A"), Export("E2", 1_000, invoice: "INV-1", shipmentId: "B")]);
        var three = Run(new InvoiceReuseDetector(), [Export("E1", 1_000, invoice: "INV-1", shipmentId: "A"), Export("E2", 1_000, invoice: "INV-1", shipmentId: "B"), Export("E3", 1_000, invoice: "INV-1", shipmentId: "C")]);

        Assert.Equal(2, two.Count);
        Assert.Equal(3, three.Count);
        Assert.True(three[0].Score > two[0].Score);
        Assert.Contains("3 distinct shipments", three[0].Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Spanish_explanations_for_corridors_reuse_and_payments()
    {
        var corridor = Assert.Single(Run(new ComtradeMirrorDetector(), [], comtrade: [Comtrade("HK", "MX", TradeFlow.Export, 1_000_000), Comtrade("MX", "HK", TradeFlow.Import, 3_000_000)], spanish: true));
        var reuse = Run(new InvoiceReuseDetector(), [Export("E1", 1_000, invoice: "INV-1", shipmentId: "A"), Export("E2", 1_000, invoice: "INV-1", shipmentId: "B")], spanish: true);
        var payment = Assert.Single(Run(new ThirdPartyPaymentDetector(), [], [Invoice("INV-1", 100_000, payer: "Casa de Cambio Sur")], spanish: true));

        Assert.Contains("centro de reexportación", corridor.Explanation, StringComparison.Ordinal);
        Assert.Contains("embarques distintos", reuse[0].Explanation, StringComparison.Ordinal);
        Assert.Contains("y no el comprador", payment.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_detector_that_would_wait_for_the_shipment_index_is_passed_over_while_others_are_ready()
    {
        IDetector[] detectors = [new MirrorDetector(), new Named("price"), new InvoiceReconciliationDetector(), new Named("precursor"), new InvoiceReuseDetector(), new Named("weight")];
        var building = true;
        var handedOut = new List<string>();
        foreach (var d in SharedIndexes.ReadyFirst(detectors, d => building && d.Name is "invoice" or "invoice-reuse"))
        {
            handedOut.Add(d.Name);
            // The build ends while precursor runs: the invoice detector, passed over once, comes next, before weight.
            building &= d.Name != "precursor";
        }

        Assert.Equal(["mirror", "price", "precursor", "invoice", "invoice-reuse", "weight"], handedOut);

        // Every detector left waits: the first of them is handed out all the same (it waits for the build), then the rest
        // in order; each exactly once.
        Assert.Equal(["invoice", "invoice-reuse", "mirror"], SharedIndexes.ReadyFirst([detectors[2], detectors[4], detectors[0]], _ => true).Select(d => d.Name));
        Assert.Equal(["price", "mirror"], SharedIndexes.ReadyFirst([detectors[0], detectors[1]], d => d.Name == "mirror").Select(d => d.Name));
    }

    [Fact]
    public async Task The_shipment_index_is_building_only_between_the_first_request_and_its_end()
    {
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var lines = new Gated([Export("E1", 1_000, shipmentId: "BL-1", invoice: "INV-1"), Import("P1", 1_000, shipmentId: "BL-1", invoice: "INV-1")], started, release);
        var context = new AnalysisContext { Declarations = lines, Invoices = [] };
        var indexes = new SharedIndexes(context, [new MirrorDetector(), new InvoiceReconciliationDetector()]);

        Assert.False(ShipmentIndex.IsBuilding(context));
        Assert.False(indexes.WaitsForIndex(new InvoiceReconciliationDetector()));
        var build = Task.Run(() => ShipmentIndex.For(context));
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)));

        Assert.True(ShipmentIndex.IsBuilding(context));
        Assert.True(indexes.WaitsForIndex(new InvoiceReconciliationDetector()));
        Assert.True(indexes.WaitsForIndex(new InvoiceReuseDetector()));
        Assert.False(indexes.WaitsForIndex(new Named("price")));
        Assert.False(indexes.WaitsForIndex(new ThirdPartyPaymentDetector())); // reads the invoice index only

        release.Set();
        Assert.Equal(2, (await build).All.Count);
        Assert.False(ShipmentIndex.IsBuilding(context));
        Assert.False(indexes.WaitsForIndex(new InvoiceReconciliationDetector()));
    }

    private sealed class Named(string name) : IDetector
    {
        public string Name => name;

        public void Detect(AnalysisContext context, IFlagSink sink)
        {
        }
    }

    /// <summary>Declarations whose enumeration (the index build's copy of a list that is not a List or an array) signals
    /// <paramref name="started"/>, then waits for <paramref name="release"/>.</summary>
    private sealed class Gated(List<DeclarationLine> lines, ManualResetEventSlim started, ManualResetEventSlim release) : IReadOnlyList<DeclarationLine>
    {
        public DeclarationLine this[int index] => lines[index];

        public int Count => lines.Count;

        public IEnumerator<DeclarationLine> GetEnumerator()
        {
            started.Set();
            release.Wait(TimeSpan.FromSeconds(30));
            return lines.GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
