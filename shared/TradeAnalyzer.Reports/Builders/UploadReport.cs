using System.Globalization;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Scoring;
using TradeAnalyzer.Reports.Builders;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.Reports;

/// <summary>
/// The upload report workbook: Summary (counts, flags by code and severity, value at risk, top exporters, charts),
/// Flags, Shipments, Invoices (when invoice lines were flagged), Exporters, Baselines, Rejected rows and About.
/// </summary>
public static class UploadReport
{
    /// <summary>Writes the report to <paramref name="output"/> (which may be non-seekable; it is left open).</summary>
    public static void Write(Stream output, UploadReportModel model) => Write(output, model, RowSplitter.ExcelMaxDataRows);

    /// <summary>Writes the report splitting sheets at <paramref name="maxDataRows"/> rows (tests use small values).</summary>
    internal static void Write(Stream output, UploadReportModel model, int maxDataRows)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(model);
        var l = Labels.For(model.Options.Language);
        var tally = FlagTally.Of(model.Result.Flags);
        var flags = tally.Flags;

        var names = new SheetNames(l);
        var flagged = tally.Records.FindDeclarations(model.Declarations);
        var shipments = flagged.Declarations;
        var firstFlag = tally.FirstFlag;

        string Location(string sheet, int index)
        {
            var (part, row) = RowSplitter.Locate(index, maxDataRows);
            return CellRef.Location(RowSplitter.SheetName(sheet, part), 0, row);
        }

        string? FlagLocation(ExporterProfile e) =>
            firstFlag.TryGetValue(e.Key, out var i) || firstFlag.TryGetValue(e.Name, out i) ? Location(names.Flags, i) : null;

        var info = new WorkbookInfo(
            l.T("Trade analysis report", "Informe de análisis comercial") + (model.UploadId is null ? string.Empty : $" {model.UploadId}"),
            l.T("Flags of unusual customs declarations and invoices", "Alertas de declaraciones aduaneras y facturas inusuales"),
            string.Join(", ", model.Files.Select(f => f.Path)),
            "trade-based money laundering; precursor chemicals; customs",
            l.Code,
            model.GeneratedAt,
            model.Version);

        using var book = new WorkbookWriter(output, info);

        // The Summary (a pass over the declarations for the price distributions, charts) shares nothing with the data
        // sheets (its texts are inline): it is made on a thread of its own while the Flags sheet is written, and takes
        // its place as the first sheet when it is ready. The flagged invoice lines (a pass over the invoices, needed
        // only for the Invoices sheet) are found there too, off the workbook thread's path to its first sheet.
        var summaryIndex = book.ReserveSheet(names.Summary);
        var prepared = Task.Factory.StartNew(
            () =>
            {
                var invoiceLines = tally.Records.FindInvoices(model.Invoices);
                var summary = WorkbookWriter.Prepare(Summary(model, tally, shipments.Count, l, names, maxDataRows, FlagLocation), summaryIndex == 1);
                return (Summary: summary, Styles: WorkbookWriter.PrepareStyles(), Invoices: invoiceLines);
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        try
        {
            var flagColumns = FlagSheet.Columns(l);
            book.AddTable(names.Flags, flagColumns, flags, (row, f) =>
            {
                string? location = null;
                // Past the sheet's hyperlink limit the location would be dropped anyway: skip the key and location strings.
                if (f.DeclarationId is not null && row.AcceptsLinks && flagged.TryGetRow(f.DeclarationId, f.LineNo ?? 1, out var s))
                {
                    location = Location(names.Shipments, s);
                }

                FlagSheet.Write(row, f, l, location);
            }, maxDataRows);
        }
        catch
        {
            // Not left running behind a failed workbook; its own failure, if any, is observed and this one reported.
            ((IAsyncResult)prepared).AsyncWaitHandle.WaitOne();
            _ = prepared.Exception;
            throw;
        }

        var (summarySheet, styles, invoices) = prepared.GetAwaiter().GetResult();
        book.AddPrepared(summaryIndex, summarySheet);
        book.UseStyles(styles);
        book.AddTable(names.Shipments, DeclarationSheet.Columns(l), shipments, DeclarationSheet.Write, maxDataRows);
        if (invoices.Count > 0)
        {
            book.AddTable(names.Invoices, InvoiceSheet.Columns(l), invoices, InvoiceSheet.Write, maxDataRows);
        }

        var exporters = model.Result.Exporters.OrderByDescending(e => e.Score).ThenByDescending(e => e.ValueAtRiskUsd).ToList();
        book.AddTable(names.Exporters, ExporterSheet.Columns(l), exporters, (row, e) => ExporterSheet.Write(row, e, l, FlagLocation(e)), maxDataRows);
        book.AddTable(names.Baselines, BaselineColumns(l), model.Result.BaselinesUsed, WriteBaseline, maxDataRows);
        book.AddTable(names.Rejected, RejectedColumns(l), model.Rejected, WriteRejected, maxDataRows);
        book.AddFree(About(model, l, names.About));
        book.Finish();
    }

    private static FreeSheet Summary(
        UploadReportModel model,
        FlagTally tally,
        int shipmentCount,
        Labels l,
        SheetNames names,
        int maxDataRows,
        Func<ExporterProfile, string?> flagLocation)
    {
        var flags = tally.Flags;
        var sheet = new FreeSheet(names.Summary);
        sheet.Title(l.T("Trade analysis report", "Informe de análisis comercial"));
        sheet.Pair(l.T("Generated", "Generado"), model.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        if (model.UploadId is not null)
        {
            sheet.Pair(l.T("Upload", "Carga"), model.UploadId);
        }

        sheet.Pair(l.T("Files", "Archivos"), model.Files.Count, StyleId.Integer);
        sheet.Pair(l.T("Rows read", "Filas leídas"), model.Files.Sum(f => f.RowsRead), StyleId.Integer);
        sheet.Pair(l.T("Rows accepted", "Filas aceptadas"), model.Files.Sum(f => f.RowsAccepted), StyleId.Integer);
        sheet.Row(FreeCell.Of(l.T("Rows rejected", "Filas rechazadas"), StyleId.Bold), FreeCell.Of(model.Files.Sum(f => f.RowsRejected), StyleId.Integer), FreeCell.LinkTo(l.T("see sheet", "ver hoja"), CellRef.Location(names.Rejected, 0, 1)));
        sheet.Row(FreeCell.Of(l.T("Flags", "Alertas"), StyleId.Bold), FreeCell.Of(flags.Count, StyleId.Integer), FreeCell.LinkTo(l.T("see sheet", "ver hoja"), CellRef.Location(names.Flags, 0, 1)));
        sheet.Pair(l.T("Flagged records", "Registros con alertas"), model.Result.RecordScores.Count, StyleId.Integer);
        sheet.Pair(l.T("Flagged declaration lines", "Líneas de declaración con alertas"), shipmentCount, StyleId.Integer);
        sheet.Pair(l.T("Value at risk", "Valor en riesgo"), model.Result.ValueAtRiskUsd, StyleId.Money);

        var flagParts = RowSplitter.SheetCount(flags.Count, maxDataRows);
        if (flagParts > 1)
        {
            var parts = Enumerable.Range(0, flagParts).Select(p => RowSplitter.SheetName(names.Flags, p)).ToList();
            sheet.Row(FreeCell.Of(l.SplitNote(l.T("Flags", "Las alertas"), parts), StyleId.Note));
        }

        var shipmentParts = RowSplitter.SheetCount(shipmentCount, maxDataRows);
        if (shipmentParts > 1)
        {
            var parts = Enumerable.Range(0, shipmentParts).Select(p => RowSplitter.SheetName(names.Shipments, p)).ToList();
            sheet.Row(FreeCell.Of(l.SplitNote(l.T("Shipments", "Los envíos"), parts), StyleId.Note));
        }

        sheet.Blank();

        // Flags by code, with value at risk: within a code each shipment counts once, as in the total above.
        var byCode = tally.ByCode;
        var varByCode = new double[FlagCodes.All.Count];
        var bySeverity = tally.BySeverity;

        // The analysis works it out beside the total; a result made otherwise (tests, a filtered result) is broken down here.
        var codeRisk = model.Result.ValueAtRiskByCode
            ?? RiskBreakdown.ValueAtRiskBy(flags, f => f.Code).ToDictionary(g => g.Key, g => g.ValueAtRiskUsd);
        foreach (var (code, atRisk) in codeRisk)
        {
            varByCode[(int)code] = atRisk;
        }

        var codes = FlagCodes.All.Where(c => byCode[(int)c] > 0).OrderByDescending(c => varByCode[(int)c]).ThenByDescending(c => byCode[(int)c]).ToList();
        SummaryBlocks.WithChart(
            sheet,
            ChartKind.Bar,
            l.T("Value at risk by flag (USD)", "Valor en riesgo por alerta (USD)"),
            [l.T("Flag", "Alerta"), l.T("Flags", "Alertas"), l.T("Value at risk USD", "Valor en riesgo USD")],
            codes.Select(c => c.ToCode()).ToList(),
            [codes.Select(c => (double)byCode[(int)c]).ToArray(), codes.Select(c => varByCode[(int)c]).ToArray()],
            [StyleId.Integer, StyleId.Money],
            [1],
            [SummaryBlocks.Blue]);

        var severities = new[] { Severity.Critical, Severity.High, Severity.Medium, Severity.Low };
        SummaryBlocks.WithChart(
            sheet,
            ChartKind.Column,
            l.T("Flags by severity", "Alertas por severidad"),
            [l.T("Severity", "Severidad"), l.T("Flags", "Alertas")],
            severities.Select(l.Severity).ToList(),
            [severities.Select(s => (double)bySeverity[(int)s]).ToArray()],
            [StyleId.Integer],
            [0],
            [SummaryBlocks.Orange]);

        // Top exporters.
        sheet.Title(l.T("Top exporters by risk", "Principales exportadores por riesgo"));
        sheet.HeaderRow(l.T("Exporter", "Exportador"), l.T("Score", "Puntaje"), l.T("Flagged shipments", "Envíos con alertas"), l.T("Value at risk USD", "Valor en riesgo USD"));
        foreach (var e in model.Result.Exporters.OrderByDescending(e => e.Score).Take(10))
        {
            var location = flagLocation(e);
            sheet.Row(
                location is null ? FreeCell.Of(e.Name) : FreeCell.LinkTo(e.Name, location),
                FreeCell.Of(e.Score, StyleId.Score),
                FreeCell.Of(e.FlaggedShipments, StyleId.Integer),
                FreeCell.Of(e.ValueAtRiskUsd, StyleId.Money));
        }

        sheet.Blank();
        PriceDistributions(sheet, model, tally, l);
        return sheet;
    }

    private static void PriceDistributions(FreeSheet sheet, UploadReportModel model, FlagTally tally, Labels l)
    {
        // Price flags grouped by HS digits (first-seen order, sums in flag order), from the tally's pass over the flags.
        var groups = tally.PriceGroups;
        var sums = tally.PriceSums;
        var counts = tally.PriceCounts;

        var top = Enumerable.Range(0, groups.Count)
            .OrderByDescending(g => sums[g])
            .ThenByDescending(g => counts[g])
            .Take(3)
            .Select(g => groups[g])
            .ToList();

        // The top groups' priced lines, in the declarations' order, from one pass over the declarations.
        var linesOf = new List<DeclarationLine>[top.Count];
        for (var k = 0; k < top.Count; k++)
        {
            linesOf[k] = [];
        }

        if (top.Count > 0)
        {
            foreach (var d in model.Declarations)
            {
                if (d.NormQuantity > 0)
                {
                    var digits = d.Hs.Digits;
                    for (var k = 0; k < top.Count; k++)
                    {
                        if (string.Equals(digits, top[k], StringComparison.Ordinal))
                        {
                            linesOf[k].Add(d);
                            break;
                        }
                    }
                }
            }
        }

        for (var k = 0; k < top.Count; k++)
        {
            var hs = top[k];
            var lines = linesOf[k];
            if (lines.Count == 0)
            {
                continue;
            }

            var unit = lines.GroupBy(d => d.Unit).OrderByDescending(g => g.Count()).First().Key;
            var prices = lines.Where(d => d.Unit == unit).Select(d => d.UnitPriceUsd).ToList();
            var bins = PriceHistogram.Build(prices);
            var baseline = PriceHistogram.BaselineFor(model.Result.BaselinesUsed, hs, unit);
            var display = lines[0].Hs.Display;
            var title = baseline is null
                ? l.T($"Unit prices of HS {display} (USD/{unit.ToText()})", $"Precios unitarios de SA {display} (USD/{unit.ToText()})")
                : l.T(
                    $"Unit prices of HS {display} (USD/{unit.ToText()}); fences {SummaryBlocks.N2(baseline.LowerFence)} - {SummaryBlocks.N2(baseline.UpperFence)}",
                    $"Precios unitarios de SA {display} (USD/{unit.ToText()}); límites {SummaryBlocks.N2(baseline.LowerFence)} - {SummaryBlocks.N2(baseline.UpperFence)}");
            sheet.Row(FreeCell.Of(title, StyleId.Bold));
            var labels = bins.Select(b => $"{SummaryBlocks.N2(b.Low)}-{SummaryBlocks.N2(b.High)}").ToList();
            var inside = bins.Select(b => baseline is null || (b.Middle >= baseline.LowerFence && b.Middle <= baseline.UpperFence) ? b.Count : 0.0).ToArray();
            var outside = bins.Select((b, i) => b.Count - inside[i]).ToArray();
            SummaryBlocks.WithChart(
                sheet,
                ChartKind.Histogram,
                title,
                [l.T("USD per unit", "USD por unidad"), l.T("Within fences", "Dentro de los límites"), l.T("Outside fences", "Fuera de los límites")],
                labels,
                [inside, outside],
                [StyleId.Integer, StyleId.Integer],
                [0, 1],
                [SummaryBlocks.Blue, SummaryBlocks.Red]);
        }
    }

    private static IReadOnlyList<ColumnSpec> BaselineColumns(Labels l) =>
    [
        new(l.T("Group", "Grupo"), ColumnKind.Text, 45),
        new(l.T("HS prefix", "Prefijo SA"), ColumnKind.Text),
        new(l.T("Unit", "Unidad"), ColumnKind.Text),
        new(l.T("Origin", "Origen"), ColumnKind.Text),
        new(l.T("Destination", "Destino"), ColumnKind.Text),
        new("n", ColumnKind.Integer),
        new(l.T("Median USD", "Mediana USD"), ColumnKind.Money),
        new("Q1 USD", ColumnKind.Money),
        new("Q3 USD", ColumnKind.Money),
        new(l.T("Lower fence USD", "Límite inferior USD"), ColumnKind.Money),
        new(l.T("Upper fence USD", "Límite superior USD"), ColumnKind.Money),
        new(l.T("Source", "Fuente"), ColumnKind.Text, 40),
        new(l.T("Records compared", "Registros comparados"), ColumnKind.Integer),
    ];

    private static void WriteBaseline(RowSink row, BaselineSummary b)
    {
        row.Text(b.Group);
        row.Text(b.HsPrefix);
        row.Text(b.Unit.ToText());
        row.Text(b.Origin);
        row.Text(b.Destination);
        row.Number(b.Count);
        row.Number(b.Median);
        row.Number(b.Q1);
        row.Number(b.Q3);
        row.Number(b.LowerFence);
        row.Number(b.UpperFence);
        row.Text(b.Source);
        row.Number(b.UsedBy);
    }

    private static IReadOnlyList<ColumnSpec> RejectedColumns(Labels l) =>
    [
        new(l.T("File", "Archivo"), ColumnKind.Text, 40),
        new(l.T("Row", "Fila"), ColumnKind.Integer),
        new(l.T("Column", "Columna"), ColumnKind.Text, 30),
        new(l.T("Reason", "Motivo"), ColumnKind.Text, 70),
        new(l.T("Value", "Valor"), ColumnKind.Text, 40),
    ];

    private static void WriteRejected(RowSink row, RejectedRow r)
    {
        row.Text(r.File);
        row.Number(r.Row);
        row.Text(r.Column);
        row.Text(r.Reason);
        row.Text(r.Value);
    }

    private static FreeSheet About(UploadReportModel model, Labels l, string name)
    {
        var sheet = new FreeSheet(name);
        sheet.Title(l.T("About this report", "Acerca de este informe"));
        sheet.Pair(l.T("Version", "Versión"), model.Version);
        sheet.Pair(l.T("Generated", "Generado"), model.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
        if (model.UploadId is not null)
        {
            sheet.Pair(l.T("Upload", "Carga"), model.UploadId);
        }

        sheet.Blank();
        sheet.Title(l.T("Inputs", "Entradas"));
        sheet.HeaderRow(l.T("File", "Archivo"), l.T("Kind", "Tipo"), l.T("Rows read", "Filas leídas"), l.T("Accepted", "Aceptadas"), l.T("Rejected", "Rechazadas"), l.T("Bytes", "Bytes"), "SHA-256", l.T("Detected", "Detectado"), l.T("Error", "Error"));
        foreach (var f in model.Files)
        {
            sheet.Row(
                FreeCell.Of(f.Path),
                FreeCell.Of(f.Kind.ToText()),
                FreeCell.Of(f.RowsRead, StyleId.Integer),
                FreeCell.Of(f.RowsAccepted, StyleId.Integer),
                FreeCell.Of(f.RowsRejected, StyleId.Integer),
                FreeCell.Of(f.Bytes, StyleId.Integer),
                FreeCell.Of(f.Sha256),
                FreeCell.Of(f.Detected),
                FreeCell.Of(f.Error));
        }

        sheet.Blank();
        sheet.Title(l.T("Parameters", "Parámetros"));
        var o = model.Options;
        sheet.Pair(l.T("Fence multiplier k (log unit prices)", "Multiplicador k de los límites (log del precio)"), o.FenceK, StyleId.Decimal);
        sheet.Pair(l.T("Smallest baseline group", "Grupo mínimo de referencia"), o.MinBaselineCount, StyleId.Integer);
        sheet.Pair(l.T("Smallest corridor group", "Grupo mínimo por corredor"), o.MinCorridorCount, StyleId.Integer);
        sheet.Pair(l.T("Mirror window (days)", "Ventana espejo (días)"), o.MirrorWindowDays, StyleId.Integer);
        sheet.Pair(l.T("New exporter window (days)", "Ventana de exportador nuevo (días)"), o.NewExporterWindowDays, StyleId.Integer);
        sheet.Pair(l.T("Sanctions name similarity", "Similitud de nombres (sanciones)"), o.SanctionsThreshold, StyleId.Decimal);
        sheet.Pair(l.T("As of", "Fecha de corte"), o.AsOf?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? l.T("latest record date", "fecha del registro más reciente"));
        sheet.Pair(l.T("Language", "Idioma"), l.Code);
        sheet.Blank();
        sheet.Title(l.T("Method", "Método"));
        foreach (var line in MethodText(l, o.FenceK))
        {
            sheet.Row(FreeCell.Of(line, StyleId.Note));
        }

        var timings = MergedTimings(model);
        if (timings.Count > 0)
        {
            sheet.Blank();
            sheet.Title(l.T("Timings", "Tiempos"));
            sheet.HeaderRow(l.T("Stage", "Etapa"), "ms");
            foreach (var (stage, ms) in timings)
            {
                sheet.Row(FreeCell.Of(stage), FreeCell.Of(ms, StyleId.Decimal));
            }
        }

        return sheet;
    }

    /// <summary>Pipeline timings and the result's detector timings, pipeline first.</summary>
    internal static List<KeyValuePair<string, double>> MergedTimings(UploadReportModel model)
    {
        var result = new List<KeyValuePair<string, double>>(model.TimingsMs);
        foreach (var pair in model.Result.TimingsMs)
        {
            if (!model.TimingsMs.ContainsKey(pair.Key))
            {
                result.Add(pair);
            }
        }

        return result;
    }

    private static string[] MethodText(Labels l, double k) =>
    [
        l.T("Unit prices are compared in USD per kilogram, litre or piece, FOB-equivalent, with other declarations of the same HS code and unit (and corridor where there is enough data).",
            "Los precios unitarios se comparan en USD por kilogramo, litro o pieza, equivalente FOB, con otras declaraciones del mismo código SA y unidad (y corredor cuando hay datos suficientes)."),
        l.T($"A price is unusual when it lies outside the fences Q1 - {k.ToString("0.##", CultureInfo.InvariantCulture)} x IQR and Q3 + {k.ToString("0.##", CultureInfo.InvariantCulture)} x IQR of the log prices; the value at risk is the money beyond the fence times the quantity.",
            $"Un precio es inusual cuando cae fuera de los límites Q1 - {k.ToString("0.##", CultureInfo.InvariantCulture)} x RIC y Q3 + {k.ToString("0.##", CultureInfo.InvariantCulture)} x RIC de los precios en logaritmo; el valor en riesgo es el dinero más allá del límite por la cantidad."),
        l.T("Exports are matched with the partner's imports (mirror analysis) after converting CIF to FOB; invoices are matched with declarations on parties, quantity, value and HS code.",
            "Las exportaciones se cotejan con las importaciones del socio (análisis espejo) tras convertir CIF a FOB; las facturas se cotejan con las declaraciones por partes, cantidad, valor y código SA."),
        l.T("Precursor chemicals and pill presses are found by HS code, CAS number and names in the description; parties are screened against the sanctions list.",
            "Los precursores químicos y las prensas de pastillas se detectan por código SA, número CAS y nombres en la descripción; las partes se comparan con la lista de sanciones."),
        l.T("Every flag has a 0-100 score; records and exporters are ranked by their combined scores. Text from input files never becomes a formula: cells starting with = + - @ tab or CR get a leading apostrophe.",
            "Cada alerta tiene un puntaje de 0 a 100; registros y exportadores se ordenan por su puntaje combinado. El texto de los archivos nunca se vuelve fórmula: las celdas que empiezan con = + - @ tabulador o CR llevan un apóstrofo inicial."),
    ];
}
