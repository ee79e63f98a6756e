using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.Reports.Builders;

/// <summary>The exporter ranking columns and how one profile fills them.</summary>
internal static class ExporterSheet
{
    /// <summary>The columns, in the workbook's language.</summary>
    public static IReadOnlyList<ColumnSpec> Columns(Labels l) =>
    [
        new(l.T("Exporter", "Exportador"), ColumnKind.Link, 40),
        new(l.T("Score", "Puntaje"), ColumnKind.Score),
        new(l.T("Tier", "Nivel"), ColumnKind.Severity),
        new(l.T("Key", "Clave"), ColumnKind.Text, 30),
        new(l.T("Tax id", "Id fiscal"), ColumnKind.Text),
        new(l.T("Country", "País"), ColumnKind.Text),
        new(l.T("Shipments", "Envíos"), ColumnKind.Integer),
        new(l.T("Flagged shipments", "Envíos con alertas"), ColumnKind.Integer),
        new(l.T("Flagged share", "Proporción con alertas"), ColumnKind.Percent),
        new(l.T("Value USD", "Valor USD"), ColumnKind.Money),
        new(l.T("Value at risk USD", "Valor en riesgo USD"), ColumnKind.Money),
        new(l.T("Precursor shipments", "Envíos de precursores"), ColumnKind.Integer),
        new(l.T("First seen", "Primera vez"), ColumnKind.Date),
        new(l.T("Last seen", "Última vez"), ColumnKind.Date),
        new(l.T("Benford MAD", "MAD de Benford"), ColumnKind.Decimal),
        new(l.T("Round values", "Valores redondos"), ColumnKind.Percent),
        new(l.T("Commodities", "Mercancías"), ColumnKind.Text, 40),
        new(l.T("Counterparties", "Contrapartes"), ColumnKind.Text, 50),
        new(l.T("Reasons", "Motivos"), ColumnKind.Text, 80),
    ];

    /// <summary>Writes one exporter; <paramref name="flagLocation"/> is its first flag's cell (or null).</summary>
    public static void Write(RowSink row, ExporterProfile e, Labels l, string? flagLocation)
    {
        row.Link(e.Name, flagLocation);
        row.Number(e.Score);
        row.Severity((Severity)(int)e.Tier, l.Tier(e.Tier));
        row.Text(e.Key);
        row.Text(e.ExporterId);
        row.Text(e.Country);
        row.Number(e.Shipments);
        row.Number(e.FlaggedShipments);
        row.Number(e.FlaggedShare);
        row.Number(e.ValueUsd);
        row.Number(e.ValueAtRiskUsd);
        row.Number(e.PrecursorShipments);
        row.Date(e.FirstSeen == default ? null : e.FirstSeen);
        row.Date(e.LastSeen == default ? null : e.LastSeen);
        row.Number(e.BenfordMad);
        row.Number(e.RoundValueShare);
        row.Text(Join(e.Commodities, 5));
        row.Text(Join(e.Counterparties, 5));
        row.Text(Join(e.Reasons, 10, " "));
    }

    private static string? Join(IReadOnlyList<string> items, int max, string separator = "; ") =>
        items.Count == 0 ? null : string.Join(separator, items.Take(max));
}
