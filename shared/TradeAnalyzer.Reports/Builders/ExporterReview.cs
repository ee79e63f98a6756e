using System.Globalization;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Reports.Builders;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.Reports;

/// <summary>
/// The exporter review workbook for outreach teams: Profile (figures, reasons, latest decision, shipments per month
/// chart), Shipments, Flags, Counterparties, Commodities, Precursor shipments and Dispositions.
/// </summary>
public static class ExporterReview
{
    /// <summary>Writes the workbook to <paramref name="output"/> (which may be non-seekable; it is left open).</summary>
    public static void Write(Stream output, ExporterReviewModel model)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(model);
        var l = Labels.For(model.Language);
        var p = model.Profile;
        var shipments = model.Shipments.OrderBy(d => d.Date).ThenBy(d => d.DeclarationId, StringComparer.Ordinal).ThenBy(d => d.LineNo).ToList();
        var flags = model.Flags.OrderByDescending(f => f.Score).ToList();
        var dispositions = model.Dispositions.OrderByDescending(d => d.At).ToList();
        var shipmentsName = l.T("Shipments", "Envíos");
        var flagsName = l.T("Flags", "Alertas");
        var rowOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < shipments.Count; i++)
        {
            rowOf.TryAdd(shipments[i].RecordKey, i);
        }

        string? ShipmentLocation(string? id, int? line)
        {
            if (id is null || !rowOf.TryGetValue($"{id}#{line ?? 1}", out var i))
            {
                return null;
            }

            var (part, row) = RowSplitter.Locate(i);
            return CellRef.Location(RowSplitter.SheetName(shipmentsName, part), 0, row);
        }

        var info = new WorkbookInfo(
            l.T($"Exporter review: {p.Name}", $"Revisión de exportador: {p.Name}"),
            l.T("Shipments, flags and decisions of one exporter", "Envíos, alertas y decisiones de un exportador"),
            p.Key,
            "exporter review; outreach",
            l.Code,
            model.GeneratedAt,
            string.Empty);
        using var book = new WorkbookWriter(output, info);
        book.AddFree(Profile(model, shipments, dispositions, flags.Count, l, flagsName));
        book.AddTable(shipmentsName, DeclarationSheet.Columns(l), shipments, DeclarationSheet.Write);
        book.AddTable(flagsName, FlagSheet.Columns(l), flags, (row, f) => FlagSheet.Write(row, f, l, ShipmentLocation(f.DeclarationId, f.LineNo)));

        var counterparties = shipments
            .GroupBy(d => d.ImporterName, StringComparer.OrdinalIgnoreCase)
            .Select(g => new Aggregate(g.First().ImporterName, g.First().ImporterCountry ?? g.First().DestinationCountry, g.Count(), g.Sum(d => d.ValueUsd), g.Min(d => d.Date), g.Max(d => d.Date), double.NaN))
            .OrderByDescending(a => a.ValueUsd)
            .ToList();
        book.AddTable(l.T("Counterparties", "Contrapartes"), AggregateColumns(l, l.T("Importer", "Importador"), l.T("Country", "País"), withPrice: false), counterparties, (row, a) => WriteAggregate(row, a, withPrice: false));

        var commodities = shipments
            .GroupBy(d => d.Hs.Hs6)
            .Select(g => new Aggregate(g.First().Hs.Display[..7], g.First().Unit.ToText(), g.Count(), g.Sum(d => d.ValueUsd), g.Min(d => d.Date), g.Max(d => d.Date), Median(g.Where(d => d.NormQuantity > 0).Select(d => d.UnitPriceUsd))))
            .OrderByDescending(a => a.ValueUsd)
            .ToList();
        book.AddTable(l.T("Commodities", "Mercancías"), AggregateColumns(l, l.T("HS6", "SA6"), l.T("Unit", "Unidad"), withPrice: true), commodities, (row, a) => WriteAggregate(row, a, withPrice: true));

        var precursorKeys = flags
            .Where(f => f.Code is FlagCode.PrecursorChemical or FlagCode.PrecursorMisdeclared && f.DeclarationId is not null)
            .Select(f => $"{f.DeclarationId}#{f.LineNo ?? 1}")
            .ToHashSet(StringComparer.Ordinal);
        var precursors = shipments.Where(d => precursorKeys.Contains(d.RecordKey)).ToList();
        book.AddTable(l.T("Precursor shipments", "Envíos de precursores"), DeclarationSheet.Columns(l), precursors, DeclarationSheet.Write);
        book.AddTable(l.T("Dispositions", "Decisiones"), DispositionColumns(l), dispositions, (row, d) => WriteDisposition(row, d, l));
        book.Finish();
    }

    /// <summary>The disposition columns (shared with the weekly digest).</summary>
    internal static IReadOnlyList<ColumnSpec> DispositionColumns(Labels l) =>
    [
        new(l.T("Exporter key", "Clave exportador"), ColumnKind.Text, 30),
        new(l.T("Date", "Fecha"), ColumnKind.Date),
        new(l.T("Analyst", "Analista"), ColumnKind.Text, 30),
        new(l.T("Status", "Estado"), ColumnKind.Text),
        new(l.T("Note", "Nota"), ColumnKind.Text, 70),
    ];

    /// <summary>Writes one disposition.</summary>
    internal static void WriteDisposition(RowSink row, Disposition d, Labels l)
    {
        row.Text(d.ExporterKey);
        row.Date(DateOnly.FromDateTime(d.At.UtcDateTime));
        row.Text(d.Analyst);
        row.Text(l.Status(d.Status));
        row.Text(d.Note);
    }

    private static FreeSheet Profile(ExporterReviewModel model, List<DeclarationLine> shipments, List<Disposition> dispositions, int flagCount, Labels l, string flagsName)
    {
        var p = model.Profile;
        var sheet = new FreeSheet(l.T("Profile", "Perfil"));
        sheet.Title(p.Name);
        sheet.Pair(l.T("Key", "Clave"), p.Key);
        sheet.Pair(l.T("Tax id", "Id fiscal"), p.ExporterId);
        sheet.Pair(l.T("Country", "País"), p.Country);
        sheet.Pair(l.T("Score", "Puntaje"), p.Score, StyleId.Score);
        sheet.Row(FreeCell.Of(l.T("Tier", "Nivel"), StyleId.Bold), FreeCell.Of(l.Tier(p.Tier), Styles.ForSeverity((Severity)(int)p.Tier)));
        sheet.Pair(l.T("Shipments", "Envíos"), p.Shipments, StyleId.Integer);
        sheet.Pair(l.T("Flagged shipments", "Envíos con alertas"), p.FlaggedShipments, StyleId.Integer);
        sheet.Pair(l.T("Flagged share", "Proporción con alertas"), p.FlaggedShare, StyleId.Percent);
        sheet.Row(FreeCell.Of(l.T("Flags", "Alertas"), StyleId.Bold), FreeCell.Of(flagCount, StyleId.Integer), FreeCell.LinkTo(l.T("see sheet", "ver hoja"), CellRef.Location(flagsName, 0, 1)));
        sheet.Pair(l.T("Value USD", "Valor USD"), p.ValueUsd, StyleId.Money);
        sheet.Pair(l.T("Value at risk USD", "Valor en riesgo USD"), p.ValueAtRiskUsd, StyleId.Money);
        sheet.Pair(l.T("Precursor shipments", "Envíos de precursores"), p.PrecursorShipments, StyleId.Integer);
        sheet.Pair(l.T("First seen", "Primera vez"), p.FirstSeen == default ? null : p.FirstSeen.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        sheet.Pair(l.T("Last seen", "Última vez"), p.LastSeen == default ? null : p.LastSeen.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        sheet.Pair(l.T("Benford MAD", "MAD de Benford"), p.BenfordMad, StyleId.Decimal);
        sheet.Pair(l.T("Round values", "Valores redondos"), p.RoundValueShare, StyleId.Percent);
        var latest = dispositions.FirstOrDefault();
        sheet.Pair(l.T("Latest decision", "Última decisión"), latest is null
            ? l.T("none yet", "ninguna todavía")
            : $"{l.Status(latest.Status)}, {latest.At.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, {latest.Analyst}");
        sheet.Pair(l.T("Generated", "Generado"), model.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        sheet.Blank();
        sheet.Title(l.T("Why this exporter", "Por qué este exportador"));
        foreach (var reason in p.Reasons)
        {
            sheet.Row(FreeCell.Of(reason, StyleId.Note));
        }

        sheet.Blank();
        var months = shipments
            .GroupBy(d => new DateOnly(d.Date.Year, d.Date.Month, 1))
            .OrderBy(g => g.Key)
            .Select(g => (Month: g.Key.ToString("yyyy-MM", CultureInfo.InvariantCulture), Count: (double)g.Count(), Value: g.Sum(d => d.ValueUsd)))
            .ToList();
        SummaryBlocks.WithChart(
            sheet,
            ChartKind.Column,
            l.T("Shipments per month", "Envíos por mes"),
            [l.T("Month", "Mes"), l.T("Shipments", "Envíos"), l.T("Value USD", "Valor USD")],
            months.Select(m => m.Month).ToList(),
            [months.Select(m => m.Count).ToArray(), months.Select(m => m.Value).ToArray()],
            [StyleId.Integer, StyleId.Money],
            [0],
            [SummaryBlocks.Blue]);
        if (months.Count > 0)
        {
            var valueRange = sheet.Charts[^1] with
            {
                Kind = ChartKind.Line,
                Title = l.T("Declared value per month (USD)", "Valor declarado por mes (USD)"),
                Series = [sheet.Charts[^1].Series[0] with
                {
                    Name = l.T("Value USD", "Valor USD"),
                    ValuesRef = sheet.Charts[^1].Series[0].ValuesRef.Replace("$B$", "$C$", StringComparison.Ordinal),
                    Values = months.Select(m => m.Value).ToArray(),
                    ColorHex = SummaryBlocks.Orange,
                }],
            };
            sheet.Chart(valueRange);
        }

        return sheet;
    }

    private sealed record Aggregate(string Name, string? Detail, int Shipments, double ValueUsd, DateOnly First, DateOnly Last, double MedianPrice);

    private static IReadOnlyList<ColumnSpec> AggregateColumns(Labels l, string name, string detail, bool withPrice)
    {
        var columns = new List<ColumnSpec>
        {
            new(name, ColumnKind.Text, 45),
            new(detail, ColumnKind.Text),
            new(l.T("Shipments", "Envíos"), ColumnKind.Integer),
            new(l.T("Value USD", "Valor USD"), ColumnKind.Money),
            new(l.T("First", "Primero"), ColumnKind.Date),
            new(l.T("Last", "Último"), ColumnKind.Date),
        };
        if (withPrice)
        {
            columns.Add(new(l.T("Median unit price USD", "Precio unitario mediano USD"), ColumnKind.Money));
        }

        return columns;
    }

    private static void WriteAggregate(RowSink row, Aggregate a, bool withPrice)
    {
        row.Text(a.Name);
        row.Text(a.Detail);
        row.Number(a.Shipments);
        row.Number(a.ValueUsd);
        row.Date(a.First);
        row.Date(a.Last);
        if (withPrice)
        {
            row.Number(a.MedianPrice);
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
