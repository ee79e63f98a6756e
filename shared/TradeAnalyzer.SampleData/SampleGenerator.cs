namespace TradeAnalyzer.SampleData;

/// <summary>
/// Writes a deterministic, realistic sample of customs declarations (US exports to Mexico declared on both sides,
/// Mexican imports from China, India and Germany), commercial invoices and reference files, with planted anomalies of
/// every flag code and a truth file listing them. Same seed and options give byte-identical files.
/// </summary>
public static class SampleGenerator
{
    /// <summary>The files <see cref="Write"/> creates in the target directory.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        ["declarations.csv", "invoices.csv", "fx.csv", "sanctions.csv", "truth.csv", "declarations_messy.csv"];

    /// <summary>
    /// Streams declarations.csv, invoices.csv and truth.csv shipment by shipment (memory does not grow with the number
    /// of shipments beyond a few bytes of plan per shipment), then fx.csv, sanctions.csv and declarations_messy.csv.
    /// </summary>
    /// <param name="directory">Target directory (created when missing; existing files are overwritten).</param>
    /// <param name="options">Number of shipments, seed and period.</param>
    /// <param name="progress">Receives the number of shipments written so far.</param>
    /// <param name="ct">Cancels between shipments.</param>
    /// <returns>Row counts and the number of planted shipments per flag code.</returns>
    public static SampleSummary Write(string directory, SampleOptions options, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(directory);
        var run = new GeneratorRun(options);
        var summary = run.Run(directory, progress, ct);
        WriteFx(Path.Combine(directory, "fx.csv"), run.Fx);
        WriteSanctions(Path.Combine(directory, "sanctions.csv"));
        MessyWriter.Write(Path.Combine(directory, "declarations_messy.csv"), options, run.Pools);
        return summary;
    }

    private static void WriteFx(string path, FxSeries fx)
    {
        using var o = new CsvOut(path);
        o.Header("date,currency,usd_per_unit");
        for (var d = 0; d < fx.Days; d++)
        {
            var date = fx.First.AddDays(d);
            foreach (var currency in FxSeries.Currencies)
            {
                o.Date(date).Field(currency).Number(fx.Rate(currency, date), "F6");
                o.EndRow();
            }
        }
    }

    private static void WriteSanctions(string path)
    {
        using var o = new CsvOut(path);
        o.Header("name,country,program,source");
        foreach (var e in PartyPools.Sanctions)
        {
            o.Field(e.Name).Field(e.Country).Field(e.Program).Field(e.AliasOf is null ? e.Source : $"{e.Source} of {e.AliasOf}");
            o.EndRow();
        }
    }
}
