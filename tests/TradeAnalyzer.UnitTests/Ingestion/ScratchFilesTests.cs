using System.Diagnostics;
using TradeAnalyzer.Ingestion;

namespace TradeAnalyzer.UnitTests.Ingestion;

/// <summary>Temporary copies of customs files stay private to the process and do not outlive a killed host for long.</summary>
public sealed class ScratchFilesTests : IDisposable
{
    // Far above any pid_max: no process has it.
    private const int GonePid = 2_147_483_000;

    private readonly string _parent = Directory.CreateTempSubdirectory("ta-scratch-sweep-").FullName;

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    [Fact]
    public void Sweep_removes_only_old_folders_of_processes_that_are_gone()
    {
        var now = DateTime.UtcNow;
        var old = now - ScratchFiles.StaleAfter - TimeSpan.FromMinutes(1);
        var running = OtherRunningProcess();
        string[] stale = [$"tradeanalyzer-{GonePid}-aB3dE9"];
        (string Name, DateTime Written)[] kept =
        [
            ($"tradeanalyzer-{GonePid}-zZ0zZ0", now - TimeSpan.FromMinutes(5)), // gone, but written recently
            ($"tradeanalyzer-{Environment.ProcessId}-abcdef", old), // this process
            ($"tradeanalyzer-{running}-abcdef", old), // a process that still runs
            ("tradeanalyzer-e2e", old), // the benchmarks' output folder
            ($"tradeanalyzer-outputs-{GonePid}", old),
            ($"tradeanalyzer-{GonePid}-toolongname", old),
        ];
        foreach (var (name, written) in stale.Select(n => (n, old)).Concat(kept))
        {
            var dir = Path.Combine(_parent, name);
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "upload-1.tmp"), "declaration_id\n");
            Directory.SetLastWriteTimeUtc(dir, written);
        }

        Assert.Equal(1, ScratchFiles.SweepStale(_parent, now));

        Assert.False(Directory.Exists(Path.Combine(_parent, stale[0])));
        Assert.All(kept, k => Assert.True(File.Exists(Path.Combine(_parent, k.Name, "upload-1.tmp")), k.Name));
        Assert.Equal(0, ScratchFiles.SweepStale(_parent, now));
    }

    [Fact]
    public void The_process_folder_is_private_and_new_paths_are_distinct_and_inside_it()
    {
        var folder = ScratchFiles.Folder;
        Assert.True(Directory.Exists(folder));
        Assert.Equal(Path.GetFullPath(Path.GetTempPath()), Path.GetFullPath(Path.GetDirectoryName(folder)! + Path.DirectorySeparatorChar));
        Assert.Matches($"^tradeanalyzer-{Environment.ProcessId}-[A-Za-z0-9]{{6}}$", Path.GetFileName(folder));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        }

        var a = ScratchFiles.NewPath("upload");
        var b = ScratchFiles.NewPath("upload");
        Assert.NotEqual(a, b);
        Assert.Equal(folder, Path.GetDirectoryName(a));
        Assert.StartsWith("upload-", Path.GetFileName(a), StringComparison.Ordinal);
        Assert.False(File.Exists(a));
        Assert.EndsWith(".csv", ScratchFiles.NewPath("flags", ".csv"), StringComparison.Ordinal);
    }

    private static int OtherRunningProcess()
    {
        var processes = Process.GetProcesses();
        try
        {
            return processes.First(p => p.Id > 0 && p.Id != Environment.ProcessId && !p.HasExited).Id;
        }
        finally
        {
            foreach (var p in processes)
            {
                p.Dispose();
            }
        }
    }
}
