using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using TradeAnalyzer.Tests;

namespace TradeAnalyzer.IntegrationTests.Hosting;

/// <summary>
/// An Azurite of its own for tests that restart it or share it with a child process: data on disk under
/// <see cref="Location"/> (so it survives <see cref="Stop"/> and <see cref="Start"/>), fixed ports for its lifetime.
/// </summary>
internal sealed class AzuriteProcess : IDisposable
{
    private Process? process;

    public AzuriteProcess()
    {
        BlobPort = FreePort();
        QueuePort = FreePort();
        TablePort = FreePort();
        Location = TestTemp.Folder("azurite-disk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Location);
        Start();
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public string Location { get; }

    public string ConnectionString => string.Create(
        CultureInfo.InvariantCulture,
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Storage.AzuriteFixture.AzuriteKey};BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;");

    public void Start()
    {
        var executable = Find() ?? throw new InvalidOperationException("Azurite is not installed: run `npm install --prefix .tools azurite@3` in the repository root.");
        var start = new ProcessStartInfo(executable) { WorkingDirectory = Location, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "--silent", "--skipApiVersionCheck", "--loose", "--location", Location,
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(arg);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(Listening(BlobPort) && Listening(TablePort)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Azurite did not listen on {BlobPort}/{TablePort} within 60 s.");
            }

            Thread.Sleep(100);
        }
    }

    /// <summary>
    /// Stops Azurite: SIGINT first (it saves its metadata database under Location and exits), SIGKILL after 10 s.
    /// Data persisted under Location stays for the next <see cref="Start"/>.
    /// </summary>
    public void Stop()
    {
        if (process is { HasExited: false })
        {
            if (!OperatingSystem.IsWindows())
            {
                using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-INT", process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false });
                kill?.WaitForExit();
            }

            if (!process.WaitForExit(10_000))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }

        process?.Dispose();
        process = null;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((Listening(BlobPort) || Listening(TablePort)) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(100);
        }
    }

    public void Dispose()
    {
        Stop();
        TestTemp.TryDelete(Location);
    }

    internal static int FreePort() => Storage.AzuriteFixture.FreePort();

    private static string? Find() => Storage.AzuriteFixture.FindAzurite();

    private static bool Listening(int port) => Storage.AzuriteFixture.Listening(port);
}
