using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.Reports.Builders;

/// <summary>All fields of a declaration line as sheet columns.</summary>
internal static class DeclarationSheet
{
    /// <summary>The columns, in the workbook's language.</summary>
    public static IReadOnlyList<ColumnSpec> Columns(Labels l) =>
    [
        new(l.T("Declaration", "Declaración"), ColumnKind.Text, 30),
        new(l.T("Line", "Línea"), ColumnKind.Integer),
        new(l.T("Flow", "Flujo"), ColumnKind.Text),
        new(l.T("Date", "Fecha"), ColumnKind.Date),
        new(l.T("Reporter", "Informante"), ColumnKind.Text),
        new(l.T("Exporter", "Exportador"), ColumnKind.Text, 40),
        new(l.T("Exporter id", "Id exportador"), ColumnKind.Text),
        new(l.T("Exporter country", "País exportador"), ColumnKind.Text),
        new(l.T("Importer", "Importador"), ColumnKind.Text, 40),
        new(l.T("Importer id", "Id importador"), ColumnKind.Text),
        new(l.T("Importer country", "País importador"), ColumnKind.Text),
        new(l.T("Origin", "Origen"), ColumnKind.Text),
        new(l.T("Destination", "Destino"), ColumnKind.Text),
        new(l.T("HS code", "Código SA"), ColumnKind.Text),
        new(l.T("Description", "Descripción"), ColumnKind.Text, 50),
        new("CAS", ColumnKind.Text),
        new(l.T("Quantity", "Cantidad"), ColumnKind.Decimal),
        new(l.T("Unit", "Unidad"), ColumnKind.Text),
        new(l.T("Normalised quantity", "Cantidad normalizada"), ColumnKind.Decimal),
        new(l.T("Base unit", "Unidad base"), ColumnKind.Text),
        new(l.T("Net weight kg", "Peso neto kg"), ColumnKind.Decimal),
        new(l.T("Value", "Valor"), ColumnKind.Decimal),
        new(l.T("Currency", "Moneda"), ColumnKind.Text),
        new(l.T("Value USD", "Valor USD"), ColumnKind.Money),
        new(l.T("FOB USD", "FOB USD"), ColumnKind.Money),
        new(l.T("Unit price USD", "Precio unitario USD"), ColumnKind.Money),
        new("Incoterm", ColumnKind.Text),
        new(l.T("Invoice", "Factura"), ColumnKind.Text, 30),
        new(l.T("Transport", "Transporte"), ColumnKind.Text),
        new(l.T("Port of loading", "Puerto de carga"), ColumnKind.Text, 30),
        new(l.T("Port of discharge", "Puerto de descarga"), ColumnKind.Text, 30),
        new(l.T("Transit", "Tránsito"), ColumnKind.Text),
        new(l.T("Shipment id", "Embarque"), ColumnKind.Text, 30),
        new(l.T("Exporter key", "Clave exportador"), ColumnKind.Text, 30),
        new(l.T("Source", "Fuente"), ColumnKind.Text, 40),
    ];

    /// <summary>Writes one declaration line.</summary>
    public static void Write(RowSink row, DeclarationLine d)
    {
        row.Text(d.DeclarationId);
        row.Number(d.LineNo);
        row.Text(d.Flow.ToText());
        row.Date(d.Date);
        row.Text(d.ReporterCountry);
        row.Text(d.ExporterName);
        row.Text(d.ExporterId);
        row.Text(d.ExporterCountry);
        row.Text(d.ImporterName);
        row.Text(d.ImporterId);
        row.Text(d.ImporterCountry);
        row.Text(d.OriginCountry);
        row.Text(d.DestinationCountry);
        row.Hs(d.Hs);
        row.Text(d.Description);
        row.Text(d.CasNumbers.Count == 0 ? null : string.Join(";", d.CasNumbers));
        row.Number(d.Quantity);
        row.Text(d.QuantityUnit);
        row.Number(d.NormQuantity);
        row.Text(d.Unit.ToText());
        row.Number(d.NetWeightKg);
        row.Number(d.Value);
        row.Text(d.Currency);
        row.Number(d.ValueUsd);
        row.Number(d.FobUsd);
        row.Number(d.NormQuantity > 0 ? d.UnitPriceUsd : null);
        row.Text(EnumCells.Of(d.Incoterm));
        row.Text(d.InvoiceNumber);
        row.Text(EnumCells.Of(d.Mode));
        row.Text(d.PortOfLoading);
        row.Text(d.PortOfDischarge);
        row.Text(d.TransitCountries.Count == 0 ? null : string.Join(";", d.TransitCountries));
        row.Text(d.ShipmentId);
        row.Text(d.ExporterKey);
        row.Source(d.Source);
    }
}
