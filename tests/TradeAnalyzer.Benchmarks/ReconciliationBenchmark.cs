using System.Diagnostics;
using System.Globalization;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection.Invoices;
using TradeAnalyzer.Core.Detection.Mirror;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Benchmarks;

/// <summary>
/// Times the mirror and invoice reconciliation detectors on synthetic records built in memory: each shipment is an
/// export declaration (1-4 lines) and its partner's import declaration (same lines), plus an invoice of 2-4 lines
/// (3 on average), so 200,000 shipments make 1,000,000 declaration lines and 600,000 invoice lines. About 1% of
/// shipments carry planted anomalies. Times are wall clock and process CPU (the machine may be shared).
/// </summary>
public static class ReconciliationBenchmark
{
    /// <summary>Builds the records, then prints the time of the shared shipment index and of each detector (ms).</summary>
    public static IReadOnlyDictionary<string, double> Run(int shipments, TextWriter? output = null)
    {
        output ??= Console.Out;
        var sw = Stopwatch.StartNew();
        var (declarations, invoices, comtrade) = Generate(shipments);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reconciliation: {shipments:N0} shipments, {declarations.Count:N0} declaration lines, {invoices.Count:N0} invoice lines, {comtrade.Count:N0} comtrade rows generated in {sw.Elapsed.TotalMilliseconds:N0} ms"));

        var context = new AnalysisContext { Declarations = declarations, Invoices = invoices, Comtrade = comtrade };
        var timings = new Dictionary<string, double>(StringComparer.Ordinal);
        var process = Process.GetCurrentProcess();
        sw.Restart();
        var cpu = process.TotalProcessorTime;
        _ = ShipmentIndex.For(context);
        timings["shipment-index"] = sw.Elapsed.TotalMilliseconds;
        process.Refresh();
        var indexCpu = (process.TotalProcessorTime - cpu).TotalMilliseconds;

        IDetector[] detectors = [new MirrorDetector(), new ComtradeMirrorDetector(), new InvoiceReconciliationDetector(), new InvoiceReuseDetector(), new ThirdPartyPaymentDetector()];
        foreach (var detector in detectors)
        {
            var sink = new CountingSink();
            process.Refresh();
            cpu = process.TotalProcessorTime;
            sw.Restart();
            detector.Detect(context, sink);
            timings[detector.Name] = sw.Elapsed.TotalMilliseconds;
            process.Refresh();
            var used = (process.TotalProcessorTime - cpu).TotalMilliseconds;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {detector.Name,-22} {sw.Elapsed.TotalMilliseconds,8:N0} ms wall {used,8:N0} ms cpu  {sink.Count,9:N0} flags  {sink.Summary()}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"shipment-index",-22} {timings["shipment-index"],8:N0} ms wall {indexCpu,8:N0} ms cpu  (shared, paid by the first detector)"));
        return timings;
    }

    /// <summary>Deterministic synthetic records (seeded), with planted value gaps, missing mirrors, reused invoices and third-party payments.</summary>
    public static (List<DeclarationLine> Declarations, List<InvoiceLine> Invoices, List<ComtradeRow> Comtrade) Generate(int shipments, int seed = 7)
    {
        var random = new Random(seed);
        var exporters = Names("Exporter", 5_000, " Co., Ltd.");
        var importers = Names("Importador", 3_000, ", S.A. de C.V.");
        var importersUpper = importers.Select(n => n.ToUpperInvariant().Replace(",", string.Empty, StringComparison.Ordinal).Replace(".", string.Empty, StringComparison.Ordinal)).ToArray();
        string[] hsCodes = ["29333999", "29339900", "28011000", "38249999", "29145000", "29221990", "84798999", "84223001", "30049099", "29420099"];
        var start = new DateOnly(2025, 1, 1);
        var source = new SourceRef("synthetic", 0);
        var declarations = new List<DeclarationLine>(shipments * 5);
        var invoices = new List<InvoiceLine>(shipments * 3);
        var previousExporter = 0;
        for (var s = 0; s < shipments; s++)
        {
            var exporter = s % 250 == 3 ? previousExporter : random.Next(exporters.Length);
            previousExporter = exporter;
            var importer = random.Next(importers.Length);
            var date = start.AddDays(random.Next(365));
            var lag = random.Next(3, 30);
            var shipmentId = s % 10 < 7 ? $"BL{s:D8}" : null;
            var invoice = s % 250 == 3 ? $"INV{s - 1:D8}" : $"INV{s:D8}"; // planted reuse
            var lines = 1 + (s % 4);
            var gap = s % 100 == 17 ? 1.8 : 1.0; // planted value gap
            var lost = s % 200 == 29; // planted phantom export
            for (var l = 0; l < lines; l++)
            {
                var hs = HsCode.Parse(hsCodes[random.Next(hsCodes.Length)]);
                var quantity = Math.Round(100 + (random.NextDouble() * 9_900), 0);
                var fob = Math.Round(quantity * (5 + (random.NextDouble() * 50)), 2);
                declarations.Add(Line(source, $"E{s:D8}", l + 1, TradeFlow.Export, date, "US", "MX", exporters[exporter], importers[importer], hs, quantity, fob, fob, Incoterm.Fob, shipmentId, invoice));
                if (!lost)
                {
                    var cif = fob * 1.07 * gap;
                    declarations.Add(Line(source, $"P{s:D8}", l + 1, TradeFlow.Import, date.AddDays(lag), "MX", "US", exporters[exporter].ToUpperInvariant(), importersUpper[importer], hs, quantity, cif, cif / 1.07, Incoterm.Cif, shipmentId, invoice));
                }

                // Invoices of 1- and 2-line shipments bill the first line in two halves (3 invoice lines on average).
                var split = l == 0 && lines <= 2;
                for (var part = 0; part < (split ? 2 : 1) && s % 250 != 3; part++)
                {
                    var share = split ? 0.5 : 1.0;
                    var payer = s % 300 == 11 ? "Casa de Cambio Sur" : null;
                    invoices.Add(new InvoiceLine
                    {
                        Source = source,
                        InvoiceNumber = invoice,
                        InvoiceDate = date.AddDays(-2),
                        LineNo = l + part + 1,
                        SellerName = exporters[exporter],
                        BuyerName = importers[importer],
                        SellerCountry = "US",
                        BuyerCountry = "MX",
                        Hs = hs,
                        Quantity = quantity * share,
                        QuantityUnit = "kg",
                        NormQuantity = quantity * share,
                        Unit = BaseUnit.Kg,
                        LineTotal = fob * share,
                        Currency = "USD",
                        ValueUsd = fob * share,
                        FobUsd = fob * share,
                        Incoterm = Incoterm.Fob,
                        PayerName = payer ?? importers[importer],
                        PayerCountry = "MX",
                        BeneficiaryName = exporters[exporter],
                        BeneficiaryCountry = "US",
                        ShipmentId = shipmentId,
                    });
                }
            }
        }

        var comtrade = new List<ComtradeRow>();
        string[] countries = ["US", "MX", "CN", "IN", "HK", "DE", "GT", "CA"];
        foreach (var a in countries)
        {
            foreach (var b in countries)
            {
                if (a == b)
                {
                    continue;
                }

                foreach (var hs in hsCodes)
                {
                    for (var month = 1; month <= 12; month++)
                    {
                        var period = string.Create(CultureInfo.InvariantCulture, $"2025{month:D2}");
                        var value = 50_000 + (random.NextDouble() * 5_000_000);
                        comtrade.Add(new ComtradeRow { Source = source, Period = period, Reporter = a, Partner = b, Flow = TradeFlow.Export, CommodityCode = hs[..6], TradeValueUsd = value, NetWeightKg = value / 20 });
                        comtrade.Add(new ComtradeRow { Source = source, Period = period, Reporter = b, Partner = a, Flow = TradeFlow.Import, CommodityCode = hs[..6], TradeValueUsd = value * (random.Next(100) == 0 ? 2.0 : 1.05 + (random.NextDouble() * 0.1)), NetWeightKg = value / 20 });
                    }
                }
            }
        }

        return (declarations, invoices, comtrade);
    }

    private static string[] Names(string stem, int count, string suffix)
    {
        var names = new string[count];
        for (var i = 0; i < count; i++)
        {
            names[i] = string.Create(CultureInfo.InvariantCulture, $"{stem} {i:D5} Química{suffix}");
        }

        return names;
    }

    private static DeclarationLine Line(SourceRef source, string id, int lineNo, TradeFlow flow, DateOnly date, string reporter, string partner,
        string exporter, string importer, HsCode hs, double quantity, double valueUsd, double fobUsd, Incoterm incoterm, string? shipmentId, string invoice) => new()
    {
        Source = source,
        DeclarationId = id,
        LineNo = lineNo,
        Flow = flow,
        Date = date,
        ReporterCountry = reporter,
        ExporterName = exporter,
        ImporterName = importer,
        ExporterCountry = "US",
        ImporterCountry = "MX",
        OriginCountry = "US",
        DestinationCountry = "MX",
        Hs = hs,
        Quantity = quantity,
        QuantityUnit = "kg",
        NormQuantity = quantity,
        Unit = BaseUnit.Kg,
        Value = valueUsd,
        Currency = "USD",
        ValueUsd = valueUsd,
        FobUsd = fobUsd,
        Incoterm = incoterm,
        Mode = TransportMode.Sea,
        ShipmentId = shipmentId,
        InvoiceNumber = invoice,
        ExporterKey = exporter,
    };

    private sealed class CountingSink : IFlagSink
    {
        private readonly Dictionary<FlagCode, int> _byCode = [];

        public int Count { get; private set; }

        public void Add(Flag flag)
        {
            lock (_byCode)
            {
                Count++;
                _byCode[flag.Code] = _byCode.GetValueOrDefault(flag.Code) + 1;
            }
        }

        public string Summary() => string.Join(", ", _byCode.OrderBy(p => p.Key).Select(p => $"{p.Key.ToCode()} {p.Value.ToString("N0", CultureInfo.InvariantCulture)}"));
    }
}
