using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TradeAnalyzer.Tests;

/// <summary>
/// Folders the tests of one run share (generated samples, written once per test process), all under one root per
/// process, <c>{temp}/ta-tests-{pid}</c>. The root is removed when the process exits; roots left by runs that were
/// killed, and the per-sample folders earlier versions left beside them (<c>ta-recall-42-{pid}</c>, ...), are removed
/// by the next run once their process is gone. Compiled into each test project (linked, one source).
/// </summary>
internal static partial class TestTemp
{
    private static readonly Lazy<string> RootFolder = new(CreateRoot);

    /// <summary>This process's root: created, and registered for removal at exit, on first use.</summary>
    public static string Root => RootFolder.Value;

    /// <summary>A folder under this process's root (not created: the caller writes it).</summary>
    public static string Folder(string name) => Path.Combine(Root, name);

    /// <summary>
    /// Removes the folders under <paramref name="parent"/> that a test process left (its root, or a per-sample folder
    /// of earlier versions) when that process no longer runs. Returns how many were removed.
    /// </summary>
    internal static int SweepStale(string parent)
    {
        var removed = 0;
        foreach (var dir in Directory.EnumerateDirectories(parent, "ta-*"))
        {
            var match = LeftBehind().Match(Path.GetFileName(dir));
            if (!match.Success || !int.TryParse(match.Groups["pid"].ValueSpan, out var pid)
                || pid == Environment.ProcessId || IsRunning(pid))
            {
                continue;
            }

            if (TryDelete(dir))
            {
                removed++;
            }
        }

        return removed;
    }

    private static string CreateRoot()
    {
        var temp = Path.GetTempPath();
        SweepStale(temp);
        var root = Path.Combine(temp, "ta-tests-" + Environment.ProcessId);
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        return root;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Deletes a folder and what it holds; false when something still holds it (the caller goes on).</summary>
    internal static bool TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^ta-(?:tests|recall-\d+|hosting-samples|handler-samples|fault-samples)-(?<pid>\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex LeftBehind();
}
