using System.Globalization;
using TradeAnalyzer.Core.Reference;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// Reference data shipped with the analyzer. <see cref="Fx"/> holds approximate monthly USD rates for 2023-01 to 2026-12
/// (MXN, EUR, CNY, INR, CAD, GBP, JPY, CHF, HKD, SGD, AED, BRL, COP): good enough to rank unit prices, not for
/// accounting; give real rates with --fx.
/// </summary>
public static class ReferenceDefaults
{
    private static readonly Lazy<FxTable> DefaultFx = new(LoadFx);

    /// <summary>The embedded default rates.</summary>
    public static FxTable Fx => DefaultFx.Value;

    private static FxTable LoadFx()
    {
        using var s = typeof(ReferenceDefaults).Assembly.GetManifestResourceStream("TradeAnalyzer.Ingestion.Data.fx-defaults.csv")
            ?? throw new InvalidOperationException("the default FX table is missing from the assembly");
        using var reader = new StreamReader(s);
        var b = new FxTable.Builder();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#' || line.StartsWith("date", StringComparison.Ordinal))
            {
                continue;
            }

            var parts = line.Split(',');
            b.Add(parts[1], DateOnly.ParseExact(parts[0], "yyyy-MM-dd", CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture));
        }

        return b.Build();
    }
}
