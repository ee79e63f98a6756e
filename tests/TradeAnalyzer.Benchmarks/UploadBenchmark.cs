using System.Diagnostics;
using TradeAnalyzer.Core.Baselines;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.Handlers.Ingest;
using TradeAnalyzer.Ingestion;
using TradeAnalyzer.SampleData;
using TradeAnalyzer.Storage;

namespace TradeAnalyzer.Benchmarks;

/// <summary>
/// One analyst upload of about 10,000 declaration lines against a store whose baselines already summarise
/// HISTORY lines (default 10,000,000): the upload must be processed without rereading that history, because the
/// stored baselines are mergeable statistics, not the lines. The history's statistics are made from the upload's
/// own commodities with lognormal price noise, merged in memory and stored once (that preparation is not timed), and
/// a small upload warms the host up first, as in a running Functions host.
/// </summary>
internal static class UploadBenchmark
{
    public static async Task RunAsync(long historyLines)
    {
        var root = Path.Combine(Path.GetTempPath(), "ta-upload-bench-" + Environment.ProcessId);
        var samples = Path.Combine(root, "samples");
        SampleGenerator.Write(samples, new SampleOptions { Shipments = 6_500, Seed = 11 });
        var declarations = Path.Combine(samples, "declarations.csv");
        var lines = new FileIngestor().Read(File.OpenRead(declarations), declarations, new IngestionOptions()).Declarations;

        var prep = Stopwatch.StartNew();
        var history = new BaselineSet();
        var rng = new Random(5);
        const int batch = 1_000_000;
        for (long done = 0; done < historyLines; done += batch)
        {
            var n = (int)Math.Min(batch, historyLines - done);
            var synthetic = new DeclarationLine[n];
            for (var i = 0; i < n; i++)
            {
                synthetic[i] = Jitter(lines[i % lines.Count], rng);
            }

            history.MergeFrom(BaselineSet.Build(synthetic));
        }

        var (blobs, tables) = StorageFactory.Create(Path.Combine(root, "store"), null, null, null, null);
        var store = new HistoryStore(blobs, tables);
        await store.EnsureCreatedAsync().ConfigureAwait(false);
        await store.MergeBaselinesAsync("history", history).ConfigureAwait(false);
        Console.WriteLine($"history: {historyLines:N0} lines summarised in {history.Count:N0} baseline groups, stored in {prep.Elapsed.TotalSeconds:N1} s (preparation, not timed)");

        // A host that has been running: one small upload first, so the timed one does not pay for JIT compilation.
        var warm = Path.Combine(root, "warm");
        SampleGenerator.Write(warm, new SampleOptions { Shipments = 300, Seed = 12 });
        await using (var s = File.OpenRead(Path.Combine(warm, "declarations.csv")))
        {
            await blobs.PutAsync(StoreLayout.Incoming, "declarations/warm-up.csv", s).ConfigureAwait(false);
        }

        await new IngestUploadHandler(store).HandleAsync("declarations/warm-up.csv").ConfigureAwait(false);

        await using (var s = File.OpenRead(declarations))
        {
            await blobs.PutAsync(StoreLayout.Incoming, "declarations/upload.csv", s).ConfigureAwait(false);
        }

        var clock = Stopwatch.StartNew();
        var result = await new IngestUploadHandler(store).HandleAsync("declarations/upload.csv").ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"upload: {lines.Count:N0} lines -> {result.Outcome} ({result.Message}) in {seconds:N2} s, peak memory {Program.PeakMiB():N0} MiB");
        foreach (var (stage, ms) in result.TimingsMs ?? new Dictionary<string, double>())
        {
            Console.WriteLine($"  {stage,-14} {ms,8:N0} ms");
        }

        Console.WriteLine($"RESULT upload seconds={seconds:F2} lines={lines.Count} history={historyLines}");
        try
        {
            Directory.Delete(root, true);
        }
        catch (IOException)
        {
        }
    }

    private static DeclarationLine Jitter(DeclarationLine d, Random rng)
    {
        // Box-Muller: lognormal price noise with sigma 0.25.
        var z = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var f = Math.Exp(0.25 * z);
        return new DeclarationLine
        {
            Source = d.Source,
            DeclarationId = d.DeclarationId,
            LineNo = d.LineNo,
            Flow = d.Flow,
            Date = d.Date,
            ReporterCountry = d.ReporterCountry,
            ExporterName = d.ExporterName,
            ImporterName = d.ImporterName,
            OriginCountry = d.OriginCountry,
            DestinationCountry = d.DestinationCountry,
            Hs = d.Hs,
            Quantity = d.Quantity,
            QuantityUnit = d.QuantityUnit,
            NormQuantity = d.NormQuantity,
            Unit = d.Unit,
            Value = d.Value * f,
            Currency = d.Currency,
            ValueUsd = d.ValueUsd * f,
            FobUsd = d.FobUsd * f,
            Incoterm = d.Incoterm,
            Mode = d.Mode,
        };
    }
}
