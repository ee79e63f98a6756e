using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.Reports.Builders;

/// <summary>The flag columns every workbook shares (explanation first) and how one flag fills them.</summary>
internal static class FlagSheet
{
    /// <summary>The columns, in the workbook's language.</summary>
    public static IReadOnlyList<ColumnSpec> Columns(Labels l) =>
    [
        new(l.T("Explanation", "Explicación"), ColumnKind.Wrap, 80),
        new(l.T("Flag", "Alerta"), ColumnKind.Text, 30),
        new(l.T("Severity", "Severidad"), ColumnKind.Severity),
        new(l.T("Score", "Puntaje"), ColumnKind.Score),
        new(l.T("Record type", "Tipo de registro"), ColumnKind.Text),
        new(l.T("Declaration", "Declaración"), ColumnKind.Link, 30),
        new(l.T("Line", "Línea"), ColumnKind.Integer),
        new(l.T("Invoice", "Factura"), ColumnKind.Text, 30),
        new(l.T("Shipment id", "Embarque"), ColumnKind.Text, 30),
        new(l.T("Exporter", "Exportador"), ColumnKind.Text, 40),
        new(l.T("Importer", "Importador"), ColumnKind.Text, 40),
        new(l.T("HS code", "Código SA"), ColumnKind.Text),
        new(l.T("Origin", "Origen"), ColumnKind.Text),
        new(l.T("Destination", "Destino"), ColumnKind.Text),
        new(l.T("Date", "Fecha"), ColumnKind.Date),
        new(l.T("Value USD", "Valor USD"), ColumnKind.Money),
        new(l.T("Value at risk USD", "Valor en riesgo USD"), ColumnKind.Money),
        new(l.T("Expected", "Esperado"), ColumnKind.Text, 40),
        new(l.T("Observed", "Observado"), ColumnKind.Text, 40),
        new(l.T("Source", "Fuente"), ColumnKind.Text, 40),
    ];

    /// <summary>Writes one flag; <paramref name="recordLocation"/> is the cell its record is on (or null).</summary>
    public static void Write(RowSink row, Flag flag, Labels l, string? recordLocation)
    {
        row.Text(flag.Texts, FlagTexts.Explanation);
        row.Text(flag.Code.ToCode());
        row.Severity(flag.Severity, l.Severity(flag.Severity));
        row.Number(flag.Score);
        row.Text(l.RecordType(flag.RecordType));
        row.Link(flag.DeclarationId, recordLocation);
        row.Number(flag.LineNo);
        row.Text(flag.InvoiceNumber);
        row.Text(flag.ShipmentId);
        row.Text(flag.ExporterName);
        row.Text(flag.ImporterName);
        row.Text(flag.HsCode);
        row.Text(flag.OriginCountry);
        row.Text(flag.DestinationCountry);
        row.Date(flag.Date);
        row.Number(flag.ValueUsd);
        row.Number(flag.ValueAtRiskUsd);
        row.Text(flag.Texts, FlagTexts.Expected);
        row.Text(flag.Texts, FlagTexts.Observed);
        row.Source(flag.Source);
    }
}
