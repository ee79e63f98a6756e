using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection;

namespace TradeAnalyzer.UnitTests.Core;

/// <summary>The prefetch hint shared by the sanctions scan and the flag writers: a hint never throws and changes nothing.</summary>
public sealed class CacheHintTests
{
    [Fact]
    public void Object_hint_accepts_null_and_any_object_and_leaves_it_unchanged()
    {
        var text = "exporter";
        var numbers = new[] { 1, 2, 3 };

        CacheHint.Object(null);
        CacheHint.Object(text, lines: 4);
        CacheHint.Object(numbers, lines: 0);

        Assert.Equal("exporter", text);
        Assert.Equal([1, 2, 3], numbers);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(10, -1)]
    [InlineData(10, 10)]
    [InlineData(10, int.MinValue)]
    [InlineData(300, 299)]
    public void Bytes_hint_ignores_a_start_outside_the_array_and_never_reads_past_it(int length, int start)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, (byte)7);

        CacheHint.Bytes(bytes, start, lines: 5);

        Assert.All(bytes, b => Assert.Equal(7, b));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(10, -1)]
    [InlineData(10, 10)]
    [InlineData(10, int.MinValue)]
    [InlineData(300, 299)]
    [InlineData(300, 0)]
    public void Element_hint_ignores_an_index_outside_the_array_and_leaves_it_unchanged(int length, int index)
    {
        var slots = Enumerable.Range(0, length).Select(i => (Id: $"k{i}", Row: i)).ToArray();

        CacheHint.Element(slots, index);

        Assert.Equal(Enumerable.Range(0, length).Select(i => (Id: $"k{i}", Row: i)), slots);
    }

    [Fact]
    public void Record_span_ahead_gives_the_record_part_ahead_and_null_past_the_end()
    {
        var records = Enumerable.Range(0, 20).Select(i => $"r{i}").ToArray();
        ReadOnlySpan<string> span = records;

        Assert.Equal("r8", RecordSpan.Ahead(span, 0));
        Assert.Equal("r19", RecordSpan.Ahead(span, 19 - RecordSpan.PartAhead));
        Assert.Null(RecordSpan.Ahead(span, 20 - RecordSpan.PartAhead));
        Assert.Null(RecordSpan.Ahead(span[..5], 0));
        Assert.Null(RecordSpan.Ahead(ReadOnlySpan<string>.Empty, 0));
    }
}
