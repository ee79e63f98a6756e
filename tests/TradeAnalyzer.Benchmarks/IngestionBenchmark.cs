using System.Diagnostics;
using System.Globalization;
using System.Text;
using TradeAnalyzer.Ingestion;

namespace TradeAnalyzer.Benchmarks;

/// <summary>
/// Ingestion micro-benchmark: reads one file with <see cref="FileIngestor"/> and prints rows/s, MB/s and peak memory.
/// <see cref="Generate"/> writes a synthetic canonical declarations CSV to measure with.
/// </summary>
public static class IngestionBenchmark
{
    /// <summary>
    /// Reads <paramref name="path"/> (generating 1,000,000 synthetic rows there first when it does not exist) and prints
    /// the figures: wall, process CPU, MiB allocated and GCs of the read. INGEST_REPEAT=N reads it N times in the same
    /// process (the records of one read dropped before the next) and prints the best CPU: compiled code and file cache
    /// warm, so old and new builds compare by their best-of-N. INGEST_SOURCE_ONLY=1 only splits the file into rows and
    /// cells (the tabular source: CSV tokenizer or workbook scanner, one thread), without parsing them into records.
    /// </summary>
    public static void Run(string path)
    {
        if (!File.Exists(path))
        {
            Generate(path, 1_000_000);
        }

        if (Environment.GetEnvironmentVariable("INGEST_SOURCE_ONLY") == "1")
        {
            SourceOnly(path);
            return;
        }

        var repeat = int.TryParse(Environment.GetEnvironmentVariable("INGEST_REPEAT"), CultureInfo.InvariantCulture, out var r) ? Math.Max(1, r) : 1;
        using var allocations = AllocTypeLog.StartIfAsked("INGEST_ALLOCS");
        using var gcLog = GcEventLog.StartIfAsked(); // E2E_GCLOG=1: every collection of the reads (JIT builds)
        var best = double.MaxValue;
        for (var i = 0; i < repeat; i++)
        {
            best = Math.Min(best, Once(path));
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        if (repeat > 1)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ingestion: best cpu of {repeat}: {best:N2} s"));
        }

        Console.Write(allocations?.TakeText());
        Console.Write(gcLog?.Text());
    }

    private static void SourceOnly(string path)
    {
        using var process = Process.GetCurrentProcess();
        for (var run = 0; run < 3; run++)
        {
            var cpu0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            long rows = 0, chars = 0;
            double opened;
            using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
            using (var source = TabularSource.Open(fs, Path.GetFileName(path)))
            {
                opened = sw.Elapsed.TotalSeconds;
                while (source.Read())
                {
                    rows++;
                    for (var i = 0; i < source.FieldCount; i++)
                    {
                        chars += source.GetSpan(i).Length;
                    }
                }
            }

            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"source only: {rows:N0} rows, {chars:N0} chars of cells in {sw.Elapsed.TotalSeconds:N2} s (opened in {opened:N2} s), cpu {cpu:N2} s, {new FileInfo(path).Length / 1e6 / sw.Elapsed.TotalSeconds:N1} MB/s of file"));
        }
    }

    // One read of the file; returns its process CPU seconds.
    private static double Once(string path)
    {
        var ingestor = new FileIngestor();
        using var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var allocated0 = GC.GetTotalAllocatedBytes(true);
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        var paused0 = GC.GetTotalPauseDuration();
        var sw = Stopwatch.StartNew();
        FileReadResult result;
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
        {
            result = ingestor.Read(fs, Path.GetFileName(path), new IngestionOptions());
        }

        sw.Stop();
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
        var allocated = (GC.GetTotalAllocatedBytes(true) - allocated0) / 1048576.0;
        var s = result.Summary;
        var seconds = sw.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ingestion: {s.RowsRead:N0} rows ({s.RowsAccepted:N0} accepted, {s.RowsRejected:N0} rejected) in {seconds:N2} s = {s.RowsRead / seconds:N0} rows/s, {s.Bytes / seconds / 1e6:N1} MB/s; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:N0} MB; detected {s.Detected}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ingestion: cpu {cpu:N2} s, allocated {allocated:N0} MiB, GCs {GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}, pause {(GC.GetTotalPauseDuration() - paused0).TotalSeconds:N2} s"));
        GC.KeepAlive(result);
        return cpu;
    }

    /// <summary>Writes <paramref name="rows"/> synthetic declaration lines (a mix of units, currencies, incoterms and parties).</summary>
    public static void Generate(string path, int rows)
    {
        string[] units = ["kg", "lb", "l", "pcs", "t"];
        string[] currencies = ["USD", "MXN", "EUR", "CNY", "INR"];
        string[] incoterms = ["FOB", "CIF", "EXW", "CFR", "DAP"];
        string[] modes = ["sea", "air", "road", "rail", "courier"];
        string[] origins = ["CN", "IN", "DE", "US", "MX"];
        var rng = new Random(42);
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        w.WriteLine("declaration_id,line_no,flow,declaration_date,reporter_country,exporter_name,importer_name,exporter_id,importer_id,exporter_country,importer_country,origin_country,destination_country,hs_code,description,cas_number,quantity,quantity_unit,net_weight_kg,value,currency,incoterm,invoice_number,transport_mode,port_of_loading,port_of_discharge,transit_countries,shipment_id");
        for (var i = 0; i < rows; i++)
        {
            var k = rng.Next(5);
            var date = new DateOnly(2025, 1, 1).AddDays(rng.Next(330));
            w.Write(string.Create(CultureInfo.InvariantCulture,
                $"P{i / 3:D8},{(i % 3) + 1},import,{date:yyyy-MM-dd},MX,\"Exporter {rng.Next(5000)} Co., Ltd\",Importadora {rng.Next(3000)} SA de CV,EX{rng.Next(5000)},"));
            w.Write(string.Create(CultureInfo.InvariantCulture,
                $"RFC{rng.Next(3000)},{origins[k]},MX,{origins[k]},MX,2933.{rng.Next(10, 99)}.{rng.Next(10, 99)},chemical product grade {rng.Next(100)},110-89-4,{rng.Next(1, 50000)}.{rng.Next(100)},{units[rng.Next(5)]},"));
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{rng.Next(1, 10000)},{rng.Next(100, 2_000_000)}.{rng.Next(100):D2},{currencies[rng.Next(5)]},{incoterms[rng.Next(5)]},INV-{i / 3},{modes[rng.Next(5)]},Shanghai,Manzanillo,US;PA,MSCU{i / 3:D7}"));
        }
    }
}
