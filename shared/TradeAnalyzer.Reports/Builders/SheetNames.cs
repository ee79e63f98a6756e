namespace TradeAnalyzer.Reports.Builders;

/// <summary>The upload report's sheet names in the workbook's language.</summary>
internal sealed class SheetNames(Labels l)
{
    public string Summary { get; } = l.T("Summary", "Resumen");

    public string Flags { get; } = l.T("Flags", "Alertas");

    public string Shipments { get; } = l.T("Shipments", "Envíos");

    public string Invoices { get; } = l.T("Invoices", "Facturas");

    public string Exporters { get; } = l.T("Exporters", "Exportadores");

    public string Baselines { get; } = l.T("Baselines", "Referencias de precio");

    public string Rejected { get; } = l.T("Rejected rows", "Filas rechazadas");

    public string About { get; } = l.T("About", "Acerca de");
}
