using DocumentFormat.OpenXml.Spreadsheet;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Reports;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.UnitTests.Reports;

/// <summary>The workbook's shared-strings table: which texts it holds, and that cells read back through it unchanged.</summary>
public sealed class SharedStringsTests
{
    [Fact]
    public void Equal_texts_from_different_instances_share_one_index_and_spans_find_them()
    {
        var table = new SharedStrings();
        var column = default(SharedStrings.ColumnState);
        var first = table.Index(new string("Hebei Trading Ltd".AsSpan()), ref column);
        var second = table.Index(new string("Hebei Trading Ltd".AsSpan()), ref column);
        var other = table.Index("CN", ref column);
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.Equal(other, table.Index("CN".AsSpan(), ref column));
        Assert.Equal(["Hebei Trading Ltd", "CN"], table.Strings);
        Assert.Equal(4, table.References);
    }

    [Fact]
    public void Instance_cache_answers_with_each_texts_own_index_when_slots_collide_and_are_overwritten()
    {
        // 200,000 texts in 65,536 cache slots: slots are shared and overwritten, and a hit must still give the index
        // stored with that very key (the key and its index live in one slot).
        var table = new SharedStrings();
        var texts = new string[200_000];
        var indexes = new int[texts.Length];
        for (var i = 0; i < texts.Length; i++)
        {
            var column = default(SharedStrings.ColumnState);
            texts[i] = $"N{i * 7919 % 1_000_003}";
            indexes[i] = table.Index(texts[i], ref column);
            Assert.Equal(i, indexes[i]);
        }

        var hits = 0;
        for (var i = 0; i < texts.Length; i++)
        {
            var column = default(SharedStrings.ColumnState);
            if (table.TryIndexOfInstance(texts[i], ref column, out var known))
            {
                hits++;
                Assert.Equal(indexes[i], known);
            }
            else
            {
                Assert.Equal(-1, known);
            }

            var again = default(SharedStrings.ColumnState);
            Assert.Equal(indexes[i], table.Index(new string(texts[i].AsSpan()), ref again));
            Assert.True(table.TryIndexOfInstance(new string(texts[i].AsSpan()), ref again, out _) is false);
        }

        Assert.InRange(hits, 1, 65_536);
        Assert.Equal(texts.Length, table.Strings.Count);
    }

    [Fact]
    public void Long_texts_and_columns_of_mostly_new_texts_stay_inline()
    {
        var table = new SharedStrings();
        var ids = default(SharedStrings.ColumnState);
        var countries = default(SharedStrings.ColumnState);
        var inlineIds = 0;
        for (var i = 0; i < 5_000; i++)
        {
            inlineIds += table.Index($"D{i:000000}", ref ids) < 0 ? 1 : 0;
            Assert.True(table.Index(i % 3 == 0 ? "CN" : "MX", ref countries) >= 0);
        }

        Assert.True(ids.Inline);
        Assert.False(countries.Inline);
        Assert.Equal(5_000 - SharedStrings.ColumnState.Window, inlineIds);
        Assert.Equal(SharedStrings.ColumnState.Window + 2, table.Strings.Count);
        var fresh = default(SharedStrings.ColumnState);
        Assert.Equal(-1, table.Index(new string('x', SharedStrings.MaxSharedLength + 1), ref fresh));
    }

    [Fact]
    public void Table_part_reads_back_with_white_space_markup_and_hostile_text_kept()
    {
        var table = new SharedStrings();
        var column = default(SharedStrings.ColumnState);
        foreach (var text in new[] { " lead", "a & <b>", "'=HYPERLINK(\"x\")", "a & <b>" })
        {
            table.Index(text, ref column);
        }

        using var buffer = new MemoryStream();
        table.Write(buffer);
        buffer.Position = 0;
        var sst = new SharedStringTable();
        using (var reader = System.Xml.XmlReader.Create(buffer))
        {
            reader.MoveToContent();
            sst = new SharedStringTable(reader.ReadOuterXml());
        }

        Assert.Equal(4u, sst.Count!.Value);
        Assert.Equal(3u, sst.UniqueCount!.Value);
        Assert.Equal([" lead", "a & <b>", "'=HYPERLINK(\"x\")"], sst.Elements<SharedStringItem>().Select(i => i.InnerText));
    }

    [Fact]
    public void Workbook_shares_repeating_texts_keeps_ids_inline_validates_and_reads_back()
    {
        // 3,000 flags on as many declarations: ids never repeat, countries, exporters and HS codes do.
        var start = new DateOnly(2026, 11, 2);
        var declarations = new List<DeclarationLine>();
        var flags = new List<Flag>();
        for (var i = 0; i < 3_000; i++)
        {
            var exporter = i % 5 == 0 ? ReportSamples.Hostile[0] : $"Exporter {i % 40}";
            var d = ReportSamples.Declaration($"D{i:00000}", 1, exporter, i % 2 == 0 ? "2933.39.99" : "2933.39", 100, 1_000 + i, start.AddDays(i % 30));
            declarations.Add(d);
            flags.Add(ReportSamples.Flag(FlagCode.PriceAboveBaseline, 90 - (i % 50), d, i, $"Declared {i:N2} USD/kg for HS 2933.39 from CN."));
        }

        flags.Sort((a, b) => b.Score.CompareTo(a.Score));
        var sample = ReportSamples.Upload();
        var model = sample with { Declarations = declarations, Result = new AnalysisResult { Flags = flags, Exporters = sample.Result.Exporters, BaselinesUsed = sample.Result.BaselinesUsed } };
        using var book = WorkbookReader.Write(s => UploadReport.Write(s, model));
        Assert.Empty(book.ValidationErrors());

        var part = book.Book.SharedStringTablePart;
        Assert.NotNull(part);
        var cells = book.Cells("Flags");
        var shared = book.SheetNames.SelectMany(book.Cells).Count(c => c.DataType?.Value == CellValues.SharedString);
        Assert.Equal((uint)shared, part.SharedStringTable.Count!.Value);
        Assert.Equal((uint)book.SharedStrings.Count, part.SharedStringTable.UniqueCount!.Value);

        string Column(Cell c) => c.CellReference!.Value!.TrimEnd("0123456789".ToCharArray());
        var ids = cells.Where(c => Column(c) == "F" && c.CellReference!.Value != "F1").ToList();
        Assert.Equal(3_000, ids.Select(book.Text).Distinct().Count());
        Assert.True(ids.Count(c => c.DataType!.Value == CellValues.InlineString) >= 3_000 - SharedStrings.ColumnState.Window);
        var shipmentIds = book.Cells("Shipments").Where(c => Column(c) == "A" && c.CellReference!.Value != "A1").ToList();
        Assert.Equal(3_000, shipmentIds.Select(book.Text).Distinct().Count());
        var exporters = cells.Where(c => Column(c) == "J" && c.CellReference!.Value != "J1").ToList();
        Assert.All(exporters, c => Assert.Equal(CellValues.SharedString, c.DataType!.Value));
        Assert.Contains(exporters, c => book.Text(c) == "'" + ReportSamples.Hostile[0]);
        Assert.Contains(exporters, c => book.Text(c) == "Exporter 7");
        Assert.Contains("2933.39.99", book.Texts("Shipments"));
        Assert.DoesNotContain(book.SheetNames.SelectMany(book.Texts), t => t.StartsWith('=') || t.StartsWith('+') || t.StartsWith('@'));
    }
}
