using System.Text;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.UnitTests.Reports;

/// <summary>
/// A flag text kept as UTF-8 becomes the same cell as the same text kept as a string: the quote prefix, XML escaping,
/// characters XML cannot hold, the length limit, the row height of a wrapped cell (lines and UTF-16 characters
/// counted as on the string), xml:space="preserve", and the shared table (the same entries, counts and switch to
/// inline strings).
/// </summary>
public sealed class RowSinkUtf8Tests
{
    private static readonly string[] Bodies =
    [
        "Declared 41.20 USD/kg against a median of 75.00 USD/kg (HS 2933.39; 1,204 shipments).",
        "A & B <Ltd> \"quoted\" 'single' > done",
        "línea: señor Müller — 41,20 € ≈ 5¥ 中文 ﻿ D7FF:\uD7FF",
        "multi\r\nline\nwith\rbare CR and \r\n\r\n blank lines\n",
        "tabs\tinside\tthe\ttext",
        "control \u0001 and \u001F characters",
        "non-characters \uFFFE \uFFFF and private use \uE000",
        "beyond the BMP: 😀 𝄞",
        " leading space",
        "trailing space ",
        "\u00A0no-break space first",
        "ideographic space last\u3000",
        "\u2028line separator",
        "x",
        "&",
        "é",
    ];

    private static readonly string[] Prefixes = [string.Empty, "=", "+", "-", "@", "\t", "\r", "\r\n", "'", " "];

    /// <summary>Every body behind every prefix, short (shared columns share it) and long (wrapped over several lines).</summary>
    private static List<string> Texts()
    {
        var texts = new List<string>();
        foreach (var prefix in Prefixes)
        {
            foreach (var body in Bodies)
            {
                texts.Add(prefix + body);
                texts.Add(prefix + body + " " + string.Concat(Enumerable.Repeat(body, 400 / body.Length + 1)));
            }
        }

        texts.Add(string.Empty);
        return texts;
    }

    [Fact]
    public void UTF8_texts_make_the_same_cells_rows_and_shared_table_as_strings()
    {
        var texts = Texts();

        // Rows of three texts: the explanation column wraps (row heights), the other two share; repeated so the shared
        // columns see texts again, and enough distinct ones afterwards that they switch to inline strings.
        var rows = new List<(string E, string X, string O)>();
        for (var i = 0; i < 3 * texts.Count; i++)
        {
            rows.Add((texts[i % texts.Count], texts[(i * 7) % texts.Count], texts[(i * 13) % texts.Count]));
        }

        for (var i = 0; i < 5_000; i++)
        {
            rows.Add((texts[i % texts.Count] + i, "v " + i, texts[i % texts.Count]));
        }

        var (fromStrings, stringTable) = Sheet(rows, utf8: false);
        var (fromUtf8, utf8Table) = Sheet(rows, utf8: true);
        Assert.Equal(fromStrings, fromUtf8);
        Assert.Equal(stringTable, utf8Table);

        // The checks are there, not only the same on both sides.
        var all = fromUtf8 + utf8Table;
        Assert.Contains("<t>'=A &amp; B &lt;Ltd&gt; \"quoted\" 'single' &gt; done</t>", all, StringComparison.Ordinal);
        Assert.Contains("control \uFFFD and \uFFFD characters", all, StringComparison.Ordinal);
        Assert.Contains(" ht=\"", fromUtf8, StringComparison.Ordinal);
        Assert.Contains("xml:space=\"preserve\">ideographic space last\u3000", all, StringComparison.Ordinal);
    }

    [Fact]
    public void A_text_over_the_cell_limit_is_cut_as_a_string_is()
    {
        var body = "ü" + new string('a', CellText.MaxLength + 10);
        var rows = new List<(string E, string X, string O)> { (body, "-" + body, "x"), ("=" + new string('b', CellText.MaxLength - 1), "ok", "x") };
        var (fromStrings, stringTable) = Sheet(rows, utf8: false);
        var (fromUtf8, utf8Table) = Sheet(rows, utf8: true);
        Assert.Equal(fromStrings, fromUtf8);
        Assert.Equal(stringTable, utf8Table);
        Assert.DoesNotContain(new string('a', CellText.MaxLength), fromUtf8, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain ascii", true, 11)]
    [InlineData("línea €", true, 7)]
    [InlineData("a\r\nb\tc", true, 6)]
    [InlineData("\uD7FF", true, 1)]
    [InlineData("\uE000", false, 0)]
    [InlineData("\uFFFE", false, 0)]
    [InlineData("😀", false, 0)]
    [InlineData("bell \u0007", false, 0)]
    [InlineData("nul \0", false, 0)]
    public void Characters_are_counted_as_UTF16_and_unclean_texts_refused(string text, bool clean, int chars)
    {
        Assert.Equal(clean, RowSink.TryCountChars(Encoding.UTF8.GetBytes(text), out var counted));
        if (clean)
        {
            Assert.Equal(chars, counted);
            Assert.Equal(text.Length, counted);
        }
    }

    [Fact]
    public void Invalid_UTF8_is_refused()
    {
        Assert.False(RowSink.TryCountChars([(byte)'a', 0x80, (byte)'b'], out _));
        Assert.False(RowSink.TryCountChars([0xC3], out _));
        Assert.False(RowSink.TryCountChars([0xED, 0xA0, 0x80], out _)); // an encoded surrogate
    }

    [Theory]
    [InlineData("one paragraph of words that runs well past the width of one line of the column", 20.0)]
    [InlineData("línea €€€ ñññ ü\r\nsecond line\rthird\n\nfifth, longer than one line of the column ééé", 12.0)]
    [InlineData("\r\n", 30.0)]
    [InlineData("a\r", 30.0)]
    public void Wrapped_lines_count_as_on_the_string(string text, double width)
    {
        foreach (var quote in new[] { false, true })
        {
            var utf8 = Encoding.UTF8.GetBytes(text);
            Assert.True(RowSink.TryCountChars(utf8, out var chars));
            var safe = quote ? "'" + text : text;
            Assert.Equal(RowSink.WrappedLines(safe, width), RowSink.WrappedLines(utf8, quote, chars + (quote ? 1 : 0), width));
        }
    }

    /// <summary>The sheet XML and shared table the rows make, their texts given as strings or as UTF-8.</summary>
    private static (string Sheet, string Table) Sheet(List<(string E, string X, string O)> rows, bool utf8)
    {
        IReadOnlyList<ColumnSpec> columns = [new("E", ColumnKind.Wrap, 40), new("X", ColumnKind.Text), new("O", ColumnKind.Text)];
        var shared = new SharedStrings();
        using var output = new MemoryStream();
        using (var w = new XmlByteWriter(output))
        {
            var sink = RowSink.Writing(w, columns, [30, 20, 20], [], shared);
            var row = 1L;
            foreach (var (e, x, o) in rows)
            {
                sink.BeginRow(++row);
                var texts = utf8 ? Utf8Texts(e, x, o) : FlagTexts.FromStrings(e, x, o);
                sink.Text(texts, FlagTexts.Explanation);
                sink.Text(texts, FlagTexts.Expected);
                sink.Text(texts, FlagTexts.Observed);
                sink.EndRow();
            }
        }

        using var table = new MemoryStream();
        shared.Write(table);
        return (Encoding.UTF8.GetString(output.ToArray()), Encoding.UTF8.GetString(table.ToArray()));
    }

    private static FlagTexts Utf8Texts(string explanation, string expected, string observed)
    {
        // The writer takes texts of any length (Encode keeps long ones as strings).
        var w = FlagTexts.Writer.Begin();
        w.Put(FlagTexts.Expected, expected);
        w.Put(FlagTexts.Observed, observed);
        w.Put(FlagTexts.Explanation, explanation);
        var texts = w.End();
        Assert.True(texts.IsUtf8);
        return texts;
    }
}
