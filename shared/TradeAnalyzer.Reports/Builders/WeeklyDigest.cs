using System.Globalization;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Scoring;
using TradeAnalyzer.Reports.Builders;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.Reports;

/// <summary>
/// The supervisors' weekly digest for one ISO week: Summary (the week against the 12 weeks before it, with a trend
/// chart), Flags of the week, value at risk by corridor and by commodity, new precursor exporters, top exporters by
/// risk and pending dispositions.
/// </summary>
public static class WeeklyDigest
{
    /// <summary>Weeks before the digest's week that the trend compares with.</summary>
    public const int TrendWeeks = 12;

    /// <summary>Writes the digest to <paramref name="output"/> (which may be non-seekable; it is left open).</summary>
    public static void Write(Stream output, WeeklyDigestModel model)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(model);
        var l = Labels.For(model.Language);
        var weekStart = DateOnly.FromDateTime(ISOWeek.ToDateTime(model.Year, model.Week, DayOfWeek.Monday));
        var weekEnd = weekStart.AddDays(6);
        var windowStart = weekStart.AddDays(-7 * TrendWeeks);
        var label = $"{model.Year}-W{model.Week:00}";

        // Each week's flags; its value at risk counts each shipment once, as the upload report's does.
        var flagsPerWeek = new List<Flag>[TrendWeeks + 1];
        for (var i = 0; i < flagsPerWeek.Length; i++)
        {
            flagsPerWeek[i] = [];
        }

        foreach (var f in model.Flags)
        {
            if (f.Date is { } d && d >= windowStart && d <= weekEnd)
            {
                flagsPerWeek[(d.DayNumber - windowStart.DayNumber) / 7].Add(f);
            }
        }

        var perWeek = flagsPerWeek.Select(w => w.Count).ToArray();
        var varPerWeek = flagsPerWeek.Select(ShipmentRisk.ValueAtRisk).ToArray();
        var week = flagsPerWeek[TrendWeeks];

        week.Sort((a, b) => b.Score.CompareTo(a.Score));
        var flagsName = l.T("Flags", "Alertas");
        var firstFlag = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < week.Count; i++)
        {
            if ((week[i].ExporterKey ?? week[i].ExporterName) is { } key)
            {
                firstFlag.TryAdd(key, i);
            }
        }

        string? FlagLocation(ExporterProfile e)
        {
            if (!firstFlag.TryGetValue(e.Key, out var i) && !firstFlag.TryGetValue(e.Name, out i))
            {
                return null;
            }

            var (part, row) = RowSplitter.Locate(i);
            return CellRef.Location(RowSplitter.SheetName(flagsName, part), 0, row);
        }

        var info = new WorkbookInfo(
            l.T($"Weekly digest {label}", $"Resumen semanal {label}"),
            l.T("Flags of the week against the 12 weeks before", "Alertas de la semana frente a las 12 semanas anteriores"),
            $"{weekStart:yyyy-MM-dd} - {weekEnd:yyyy-MM-dd}",
            "weekly digest; supervisors",
            l.Code,
            model.GeneratedAt,
            string.Empty);
        using var book = new WorkbookWriter(output, info);

        var summary = new FreeSheet(l.T("Summary", "Resumen"));
        summary.Title(l.T($"Weekly digest {label}", $"Resumen semanal {label}"));
        summary.Pair(l.T("Week", "Semana"), $"{weekStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} - {weekEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}");
        summary.Row(FreeCell.Of(l.T("Flags this week", "Alertas de la semana"), StyleId.Bold), FreeCell.Of(week.Count, StyleId.Integer), FreeCell.LinkTo(l.T("see sheet", "ver hoja"), CellRef.Location(flagsName, 0, 1)));
        var average = perWeek.Take(TrendWeeks).Average();
        summary.Pair(l.T("Weekly average, 12 weeks before", "Promedio semanal, 12 semanas anteriores"), average, StyleId.Decimal);
        summary.Pair(l.T("Change against the average", "Cambio frente al promedio"), average > 0 ? (week.Count - average) / average : null, StyleId.Percent);
        summary.Pair(l.T("Value at risk this week", "Valor en riesgo de la semana"), varPerWeek[TrendWeeks], StyleId.Money);
        summary.Pair(l.T("Generated", "Generado"), model.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        summary.Blank();
        var weeks = Enumerable.Range(0, TrendWeeks + 1).Select(i =>
        {
            var monday = windowStart.AddDays(7 * i).ToDateTime(TimeOnly.MinValue);
            return $"{ISOWeek.GetYear(monday)}-W{ISOWeek.GetWeekOfYear(monday):00}";
        }).ToList();
        SummaryBlocks.WithChart(
            summary,
            ChartKind.Line,
            l.T("Flags per week", "Alertas por semana"),
            [l.T("Week", "Semana"), l.T("Flags", "Alertas"), l.T("Value at risk USD", "Valor en riesgo USD")],
            weeks,
            [perWeek.Select(n => (double)n).ToArray(), varPerWeek],
            [StyleId.Integer, StyleId.Money],
            [0],
            [SummaryBlocks.Blue]);
        var codes = RiskBreakdown.ValueAtRiskBy(week, f => f.Code.ToCode(), StringComparer.Ordinal)
            .Select(g => (Code: g.Key, Count: (double)g.Flags, Var: g.ValueAtRiskUsd))
            .OrderByDescending(x => x.Var).ThenByDescending(x => x.Count).ToList();
        SummaryBlocks.WithChart(
            summary,
            ChartKind.Bar,
            l.T("Value at risk by flag this week (USD)", "Valor en riesgo por alerta esta semana (USD)"),
            [l.T("Flag", "Alerta"), l.T("Flags", "Alertas"), l.T("Value at risk USD", "Valor en riesgo USD")],
            codes.Select(c => c.Code).ToList(),
            [codes.Select(c => c.Count).ToArray(), codes.Select(c => c.Var).ToArray()],
            [StyleId.Integer, StyleId.Money],
            [1],
            [SummaryBlocks.Orange]);
        book.AddFree(summary);

        book.AddTable(flagsName, FlagSheet.Columns(l), week, (row, f) => FlagSheet.Write(row, f, l, null));

        var corridors = RiskBreakdown.By(week, f => $"{f.OriginCountry ?? "?"}-{f.DestinationCountry ?? "?"}", StringComparer.Ordinal)
            .OrderByDescending(g => g.ValueAtRiskUsd).ThenByDescending(g => g.Flags)
            .ToList();
        book.AddTable(l.T("By corridor", "Por corredor"), GroupColumns(l, l.T("Corridor", "Corredor")), corridors, WriteGroup);
        var commodities = RiskBreakdown.By(week, f => f.HsCode, StringComparer.Ordinal)
            .OrderByDescending(g => g.ValueAtRiskUsd).ThenByDescending(g => g.Flags)
            .ToList();
        book.AddTable(l.T("By commodity", "Por mercancía"), GroupColumns(l, l.T("HS code", "Código SA")), commodities, WriteGroup);

        var newPrecursor = model.Exporters
            .Where(e => e.PrecursorShipments > 0 && e.FirstSeen >= windowStart && e.FirstSeen <= weekEnd)
            .OrderByDescending(e => e.FirstSeen).ThenByDescending(e => e.Score)
            .ToList();
        book.AddTable(l.T("New precursor exporters", "Nuevos export. de precursores"), ExporterSheet.Columns(l), newPrecursor, (row, e) => ExporterSheet.Write(row, e, l, FlagLocation(e)));
        var top = model.Exporters.OrderByDescending(e => e.Score).ThenByDescending(e => e.ValueAtRiskUsd).Take(50).ToList();
        book.AddTable(l.T("Top exporters", "Principales exportadores"), ExporterSheet.Columns(l), top, (row, e) => ExporterSheet.Write(row, e, l, FlagLocation(e)));

        var pending = model.Dispositions
            .GroupBy(d => d.ExporterKey, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(d => d.At).First())
            .Where(d => d.Status == DispositionStatus.Pending)
            .OrderBy(d => d.At)
            .ToList();
        book.AddTable(l.T("Pending dispositions", "Decisiones pendientes"), ExporterReview.DispositionColumns(l), pending, (row, d) => ExporterReview.WriteDisposition(row, d, l));
        book.Finish();
    }

    /// <summary>The ISO week of a "2026-W47" text.</summary>
    public static bool TryParseWeek(string? text, out int year, out int week)
    {
        year = 0;
        week = 0;
        var parts = (text ?? string.Empty).Trim().ToUpperInvariant().Split("-W");
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out year)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out week)
            && year is >= 1 and <= 9999
            && week >= 1 && week <= ISOWeek.GetWeeksInYear(year);
    }

    private static IReadOnlyList<ColumnSpec> GroupColumns(Labels l, string name) =>
    [
        new(name, ColumnKind.Text, 30),
        new(l.T("Flags", "Alertas"), ColumnKind.Integer),
        new(l.T("Value at risk USD", "Valor en riesgo USD"), ColumnKind.Money),
        new(l.T("Value of flagged records USD", "Valor de los registros con alertas USD"), ColumnKind.Money),
    ];

    private static void WriteGroup(RowSink row, RiskGroup<string> g)
    {
        row.Text(g.Key);
        row.Number(g.Flags);
        row.Number(g.ValueAtRiskUsd);
        row.Number(g.ValueUsd);
    }
}
