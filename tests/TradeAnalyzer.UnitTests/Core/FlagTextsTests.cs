using System.Text;
using System.Text.Unicode;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.UnitTests.Core;

/// <summary>A flag's texts kept as UTF-8 in shared chunks read back as the strings they were made from, and compare by content.</summary>
public sealed class FlagTextsTests
{
    private static Flag Bare(FlagTexts texts) => new()
    {
        Code = FlagCode.PriceAboveBaseline,
        Severity = Severity.High,
        Score = 80,
        RecordType = RecordType.Declaration,
        Texts = texts,
    };

    private static Flag FromStrings(string explanation, string? expected, string? observed) => new()
    {
        Code = FlagCode.PriceAboveBaseline,
        Severity = Severity.High,
        Score = 80,
        RecordType = RecordType.Declaration,
        Expected = expected,
        Observed = observed,
        Explanation = explanation,
    };

    [Theory]
    [InlineData("Declared 41.20 USD/kg, \"quoted\", línea; €", "9.80-22.10 USD/kg", "41.20 USD/kg")]
    [InlineData("", null, null)]
    [InlineData("x", "", null)]
    [InlineData("=cmd", null, "-2")]
    public void Encoded_texts_read_back_as_strings_and_as_their_UTF8_bytes(string explanation, string? expected, string? observed)
    {
        var texts = FlagTexts.Encode(explanation, expected, observed);
        Assert.True(texts.IsUtf8);
        Assert.Equal(explanation, texts.Text(FlagTexts.Explanation));
        Assert.Equal(expected, texts.Text(FlagTexts.Expected));
        Assert.Equal(observed, texts.Text(FlagTexts.Observed));
        Assert.True(texts.TryUtf8(FlagTexts.Explanation, out var utf8, out var present));
        Assert.True(present);
        Assert.Equal(Encoding.UTF8.GetBytes(explanation), utf8.ToArray());
        Assert.True(texts.TryUtf8(FlagTexts.Observed, out utf8, out present));
        Assert.Equal(observed is not null, present);
        Assert.Equal(Encoding.UTF8.GetBytes(observed ?? string.Empty), utf8.ToArray());

        var flag = Bare(texts);
        Assert.Equal(explanation, flag.Explanation);
        Assert.Equal(expected, flag.Expected);
        Assert.Equal(observed, flag.Observed);

        // Equal to the same flag built from strings (and the same hash), whichever way each keeps its texts.
        var strings = FromStrings(explanation, expected, observed);
        Assert.False(strings.Texts.IsUtf8);
        Assert.Equal(strings, flag);
        Assert.Equal(flag, strings);
        Assert.Equal(strings.GetHashCode(), flag.GetHashCode());
        Assert.Equal(flag, Bare(FlagTexts.Encode(explanation, expected, observed)));
    }

    [Fact]
    public void Flags_with_other_texts_or_an_absent_text_instead_of_an_empty_one_differ()
    {
        var flag = Bare(FlagTexts.Encode("a b", "e", "o"));
        Assert.NotEqual(flag, Bare(FlagTexts.Encode("a c", "e", "o")));
        Assert.NotEqual(flag, Bare(FlagTexts.Encode("a b", "e", null)));
        Assert.NotEqual(flag, FromStrings("a b", "e", "x"));
        Assert.NotEqual(Bare(FlagTexts.Encode("a", null, null)), Bare(FlagTexts.Encode("a", string.Empty, null)));
        Assert.NotEqual(FromStrings("a", null, null), Bare(FlagTexts.Encode("a", string.Empty, null)));
    }

    [Fact]
    public void With_replaces_one_text_and_keeps_the_others()
    {
        var flag = Bare(FlagTexts.Encode("explanation", "expected", "observed"));
        var changed = flag with { Observed = "other" };
        Assert.Equal("explanation", changed.Explanation);
        Assert.Equal("expected", changed.Expected);
        Assert.Equal("other", changed.Observed);
        Assert.Equal("observed", flag.Observed);
        Assert.Equal(FromStrings("explanation", "expected", "other"), changed);
    }

    [Fact]
    public void The_location_of_UTF8_texts_is_their_chunk_and_offset_and_string_texts_have_none()
    {
        var texts = FlagTexts.Encode("second explanation", "12.5", null);
        Assert.True(texts.TryLocate(out var chunk, out var start));
        Assert.InRange(start, 0, chunk.Length - 34);

        // The three lengths by slot, then the expected, observed (absent) and explanation bytes.
        Assert.Equal("second explanation".Length, BitConverter.ToInt32(chunk, start));
        Assert.Equal(4, BitConverter.ToInt32(chunk, start + 4));
        Assert.Equal(-1, BitConverter.ToInt32(chunk, start + 8));
        Assert.Equal("12.5second explanation", Encoding.UTF8.GetString(chunk, start + 12, 22));

        Assert.False(FlagTexts.Encode("bad \uD800 text", null, null).TryLocate(out chunk, out start));
        Assert.Empty(chunk);
        Assert.Equal(0, start);
        Assert.False(default(FlagTexts).TryLocate(out _, out _));
    }

    [Fact]
    public void A_lone_surrogate_is_kept_as_a_string_and_reads_back_unchanged()
    {
        var text = "bad \uD800 text";
        var texts = FlagTexts.Encode(text, null, "ok");
        Assert.False(texts.IsUtf8);
        Assert.False(texts.TryUtf8(FlagTexts.Explanation, out _, out _));
        Assert.Equal(text, texts.Text(FlagTexts.Explanation));
        Assert.Equal("ok", texts.Text(FlagTexts.Observed));
    }

    [Fact]
    public void Texts_written_across_many_chunks_and_one_larger_than_a_chunk_read_back_whole()
    {
        // 60 KiB chunks: 3,000 flags of ~300 bytes fill many, so some texts are formatted again in a new chunk (Grow).
        var made = new List<(FlagTexts Texts, string Explanation, string Expected, string Observed)>();
        for (var i = 0; i < 3_000; i++)
        {
            var w = FlagTexts.Writer.Begin();
            int n;
            while (!Utf8.TryWrite(w.Free, System.Globalization.CultureInfo.InvariantCulture, $"{i * 1.5:N2}-{i * 2.5:N2} USD/kg", out n))
            {
                w.Grow();
            }

            var expected = w.Put(FlagTexts.Expected, n);
            var observed = w.Put(FlagTexts.Observed, $"línea {i}");
            var filler = new string((char)('a' + (i % 26)), i % 400);
            while (!Utf8.TryWrite(w.Free, System.Globalization.CultureInfo.InvariantCulture, $"Flag {i}: {observed} against {expected}; {filler}.", out n))
            {
                w.Grow();
            }

            w.Put(FlagTexts.Explanation, n);
            var exp = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{i * 1.5:N2}-{i * 2.5:N2} USD/kg");
            made.Add((w.End(), $"Flag {i}: línea {i} against {exp}; {filler}.", exp, $"línea {i}"));
        }

        var huge = new string('z', 300_000) + "é";
        var big = FlagTexts.Writer.Begin();
        big.Put(FlagTexts.Explanation, huge);
        made.Add((big.End(), huge, null!, null!));

        foreach (var (texts, explanation, expected, observed) in made)
        {
            Assert.True(texts.IsUtf8);
            Assert.Equal(explanation, texts.Text(FlagTexts.Explanation));
            Assert.Equal(expected, texts.Text(FlagTexts.Expected));
            Assert.Equal(observed, texts.Text(FlagTexts.Observed));
        }
    }

    [Fact]
    public void The_writer_takes_the_texts_in_their_order_only()
    {
        var w = FlagTexts.Writer.Begin();
        w.Put(FlagTexts.Observed, "o");
        var thrown = false;
        try
        {
            w.Put(FlagTexts.Expected, "e");
        }
        catch (InvalidOperationException)
        {
            thrown = true;
        }

        Assert.True(thrown);
        var texts = w.End();
        Assert.Equal(string.Empty, texts.Text(FlagTexts.Explanation));
        Assert.Null(texts.Text(FlagTexts.Expected));
        Assert.Equal("o", texts.Text(FlagTexts.Observed));
    }

    [Fact]
    public void Texts_formatted_into_the_chunk_are_the_bytes_Utf8_TryWrite_makes_also_when_the_chunk_grows_mid_text()
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var filler = new string('\u00e9', 12_000); // 24,000 bytes: three of them do not fit in one 60 KiB chunk
        var quoted = "\u00abq\u00bb"u8.ToArray();
        var date = new DateOnly(2026, 3, 1);
        object? none = null;

        var w = FlagTexts.Writer.Begin();
        var expected = w.Put(FlagTexts.Expected, inv, $"{1234.5:N2}-{2.25:N2} USD/kg").ToArray();
        var observed = w.Put(FlagTexts.Observed, inv, $"{date:yyyy-MM-dd} {FlagCode.PriceAboveBaseline} [{none}] {quoted}").ToArray();
        w.Put(FlagTexts.Explanation, inv, $"{filler}{expected} {observed} {filler}{quoted}{1234567:N0}{filler}{-0.5:N2}");
        var texts = w.End();

        var buffer = new byte[200_000];
        Assert.True(Utf8.TryWrite(buffer, inv, $"{1234.5:N2}-{2.25:N2} USD/kg", out var n));
        Assert.Equal(buffer.AsSpan(0, n).ToArray(), expected);
        Assert.True(Utf8.TryWrite(buffer, inv, $"{date:yyyy-MM-dd} {FlagCode.PriceAboveBaseline} [{none}] {quoted}", out n));
        Assert.Equal(buffer.AsSpan(0, n).ToArray(), observed);
        Assert.True(Utf8.TryWrite(buffer, inv, $"{filler}{expected} {observed} {filler}{quoted}{1234567:N0}{filler}{-0.5:N2}", out n));

        Assert.True(texts.TryUtf8(FlagTexts.Explanation, out var explanation, out var present));
        Assert.True(present);
        Assert.True(n > 60 * 1024);
        Assert.Equal(buffer.AsSpan(0, n).ToArray(), explanation.ToArray());
        Assert.True(texts.TryUtf8(FlagTexts.Expected, out var storedExpected, out _));
        Assert.Equal(expected, storedExpected.ToArray());
        Assert.True(texts.TryUtf8(FlagTexts.Observed, out var storedObserved, out _));
        Assert.Equal(observed, storedObserved.ToArray());
        Assert.Equal("1,234.50-2.25 USD/kg", texts.Text(FlagTexts.Expected));
        Assert.StartsWith("2026-03-01 ", texts.Text(FlagTexts.Observed));
    }

    /// <summary>
    /// Untrusted values (party names, descriptions, invoice numbers, ids) may hold a lone surrogate. The string path
    /// (<see cref="FlagTexts.Encode"/>) keeps such texts as the strings, so every writer sees the very same characters;
    /// formatted straight into the chunk (every detector's direct path: a hole, <c>Part</c>, <c>Put(slot, string)</c>,
    /// an earlier text quoted as bytes) they must come out the same, not replaced with U+FFFD as Utf8.TryWrite does.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_lone_surrogate_in_a_formatted_value_keeps_the_texts_the_string_path_makes(int @case)
    {
        // Built here, not in the attribute: metadata would replace a lone surrogate in an attribute's string.
        var (name, number) = @case switch
        {
            0 => ("Acme \ud800 Ltd", "INV-1"),
            1 => ("Acme Ltd", "INV-\udfff"),
            2 => ("\ud800", "\udc00\ud800"),
            _ => ("tail high \ud83d", "ok"),
        };
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var date = new DateOnly(2026, 3, 1);

        var w = FlagTexts.Writer.Begin();
        var expected = w.Put(FlagTexts.Expected, inv, $"invoice {number}");
        w.Put(FlagTexts.Observed, name);
        w.Part(inv, $"Invoice {number} of {date:yyyy-MM-dd} from {name} for {1234.5:N2} USD: ");
        w.Part(inv, $"{expected}; ");
        w.Put(FlagTexts.Explanation, inv, $"{name} pays.");
        var texts = w.End();

        var explanation = string.Create(inv, $"Invoice {number} of {date:yyyy-MM-dd} from {name} for {1234.5:N2} USD: invoice {number}; {name} pays.");
        var strings = FlagTexts.Encode(explanation, $"invoice {number}", name);
        Assert.False(strings.IsUtf8);
        Assert.False(texts.IsUtf8);
        Assert.Equal(explanation, texts.Text(FlagTexts.Explanation));
        Assert.Equal($"invoice {number}", texts.Text(FlagTexts.Expected));
        Assert.Equal(name, texts.Text(FlagTexts.Observed));
        Assert.Equal(strings, texts);

        // The chunk's space goes on to the next flag's texts, formatted as bytes again.
        var next = FlagTexts.Writer.Begin();
        next.Put(FlagTexts.Explanation, inv, $"next {1:N0}");
        var after = next.End();
        Assert.True(after.IsUtf8);
        Assert.Equal("next 1", after.Text(FlagTexts.Explanation));
        Assert.Equal(explanation, texts.Text(FlagTexts.Explanation));
    }

    [Fact]
    public void A_surrogate_pair_split_across_two_values_is_one_character_as_in_the_string()
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var high = "a\ud83d";
        var low = "\ude00b";
        var w = FlagTexts.Writer.Begin();
        w.Put(FlagTexts.Explanation, inv, $"{high}{low}");
        var texts = w.End();
        Assert.True(texts.IsUtf8);
        Assert.Equal("a\U0001F600b", texts.Text(FlagTexts.Explanation));
        Assert.Equal(FlagTexts.Encode("a\U0001F600b", null, null), texts);
    }

    [Fact]
    public void Parts_and_the_piece_that_finishes_them_are_one_text_also_when_the_chunk_grows_between_parts()
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var filler = new string('x', 20_000);
        var w = FlagTexts.Writer.Begin();
        w.Put(FlagTexts.Expected, "e");
        var expected = new StringBuilder();
        for (var i = 0; i < 6; i++)
        {
            // 6 x 20,000 bytes: the chunk grows while the parts are pending.
            w.Part(inv, $"{(i == 0 ? string.Empty : "; ")}{i:N0} {filler}");
            expected.Append(i == 0 ? string.Empty : "; ").Append(i).Append(' ').Append(filler);
        }

        w.Put(FlagTexts.Explanation, " among others.");
        var texts = w.End();
        Assert.True(texts.IsUtf8);
        Assert.Equal(expected + " among others.", texts.Text(FlagTexts.Explanation));
        Assert.Equal("e", texts.Text(FlagTexts.Expected));
        Assert.Null(texts.Text(FlagTexts.Observed));
    }
}
