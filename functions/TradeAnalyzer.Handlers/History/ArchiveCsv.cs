using System.Globalization;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Text;

namespace TradeAnalyzer.Handlers.History;

/// <summary>
/// The archive's record format: the canonical columns of spec 1.1 and 1.2, with quantities in the normalised unit and
/// values converted to USD at the declared incoterm, so archived records read back through ordinary ingestion with no
/// exchange rate needed and give the same normalised figures.
/// </summary>
public static class ArchiveCsv
{
    private static readonly string[] DeclarationHeader =
    [
        "declaration_id", "line_no", "flow", "declaration_date", "reporter_country", "exporter_name", "importer_name",
        "exporter_id", "importer_id", "exporter_country", "importer_country", "origin_country", "destination_country",
        "hs_code", "description", "cas_number", "quantity", "quantity_unit", "net_weight_kg", "value", "currency",
        "incoterm", "invoice_number", "transport_mode", "port_of_loading", "port_of_discharge", "transit_countries", "shipment_id",
    ];

    private static readonly string[] InvoiceHeader =
    [
        "invoice_number", "invoice_date", "seller_name", "buyer_name", "seller_country", "buyer_country", "seller_id",
        "buyer_id", "line_no", "hs_code", "description", "cas_number", "quantity", "quantity_unit", "line_total", "currency",
        "incoterm", "payment_terms", "payer_name", "payer_country", "beneficiary_name", "beneficiary_country", "shipment_id",
    ];

    public static void WriteDeclarations(Stream stream, IEnumerable<DeclarationLine> lines)
    {
        using var w = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
        WriteRow(w, DeclarationHeader);
        var f = new string?[DeclarationHeader.Length];
        foreach (var d in lines)
        {
            f[0] = d.DeclarationId;
            f[1] = Num(d.LineNo);
            f[2] = d.Flow.ToText();
            f[3] = d.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            f[4] = d.ReporterCountry;
            f[5] = d.ExporterName;
            f[6] = d.ImporterName;
            f[7] = d.ExporterId;
            f[8] = d.ImporterId;
            f[9] = d.ExporterCountry;
            f[10] = d.ImporterCountry;
            f[11] = d.OriginCountry;
            f[12] = d.DestinationCountry;
            f[13] = d.Hs.Digits;
            f[14] = d.Description;
            f[15] = string.Join(';', d.CasNumbers);
            f[16] = Num(d.NormQuantity);
            f[17] = d.Unit.ToText();
            f[18] = d.NetWeightKg is { } kg ? Num(kg) : null;
            f[19] = Num(d.ValueUsd);
            f[20] = "USD";
            f[21] = d.Incoterm == Incoterm.Unknown ? null : d.Incoterm.ToString().ToUpperInvariant();
            f[22] = d.InvoiceNumber;
            f[23] = d.Mode == TransportMode.Unknown ? null : d.Mode.ToString().ToLowerInvariant();
            f[24] = d.PortOfLoading;
            f[25] = d.PortOfDischarge;
            f[26] = string.Join(';', d.TransitCountries);
            f[27] = d.ShipmentId;
            WriteRow(w, f);
        }
    }

    public static void WriteInvoices(Stream stream, IEnumerable<InvoiceLine> lines)
    {
        using var w = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
        WriteRow(w, InvoiceHeader);
        var f = new string?[InvoiceHeader.Length];
        foreach (var i in lines)
        {
            f[0] = i.InvoiceNumber;
            f[1] = i.InvoiceDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            f[2] = i.SellerName;
            f[3] = i.BuyerName;
            f[4] = i.SellerCountry;
            f[5] = i.BuyerCountry;
            f[6] = i.SellerId;
            f[7] = i.BuyerId;
            f[8] = Num(i.LineNo);
            f[9] = i.Hs?.Digits;
            f[10] = i.Description;
            f[11] = string.Join(';', i.CasNumbers);
            f[12] = Num(i.NormQuantity);
            f[13] = i.Unit.ToText();
            f[14] = Num(i.ValueUsd);
            f[15] = "USD";
            f[16] = i.Incoterm == Incoterm.Unknown ? null : i.Incoterm.ToString().ToUpperInvariant();
            f[17] = i.PaymentTerms;
            f[18] = i.PayerName;
            f[19] = i.PayerCountry;
            f[20] = i.BeneficiaryName;
            f[21] = i.BeneficiaryCountry;
            f[22] = i.ShipmentId;
            WriteRow(w, f);
        }
    }

    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Num(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static void WriteRow(StreamWriter w, IReadOnlyList<string?> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                w.Write(',');
            }

            w.Write(CsvRowReader.Escape(fields[i]));
        }

        w.Write('\n');
    }
}
