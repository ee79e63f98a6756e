using TradeAnalyzer.Tests;

namespace TradeAnalyzer.UnitTests.TestInfrastructure;

/// <summary>The shared sample folders of a test run do not pile up in the temp folder run after run.</summary>
public sealed class TestTempTests : IDisposable
{
    // Far above any pid_max: no process has it.
    private const int GonePid = 2_147_483_000;

    private readonly string _parent = Directory.CreateTempSubdirectory("ta-temp-sweep-").FullName;

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    [Fact]
    public void Sweep_removes_what_gone_test_processes_left_and_nothing_else()
    {
        var stale = new[] { $"ta-tests-{GonePid}", $"ta-recall-42-{GonePid}", $"ta-hosting-samples-{GonePid}", $"ta-handler-samples-{GonePid}", $"ta-fault-samples-{GonePid}" };
        var running = OtherRunningProcess();
        var kept = new[]
        {
            $"ta-tests-{Environment.ProcessId}", // this process
            $"ta-tests-{running}", // another process that still runs
            $"ta-azurite-disk-{GonePid}", // not a test root
            "ta-tests-abc",
            $"ta-tests-{GonePid}-copy",
        };
        foreach (var name in stale.Concat(kept))
        {
            Directory.CreateDirectory(Path.Combine(_parent, name, "sub"));
            File.WriteAllText(Path.Combine(_parent, name, "sub", "declarations.csv"), "declaration_id\n");
        }

        Assert.Equal(stale.Length, TestTemp.SweepStale(_parent));

        Assert.All(stale, name => Assert.False(Directory.Exists(Path.Combine(_parent, name)), name));
        Assert.All(kept, name => Assert.True(File.Exists(Path.Combine(_parent, name, "sub", "declarations.csv")), name));
        Assert.Equal(0, TestTemp.SweepStale(_parent));
    }

    private static int OtherRunningProcess()
    {
        var processes = System.Diagnostics.Process.GetProcesses();
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

    [Fact]
    public void Shared_folders_live_under_this_process_root()
    {
        var folder = TestTemp.Folder("recall-42");

        Assert.Equal(Path.Combine(Path.GetTempPath(), $"ta-tests-{Environment.ProcessId}", "recall-42"), folder);
        Assert.True(Directory.Exists(TestTemp.Root));
    }
}
