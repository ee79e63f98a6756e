using System.Diagnostics;
using System.Globalization;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Scoring;
using TradeAnalyzer.Reports;

namespace TradeAnalyzer.Benchmarks;

/// <summary>
/// Writes an upload report with many flag rows (default 200,000 flags over 100,000 flagged declaration lines) and
/// prints the time, CPU time and the process's peak memory. Usage: `report [flags]`.
/// </summary>
internal static class ReportBenchmark
{
    /// <summary>
    /// Builds a model with <paramref name="flagCount"/> flags and writes its report to
    /// <paramref name="directory"/>/report-benchmark.xlsx through a non-seekable stream (deleted afterwards), or to
    /// a counting sink when the directory is null. Prints time, CPU time and peak memory.
    /// </summary>
    public static int Run(int flagCount, string? directory)
    {
        var outPath = directory is null ? null : Path.Combine(directory, "report-benchmark.xlsx");
        var model = BuildModel(flagCount);
        GC.Collect();
        var modelBytes = GC.GetTotalMemory(true);
        Console.WriteLine($"model: {flagCount:N0} flags, {model.Declarations.Count:N0} declarations, {modelBytes / 1e6:N0} MB managed");

        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var watch = Stopwatch.StartNew();
        long bytes;
        if (outPath is null)
        {
            using var sink = new CountingStream();
            UploadReport.Write(sink, model);
            bytes = sink.Count;
        }
        else
        {
            using (var file = File.Create(outPath))
            using (var sink = new CountingStream(file))
            {
                UploadReport.Write(sink, model);
                bytes = sink.Count;
            }

            File.Delete(outPath);
        }

        watch.Stop();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        Console.WriteLine($"report.xlsx: {bytes / 1e6:N1} MB in {watch.Elapsed.TotalSeconds:N2} s wall, {cpu.TotalSeconds:N2} s CPU; peak working set {process.PeakWorkingSet64 / 1e6:N0} MB; allocated {GC.GetTotalAllocatedBytes() / 1e9:N2} GB in all, {(GC.GetTotalAllocatedBytes() - allocatedBefore) / 1e9:N2} GB writing");
        Console.WriteLine(
            $"RESULT report seconds={watch.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} flags={flagCount} peak_mib={(process.PeakWorkingSet64 / 1048576.0).ToString("F0", CultureInfo.InvariantCulture)}");
        return 0;
    }

    private static UploadReportModel BuildModel(int flagCount)
    {
        var declarations = new List<DeclarationLine>(flagCount / 2);
        var flags = new List<Flag>(flagCount);
        var start = new DateOnly(2026, 1, 5);
        var random = new Random(47);
        string[] exporters = Enumerable.Range(0, 2_000).Select(i => $"Exporter {i:0000} Chemical Co").ToArray();
        string[] hs = ["2933.39.99", "2914.31", "2939.79", "8479.89", "2921.19"];
        for (var i = 0; i < Math.Max(1, flagCount / 2); i++)
        {
            var q = 10 + random.Next(1_000);
            var price = 5 + (random.NextDouble() * 40);
            declarations.Add(new DeclarationLine
            {
                Source = new SourceRef("declarations.csv", i + 2),
                DeclarationId = $"24 47 3817 {i:0000000}",
                LineNo = 1 + (i % 3),
                Flow = TradeFlow.Export,
                Date = start.AddDays(i % 300),
                ReporterCountry = "CN",
                ExporterName = exporters[i % exporters.Length],
                ImporterName = "Importadora del Norte SA de CV",
                OriginCountry = "CN",
                DestinationCountry = "MX",
                Hs = HsCode.Parse(hs[i % hs.Length]),
                Description = "4-piperidone hydrochloride, industrial grade",
                Quantity = q,
                QuantityUnit = "kg",
                NormQuantity = q,
                Unit = BaseUnit.Kg,
                Value = q * price,
                Currency = "USD",
                ValueUsd = q * price,
                FobUsd = q * price,
                InvoiceNumber = $"INV-{i:000000}",
                ExporterKey = exporters[i % exporters.Length].ToUpperInvariant(),
            });
        }

        for (var i = 0; i < flagCount; i++)
        {
            var d = declarations[i % declarations.Count];
            var score = 100.0 * (flagCount - i) / flagCount;
            var price = d.UnitPriceUsd;

            // The texts kept as the detectors keep them (UTF-8 in FlagTexts chunks, which the writers read as bytes),
            // so the benchmark writes what a real analysis hands over.
            var w = FlagTexts.Writer.Begin();
            w.Put(FlagTexts.Expected, "9.80-22.10 USD/kg");
            w.Put(FlagTexts.Observed, CultureInfo.InvariantCulture, $"{price:N2} USD/kg");
            w.Put(FlagTexts.Explanation, CultureInfo.InvariantCulture, $"Declared {price:N2} USD/kg for HS {d.Hs.Display} from CN; 95% of 1,240 comparable lines were 9.80-22.10 USD/kg.");
            flags.Add(new Flag
            {
                Code = (i & 1) == 0 ? FlagCode.PriceAboveBaseline : FlagCode.HighRiskRoute,
                Severity = EnumText.SeverityFromScore(score),
                Score = score,
                RecordType = RecordType.Declaration,
                DeclarationId = d.DeclarationId,
                LineNo = d.LineNo,
                InvoiceNumber = d.InvoiceNumber,
                ExporterName = d.ExporterName,
                ImporterName = d.ImporterName,
                HsCode = d.Hs.Display,
                ValueUsd = d.ValueUsd,
                ValueAtRiskUsd = d.ValueUsd * 0.3,
                Texts = w.End(),
                ExporterKey = d.ExporterKey,
                Date = d.Date,
                OriginCountry = "CN",
                DestinationCountry = "MX",
                Source = d.Source,
            });
        }

        var profiles = exporters.Select((e, i) => new ExporterProfile { Key = e.ToUpperInvariant(), Name = e, Score = i % 100, Shipments = 50, FlaggedShipments = 25, Tier = (RiskTier)(i % 4) }).ToList();
        return new UploadReportModel
        {
            Files = [new InputFileSummary { Path = "declarations.csv", Kind = FileKind.Declarations, RowsRead = declarations.Count, RowsAccepted = declarations.Count }],
            Result = new AnalysisResult
            {
                Flags = flags,
                Exporters = profiles,
                BaselinesUsed = [new BaselineSummary { Group = "HS 2933.39 kg", HsPrefix = "293339", Unit = BaseUnit.Kg, Count = 1240, Median = 14, LowerFence = 9.8, UpperFence = 22.1, Source = "data" }],
                ValueAtRiskUsd = flags.Sum(f => f.ValueAtRiskUsd ?? 0),

                // As the analysis hands it over (worked out in its score stage): not the workbook's to time.
                ValueAtRiskByCode = RecordScorer.SortAndScore(flags).ValueAtRiskByCode,
            },
            Declarations = declarations,
            GeneratedAt = DateTimeOffset.UtcNow,
            Version = "bench",
        };
    }
}
