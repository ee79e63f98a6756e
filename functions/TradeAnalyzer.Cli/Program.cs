using System.CommandLine;
using System.Runtime.InteropServices;
using TradeAnalyzer.Cli.Commands;

namespace TradeAnalyzer.Cli;

/// <summary>
/// `tradeanalyzer`: analyze, ingest, digest, exporter, serve, sample, evaluate, fuzz. Exit codes: 0 success (partial
/// rejections included), 2 bad usage, 3 inputs rejected entirely, 1 an unexpected failure.
/// </summary>
public static class Program
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadUsage = 2;
    public const int AllRejected = 3;

    public static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        // Ctrl-C (SIGINT) and SIGTERM (docker stop, systemd, kill), from the first instruction on: the first asks the
        // command to stop (a host gives its uploads back, an analysis stops at its next check), a second one ends the
        // process at once. A host registers its own handlers only once started; a signal before that would end the
        // process abruptly.
        using var interrupt = TryRegister(PosixSignal.SIGINT, cancel);
        using var terminate = TryRegister(PosixSignal.SIGTERM, cancel);
        return await RunAsync(args, System.Console.Out, System.Console.Error, cancel.Token).ConfigureAwait(false);
    }

    private static PosixSignalRegistration? TryRegister(PosixSignal signal, CancellationTokenSource cancel)
    {
        try
        {
            return PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = !cancel.IsCancellationRequested;
                cancel.Cancel();
            });
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Runs one command line; used by Main and by tests (which capture the writers).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("TradeAnalyzer: finds mispriced, phantom and misdeclared shipments in customs and invoice data, and precursor chemicals among them.")
        {
            AnalyzeCommand.Create(stdout, stderr),
            IngestCommand.Create(stdout, stderr),
            DigestCommand.Create(stdout, stderr),
            ExporterCommand.Create(stdout, stderr),
            ServeCommand.Create(stdout, stderr),
            SampleCommand.Create(stdout, stderr),
            EvaluateCommand.Create(stdout, stderr),
            FuzzCommand.Create(stdout, stderr),
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await stderr.WriteLineAsync($"tradeanalyzer: {error.Message}").ConfigureAwait(false);
            }

            await stderr.WriteLineAsync("Run 'tradeanalyzer --help' for usage.").ConfigureAwait(false);
            return BadUsage;
        }

        try
        {
            // ProcessTerminationTimeout null: System.CommandLine's own Ctrl-C/SIGTERM handler would end the process with
            // exit code 130/143 when a command takes more than two seconds to stop (a host finishing an upload, a loaded
            // machine); Main cancels the token instead and every command stops at its own pace.
            var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            return await parse.InvokeAsync(config, cancellationToken).ConfigureAwait(false);
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync($"tradeanalyzer: {ex.Message}").ConfigureAwait(false);
            return BadUsage;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or Storage.StorageException)
        {
            // Environment failures (disk full, permission denied, storage unreachable): one clear line, no stack trace.
            await stderr.WriteLineAsync($"tradeanalyzer: {ex.Message}").ConfigureAwait(false);
            return Failure;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("tradeanalyzer: cancelled.").ConfigureAwait(false);
            return Failure;
        }
    }
}

/// <summary>Bad usage found after parsing (a file that does not exist, incompatible options): exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
