using System.Globalization;
using System.Text;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Normalization;
using TradeAnalyzer.Core.Reference;
using TradeAnalyzer.Ingestion;
using static TradeAnalyzer.UnitTests.Ingestion.IngestTestData;

namespace TradeAnalyzer.UnitTests.Ingestion;

/// <summary>
/// The parsing thread's fast paths for the usual spellings (ISO dates, import/export, sea/road/air/rail, FOB/CIF, two
/// upper-case letters as a country, remembered units and currencies) give what the general paths give.
/// </summary>
public sealed class FieldFastPathTests
{
    [Fact]
    public void Iso_dates_parse_as_the_exact_format_does_within_the_accepted_years()
    {
        var checkedDates = 0;
        for (var year = 1988; year <= 2102; year += 1)
        {
            for (var month = 0; month <= 13; month++)
            {
                foreach (var day in new[] { 0, 1, 9, 10, 28, 29, 30, 31, 32 })
                {
                    var text = string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{month:D2}-{day:D2}");
                    var expected = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var want) &&
                        year is >= 1990 and <= 2100;
                    Assert.Equal(expected, FieldParsers.TryParseDate(text, DateOrder.Auto, out var got, out var ambiguous));
                    Assert.False(ambiguous);
                    if (expected)
                    {
                        Assert.Equal(want, got);
                    }

                    checkedDates++;
                }
            }
        }

        Assert.True(checkedDates > 10_000);
    }

    [Theory]
    [InlineData("2025-0a-10")]
    [InlineData("2025-1--10")]
    [InlineData("2025/03-10")]
    [InlineData("20a5-03-10")]
    [InlineData("2025-03-1x")]
    [InlineData("2025-03+10")]
    public void Ten_characters_that_are_not_an_iso_date_fail_as_before(string text) =>
        Assert.False(FieldParsers.TryParseDate(text, DateOrder.Auto, out _, out _));

    [Theory]
    [InlineData("2025-03-10T08:00", 2025, 3, 10)]
    [InlineData(" 2025-03-10 ", 2025, 3, 10)]
    [InlineData("2025/3/9", 2025, 3, 9)]
    [InlineData("10.03.2025", 2025, 3, 10)]
    public void Other_date_forms_still_take_the_general_path(string text, int year, int month, int day)
    {
        Assert.True(FieldParsers.TryParseDate(text, DateOrder.DayFirst, out var date, out _));
        Assert.Equal(new DateOnly(year, month, day), date);
    }

    [Fact]
    public void Two_upper_case_letters_give_the_country_code_the_general_path_gives()
    {
        for (var a = 'A'; a <= 'Z'; a++)
        {
            for (var b = 'A'; b <= 'Z'; b++)
            {
                var text = new string([a, b]);
                Assert.True(CodeLists.TryUpperAlpha2(text, out var fast));
                Assert.True(CodeLists.TryCountry(text, out var general));
                Assert.Same(general, fast);
            }
        }

        foreach (var other in new[] { "mx", "Mx", " MX", "MEX", "M", "M1", "", "ÄB" })
        {
            Assert.False(CodeLists.TryUpperAlpha2(other, out _), other);
        }
    }

    [Theory]
    [InlineData("sea", TransportMode.Sea)]
    [InlineData("road", TransportMode.Road)]
    [InlineData("air", TransportMode.Air)]
    [InlineData("rail", TransportMode.Rail)]
    [InlineData("SEA", TransportMode.Sea)]
    [InlineData(" Rail ", TransportMode.Rail)]
    [InlineData("truck", TransportMode.Road)]
    public void Usual_modes_as_written_and_other_spellings_map_as_the_table_says(string text, TransportMode expected)
    {
        Assert.True(TransportModes.TryParse(text, out var mode));
        Assert.Equal(expected, mode);
    }

    [Theory]
    [InlineData("FOB", Incoterm.Fob)]
    [InlineData("CIF", Incoterm.Cif)]
    [InlineData("fob", Incoterm.Fob)]
    [InlineData("Cif Manzanillo", Incoterm.Cif)]
    [InlineData("EXW", Incoterm.Exw)]
    public void Usual_incoterms_as_written_and_other_spellings_parse_the_same(string text, Incoterm expected)
    {
        Assert.True(Incoterms.TryParse(text, out var incoterm));
        Assert.Equal(expected, incoterm);
    }

    [Fact]
    public void Flow_as_written_and_in_other_spellings()
    {
        var r = Read(DeclHeader + "\n" + string.Join("\n",
            DeclRow(id: "D1", flow: "import"), DeclRow(id: "D2", flow: "export"), DeclRow(id: "D3", flow: "IMPORT"),
            DeclRow(id: "D4", flow: "Exportación"), DeclRow(id: "D5", flow: "importx")) + "\n");
        Assert.Equal([TradeFlow.Import, TradeFlow.Export, TradeFlow.Import, TradeFlow.Export], r.Declarations.Select(d => d.Flow).ToArray());
        Assert.Equal("flow 'importx' is not import or export", Assert.Single(r.Rejected).Reason);
    }

    [Fact]
    public void Units_cycling_through_more_than_the_parser_remembers_keep_their_own_factor()
    {
        // Six units in turn: more than the four remembered, so each is parsed again after it was forgotten.
        var units = new[] { ("kg", BaseUnit.Kg, 1.0), ("u", BaseUnit.U, 1.0), ("lb", BaseUnit.Kg, 0.45359237), ("g", BaseUnit.Kg, 0.001), ("KG", BaseUnit.Kg, 1.0), ("doz", BaseUnit.U, 12.0) };
        var text = new StringBuilder(DeclHeader).Append('\n');
        for (var i = 0; i < 30; i++)
        {
            text.Append(DeclRow(id: $"D{i}", qty: "10", unit: units[(i * 7) % units.Length].Item1)).Append('\n');
        }

        text.Append(DeclRow(id: "D99", unit: "parsecs")).Append('\n');
        var r = Read(text.ToString());
        Assert.Equal(30, r.Declarations.Count);
        for (var i = 0; i < 30; i++)
        {
            var (name, unit, factor) = units[(i * 7) % units.Length];
            var d = r.Declarations[i];
            Assert.Equal(name.ToLowerInvariant(), d.QuantityUnit);
            Assert.Equal(unit, d.Unit);
            Assert.Equal(10 * factor, d.NormQuantity, 9);
        }

        Assert.Equal("unknown unit 'parsecs'", Assert.Single(r.Rejected).Reason);
    }

    [Fact]
    public void A_currency_repeated_over_rows_of_other_dates_takes_each_date_s_rate()
    {
        var fx = new FxTable.Builder()
            .Add("EUR", new DateOnly(2025, 3, 1), 1.10).Add("EUR", new DateOnly(2025, 3, 11), 1.20).Add("EUR", new DateOnly(2025, 3, 12), 1.30)
            .Add("MXN", new DateOnly(2025, 3, 5), 0.05).Build();
        var rows = new[]
        {
            ("D1", "2025-03-10", "EUR", 110.0), ("D2", "2025-03-10", "EUR", 110.0), ("D3", "2025-03-11", "EUR", 120.0), ("D4", "2025-03-12", "EUR", 130.0),
            ("D5", "2025-03-12", "USD", 100.0), ("D6", "2025-03-12", "EUR", 130.0), ("D7", "2025-03-10", "EUR", 110.0), ("D8", "2025-03-10", "eur", 110.0),
            ("D9", "2025-03-11", "eur", 120.0), ("D10", "2025-03-11", "MXN", 5.0),
        };
        var text = new StringBuilder(DeclHeader).Append('\n');
        foreach (var (id, date, currency, _) in rows)
        {
            text.Append(DeclRow(id: id, date: date, currency: currency, value: "100")).Append('\n');
        }

        // A known code on a date before its first rate, after rows of it that had a rate, and an unknown code.
        text.Append(DeclRow(id: "E1", date: "2025-03-04", currency: "MXN")).Append('\n');
        text.Append(DeclRow(id: "E2", date: "2025-03-11", currency: "EUX")).Append('\n');
        text.Append(DeclRow(id: "D11", date: "2025-03-04", currency: "EUR", value: "100")).Append('\n');
        var r = Read(text.ToString(), new IngestionOptions { Fx = fx });
        Assert.Equal(rows.Select(x => x.Item4).Append(110.0).ToArray(), r.Declarations.Select(d => Math.Round(d.ValueUsd, 6)).ToArray());
        Assert.Equal(["EUR", "EUR", "EUR", "EUR", "USD", "EUR", "EUR", "EUR", "EUR", "MXN", "EUR"], r.Declarations.Select(d => d.Currency).ToArray());
        Assert.Equal(["no USD rate for MXN on or before 2025-03-04", "unknown currency 'EUX'"], r.Rejected.Select(x => x.Reason).ToArray());
    }

    [Fact]
    public void Hs_codes_in_no_order_and_more_of_them_than_the_recent_slots_read_as_parsed()
    {
        // 700 codes (more than the 512 recent slots, so slots are shared and overwritten), written in three ways, in
        // random order; and one cell longer than a slot keeps.
        var rng = new Random(7);
        var codes = Enumerable.Range(0, 700).Select(i => 28_000_000 + (i * 7_919)).ToArray();
        var text = new StringBuilder(DeclHeader).Append('\n');
        var expected = new List<HsCode>();
        for (var i = 0; i < 5_000; i++)
        {
            var c = codes[rng.Next(codes.Length)].ToString(CultureInfo.InvariantCulture);
            var cell = (i % 3) switch
            {
                0 => c,
                1 => $"{c[..4]}.{c[4..6]}.{c[6..]}",
                _ => $"{c[..4]}.{c[4..6]}.{c[6..]}.00",
            };
            if (i == 4_000)
            {
                cell = $"{c[..4]} . {c[4..6]} . {c[6..]} . 00";
            }

            text.Append(DeclRow(id: $"D{i}", hs: cell)).Append('\n');
            expected.Add(HsCode.Parse(cell));
        }

        var r = Read(text.ToString());
        Assert.Empty(r.Rejected);
        Assert.Equal(expected, r.Declarations.Select(d => d.Hs).ToArray());
    }

    [Fact]
    public void Descriptions_sharing_recent_slots_short_and_long_read_as_written_and_pooled()
    {
        // 1,600 texts of 2 to 120 characters (the recent table keeps a copy of texts under 64 characters; longer ones
        // keep only the reference) in 1,024 slots, so short and long texts take each other's slots; and groups of texts
        // equal in length and in their first, middle and last characters (one slot, forced) that differ elsewhere.
        var rng = new Random(11);
        var texts = new List<string>();
        for (var i = 0; i < 1_200; i++)
        {
            var length = 2 + rng.Next(119);
            var chars = new char[length];
            for (var k = 0; k < length; k++)
            {
                chars[k] = (char)('a' + rng.Next(26));
            }

            chars[0] = 'd';
            texts.Add(new string(chars));
        }

        for (var g = 0; g < 100; g++)
        {
            var length = g < 50 ? 5 + g : 64 + g; // below and above the copy's limit
            var baseText = new string('q', length).ToCharArray();
            baseText[^1] = (char)('a' + (g % 26));
            for (var v = 0; v < 4; v++)
            {
                baseText[1] = (char)('k' + v);
                texts.Add(new string(baseText));
            }
        }

        var text = new StringBuilder(DeclHeader).Append('\n');
        var expected = new List<string>();
        for (var i = 0; i < 20_000; i++)
        {
            var d = texts[rng.Next(texts.Count)];
            text.Append(DeclRow(id: $"D{i}").Replace(",piperidone,", $",{d},", StringComparison.Ordinal)).Append('\n');
            expected.Add(d);
        }

        var r = Read(text.ToString());
        Assert.Empty(r.Rejected);
        Assert.Equal(expected, r.Declarations.Select(d => d.Description).ToArray());

        // Equal texts are one string (pooled), whichever path found them.
        var first = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var description in r.Declarations.Select(d => d.Description!))
        {
            Assert.Same(first.TryAdd(description, description) ? description : first[description], description);
        }
    }
}
