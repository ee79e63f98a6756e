using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TradeAnalyzer.Storage;
using TradeAnalyzer.Tests;

namespace TradeAnalyzer.IntegrationTests.Storage;

/// <summary>
/// Starts Azurite from the repository's .tools/node_modules/.bin/azurite (install it with
/// <c>npm install --prefix .tools azurite@3</c>; AZURITE_PATH overrides) on free ports, in memory, and
/// stops it at the end. Fails with a clear message when Azurite is not installed.
/// </summary>
public sealed class AzuriteFixture : IDisposable
{
    private readonly Process process;
    private readonly string workDir;
    private readonly System.Text.StringBuilder log = new();

    public AzuriteFixture()
    {
        var executable = FindAzurite() ?? throw new InvalidOperationException(
            "Azurite is not installed: run `npm install --prefix .tools azurite@3` in the repository root (test.sh does this) or set AZURITE_PATH.");
        BlobPort = FreePort();
        var queuePort = FreePort();
        TablePort = FreePort();
        workDir = TestTemp.Folder("azurite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workDir);
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose",
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(arg);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(Listening(BlobPort) && Listening(TablePort)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                Dispose();
                string output;
                lock (log)
                {
                    output = log.ToString();
                }

                throw new InvalidOperationException($"Azurite did not start listening on {BlobPort}/{TablePort} within 60 s: {output}");
            }

            Thread.Sleep(200);
        }

        Account = StorageAccount.Development(BlobPort, TablePort);
    }

    public int BlobPort { get; }

    public int TablePort { get; }

    /// <summary>The Azurite account (well-known devstoreaccount1 key) on this fixture's ports.</summary>
    public StorageAccount Account { get; }

    /// <summary>A connection string for this fixture (explicit endpoints, devstoreaccount1 key).</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteKey};BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    /// <summary>The public, well-known Azurite key.</summary>
    public const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        process.Dispose();
        try
        {
            Directory.Delete(workDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.Length < 4000)
            {
                log.AppendLine(line);
            }
        }
    }

    /// <summary>The azurite executable: $AZURITE_PATH, else .tools/node_modules/.bin/azurite above the test binaries.</summary>
    internal static string? FindAzurite()
    {
        var fromEnv = Environment.GetEnvironmentVariable("AZURITE_PATH");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(fromEnv))
        {
            return fromEnv;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".tools", "node_modules", ".bin", OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
