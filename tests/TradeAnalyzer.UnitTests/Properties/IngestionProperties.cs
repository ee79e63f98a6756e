using System.Text;
using FsCheck;
using FsCheck.Fluent;
using TradeAnalyzer.Core.Text;
using TradeAnalyzer.Ingestion;

namespace TradeAnalyzer.UnitTests.Properties;

/// <summary>
/// Properties of reading (issue 7): whatever rows a file holds, every row ends up accepted or rejected with a reason
/// (the counts reconcile), and a CSV written with our escaping reads back field for field.
/// </summary>
public sealed class IngestionProperties
{
    private const string Header =
        "declaration_id,line_no,flow,declaration_date,reporter_country,exporter_name,importer_name,origin_country,destination_country,hs_code,description,quantity,quantity_unit,value,currency";

    private static readonly string[] Ids = ["D1", "D2", "D3", "", "D 4"];
    private static readonly string[] LineNos = ["1", "2", "0", "-1", "x", ""];
    private static readonly string[] Flows = ["export", "import", "EXPORT", "both", ""];
    private static readonly string[] Dates = ["2026-07-01", "2026-02-30", "01/07/2026", "13/13/2026", "", "2026-7-1"];
    private static readonly string[] Countries = ["US", "MX", "CN", "XX", "", "usa"];
    private static readonly string[] Names = ["Acme LLC", "Química Ñandú, S.A. de C.V.", "=cmd", "", "\"quoted\""];
    private static readonly string[] HsCodes = ["2933.39.99", "293339", "29", "ABCDEF", "", "8479.89.99.10"];
    private static readonly string[] Numbers = ["100", "1,234.5", "0", "-5", "NaN", "1e400", "", "12.5"];
    private static readonly string[] Units = ["kg", "g", "lb", "u", "pcs", "furlong", ""];
    private static readonly string[] Currencies = ["USD", "MXN", "EUR", "XXX", ""];

    private static Gen<string> Row() =>
        from id in Gen.Elements(Ids)
        from line in Gen.Elements(LineNos)
        from flow in Gen.Elements(Flows)
        from date in Gen.Elements(Dates)
        from c1 in Gen.Elements(Countries)
        from n1 in Gen.Elements(Names)
        from n2 in Gen.Elements(Names)
        from c2 in Gen.Elements(Countries)
        from hs in Gen.Elements(HsCodes)
        from qty in Gen.Elements(Numbers)
        from unit in Gen.Elements(Units)
        from value in Gen.Elements(Numbers)
        from cur in Gen.Elements(Currencies)
        select string.Join(',', new[] { id, line, flow, date, c1, n1, n2, c2, c1, hs, n1, qty, unit, value, cur }.Select(f => CsvRowReader.Escape(f)));

    [FsCheck.Xunit.Property(MaxTest = 60)]
    public Property Any_set_of_rows_reconciles() =>
        Prop.ForAll(Gen.ListOf(Row()).Select(r => r.ToList()).ToArbitrary(), rows =>
        {
            var csv = Header + "\n" + string.Join('\n', rows) + "\n";
            var result = new FileIngestor().Read(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "p.csv", new IngestionOptions());
            var s = result.Summary;
            var rejectedRows = result.Rejected.Where(r => r.Row > 0).Select(r => r.Row).Distinct().Count();
            return s.RowsRead == s.RowsAccepted + s.RowsRejected
                && (s.Error is not null || s.RowsRead == rows.Count)
                && result.Declarations.Count == s.RowsAccepted
                && (s.Error is not null || rejectedRows == s.RowsRejected)
                && result.Rejected.All(r => !string.IsNullOrWhiteSpace(r.Reason));
        });

    private static readonly Gen<string> Field = Gen.OneOf(
        Gen.Elements("", "plain", "with,comma", "with \"quotes\"", "line\nbreak", "cr\r\nlf", " spaced ", "Ñandú", "=SUM(A1)", ";semi"),
        ArbMap.Default.GeneratorFor<string>().Where(s => s is not null && !s.Contains('\0', StringComparison.Ordinal)));

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property Csv_written_and_read_back_is_equal() =>
        Prop.ForAll(Gen.ListOf(Gen.ListOf(Field).Select(f => f.ToList()).Where(f => f.Count > 0)).Select(r => r.ToList()).ToArbitrary(), records =>
        {
            var text = string.Concat(records.Select(r => string.Join(',', r.Select(f => CsvRowReader.Escape(f))) + "\n"));
            using var reader = new CsvRowReader(new StringReader(text)) { MaxFieldLength = 1 << 20, MaxFields = 10_000 };
            var read = new List<List<string>>();
            while (reader.TryReadRecord(out var fields))
            {
                read.Add([.. fields]);
            }

            return read.Count == records.Count && read.Zip(records).All(p => p.First.SequenceEqual(p.Second));
        });
}
