using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// Where this process keeps its temporary files: an upload's spooled copy, a workbook's spool, outputs written before
/// they are uploaded. One private folder per process under the system's temp folder, made like <c>mkdtemp</c>
/// (<c>tradeanalyzer-{pid}-{random}</c>, 0700 on Unix, so no other user reads a customs file while it is processed),
/// removed when the process exits. A process that is killed cannot remove it, so the first process of a later run
/// that needs one removes the folders of processes that no longer run and were last written an hour ago or more: a
/// killed host leaves no copy of a customs file behind past the next start.
/// </summary>
public static partial class ScratchFiles
{
    private const string Prefix = "tradeanalyzer-";

    private static readonly Lock Gate = new();
    private static string? current;

    /// <summary>How long a dead process's folder is left alone (a folder shared across process namespaces stays safe).</summary>
    internal static readonly TimeSpan StaleAfter = TimeSpan.FromHours(1);

    /// <summary>
    /// This process's folder, made on first use. If something removed it (a temp cleaner, under a long-running host),
    /// a new one is made: never the same name again, which another user could have taken meanwhile.
    /// </summary>
    public static string Folder
    {
        get
        {
            var folder = Volatile.Read(ref current);
            if (folder is not null && Directory.Exists(folder))
            {
                return folder;
            }

            lock (Gate)
            {
                if (current is null)
                {
                    try
                    {
                        SweepStale(Path.GetTempPath(), DateTime.UtcNow);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        // A temp folder that cannot be listed still takes a folder of ours.
                    }

                    AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(Volatile.Read(ref current));
                }

                if (current is null || !Directory.Exists(current))
                {
                    Volatile.Write(ref current, Directory.CreateTempSubdirectory($"{Prefix}{Environment.ProcessId}-").FullName);
                }

                return current!;
            }
        }
    }

    /// <summary>
    /// A path for a new file in this process's folder: <paramref name="prefix"/>, a random part and
    /// <paramref name="extension"/>. The file is not created: open it with <see cref="FileMode.CreateNew"/>.
    /// </summary>
    public static string NewPath(string prefix, string extension = ".tmp") =>
        Path.Combine(Folder, $"{prefix}-{Guid.NewGuid():N}{extension}");

    /// <summary>
    /// Removes the folders under <paramref name="parent"/> that processes of this application left, when that process no
    /// longer runs and the folder was last written <see cref="StaleAfter"/> before <paramref name="now"/> or earlier.
    /// Returns how many were removed; a folder that cannot be removed is left as it is.
    /// </summary>
    internal static int SweepStale(string parent, DateTime now)
    {
        var removed = 0;
        foreach (var dir in Directory.EnumerateDirectories(parent, Prefix + "*"))
        {
            var match = FolderName().Match(Path.GetFileName(dir));
            if (!match.Success || !int.TryParse(match.Groups["pid"].ValueSpan, out var pid) || pid == Environment.ProcessId
                || now - Directory.GetLastWriteTimeUtc(dir) < StaleAfter || IsRunning(pid))
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

    /// <summary>Deletes a folder and what it holds; false when it cannot (another user's, or in use: not ours to force).</summary>
    internal static bool TryDelete(string? dir)
    {
        if (dir is null)
        {
            return false;
        }

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

    [GeneratedRegex(@"^tradeanalyzer-(?<pid>\d+)-[A-Za-z0-9]{6}$", RegexOptions.CultureInvariant)]
    private static partial Regex FolderName();
}
