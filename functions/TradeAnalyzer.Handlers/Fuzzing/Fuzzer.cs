using System.Diagnostics;
using System.Text;
using TradeAnalyzer.Handlers.Analysis;
using TradeAnalyzer.Handlers.Outputs;

namespace TradeAnalyzer.Handlers.Fuzzing;

/// <summary>Settings of one fuzzing session.</summary>
public sealed record FuzzOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(1);

    public int Seed { get; init; } = 1;

    /// <summary>Where crashing inputs are saved (with the error beside them).</summary>
    public string CrashDirectory { get; init; } = "fuzz-crashes";

    /// <summary>Stop after this many iterations (0: only the duration limits it).</summary>
    public long MaxIterations { get; init; }
}

/// <summary>What a session found: iterations, crashes (saved inputs) and rows seen.</summary>
public sealed record FuzzReport(long Iterations, long Rows, IReadOnlyList<string> Crashes, TimeSpan Elapsed);

/// <summary>
/// Mutates seed files (bytes flipped, inserted, deleted and duplicated; delimiters, quotes, line breaks, NULs, BOMs,
/// huge and special numbers spliced in) and runs each mutant through the whole pipeline and every output writer.
/// A crash is any exception, or counts that do not reconcile; the input that caused it is saved.
/// </summary>
public static class Fuzzer
{
    private static readonly byte[][] Tokens =
    [
        "\""u8.ToArray(), ","u8.ToArray(), ";"u8.ToArray(), "\t"u8.ToArray(), "\n"u8.ToArray(), "\r"u8.ToArray(), [0], [0xEF, 0xBB, 0xBF], [0xFF, 0xFE],
        "NaN"u8.ToArray(), "Infinity"u8.ToArray(), "-1"u8.ToArray(), "0"u8.ToArray(), "1e308"u8.ToArray(), "1e-320"u8.ToArray(), "99999999999999999999999"u8.ToArray(),
        "=cmd|'/C calc'!A0"u8.ToArray(), "2026-02-30"u8.ToArray(), "1.234,56"u8.ToArray(), "ü"u8.ToArray(), [0xC3], "\"\""u8.ToArray(), "29333999"u8.ToArray(),
    ];

    public static FuzzReport Run(IReadOnlyList<(string Name, byte[] Bytes)> seeds, FuzzOptions options, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        if (seeds.Count == 0)
        {
            throw new ArgumentException("At least one seed file is needed.", nameof(seeds));
        }

        var rng = new Random(options.Seed);
        var clock = Stopwatch.StartNew();
        var crashes = new List<string>();
        long iterations = 0;
        long rows = 0;
        var pipeline = new AnalysisPipeline();
        while (clock.Elapsed < options.Duration && (options.MaxIterations == 0 || iterations < options.MaxIterations) && !cancellationToken.IsCancellationRequested)
        {
            var (name, seed) = seeds[rng.Next(seeds.Count)];
            var mutant = Mutate(seed, rng);
            iterations++;
            try
            {
                var request = new AnalysisRequest { Files = [new InputFile(name, () => new MemoryStream(mutant, writable: false))] };
                var run = pipeline.Run(request, cancellationToken: cancellationToken);
                rows += run.RowsRead;
                foreach (var f in run.Files)
                {
                    if (f.RowsRead != f.RowsAccepted + f.RowsRejected)
                    {
                        throw new InvalidDataException($"counts do not reconcile: {f.RowsRead} read, {f.RowsAccepted} accepted, {f.RowsRejected} rejected");
                    }
                }

                if (run.Rejected.Count != run.RowsRejected && run.Files.All(f => f.Error is null))
                {
                    throw new InvalidDataException($"{run.RowsRejected} rows rejected but {run.Rejected.Count} listed in rejected.csv");
                }

                var model = UploadOutputs.Model(run);
                using var sink = new MemoryStream();
                Reports.UploadReport.Write(sink, model);
                Reports.AnalysisOutputs.WriteFlagsCsv(sink, model.Result.Flags);
                Reports.AnalysisOutputs.WriteRejectedCsv(sink, model.Rejected);
                Reports.AnalysisOutputs.WriteSummaryJson(sink, model);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                Directory.CreateDirectory(options.CrashDirectory);
                var path = Path.Combine(options.CrashDirectory, $"crash-{iterations:D6}{Path.GetExtension(name)}");
                File.WriteAllBytes(path, mutant);
                File.WriteAllText(path + ".txt", ex.ToString(), Encoding.UTF8);
                crashes.Add(path);
            }

            if (iterations % 50 == 0)
            {
                progress?.Report(iterations);
            }
        }

        return new FuzzReport(iterations, rows, crashes, clock.Elapsed);
    }

    /// <summary>Applies one to five random mutations.</summary>
    public static byte[] Mutate(byte[] input, Random rng)
    {
        var data = new List<byte>(input);
        var n = rng.Next(1, 6);
        for (var i = 0; i < n; i++)
        {
            var pos = data.Count == 0 ? 0 : rng.Next(data.Count);
            switch (rng.Next(7))
            {
                case 0 when data.Count > 0:
                    data[pos] ^= (byte)(1 << rng.Next(8));
                    break;
                case 1:
                    data.Insert(pos, (byte)rng.Next(256));
                    break;
                case 2 when data.Count > 0:
                    data.RemoveRange(pos, Math.Min(rng.Next(1, 64), data.Count - pos));
                    break;
                case 3 when data.Count > 0:
                    var len = Math.Min(rng.Next(1, 256), data.Count - pos);
                    data.InsertRange(rng.Next(data.Count), data.GetRange(pos, len));
                    break;
                case 4:
                    data.InsertRange(pos, Tokens[rng.Next(Tokens.Length)]);
                    break;
                case 5:
                    data.InsertRange(pos, Enumerable.Repeat((byte)'A', rng.Next(1, 100_000)));
                    break;
                default:
                    if (data.Count > 0)
                    {
                        data.RemoveRange(pos, data.Count - pos); // truncate
                    }

                    break;
            }
        }

        return [.. data];
    }
}
