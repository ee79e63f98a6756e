using System.Diagnostics;
using System.Runtime;

namespace TradeAnalyzer.Benchmarks;

/// <summary>
/// A model of what the collector does right after a big read, to weigh a change before making it: LINES records shaped
/// like the read's (a 136-byte object with three references to a few thousand shared parts, its figures and three id
/// fields, 258 bytes per record with its ids, as the 1.92M records of the 1M + 0.6M data retain 490 MiB) are allocated
/// inside a no-collection region, as the read does, then garbage is allocated until a gen0 and a gen1 have run: the
/// two collections that promote the records into gen2. Usage: `gcmodel strings|chars [LINES]`. `strings` keeps the
/// ids as 1.9 strings per record (3.66M for 1.92M records, as the real files have after the reader's reuse of a
/// repeated id); `chars` keeps the same characters in 64 KiB character chunks and a packed position per id, the
/// layout the workbook's shared strings have had since the twenty-ninth pass. Run each in its own process.
/// </summary>
internal static class GcModelBenchmark
{
    private const int ChunkChars = 32 * 1024;

    public static void Run(string mode, int lines)
    {
        var chars = mode switch
        {
            "strings" => false,
            "chars" => true,
            _ => throw new ArgumentException("gcmodel: the mode is strings or chars", nameof(mode)),
        };
        var parts = new Part[5000];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = new Part { X = i };
        }

        var records = new Record[lines];
        var chunks = new List<char[]>();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var region = GC.TryStartNoGCRegion(Math.Min(1_000_000_000L, 400L * lines + 64_000_000));
        var rnd = new Random(1);
        var chunk = new char[ChunkChars];
        var used = 0;
        chunks.Add(chunk);
        double owed = 0;
        Span<char> text = stackalloc char[24];
        for (var i = 0; i < lines; i++)
        {
            var r = new Record { P = parts[rnd.Next(parts.Length)], R = parts[rnd.Next(parts.Length)], G = parts[rnd.Next(parts.Length)], Row = i };
            owed += 1.9;
            for (var k = 0; k < 2 && owed >= 1; k++, owed--)
            {
                text[0] = k == 0 ? 'D' : 'I';
                i.TryFormat(text[1..], out var n, "D17");
                var id = text[..(n + 1)];
                if (!chars)
                {
                    var value = new string(id);
                    if (k == 0)
                    {
                        r.S1 = value;
                    }
                    else
                    {
                        r.S2 = value;
                    }

                    continue;
                }

                if (used + id.Length > ChunkChars)
                {
                    chunk = new char[ChunkChars];
                    chunks.Add(chunk);
                    used = 0;
                }

                id.CopyTo(chunk.AsSpan(used));
                var packed = ((long)(chunks.Count - 1) << 32) | ((long)used << 8) | (uint)id.Length;
                used += id.Length;
                if (k == 0)
                {
                    r.Id1 = packed;
                }
                else
                {
                    r.Id2 = packed;
                }
            }

            records[i] = r;
        }

        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            GC.EndNoGCRegion();
        }

        var heap = GC.GetTotalMemory(false) / 1048576.0;
        var pausesBefore = GC.GetTotalPauseDuration();
        var gen0 = GC.CollectionCount(0);
        var gen1 = GC.CollectionCount(1);
        var watch = Stopwatch.StartNew();
        object? garbage = null;
        while (GC.CollectionCount(1) == gen1 || GC.CollectionCount(0) - gen0 < 2)
        {
            garbage = new byte[1024];
        }

        var pause = (GC.GetTotalPauseDuration() - pausesBefore).TotalMilliseconds;
        Console.WriteLine(
            $"gcmodel {mode}: {lines:N0} records ({heap:N0} MiB managed, no-GC region {(region ? "held" : "refused")}); " +
            $"{GC.CollectionCount(0) - gen0} gen0 + {GC.CollectionCount(1) - gen1} gen1 after it: pauses {pause:N0} ms, wall {watch.ElapsedMilliseconds:N0} ms");
        Console.WriteLine(FormattableString.Invariant($"RESULT gcmodel mode={mode} records={lines} pause_ms={pause:F0} heap_mib={heap:F0}"));
        GC.KeepAlive(records);
        GC.KeepAlive(chunks);
        GC.KeepAlive(garbage);
    }

    private sealed class Part
    {
        public long X { get; init; }
    }

    /// <summary>136 bytes like a declaration line: three id fields (S3 stays empty, as 1.9 of a record's three ids are
    /// strings of their own in the real files) and the packed positions that replace them in the `chars` mode.</summary>
    private sealed class Record
    {
        public Part? P { get; init; }

        public Part? R { get; init; }

        public Part? G { get; init; }

        public string? S1 { get; set; }

        public string? S2 { get; set; }

        public string? S3 { get; set; }

        public long Row { get; init; }

        public long Id1 { get; set; }

        public long Id2 { get; set; }

        public double Quantity { get; set; }

        public double NormQuantity { get; set; }

        public double Value { get; set; }

        public double ValueUsd { get; set; }

        public double FobUsd { get; set; }

        public int LineNo { get; set; }

        public int Date { get; set; }
    }
}
