using System.CommandLine;
using TradeAnalyzer.Handlers.Fuzzing;

namespace TradeAnalyzer.Cli.Commands;

/// <summary>`tradeanalyzer fuzz [FILE...] --seconds N`: mutates sample files and reports any crash with the input that caused it.</summary>
internal static class FuzzCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var files = new Argument<string[]>("FILE") { Description = "Seed files (default: the first 300 lines of samples/declarations.csv, samples/invoices.csv and samples/declarations_messy.csv).", Arity = ArgumentArity.ZeroOrMore };
        var seconds = new Option<double>("--seconds") { Description = "How long to fuzz.", DefaultValueFactory = _ => 60 };
        var seed = new Option<int>("--seed") { Description = "Random seed (the same seed replays the same mutants).", DefaultValueFactory = _ => 1 };
        var crashes = new Option<string>("--crashes") { Description = "Folder for crashing inputs and their errors.", DefaultValueFactory = _ => "fuzz-crashes" };
        var command = new Command("fuzz", "Mutate sample files for a while and run each through the whole pipeline; exit 1 and save the input when anything crashes.")
        {
            files, seconds, seed, crashes,
        };
        command.SetAction(async (parse, ct) =>
        {
            var paths = parse.GetValue(files) is { Length: > 0 } given
                ? given.Select(f => CommonOptions.ExistingFile(f, "FILE")).ToArray()
                : new[] { "samples/declarations.csv", "samples/invoices.csv", "samples/declarations_messy.csv" }.Where(File.Exists).ToArray();
            if (paths.Length == 0)
            {
                throw new UsageException("no seed files: give FILE... or run from the repository root (samples/).");
            }

            var seeds = paths.Select(p => (Path.GetFileName(p), Head(p, 300))).ToList();
            var report = await Task.Run(() => Fuzzer.Run(seeds, new FuzzOptions
            {
                Duration = TimeSpan.FromSeconds(parse.GetValue(seconds)),
                Seed = parse.GetValue(seed),
                CrashDirectory = parse.GetValue(crashes)!,
            }, cancellationToken: ct), ct).ConfigureAwait(false);
            await stdout.WriteLineAsync($"fuzz: {report.Iterations:N0} mutants, {report.Rows:N0} rows in {report.Elapsed.TotalSeconds:N0} s, {report.Crashes.Count} crashes").ConfigureAwait(false);
            foreach (var c in report.Crashes)
            {
                await stdout.WriteLineAsync($"  crash: {c} (error in {c}.txt)").ConfigureAwait(false);
            }

            return report.Crashes.Count == 0 ? Program.Ok : Program.Failure;
        });
        return command;
    }

    /// <summary>The first lines of a file, as bytes (mutants of small files run fast).</summary>
    private static byte[] Head(string path, int lines)
    {
        var bytes = File.ReadAllBytes(path);
        var seen = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n' && ++seen == lines)
            {
                return bytes[..(i + 1)];
            }
        }

        return bytes;
    }
}
