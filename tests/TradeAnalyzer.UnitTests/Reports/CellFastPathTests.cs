using System.Text;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.UnitTests.Reports;

/// <summary>
/// The sheet writer's fast paths against the general code they stand in for: plain ASCII text against the escaping
/// writer, padded markup copies, the shared table's instance look-up against
/// <see cref="SharedStrings.Index(string, ref SharedStrings.ColumnState)"/>.
/// </summary>
public sealed class CellFastPathTests
{
    [Theory]
    [InlineData("plain text, 95% of 9,262 lines (HS 8414.30.99 u) were 113.07-303.15 USD/u.")]
    [InlineData(" leading space")]
    [InlineData("a & b")]
    [InlineData("less < more >")]
    [InlineData("Farmacéutica")]
    [InlineData("tab\there")]
    [InlineData("del\u007F")]
    [InlineData("")]
    public void Plain_text_is_only_printable_ascii_without_markup_and_writes_as_the_escaping_writer_does(string value)
    {
        var expectPlain = value.All(c => c is >= ' ' and <= '~' and not ('&' or '<' or '>'));
        Assert.Equal(expectPlain, XmlByteWriter.IsPlain(value));
        if (expectPlain)
        {
            Assert.Equal(Write(w => w.Text(value)), Write(w => w.PlainText(value)));
        }
    }

    [Fact]
    public void Padded_markup_writes_only_its_length_and_survives_buffer_flushes()
    {
        var pieces = new[] { PaddedBytes.Ascii("<c r=\"AB"), PaddedBytes.Ascii("1048576"), PaddedBytes.Ascii(new string('x', PaddedBytes.Size)), PaddedBytes.Ascii(string.Empty) };
        var expected = new StringBuilder();
        var written = Write(w =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                var piece = pieces[i % pieces.Length];
                w.Raw(piece);
                w.Raw((byte)';');
            }
        });
        for (var i = 0; i < 5_000; i++)
        {
            var piece = pieces[i % pieces.Length];
            expected.Append(Encoding.ASCII.GetString(piece.Bytes, 0, piece.Length)).Append(';');
        }

        Assert.Equal(expected.ToString(), written);
    }

    [Fact]
    public void Three_padded_pieces_in_one_call_write_as_three_calls_do_across_buffer_flushes()
    {
        var pieces = new[] { PaddedBytes.Ascii("<c r=\"AB"), PaddedBytes.Ascii("1048576"), PaddedBytes.Ascii(new string('x', PaddedBytes.Size)), PaddedBytes.Ascii(string.Empty), PaddedBytes.Ascii("\" s=\"3\" t=\"s\"><v>") };
        void Cells(XmlByteWriter w, bool fused)
        {
            for (var i = 0; i < 5_000; i++)
            {
                var (a, b, c) = (pieces[i % pieces.Length], pieces[(i / 5) % pieces.Length], pieces[(i / 25) % pieces.Length]);
                if (fused)
                {
                    w.Raw(a, b, c);
                }
                else
                {
                    w.Raw(a);
                    w.Raw(b);
                    w.Raw(c);
                }

                // An odd number of bytes between cells, so the pieces start at every offset of the buffer's end.
                for (var k = 0; k < i % 7; k++)
                {
                    w.Raw((byte)';');
                }
            }
        }

        var expected = Write(w => Cells(w, fused: false));
        Assert.True(expected.Length > 1 << 17);
        Assert.Equal(expected, Write(w => Cells(w, fused: true)));
    }

    [Fact]
    public void A_value_cell_in_one_call_writes_as_its_pieces_digits_and_end_do_across_buffer_flushes()
    {
        var pieces = new[] { PaddedBytes.Ascii("<c r=\"XFD"), PaddedBytes.Ascii("1048576"), PaddedBytes.Ascii(new string('x', PaddedBytes.Size)), PaddedBytes.Ascii(string.Empty), PaddedBytes.Ascii("\" t=\"s\"><v>") };
        var values = new uint[] { 0, 7, 9, 10, 99, 100, 12_345, 999_999, 1_000_000, 45_678_901, uint.MaxValue };
        void Cells(XmlByteWriter w, bool fused)
        {
            for (var i = 0; i < 5_000; i++)
            {
                var (a, b, c, v) = (pieces[i % pieces.Length], pieces[(i / 5) % pieces.Length], pieces[(i / 25) % pieces.Length], values[i % values.Length]);
                if (fused)
                {
                    w.ValueCell(a, b, c, v);
                }
                else
                {
                    w.Raw(a);
                    w.Raw(b);
                    w.Raw(c);
                    w.Integer(v);
                    w.Raw("</v></c>"u8);
                }

                for (var k = 0; k < i % 7; k++)
                {
                    w.Raw((byte)';');
                }
            }
        }

        var expected = Write(w => Cells(w, fused: false));
        Assert.Contains("4294967295</v></c>", expected, StringComparison.Ordinal);
        Assert.True(expected.Length > 1 << 17);
        Assert.Equal(expected, Write(w => Cells(w, fused: true)));
    }

    [Fact]
    public void Whole_numbers_and_dates_written_in_one_call_hold_the_values_the_general_path_writes()
    {
        double[] numbers = [0, -0.0, 1, 42, 1_048_576, uint.MaxValue, uint.MaxValue + 1.0, -3, 1.25, 0.1, 1e15, 123_456.789];
        DateOnly[] dates = [new(1899, 12, 30), new(2026, 12, 3), new(1, 1, 1), new(9999, 12, 31)];
        ColumnSpec[] columns = [new("n", ColumnKind.Integer), new("usd", ColumnKind.Money), new("d", ColumnKind.Date)];
        var xml = Write(w =>
        {
            var sink = RowSink.Writing(w, columns, [10, 10, 10], []);
            for (var i = 0; i < numbers.Length; i++)
            {
                sink.BeginRow(i + 1);
                sink.Number(numbers[i]);
                sink.Number(numbers[i]);
                sink.Date(dates[i % dates.Length]);
                sink.EndRow();
            }
        });

        var expected = new StringBuilder();
        for (var i = 0; i < numbers.Length; i++)
        {
            var number = Write(w => w.Number(numbers[i]));
            var serial = dates[i % dates.Length].DayNumber - new DateOnly(1899, 12, 30).DayNumber;
            expected.Append($"<row r=\"{i + 1}\"><c r=\"A{i + 1}\" s=\"{(uint)StyleId.Integer}\"><v>{number}</v></c>")
                .Append($"<c r=\"B{i + 1}\" s=\"{(uint)StyleId.Money}\"><v>{number}</v></c>")
                .Append($"<c r=\"C{i + 1}\" s=\"{(uint)StyleId.Date}\"><v>{serial}</v></c></row>");
        }

        Assert.Equal(expected.ToString(), xml);
        Assert.Contains("><v>-0</v>", xml, StringComparison.Ordinal);
        Assert.Contains("><v>4294967296</v>", xml, StringComparison.Ordinal);
        Assert.Contains("><v>-693593</v>", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_text_cell_in_one_call_writes_as_its_pieces_text_and_end_do_across_buffer_flushes_and_growth()
    {
        var pieces = new[] { PaddedBytes.Ascii("<c r=\"XFD"), PaddedBytes.Ascii("1048576"), PaddedBytes.Ascii(new string('x', PaddedBytes.Size)), PaddedBytes.Ascii(string.Empty), PaddedBytes.Ascii("\" t=\"inlineStr\"><is><t>") };
        var texts = new[] { string.Empty, "a", "ACME TRADING CO., LTD", new string('q', 300), new string('z', 100_000) };
        void Cells(XmlByteWriter w, bool fused)
        {
            for (var i = 0; i < 3_000; i++)
            {
                var (a, b, c) = (pieces[i % pieces.Length], pieces[(i / 5) % pieces.Length], pieces[(i / 25) % pieces.Length]);
                var text = texts[i % 97 == 0 ? 4 : i % 4];
                if (fused)
                {
                    w.PlainTextCell(a, b, c, text);
                }
                else
                {
                    w.Raw(a);
                    w.Raw(b);
                    w.Raw(c);
                    w.PlainText(text);
                    w.Raw("</t></is></c>"u8);
                }

                for (var k = 0; k < i % 7; k++)
                {
                    w.Raw((byte)';');
                }
            }
        }

        var expected = Write(w => Cells(w, fused: false));
        Assert.True(expected.Length > 3_000_000);
        Assert.Equal(expected, Write(w => Cells(w, fused: true)));
    }

    [Fact]
    public void Instance_lookups_answer_and_count_as_index_does()
    {
        var random = new Random(3);
        var pool = Enumerable.Range(0, 3_000).Select(i => $"Name {i % 2_000} {(char)('A' + (i % 26))}").ToArray();
        var plain = new SharedStrings();
        var fast = new SharedStrings();
        var plainColumn = default(SharedStrings.ColumnState);
        var fastColumn = default(SharedStrings.ColumnState);
        for (var i = 0; i < 200_000; i++)
        {
            // Mostly pooled instances, sometimes an equal copy, sometimes a new text.
            var text = random.Next(10) switch
            {
                0 => new string(pool[random.Next(pool.Length)].AsSpan()),
                1 => $"New {i}",
                _ => pool[random.Next(pool.Length)],
            };
            var expected = plain.Index(text, ref plainColumn);
            var actual = fast.TryIndexOfInstance(text, ref fastColumn, out var known) ? known : fast.Index(text, ref fastColumn);
            Assert.Equal(expected, actual);
        }

        Assert.Equal(plain.Strings, fast.Strings);
        Assert.Equal(plain.References, fast.References);
        Assert.Equal(plainColumn.Inline, fastColumn.Inline);
    }

    private static string Write(Action<XmlByteWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new XmlByteWriter(buffer))
        {
            write(w);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
