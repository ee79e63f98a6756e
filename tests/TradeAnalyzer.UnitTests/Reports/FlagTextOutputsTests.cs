using System.IO.Compression;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Reports;

namespace TradeAnalyzer.UnitTests.Reports;

/// <summary>
/// flags.csv, flags.json and the workbook write a flag's texts kept as UTF-8 exactly as they write the same texts kept as
/// strings: quoting, quote doubling, the formula guard, escaping, absent texts.
/// </summary>
public sealed class FlagTextOutputsTests
{
    private static readonly string[] Texts =
    [
        "plain words, with a comma",
        "\"quoted\" and \"\"doubled\"\"",
        "línea: 41.20 USD/kg & <b>tags</b> -> €",
        "multi\r\nline\ttext",
        string.Empty,
    ];

    /// <summary>The sample upload plus flags with every kind of text, the long ones (over the shared-string limit) too.</summary>
    private static UploadReportModel Sample()
    {
        var model = ReportSamples.Upload();
        var flags = new List<Flag>(model.Result.Flags);
        var template = flags[0];
        var n = 0;
        foreach (var prefix in ReportSamples.Hostile.Concat(Texts))
        {
            foreach (var tail in new[] { string.Empty, " " + new string('x', 170) + " é & <", " " + new string('y', 200), "," })
            {
                n++;
                flags.Add(template with
                {
                    Explanation = prefix + tail,
                    Expected = n % 3 == 0 ? null : Texts[n % Texts.Length] + tail,
                    Observed = n % 4 == 0 ? null : ReportSamples.Hostile[n % ReportSamples.Hostile.Length],
                    DeclarationId = $"T{n}",
                });
            }
        }

        return model with { Result = new AnalysisResult { Flags = flags, Exporters = model.Result.Exporters, RecordScores = model.Result.RecordScores, BaselinesUsed = model.Result.BaselinesUsed, TimingsMs = model.Result.TimingsMs, ValueAtRiskUsd = model.Result.ValueAtRiskUsd } };
    }

    private static UploadReportModel AsUtf8(UploadReportModel model)
    {
        var flags = model.Result.Flags.Select(f => f with { Texts = FlagTexts.Encode(f.Explanation, f.Expected, f.Observed) }).ToList();
        Assert.All(flags, f => Assert.True(f.Texts.IsUtf8));
        Assert.All(model.Result.Flags, f => Assert.False(f.Texts.IsUtf8));
        return model with { Result = new AnalysisResult { Flags = flags, Exporters = model.Result.Exporters, RecordScores = model.Result.RecordScores, BaselinesUsed = model.Result.BaselinesUsed, TimingsMs = model.Result.TimingsMs, ValueAtRiskUsd = model.Result.ValueAtRiskUsd } };
    }

    [Fact]
    public void Flags_csv_and_json_are_the_same_bytes_from_UTF8_texts()
    {
        var strings = Sample();
        var utf8 = AsUtf8(strings);
        Assert.Equal(Csv(strings.Result.Flags), Csv(utf8.Result.Flags));
        Assert.Equal(Json(strings.Result.Flags), Json(utf8.Result.Flags));

        using var csv = new MemoryStream();
        using var json = new MemoryStream();
        AnalysisOutputs.WriteFlags(csv, json, utf8.Result.Flags);
        Assert.Equal(Csv(strings.Result.Flags), csv.ToArray());
        Assert.Equal(Json(strings.Result.Flags), json.ToArray());

        // The guard and the quoting are there (not only the same on both sides).
        var text = System.Text.Encoding.UTF8.GetString(Csv(utf8.Result.Flags));
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")", text, StringComparison.Ordinal);
        Assert.Contains("\"\"\"quoted\"\" and \"\"\"\"doubled\"\"\"\"\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_of_flags_prefetched_ahead_is_written_as_the_same_flags_enumerated()
    {
        // A list takes the indexed loop that prefetches flags ahead (FlagPrefetch), any other sequence the plain
        // foreach: the same bytes, the last flags (no flag ahead of them) included, from UTF-8 and from string texts.
        foreach (var model in new[] { Sample(), AsUtf8(Sample()) })
        {
            var list = model.Result.Flags.ToList();
            Assert.True(list.Count > FlagPrefetch.Far);
            var sequence = list.Select(f => f);
            Assert.Equal(Csv(sequence), Csv(list));
            Assert.Equal(Json(sequence), Json(list));

            using var csv = new MemoryStream();
            using var json = new MemoryStream();
            AnalysisOutputs.WriteFlags(csv, json, list);
            using var csv2 = new MemoryStream();
            using var json2 = new MemoryStream();
            AnalysisOutputs.WriteFlags(csv2, json2, sequence);
            Assert.Equal(csv2.ToArray(), csv.ToArray());
            Assert.Equal(json2.ToArray(), json.ToArray());
            Assert.Equal(Csv(sequence), csv.ToArray());

            // Prefetching past either end of the list reads nothing it should not.
            FlagPrefetch.Ahead(list, list.Count - 1);
            FlagPrefetch.Ahead(list, -FlagPrefetch.Near);
            FlagPrefetch.Ahead([], 0);
        }
    }

    [Fact]
    public void The_workbook_is_the_same_from_UTF8_texts()
    {
        var strings = Workbook(Sample());
        var utf8 = Workbook(AsUtf8(Sample()));
        Assert.Equal(strings.Keys, utf8.Keys);
        foreach (var (name, bytes) in strings)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(utf8[name]), name);
        }
    }

    private static byte[] Csv(IEnumerable<Flag> flags)
    {
        using var s = new MemoryStream();
        AnalysisOutputs.WriteFlagsCsv(s, flags);
        return s.ToArray();
    }

    private static byte[] Json(IEnumerable<Flag> flags)
    {
        using var s = new MemoryStream();
        AnalysisOutputs.WriteFlagsJson(s, flags);
        return s.ToArray();
    }

    private static SortedDictionary<string, byte[]> Workbook(UploadReportModel model)
    {
        using var s = new MemoryStream();
        UploadReport.Write(s, model);
        s.Position = 0;
        using var zip = new ZipArchive(s, ZipArchiveMode.Read);
        var parts = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            using var e = entry.Open();
            using var copy = new MemoryStream();
            e.CopyTo(copy);
            parts[entry.FullName] = copy.ToArray();
        }

        return parts;
    }

    /// <summary>
    /// A text with a lone surrogate is kept as a string (FlagTexts.Encode, and the direct path falls back to it); the
    /// three writers write it as U+FFFD, the very bytes of the replaced UTF-8 text: the outputs do not depend on which
    /// form a flag keeps (short and long explanations: the workbook's shared-string and inline paths).
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(200)]
    public void A_lone_surrogate_kept_as_a_string_is_written_as_the_replaced_UTF8_text(int padding)
    {
        var model = Sample();
        var tail = new string('z', padding);
        var template = model.Result.Flags[0] with { DeclarationId = "S" };
        var asString = template with { Texts = FlagTexts.FromStrings("a \ud800 b" + tail, "e\udc00", null) };
        var w = FlagTexts.Writer.Begin();
        w.Put(FlagTexts.Expected, "e\ufffd");
        w.Put(FlagTexts.Explanation, "a \ufffd b" + tail);
        var asBytes = template with { Texts = w.End() };
        Assert.True(asBytes.Texts.IsUtf8);

        Assert.Equal(Csv([asBytes]), Csv([asString]));
        Assert.Equal(Json([asBytes]), Json([asString]));
        var bytes = Workbook(With(model, asBytes));
        var strings = Workbook(With(model, asString));
        Assert.Equal(bytes.Keys, strings.Keys);
        foreach (var (name, part) in bytes)
        {
            Assert.True(part.AsSpan().SequenceEqual(strings[name]), name);
        }

        // Not vacuous: the replacement character is in the sheet.
        Assert.Contains(bytes.Values, part => part.AsSpan().IndexOf("a � b"u8) >= 0);
    }

    private static UploadReportModel With(UploadReportModel model, Flag flag) =>
        model with { Result = new AnalysisResult { Flags = [flag], Exporters = model.Result.Exporters, RecordScores = model.Result.RecordScores, BaselinesUsed = model.Result.BaselinesUsed, TimingsMs = model.Result.TimingsMs, ValueAtRiskUsd = model.Result.ValueAtRiskUsd } };
}
