using TradeAnalyzer.Ingestion;

namespace TradeAnalyzer.Tests;

/// <summary>
/// Folders the tests of one run share (generated samples, written once per test process). They live in the process's
/// scratch folder (<see cref="ScratchFiles"/>): private, removed when the process exits, swept after a killed run.
/// Compiled into each test project (linked, one source).
/// </summary>
internal static class TestTemp
{
    /// <summary>A folder for this test process (not created: the caller writes it).</summary>
    public static string Folder(string name) => Path.Combine(ScratchFiles.Folder, "tests", name);

    /// <summary>Deletes a folder and what it holds; false when something still holds it (the caller goes on).</summary>
    public static bool TryDelete(string dir) => ScratchFiles.TryDelete(dir);
}
