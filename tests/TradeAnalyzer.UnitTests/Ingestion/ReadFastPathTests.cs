using System.Globalization;
using TradeAnalyzer.Ingestion;

namespace TradeAnalyzer.UnitTests.Ingestion;

/// <summary>The read stage's shortcuts give exactly what the general code gives.</summary>
public sealed class ReadFastPathTests
{
    [Fact]
    public void Short_decimals_parse_to_the_same_double_as_double_Parse()
    {
        var rng = new Random(6);
        for (var i = 0; i < 200_000; i++)
        {
            var intDigits = rng.Next(0, 10);
            var fracDigits = rng.Next(0, 8);
            var text = (rng.Next(4) == 0 ? "-" : string.Empty) +
                (intDigits == 0 ? "0" : rng.NextInt64(1, (long)Math.Pow(10, intDigits)).ToString(CultureInfo.InvariantCulture)) +
                (fracDigits == 0 ? string.Empty : "." + rng.NextInt64(0, (long)Math.Pow(10, fracDigits)).ToString(CultureInfo.InvariantCulture).PadLeft(fracDigits, '0'));
            Assert.True(FieldParsers.TryParseNumber(text, DecimalStyle.Point, out var fast), text);
            var expected = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(fast));
            Assert.True(FieldParsers.TryParseNumber(text, DecimalStyle.Auto, out var auto), text);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(auto));
        }
    }

    [Theory]
    [InlineData("0.1")]
    [InlineData("-0")]
    [InlineData("5.")]
    [InlineData(".5")]
    [InlineData("-.5")]
    [InlineData("123456789012345")]
    [InlineData("1234567890123456789")]
    [InlineData("0.30000000000000004")]
    [InlineData("9007199254740993")]
    [InlineData("1e3")]
    [InlineData("+7.25")]
    [InlineData("1234567890.12345")]
    [InlineData("1234567890.123456")]
    [InlineData("0000000000000000000001.5")]
    [InlineData("12345678901234567890123.5")]
    [InlineData("-12.")]
    public void Edge_numbers_match_double_Parse(string text)
    {
        Assert.True(FieldParsers.TryParseNumber(text, DecimalStyle.Point, out var v));
        var expected = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(v));
    }

    [Theory]
    [InlineData("1.234", DecimalStyle.Comma, 1234)]
    [InlineData("1.234", DecimalStyle.Auto, 1.234)]
    [InlineData("1.234", DecimalStyle.Point, 1.234)]
    [InlineData("12.5", DecimalStyle.Comma, 12.5)]
    [InlineData("-7", DecimalStyle.Comma, -7)]
    [InlineData(" 42.25 ", DecimalStyle.Auto, 42.25)]
    public void A_point_is_a_decimal_point_unless_the_file_writes_decimal_commas(string text, DecimalStyle style, double expected)
    {
        Assert.True(FieldParsers.TryParseNumber(text, style, out var v));
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(v));
    }

    [Theory]
    [InlineData(".")]
    [InlineData("-")]
    [InlineData("1-2")]
    [InlineData("--1")]
    [InlineData("-.")]
    [InlineData("12a")]
    [InlineData("1.2x")]
    public void Non_numbers_still_fail(string text) => Assert.False(FieldParsers.TryParseNumber(text, DecimalStyle.Point, out _));

    [Fact]
    public void Line_set_finds_duplicates_of_consecutive_and_scattered_ids()
    {
        var set = new LineSet();
        var a = "A-1";
        Assert.True(set.Add(a, 1));
        Assert.True(set.Add(a, 2));
        Assert.False(set.Add(a, 1));
        Assert.True(set.Add("B-2", 1));
        Assert.False(set.Add(new string("A-1".AsSpan()), 2)); // equal text, another instance, after another id
        Assert.True(set.Add(new string("A-1".AsSpan()), 3));
        Assert.True(set.Add(a, 64));
        Assert.True(set.Add(a, 65));
        Assert.True(set.Add(a, 1_000_000));
        Assert.False(set.Add(a, 65));
        Assert.False(set.Add("A-1", 1_000_000));
        Assert.True(set.Add("B-2", 65));
        Assert.False(set.Add("B-2", 64 + 1));
    }

    [Fact]
    public void A_released_line_set_keeps_no_id_strings_alive()
    {
        // After the read the set is garbage, but its id array is a large object that young collections scan through the
        // card table as if alive: released, it must hold no reference to the ids (which the records keep, if accepted).
        var set = new LineSet(100_000);
        var weak = new List<WeakReference>();
        for (var i = 0; i < 50_000; i++)
        {
            var id = "D" + i.ToString(CultureInfo.InvariantCulture);
            Assert.True(set.Add(id, 1));
            if (i % 5_000 == 0)
            {
                weak.Add(new WeakReference(id));
            }
        }

        var ids = (string?[])typeof(LineSet).GetField("_ids", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(set)!;
        Assert.Equal(50_000, ids.Count(x => x is not null));
        set.Release();
        Assert.All(ids, x => Assert.Null(x));
        GC.Collect();
        Assert.All(weak, w => Assert.False(w.IsAlive));
        GC.KeepAlive(set);
    }

    [Fact]
    public void A_part_interner_clears_the_tables_it_outgrows_and_keeps_no_part_alive_once_released()
    {
        // Its tables become large objects: an outgrown one is garbage that young collections still scan, so it is
        // cleared when the interner grows; released after the read, the interner holds no part (the records keep theirs).
        var interner = new PartInterner<TradeAnalyzer.Core.Model.GoodsPart, GoodsPartShape>();
        var field = typeof(PartInterner<TradeAnalyzer.Core.Model.GoodsPart, GoodsPartShape>).GetField("_parts", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        var kept = new List<TradeAnalyzer.Core.Model.GoodsPart>();
        var weak = new List<WeakReference>();
        var outgrown = new List<TradeAnalyzer.Core.Model.GoodsPart?[]>();
        for (var i = 0; i < 40_000; i++)
        {
            var table = (TradeAnalyzer.Core.Model.GoodsPart?[])field.GetValue(interner)!;
            var scratch = interner.Scratch;
            scratch.Description = "goods " + i.ToString(CultureInfo.InvariantCulture);
            scratch.QuantityUnit = "kg";
            var part = interner.Intern();
            Assert.Same(scratch, part);
            if (!ReferenceEquals(table, field.GetValue(interner)))
            {
                outgrown.Add(table);
            }

            if (i % 1_000 == 0)
            {
                weak.Add(new WeakReference(part));
            }
            else
            {
                kept.Add(part);
            }
        }

        Assert.NotEmpty(outgrown);
        Assert.All(outgrown, t => Assert.All(t, p => Assert.Null(p)));

        // Still a working interner before the release: an equal part is found.
        var again = interner.Scratch;
        again.Description = kept[^1].Description;
        again.QuantityUnit = "kg";
        Assert.Same(kept[^1], interner.Intern());

        interner.Release();
        Assert.All((TradeAnalyzer.Core.Model.GoodsPart?[])field.GetValue(interner)!, p => Assert.Null(p));
        GC.Collect();
        Assert.All(weak, w => Assert.False(w.IsAlive));
        GC.KeepAlive(interner);
        GC.KeepAlive(kept);
    }

    [Fact]
    public void Each_part_shape_compares_and_hashes_every_field_of_its_part()
    {
        // The shapes spell each part's fields out (so that they compile into the interner): a field left out of Same
        // would merge two different parts, one left out of Hash would put equal parts in different slots. Every
        // instance field but the detectors' marks is set, copied and then changed alone (a string to an equal text in
        // another instance: parts compare the pooled instances), for all five part types.
        ShapeSeesEveryField<TradeAnalyzer.Core.Model.DeclarationParties, DeclarationPartiesShape>();
        ShapeSeesEveryField<TradeAnalyzer.Core.Model.DeclarationRoute, DeclarationRouteShape>();
        ShapeSeesEveryField<TradeAnalyzer.Core.Model.GoodsPart, GoodsPartShape>();
        ShapeSeesEveryField<TradeAnalyzer.Core.Model.InvoiceParties, InvoicePartiesShape>();
        ShapeSeesEveryField<TradeAnalyzer.Core.Model.InvoiceTerms, InvoiceTermsShape>();
    }

    private static void ShapeSeesEveryField<T, TShape>()
        where T : TradeAnalyzer.Core.Model.RecordPart, new()
        where TShape : struct, IPartShape
    {
        var fields = typeof(T).GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.DeclaredOnly)
            .Where(f => !f.Name.EndsWith("Mark", StringComparison.Ordinal))
            .ToList();
        Assert.True(fields.Count >= 4, typeof(T).Name);
        Assert.IsType<T>(TShape.New());
        Assert.True(TShape.New().Shared);
        var x = new T();
        var n = 0;
        foreach (var f in fields)
        {
            f.SetValue(x, Value(f.FieldType, n++));
        }

        foreach (var changed in fields)
        {
            var y = new T();
            foreach (var f in fields)
            {
                f.SetValue(y, f.GetValue(x));
            }

            Assert.True(TShape.Same(x, y), typeof(T).Name);
            Assert.Equal(TShape.Hash(x), TShape.Hash(y));
            changed.SetValue(y, Other(changed.FieldType, changed.GetValue(x)));
            Assert.False(TShape.Same(x, y), typeof(T).Name + "." + changed.Name);
            Assert.False(TShape.Same(y, x), typeof(T).Name + "." + changed.Name);
            Assert.NotEqual(TShape.Hash(x), TShape.Hash(y)); // holds for these values: each field's change moves the hash
        }

        static object? Value(Type type, int n) =>
            type == typeof(string) ? "field " + n.ToString(CultureInfo.InvariantCulture)
            : type == typeof(IReadOnlyList<string>) ? new List<string> { "XX" }
            : type == typeof(TradeAnalyzer.Core.Model.HsCode?) ? Hs("29333999")
            : type.IsEnum ? Enum.ToObject(type, 1)
            : throw new InvalidOperationException(type.Name);

        static object? Other(Type type, object? value) =>
            type == typeof(string) ? new string(((string)value!).AsSpan())
            : type == typeof(IReadOnlyList<string>) ? new List<string> { "XX" }
            : type == typeof(TradeAnalyzer.Core.Model.HsCode?) ? null
            : type.IsEnum ? Enum.ToObject(type, 2)
            : throw new InvalidOperationException(type.Name);

        static TradeAnalyzer.Core.Model.HsCode? Hs(string digits) =>
            TradeAnalyzer.Core.Model.HsCode.TryParse(digits, out var code) ? code : throw new InvalidOperationException(digits);
    }

    [Fact]
    public void A_presized_part_interner_grows_past_its_first_table_and_finds_every_part_again()
    {
        // The parser presizes the parties tables from the file's size: a file with more distinct parties than that
        // estimate must still grow the table and find every part; a presize never goes past what the capacity needs.
        var interner = new PartInterner<TradeAnalyzer.Core.Model.GoodsPart, GoodsPartShape>(initialSlots: 1_000);
        Assert.Equal(1_024, interner.SlotCount);
        var parts = new List<TradeAnalyzer.Core.Model.GoodsPart>();
        for (var i = 0; i < 5_000; i++)
        {
            var scratch = interner.Scratch;
            scratch.Description = "goods " + i.ToString(CultureInfo.InvariantCulture);
            scratch.QuantityUnit = "kg";
            parts.Add(interner.Intern());
        }

        Assert.Equal(5_000, interner.Count);
        Assert.True(interner.SlotCount >= 10_000);
        for (var i = 4_999; i >= 0; i--)
        {
            var again = interner.Scratch;
            again.Description = parts[i].Description; // fields are pooled: parts compare their instances
            again.QuantityUnit = "kg";
            Assert.Same(parts[i], interner.Intern());
        }

        Assert.Equal(256, new PartInterner<TradeAnalyzer.Core.Model.GoodsPart, GoodsPartShape>(initialSlots: 0).SlotCount);
        Assert.Equal(2_048, new PartInterner<TradeAnalyzer.Core.Model.GoodsPart, GoodsPartShape>(capacity: 1_000, initialSlots: 1 << 20).SlotCount);
        Assert.Equal(524_288, new PartInterner<TradeAnalyzer.Core.Model.GoodsPart, GoodsPartShape>(initialSlots: int.MaxValue).SlotCount);
        Assert.Equal(1_024, TableSizes.Start(0, 1_024, 262_144));
        Assert.Equal(262_144, TableSizes.Start(238_000, 1_024, 262_144));
        Assert.Equal(524_288, TableSizes.Start(int.MaxValue, 1_024, 262_144));
    }

    [Theory]
    [InlineData(0)] // the smallest filter (eight words): nearly every id after the first hundreds is looked up
    [InlineData(1_000_000)] // the largest: nearly every new id is cleared by the filter and its slot held back
    public void Line_set_with_held_back_slots_agrees_with_a_hash_set(int expected)
    {
        var rng = new Random(23);
        var set = new LineSet(expected);
        var reference = new HashSet<(string, int)>();
        var sawPending = false;
        var sawFull = false;
        for (var i = 0; i < 200_000; i++)
        {
            // new ids only at first (the held-back slots fill up), then some revisited, so look-ups must see held-back slots
            var id = i >= 50_000 && rng.Next(8) == 0
                ? "D" + rng.Next(Math.Max(1, i)).ToString(CultureInfo.InvariantCulture)
                : "D" + i.ToString(CultureInfo.InvariantCulture);
            var line = rng.Next(1, 4);
            Assert.Equal(reference.Add((id, line)), set.Add(new string(id.AsSpan()), line));
            sawPending |= set.PendingCount > 0;
            sawFull |= set.PendingCount == LineSet.MaxPending - 1;
        }

        Assert.True(sawPending);
        Assert.Equal(expected > 0, sawFull);
        set.Flush();
        Assert.Equal(0, set.PendingCount);
        for (var i = 0; i < 200_000; i += 997)
        {
            var id = "D" + i.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(reference.Add((id, 1)), set.Add(id, 1));
        }
    }

    [Fact]
    public void Line_set_agrees_with_a_hash_set_through_growth()
    {
        var rng = new Random(17);
        var set = new LineSet();
        var reference = new HashSet<(string, int)>();
        string? last = null;
        for (var i = 0; i < 300_000; i++)
        {
            // runs of lines of one id, ids revisited at random, now and then a high line number
            var id = last is not null && rng.Next(3) > 0 ? last : "D" + rng.Next(120_000).ToString(CultureInfo.InvariantCulture);
            var line = rng.Next(50) == 0 ? rng.Next(65, 200) : rng.Next(1, 65);
            Assert.Equal(reference.Add((id, line)), set.Add(id, line));
            last = id;
        }
    }
}
