using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.Reports.Builders;

/// <summary>All fields of an invoice line as sheet columns.</summary>
internal static class InvoiceSheet
{
    /// <summary>The columns, in the workbook's language.</summary>
    public static IReadOnlyList<ColumnSpec> Columns(Labels l) =>
    [
        new(l.T("Invoice", "Factura"), ColumnKind.Text, 30),
        new(l.T("Line", "Línea"), ColumnKind.Integer),
        new(l.T("Date", "Fecha"), ColumnKind.Date),
        new(l.T("Seller", "Vendedor"), ColumnKind.Text, 40),
        new(l.T("Seller country", "País vendedor"), ColumnKind.Text),
        new(l.T("Buyer", "Comprador"), ColumnKind.Text, 40),
        new(l.T("Buyer country", "País comprador"), ColumnKind.Text),
        new(l.T("HS code", "Código SA"), ColumnKind.Text),
        new(l.T("Description", "Descripción"), ColumnKind.Text, 50),
        new(l.T("Quantity", "Cantidad"), ColumnKind.Decimal),
        new(l.T("Unit", "Unidad"), ColumnKind.Text),
        new(l.T("Line total", "Total de línea"), ColumnKind.Decimal),
        new(l.T("Currency", "Moneda"), ColumnKind.Text),
        new(l.T("Value USD", "Valor USD"), ColumnKind.Money),
        new("Incoterm", ColumnKind.Text),
        new(l.T("Payer", "Pagador"), ColumnKind.Text, 40),
        new(l.T("Payer country", "País pagador"), ColumnKind.Text),
        new(l.T("Beneficiary", "Beneficiario"), ColumnKind.Text, 40),
        new(l.T("Beneficiary country", "País beneficiario"), ColumnKind.Text),
        new(l.T("Shipment id", "Embarque"), ColumnKind.Text, 30),
        new(l.T("Source", "Fuente"), ColumnKind.Text, 40),
    ];

    /// <summary>Writes one invoice line.</summary>
    public static void Write(RowSink row, InvoiceLine i)
    {
        row.Text(i.InvoiceNumber);
        row.Number(i.LineNo);
        row.Date(i.InvoiceDate);
        row.Text(i.SellerName);
        row.Text(i.SellerCountry);
        row.Text(i.BuyerName);
        row.Text(i.BuyerCountry);
        row.Hs(i.Hs);
        row.Text(i.Description);
        row.Number(i.Quantity);
        row.Text(i.QuantityUnit);
        row.Number(i.LineTotal);
        row.Text(i.Currency);
        row.Number(i.ValueUsd);
        row.Text(EnumCells.Of(i.Incoterm));
        row.Text(i.PayerName);
        row.Text(i.PayerCountry);
        row.Text(i.BeneficiaryName);
        row.Text(i.BeneficiaryCountry);
        row.Text(i.ShipmentId);
        row.Source(i.Source);
    }
}
