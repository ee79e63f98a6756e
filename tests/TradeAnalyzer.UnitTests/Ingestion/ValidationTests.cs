using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Reference;
using TradeAnalyzer.Ingestion;
using static TradeAnalyzer.UnitTests.Ingestion.IngestTestData;

namespace TradeAnalyzer.UnitTests.Ingestion;

public sealed class ValidationTests
{
    private static RejectedRow RejectOne(string row, IngestionOptions? options = null)
    {
        var r = Read(DeclHeader + "\n" + DeclRow(id: "OK") + "\n" + row + "\n", options);
        AssertReconciled(r);
        Assert.Single(r.Declarations);
        var rej = Assert.Single(r.Rejected);
        Assert.Equal(3, rej.Row);
        return rej;
    }

    [Theory]
    [InlineData("", "declaration_id", "missing required value for declaration_id")]
    public void Missing_required_value_names_the_column(string id, string column, string reason)
    {
        var rej = RejectOne(DeclRow(id: id));
        Assert.Equal(column, rej.Column);
        Assert.Equal(reason, rej.Reason);
    }

    [Theory]
    [InlineData("0", "greater than zero")]
    [InlineData("-5", "greater than zero")]
    [InlineData("NaN", "not a finite number")]
    [InlineData("Infinity", "not a finite number")]
    [InlineData("1e400", "not a finite number")]
    [InlineData("abc", "not a finite number")]
    public void Bad_quantity_is_rejected(string qty, string reason)
    {
        var rej = RejectOne(DeclRow(qty: qty));
        Assert.Equal("quantity", rej.Column);
        Assert.Contains(reason, rej.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Value_overflowing_after_conversion_is_rejected()
    {
        var r = Read(DeclHeader + "\n" + DeclRow(value: "1.7e308", currency: "EUR") + "\n");
        var rej = Assert.Single(r.Rejected);
        Assert.Equal("value", rej.Column);
        Assert.Contains("out of range", rej.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2025-02-30")]
    [InlineData("1989-12-31")]
    [InlineData("2101-01-01")]
    [InlineData("31/31/2025")]
    [InlineData("yesterday")]
    public void Impossible_dates_are_rejected(string date)
    {
        var rej = RejectOne(DeclRow(date: date));
        Assert.Equal("declaration_date", rej.Column);
        Assert.Contains("not a valid date", rej.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Ambiguous_slashed_date_is_rejected_but_unambiguous_ones_are_read()
    {
        var rej = RejectOne(DeclRow(date: "03/04/2025"));
        Assert.Contains("ambiguous", rej.Reason, StringComparison.Ordinal);
        var r = Read(DeclHeader + "\n" + DeclRow(date: "25/03/2025") + "\n" + DeclRow(id: "D2", date: "03/25/2025") + "\n");
        Assert.All(r.Declarations, d => Assert.Equal(new DateOnly(2025, 3, 25), d.Date));
    }

    [Theory]
    [InlineData("29333")]
    [InlineData("29333999001")]
    [InlineData("2933.3X")]
    public void Hs_codes_must_have_6_to_10_digits(string hs)
    {
        var rej = RejectOne(DeclRow(hs: hs));
        Assert.Equal("hs_code", rej.Column);
        Assert.Contains("6 to 10 digits", rej.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_unit_and_currency_are_rejected()
    {
        Assert.Equal("unknown unit 'bushel'", RejectOne(DeclRow(unit: "bushel")).Reason);
        Assert.Equal("unknown currency 'XYZ'", RejectOne(DeclRow(currency: "XYZ")).Reason);
    }

    [Fact]
    public void Currency_without_a_rate_on_or_before_the_date_says_which()
    {
        var fx = new FxTable.Builder().Add("MXN", new DateOnly(2025, 2, 1), 0.05).Build();
        var rej = RejectOne(DeclRow(currency: "MXN", date: "2025-01-03"), new IngestionOptions { Fx = fx });
        Assert.Equal("no USD rate for MXN on or before 2025-01-03", rej.Reason);
        Assert.Equal("currency", rej.Column);
    }

    [Fact]
    public void Exact_duplicate_lines_are_rejected()
    {
        var rej = RejectOne(DeclRow(id: "OK"));
        Assert.Contains("duplicate", rej.Reason, StringComparison.Ordinal);
        Assert.Equal("declaration_id", rej.Column);
    }

    [Fact]
    public void Bad_flow_incoterm_mode_and_country_are_rejected()
    {
        Assert.Equal("flow", RejectOne(DeclRow(flow: "sideways")).Column);
        Assert.Equal("incoterm", RejectOne(DeclRow(incoterm: "XYZ")).Column);
        Assert.Equal("transport_mode", RejectOne(DeclRow(mode: "teleport")).Column);
        Assert.Equal("origin_country", RejectOne(DeclRow(origin: "China")).Column);
    }

    [Fact]
    public void Missing_required_column_rejects_the_file_and_every_row()
    {
        var header = DeclHeader.Replace(",currency", ",money", StringComparison.Ordinal);
        var r = Read(header + "\n" + DeclRow() + "\n" + DeclRow(id: "D2") + "\n");
        Assert.Contains("currency", r.Summary.Error, StringComparison.Ordinal);
        Assert.Empty(r.Declarations);
        Assert.Equal(2, r.Summary.RowsRejected);
        Assert.Equal(2, r.Summary.RowsRead);
        Assert.All(r.Rejected, x => Assert.Equal("currency", x.Column));
        Assert.Equal([2L, 3L], r.Rejected.Select(x => x.Row));
    }

    [Fact]
    public void Normalisation_converts_units_currency_and_incoterm()
    {
        var r = Read(DeclHeader + "\n" + DeclRow(qty: "1000", unit: "lb", value: "10000", currency: "USD", incoterm: "CIF", mode: "air") + "\n");
        var d = Assert.Single(r.Declarations);
        Assert.Equal(BaseUnit.Kg, d.Unit);
        Assert.Equal(453.59237, d.NormQuantity, 6);
        Assert.Equal("lb", d.QuantityUnit);
        Assert.Equal(10000, d.ValueUsd, 6);
        Assert.Equal(10000 / 1.13, d.FobUsd, 6);
        Assert.Equal(Incoterm.Cif, d.Incoterm);
        Assert.Equal(TransportMode.Air, d.Mode);
        Assert.Equal("N:HEBEI CHEM", d.ExporterKey);
        Assert.Equal(new HsCode?(HsCode.Parse("29333999")), d.Hs);
    }

    [Fact]
    public void Fx_uses_the_nearest_earlier_rate()
    {
        var fx = new FxTable.Builder().Add("EUR", new DateOnly(2025, 1, 1), 1.0).Add("EUR", new DateOnly(2025, 3, 1), 1.10).Add("EUR", new DateOnly(2025, 4, 1), 1.20).Build();
        var r = Read(DeclHeader + "\n" + DeclRow(currency: "EUR", value: "100", date: "2025-03-31") + "\n", new IngestionOptions { Fx = fx });
        Assert.Equal(110, Assert.Single(r.Declarations).ValueUsd, 6);
    }

    [Fact]
    public void Default_fx_table_covers_mxn_for_2025()
    {
        Assert.True(ReferenceDefaults.Fx.TryGetUsdPerUnit("MXN", new DateOnly(2025, 6, 15), out var rate));
        Assert.InRange(rate, 0.04, 0.07);
        foreach (var c in new[] { "EUR", "CNY", "INR", "CAD", "GBP", "JPY", "CHF", "HKD", "SGD", "AED", "BRL", "COP" })
        {
            Assert.True(ReferenceDefaults.Fx.TryGetUsdPerUnit(c, new DateOnly(2026, 12, 31), out _), c);
        }
    }

    private const string InvHeader = "invoice_number,invoice_date,seller_name,buyer_name,line_no,hs_code,description,quantity,quantity_unit,unit_price,line_total,currency";

    private static FileReadResult ReadInvoices(params string[] rows) => Read(InvHeader + "\n" + string.Join("\n", rows) + "\n");

    [Fact]
    public void Invoices_are_recognised_and_price_fills_the_total()
    {
        var r = ReadInvoices("INV1,2025-03-01,Seller Ltd,Buyer SA,1,293339,,10,kg,2.5,,USD");
        Assert.Equal(FileKind.Invoices, r.Summary.Kind);
        var line = Assert.Single(r.Invoices);
        Assert.Equal(25, line.LineTotal, 6);
    }

    [Fact]
    public void Invoice_rejections()
    {
        var r = ReadInvoices(
            "INV1,2025-03-01,Seller Ltd,Buyer SA,1,293339,,10,kg,2.5,25.00,USD",
            "INV1,2025-03-01,Seller Ltd,Buyer SA,1,293339,,10,kg,2.5,25.00,USD",
            "INV2,2025-03-01,Seller Ltd,Buyer SA,1,293339,,10,kg,2.5,40.00,USD",
            "INV3,2025-03-01,Seller Ltd,Buyer SA,1,,,10,kg,2.5,25,USD",
            "INV4,2025-03-01,Seller Ltd,Buyer SA,1,293339,,10,kg,,,USD");
        AssertReconciled(r);
        Assert.Single(r.Invoices);
        Assert.Equal(4, r.Rejected.Count);
        Assert.Contains("duplicate", r.Rejected[0].Reason, StringComparison.Ordinal);
        Assert.Contains("disagrees", r.Rejected[1].Reason, StringComparison.Ordinal);
        Assert.Contains("neither hs_code nor description", r.Rejected[2].Reason, StringComparison.Ordinal);
        Assert.Contains("neither unit_price nor line_total", r.Rejected[3].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unrecognised_header_rejects_the_file_but_reconciles()
    {
        var r = Read("a,b,c\n1,2,3\n4,5,6\n");
        Assert.NotNull(r.Summary.Error);
        Assert.Equal(2, r.Summary.RowsRejected);
        AssertReconciled(r);
    }

    [Fact]
    public void Kind_option_overrides_recognition_and_max_rows_stops()
    {
        var text = DeclHeader + "\n" + DeclRow() + "\n" + DeclRow(id: "D2") + "\n" + DeclRow(id: "D3") + "\n";
        var r = Read(text, new IngestionOptions { Kind = FileKind.Declarations, MaxRows = 2 });
        Assert.Equal(2, r.Declarations.Count);
        Assert.Contains("more than 2", r.Summary.Error, StringComparison.Ordinal);
        AssertReconciled(r);
    }

    [Fact]
    public void Oversize_file_is_refused()
    {
        var r = Read(DeclHeader + "\n" + DeclRow() + "\n", new IngestionOptions { MaxFileBytes = 100 });
        Assert.Contains("limit", r.Summary.Error, StringComparison.Ordinal);
        Assert.Equal(0, r.Summary.RowsRead);
    }
}
