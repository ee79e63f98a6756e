using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace TradeAnalyzer.IntegrationTests.Hosting;

/// <summary>`tradeanalyzer serve` as a child process (dotnet functions/TradeAnalyzer.Cli/bin/{config}/net10.0/tradeanalyzer.dll).</summary>
internal sealed class ServeProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    public ServeProcess(string[] storeArgs, int port, IReadOnlyDictionary<string, string>? environment = null, params string[] extra)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { CliDll(), "serve" }.Concat(storeArgs).Concat(new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--poll-seconds", "0.5" }).Concat(extra))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["TRADEANALYZER_API_KEY"] = "serve-test-key";
        start.Environment.Remove("TRADEANALYZER_CONNECTION");
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[k] = v;
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("serve did not start.");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>Everything the process wrote so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>Sends a POSIX signal with `kill -SIG pid` (Process.Kill would be SIGKILL).</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>SIGKILL: the host dies at once, mid-whatever.</summary>
    public void KillHard()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }

    public bool WaitForExit(TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout))
        {
            return false;
        }

        process.WaitForExit(); // drain the output
        return true;
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    /// <summary>The CLI's build output (the test project's own configuration), found from the repository root.</summary>
    internal static string CliDll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "functions", "TradeAnalyzer.Cli", "bin", configuration, "net10.0", "tradeanalyzer.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("functions/TradeAnalyzer.Cli is not built (dotnet build tests/TradeAnalyzer.IntegrationTests builds it).");
    }
}
