using System.Text.Json;

namespace TradeAnalyzer.UnitTests.Cli;

/// <summary>The garbage collector settings the command line ships with (docs/benchmarks.md, "Garbage collector settings").</summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void The_command_line_raises_the_gen0_budget_cap_and_conserves_memory()
    {
        // The referenced executable's runtime configuration is copied beside the tests.
        var path = Path.Combine(AppContext.BaseDirectory, "tradeanalyzer.runtimeconfig.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var properties = doc.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.Equal(64L << 20, properties.GetProperty("System.GC.Gen0MaxBudget").GetInt64());
        Assert.Equal(5, properties.GetProperty("System.GC.ConserveMemory").GetInt32());
        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
    }

    [Fact]
    public void This_process_runs_with_the_same_settings()
    {
        // Test hosts are executables of this repository too, so the runtime reports the values in effect.
        var variables = GC.GetConfigurationVariables();
        Assert.Equal(64L << 20, Convert.ToInt64(variables["GCGen0MaxBudget"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(5L, Convert.ToInt64(variables["GCConserveMem"], System.Globalization.CultureInfo.InvariantCulture));
    }
}
