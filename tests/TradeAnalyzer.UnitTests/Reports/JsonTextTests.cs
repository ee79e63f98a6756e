using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Reports;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.UnitTests.Reports;

/// <summary>flags.json's own string escaping and writer give the bytes of the framework's <see cref="Utf8JsonWriter"/>.</summary>
public sealed class JsonTextTests
{
    private static readonly JsonWriterOptions Compact = new() { Indented = false, SkipValidation = true };

    private static byte[] Framework(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, Compact))
        {
            write(w);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Own(Action<XmlByteWriter> write)
    {
        using var s = new MemoryStream();
        using (var w = new XmlByteWriter(s))
        {
            write(w);
        }

        return s.ToArray();
    }

    private static void AssertSame(string value)
    {
        var expected = Framework(w => w.WriteStringValue(value));
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(Own(w => JsonText.String(w, value))));
        Assert.Equal(expected, Own(w => JsonText.String(w, value.AsSpan())));
        if (Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value)) == value)
        {
            // Valid UTF-16 (no lone surrogate): its UTF-8 bytes escape the same.
            var utf8 = Encoding.UTF8.GetBytes(value);
            Assert.Equal(expected, Framework(w => w.WriteStringValue(utf8)));
            Assert.Equal(expected, Own(w => JsonText.String(w, utf8)));
        }
    }

    [Fact]
    public void Every_ascii_character_alone_and_inside_text_is_escaped_as_the_framework_escapes_it()
    {
        for (var c = 0; c < 128; c++)
        {
            var ch = ((char)c).ToString();
            AssertSame(ch);
            AssertSame("a" + ch + "b");
            AssertSame("é" + ch + "b");   // after a non-ASCII character the default encoder takes over
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("Silver Lake Trading LLC")]
    [InlineData("O'Brien & Sons <Export> \"Ltd\" +1 `x` back\\slash")]
    [InlineData("Proveedora Farmacéutica Mexiquense, S.A. de C.V.")]
    [InlineData("ÍÑÜ 中文 Ελληνικά עברית ﬁ \u2028\u2029 \u00A0 \uFEFF")]
    [InlineData("emoji 😀 and 𝄞 pairs, then ' and \" after them")]
    [InlineData("=SUM(A1)\t\r\n\b\f\u0001\u001F\u007F")]
    [InlineData("lone \uD800 high and \uDC00 low surrogates, \uDBFF at the end \uD800")]
    [InlineData("\uDC00")]
    public void Texts_are_escaped_as_the_framework_escapes_them(string value) => AssertSame(value);

    [Fact]
    public void Long_and_random_texts_cross_the_chunks_as_the_framework_escapes_them()
    {
        var random = new Random(6);
        var alphabet = "abcXYZ 019,.;:-_/'\"&<>+`\\\t\n\r\u0001\u007Féñü中😀".ToCharArray()
            .Concat(new[] { '\uD800', '\uDC00' }).ToArray();
        for (var i = 0; i < 300; i++)
        {
            var length = i < 20 ? 1_015 + i : random.Next(0, 5_000);
            var chars = new char[length];
            for (var j = 0; j < length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }

            AssertSame(new string(chars));
        }

        // A surrogate pair across the 1,024-character chunk boundary (counted from the first character to escape),
        // before and after the encoder is reached.
        AssertSame("'" + new string('a', 1_022) + "😀" + new string('b', 3_000));
        AssertSame("x'" + new string('a', 1_021) + "😀'" + new string('b', 3_000));
        AssertSame("é" + new string('a', 1_022) + "😀'" + new string('b', 3_000));
        AssertSame(new string('\'', 9_000) + "é" + new string('<', 2_000));
    }

    [Fact]
    public void Null_is_the_json_literal()
    {
        Assert.Equal("null"u8.ToArray(), Own(w => JsonText.String(w, (string?)null)));
    }

    [Fact]
    public void Flags_json_is_the_bytes_the_framework_writer_writes_for_each_flag()
    {
        var flags = ReportSamples.Upload(flagCopies: 50).Result.Flags.ToList();
        flags.Add(new Flag
        {
            Code = FlagCode.PriceAboveBaseline,
            Severity = Severity.High,
            Score = 12.345678,
            RecordType = RecordType.Declaration,
            DeclarationId = "lone \uD800 \"quoted\" <id>",
            ExporterName = "Ünïcödé 😀 & Co",
            ImporterName = null,
            ValueUsd = 1e300,
            ValueAtRiskUsd = -0.00001,
            Explanation = "tab\there, newline\nthere, \u0001",
            Source = new SourceRef("C:\\data\\décl.csv", 12),
        });
        flags.Add(new Flag { Code = FlagCode.PriceAboveBaseline, Severity = Severity.Low, Score = 0, RecordType = RecordType.Invoice });

        using var s = new MemoryStream();
        AnalysisOutputs.WriteFlagsJson(s, flags);
        var expected = Framework(w =>
        {
            w.WriteStartArray();
            foreach (var f in flags)
            {
                Reference(w, f);
            }

            w.WriteEndArray();
        });
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(s.ToArray()));

        using var empty = new MemoryStream();
        AnalysisOutputs.WriteFlagsJson(empty, []);
        Assert.Equal("[]"u8.ToArray(), empty.ToArray());
    }

    /// <summary>A flag as the framework writer wrote it before (every value through its own methods).</summary>
    private static void Reference(Utf8JsonWriter w, Flag f)
    {
        w.WriteStartObject();
        w.WriteString("flag", f.Code.ToCode());
        w.WriteString("severity", f.Severity.ToText());
        w.WriteNumber("score", Math.Round(f.Score, 2));
        w.WriteString("record_type", f.RecordType.ToText());
        w.WriteString("declaration_id", f.DeclarationId);
        if (f.LineNo is { } line)
        {
            w.WriteNumber("line_no", line);
        }
        else
        {
            w.WriteNull("line_no");
        }

        w.WriteString("invoice_number", f.InvoiceNumber);
        w.WriteString("shipment_id", f.ShipmentId);
        w.WriteString("exporter_name", f.ExporterName);
        w.WriteString("importer_name", f.ImporterName);
        w.WriteString("hs_code", f.HsCode);
        Number(w, "value_usd", f.ValueUsd);
        Number(w, "value_at_risk_usd", f.ValueAtRiskUsd);
        // The texts as stored (Explanation's getter gives "" for none; the file has null).
        w.WriteString("expected", f.Texts.Text(FlagTexts.Expected));
        w.WriteString("observed", f.Texts.Text(FlagTexts.Observed));
        w.WriteString("explanation", f.Texts.Text(FlagTexts.Explanation));
        w.WriteString("exporter_key", f.ExporterKey);
        w.WriteString("date", f.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        w.WriteString("origin_country", f.OriginCountry);
        w.WriteString("destination_country", f.DestinationCountry);
        w.WriteString("source", f.Source?.ToString());
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.WriteNumber(name, Math.Round(v, 4));
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
