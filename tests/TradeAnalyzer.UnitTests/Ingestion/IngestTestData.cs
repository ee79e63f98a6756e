using System.Text;
using TradeAnalyzer.Ingestion;

namespace TradeAnalyzer.UnitTests.Ingestion;

internal static class IngestTestData
{
    public const string DeclHeader =
        "declaration_id,line_no,flow,declaration_date,reporter_country,exporter_name,importer_name,exporter_id,origin_country,destination_country,hs_code,description,quantity,quantity_unit,value,currency,incoterm,transport_mode";

    public static string DeclRow(string id = "D1", string line = "1", string date = "2025-03-10", string hs = "2933.39.99", string qty = "100", string unit = "kg",
        string value = "5000", string currency = "USD", string incoterm = "FOB", string mode = "sea", string flow = "import", string origin = "CN") =>
        $"{id},{line},{flow},{date},MX,Hebei Chem Co Ltd,Quimica del Norte SA de CV,,{origin},MX,{hs},piperidone,{qty},{unit},{value},{currency},{incoterm},{mode}";

    public static FileReadResult Read(string text, IngestionOptions? options = null, string name = "test.csv", Encoding? encoding = null, bool bom = false)
    {
        var enc = encoding ?? new UTF8Encoding(false);
        var bytes = bom ? [.. enc.GetPreamble(), .. enc.GetBytes(text)] : enc.GetBytes(text);
        return ReadBytes(bytes, options, name);
    }

    public static FileReadResult ReadBytes(byte[] bytes, IngestionOptions? options = null, string name = "test.csv")
    {
        options ??= new IngestionOptions();
        FileReadResult ReadWith(IngestionOptions o)
        {
            using var ms = new MemoryStream(bytes);
            return new FileIngestor().Read(ms, name, o);
        }

        // Every test file is also read with the rows split on a second thread: the outcome must not change.
        var result = ReadWith(options);
        var piped = ReadWith(options with { PipelineMinBytes = 0 });
        Assert.Equal(result.Summary, piped.Summary);
        Assert.Equal(result.Rejected, piped.Rejected);
        Assert.Equal(result.Declarations.Count, piped.Declarations.Count);
        Assert.Equal(result.Invoices.Count, piped.Invoices.Count);
        return result;
    }

    public static void AssertReconciled(FileReadResult r)
    {
        Assert.Equal(r.Summary.RowsRead, r.Summary.RowsAccepted + r.Summary.RowsRejected);
        var accepted = r.Declarations.Count + r.Invoices.Count + r.Comtrade.Count + (r.Baselines?.Count ?? 0);
        if (r.Summary.Kind is TradeAnalyzer.Core.Model.FileKind.Declarations or TradeAnalyzer.Core.Model.FileKind.Invoices or TradeAnalyzer.Core.Model.FileKind.Comtrade)
        {
            Assert.Equal(r.Summary.RowsAccepted, accepted);
        }
    }
}
