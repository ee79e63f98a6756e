using System.Globalization;
using FsCheck.Xunit;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Reports.Builders;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.UnitTests.Reports;

/// <summary>The workbook's record look-ups (flagged declaration and invoice lines), enum cell texts and the cents fast path of numbers.</summary>
public sealed class FlaggedRecordsTests
{
    private static readonly DateOnly Day = new(2026, 3, 2);

    [Fact]
    public void Each_flagged_key_takes_its_first_line_in_declaration_order_and_knows_its_row()
    {
        var declarations = new List<DeclarationLine>();
        for (var i = 0; i < 5_000; i++)
        {
            // Ids of one declaration are separate instances (as a parser without pooling would make them).
            declarations.Add(ReportSamples.Declaration(string.Concat("D", (i / 3).ToString("00000", CultureInfo.InvariantCulture)), 1 + (i % 3), "Exporter", "2933.39", 10, 100, Day));
        }

        // A repeated key (same id and line again later): only its first line is shown.
        declarations.Add(ReportSamples.Declaration("D00002", 2, "Exporter", "2933.39", 99, 999, Day));
        var wanted = new[] { 4_999, 7, 3_000, 8, 7 };
        var flags = wanted.Select(i => ReportSamples.Flag(FlagCode.PriceAboveBaseline, 50, declarations[i], 1, "x")).ToList();
        flags.Add(Flag(declarationId: "missing", lineNo: 1));
        flags.Add(Flag(declarationId: "D00000", lineNo: null));

        var found = FlaggedRecords.Find(declarations, [], flags);

        int[] expected = [0, 7, 8, 3_000, 4_999];
        Assert.Equal(expected.Select(i => declarations[i]), found.Declarations);
        for (var row = 0; row < expected.Length; row++)
        {
            var d = declarations[expected[row]];
            Assert.True(found.TryGetRow(new string(d.DeclarationId.AsSpan()), d.LineNo, out var r));
            Assert.Equal(row, r);
        }

        Assert.False(found.TryGetRow("missing", 1, out _));
        Assert.False(found.TryGetRow("D00001", 1, out _));
        Assert.Empty(found.Invoices);
    }

    [Fact]
    public void Keys_added_past_the_tables_first_size_are_all_found_once_with_their_rows()
    {
        // Sized for 1 key, given 3,000 distinct keys each added twice (separate id instances): the key table grows
        // several times, a repeated key is not added again, and every key keeps its first line's row.
        var declarations = Enumerable.Range(0, 6_000)
            .Select(i => ReportSamples.Declaration(string.Concat("D", (i / 4).ToString("0000", CultureInfo.InvariantCulture)), 1 + (i % 4), "Exporter", "2933.39", 10, 100, Day))
            .ToList();
        var keys = new FlaggedRecords.Keys(1);
        var wanted = Enumerable.Range(0, 3_000).Select(i => (i * 7) % 6_000).Distinct().ToList();
        foreach (var i in wanted.Concat(wanted))
        {
            var d = declarations[i];
            keys.Add(Flag(declarationId: new string(d.DeclarationId.AsSpan()), lineNo: d.LineNo));
        }

        var found = keys.FindDeclarations(declarations);

        var expected = wanted.Order().ToList();
        Assert.Equal(expected.Select(i => declarations[i]), found.Declarations);
        for (var row = 0; row < expected.Count; row++)
        {
            var d = declarations[expected[row]];
            Assert.True(found.TryGetRow(d.DeclarationId, d.LineNo, out var r));
            Assert.Equal(row, r);
        }

        var unflagged = Enumerable.Range(0, 6_000).Except(wanted).First();
        Assert.False(found.TryGetRow(declarations[unflagged].DeclarationId, declarations[unflagged].LineNo, out _));
        Assert.False(found.TryGetRow("D9999", 1, out _));
    }

    [Fact]
    public void Prefetching_a_flags_key_adds_nothing_and_changes_no_answer()
    {
        var declarations = Enumerable.Range(0, 100)
            .Select(i => ReportSamples.Declaration(string.Concat("D", i.ToString("000", CultureInfo.InvariantCulture)), 1, "Exporter", "2933.39", 10, 100, Day))
            .ToList();
        var keys = new FlaggedRecords.Keys(4);
        keys.Prefetch(Flag(declarationId: "D007", lineNo: 1), 0);
        keys.Prefetch(Flag(declarationId: null), 1);
        keys.Prefetch(Flag(invoiceNumber: "INV-1", recordType: RecordType.Invoice), 2);
        keys.Add(Flag(declarationId: "D042", lineNo: null));

        var found = keys.FindDeclarations(declarations);

        Assert.Equal([declarations[42]], found.Declarations);
        Assert.False(found.TryGetRow("D007", 1, out _));
        Assert.True(found.TryGetRow("D042", 1, out var row));
        Assert.Equal(0, row);
    }

    [Fact]
    public void Keys_prefetched_into_the_ring_and_added_by_index_are_what_plain_adds_give()
    {
        var declarations = TwoLineDeclarations(1_000);
        var invoices = Enumerable.Range(0, 300).Select(i => Invoice(string.Concat("INV-", (i / 3).ToString(CultureInfo.InvariantCulture)), i)).ToList();
        var flags = new List<Flag>();
        for (var i = 0; i < 1_500; i++)
        {
            flags.Add(i % 7 == 3
                ? Flag(invoiceNumber: string.Concat("INV-", (i % 120).ToString(CultureInfo.InvariantCulture)), recordType: RecordType.Invoice)
                : i % 11 == 5
                    ? Flag(declarationId: null)
                    : Flag(declarationId: string.Concat("D", ((i * 13) % 900).ToString("0000", CultureInfo.InvariantCulture)), lineNo: i % 3 == 0 ? null : 1 + (i % 2)));
        }

        var plain = new FlaggedRecords.Keys(1);
        var ring = new FlaggedRecords.Keys(1);
        for (var i = 0; i < flags.Count; i++)
        {
            plain.Add(flags[i]);

            // As the tally does: 4 ahead; also a prefetch the add never matches (another flag at that index), which
            // must not stand in for the real flag's key.
            if (i + 4 < flags.Count)
            {
                ring.Prefetch(i % 50 == 0 ? Flag(declarationId: "D0950", lineNo: 2) : flags[i + 4], i + 4);
            }

            ring.Add(flags[i], i);
        }

        var one = plain.Find(declarations, invoices);
        var other = ring.Find(declarations, invoices);

        Assert.Equal(one.Declarations, other.Declarations);
        Assert.Equal(one.Invoices, other.Invoices);
        Assert.NotEmpty(other.Invoices);
        Assert.True(other.Declarations.Count > 500);
        Assert.False(other.TryGetRow("D0950", 2, out _));
        foreach (var d in one.Declarations)
        {
            Assert.True(one.TryGetRow(d.DeclarationId, d.LineNo, out var r1));
            Assert.True(other.TryGetRow(d.DeclarationId, d.LineNo, out var r2));
            Assert.Equal(r1, r2);
        }
    }

    [Fact]
    public void Invoice_lines_of_flagged_invoice_numbers_are_kept_in_order_whatever_the_string_instances()
    {
        var invoices = new List<InvoiceLine>();
        for (var i = 0; i < 3_000; i++)
        {
            invoices.Add(Invoice(string.Concat("INV-", (i / 2).ToString(CultureInfo.InvariantCulture)), i));
        }

        var flags = new List<Flag>
        {
            Flag(invoiceNumber: "INV-700", recordType: RecordType.Invoice),
            Flag(invoiceNumber: "INV-3", recordType: RecordType.Invoice),
            Flag(invoiceNumber: "INV-5", recordType: RecordType.Declaration), // not an invoice flag
            Flag(invoiceNumber: "INV-99999", recordType: RecordType.Invoice),
        };

        var found = FlaggedRecords.Find([], invoices, flags);

        Assert.Equal([invoices[6], invoices[7], invoices[1_400], invoices[1_401]], found.Invoices);
        Assert.Empty(found.Declarations);
    }

    [Fact]
    public void Declarations_and_invoices_found_apart_are_what_one_find_gives()
    {
        var declarations = TwoLineDeclarations(1_000);
        var invoices = Enumerable.Range(0, 2_000).Select(i => Invoice(string.Concat("INV-", (i / 3).ToString(CultureInfo.InvariantCulture)), i)).ToList();
        var flags = new List<Flag>
        {
            Flag(declarationId: "D0500", lineNo: 2, invoiceNumber: "INV-20", recordType: RecordType.Invoice),
            Flag(declarationId: "D0007", lineNo: null),
            Flag(invoiceNumber: "INV-600", recordType: RecordType.Invoice),
            Flag(declarationId: "D0999", lineNo: 1),
        };
        var together = new FlaggedRecords.Keys(flags.Count);
        var apart = new FlaggedRecords.Keys(flags.Count);
        foreach (var f in flags)
        {
            together.Add(f);
            apart.Add(f);
        }

        var one = together.Find(declarations, invoices);
        var declarationsOnly = apart.FindDeclarations(declarations);
        var invoicesOnly = apart.FindInvoices(invoices);

        Assert.Equal(one.Declarations, declarationsOnly.Declarations);
        Assert.Empty(declarationsOnly.Invoices);
        Assert.Equal(one.Invoices, invoicesOnly);
        Assert.Equal(6, invoicesOnly.Count);
        Assert.True(declarationsOnly.TryGetRow("D0500", 2, out var row));
        Assert.True(one.TryGetRow("D0500", 2, out var oneRow));
        Assert.Equal(oneRow, row);
    }

    [Fact]
    public void Enum_cells_are_the_upper_case_incoterm_and_lower_case_mode_and_nothing_when_unknown()
    {
        foreach (var value in Enum.GetValues<Incoterm>())
        {
            Assert.Equal(value == Incoterm.Unknown ? null : value.ToString().ToUpperInvariant(), EnumCells.Of(value));
        }

        foreach (var value in Enum.GetValues<TransportMode>())
        {
            Assert.Equal(value == TransportMode.Unknown ? null : value.ToString().ToLowerInvariant(), EnumCells.Of(value));
        }
    }

    [Property(MaxTest = 2_000)]
    public void Cents_are_written_exactly_as_round_trip_text(long cents, int scale)
    {
        // Money-like values of every magnitude below 1e13, and whatever doubles the division gives.
        var value = (cents % 1_000_000_000_000_000L) / Math.Pow(10, 2 + (Math.Abs(scale) % 4));
        AssertSameAsRoundTrip(value);
    }

    [Fact]
    public void Cents_of_every_magnitude_and_their_neighbours_are_written_exactly_as_round_trip_text()
    {
        var random = new Random(11);
        for (var i = 0; i < 100_000; i++)
        {
            var cents = (long)(random.NextDouble() * Math.Pow(10, random.Next(1, 16)));
            var value = (random.Next(2) == 0 ? -cents : cents) / 100.0;
            AssertSameAsRoundTrip(value);
            AssertSameAsRoundTrip(Math.BitIncrement(value));
            AssertSameAsRoundTrip(Math.BitDecrement(value));
            AssertSameAsRoundTrip(cents / 1000.0);
        }
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(-0.5)]
    [InlineData(0.1 + 0.2)]
    [InlineData(204881.12)]
    [InlineData(451200.04453392)]
    [InlineData(9_999_999_999_999.99)]
    [InlineData(99_999_999_999.99)]
    [InlineData(1e-7)]
    [InlineData(123.405)]
    public void Numbers_near_cents_are_written_exactly_as_round_trip_text(double value) => AssertSameAsRoundTrip(value);

    private static void AssertSameAsRoundTrip(double value)
    {
        using var stream = new MemoryStream();
        using (var w = new XmlByteWriter(stream))
        {
            w.Number(value);
        }

        Assert.Equal(value.ToString("R", CultureInfo.InvariantCulture), System.Text.Encoding.ASCII.GetString(stream.ToArray()));
    }

    /// <summary><paramref name="count"/> declarations D0000, D0001, ... of two lines each, in id and line order.</summary>
    private static List<DeclarationLine> TwoLineDeclarations(int count) => Enumerable.Range(0, 2 * count)
        .Select(i => ReportSamples.Declaration(string.Concat("D", (i / 2).ToString("0000", CultureInfo.InvariantCulture)), 1 + (i % 2), "Exporter", "2933.39", 10, 100, Day))
        .ToList();

    private static Flag Flag(string? declarationId = null, int? lineNo = null, string? invoiceNumber = null, RecordType recordType = RecordType.Declaration) => new()
    {
        Code = FlagCode.PriceAboveBaseline,
        Severity = Severity.Low,
        Score = 10,
        RecordType = recordType,
        DeclarationId = declarationId,
        LineNo = lineNo,
        InvoiceNumber = invoiceNumber,
        Explanation = "x",
    };

    private static InvoiceLine Invoice(string number, int line) => new()
    {
        Source = new SourceRef("inv.csv", line + 2),
        InvoiceNumber = number,
        LineNo = 1 + (line % 2),
        InvoiceDate = Day,
        SellerName = "Seller",
        BuyerName = "Buyer",
        Quantity = 1,
        QuantityUnit = "kg",
        NormQuantity = 1,
        Unit = BaseUnit.Kg,
        LineTotal = 10,
        Currency = "USD",
        ValueUsd = 10,
        FobUsd = 10,
    };
}
