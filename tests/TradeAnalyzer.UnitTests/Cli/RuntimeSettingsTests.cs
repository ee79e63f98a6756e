using System.Globalization;
using System.Text.Json;

namespace TradeAnalyzer.UnitTests.Cli;

/// <summary>The runtime settings the command line ships with (docs/benchmarks.md, "Runtime settings").</summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void The_command_line_conserves_memory_and_compiles_once()
    {
        // The referenced executable's runtime configuration is copied beside the tests.
        var path = Path.Combine(AppContext.BaseDirectory, "tradeanalyzer.runtimeconfig.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var properties = doc.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.Equal(5, properties.GetProperty("System.GC.ConserveMemory").GetInt32());
        Assert.False(properties.GetProperty("System.Runtime.TieredCompilation.QuickJit").GetBoolean());
        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
    }

    [Fact]
    public void Every_executable_of_the_repository_runs_with_the_memory_setting()
    {
        // Test hosts are executables of this repository too, so the runtime reports the value in effect.
        var variables = GC.GetConfigurationVariables();
        Assert.Equal(5L, Convert.ToInt64(variables["GCConserveMem"], CultureInfo.InvariantCulture));
    }
}
