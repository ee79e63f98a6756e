using TradeAnalyzer.Core.Detection;

namespace TradeAnalyzer.UnitTests.Detection;

public sealed class ReferenceIdsTests
{
    [Fact]
    public void Objects_get_dense_ids_in_order_of_first_appearance_by_reference_through_growth()
    {
        // Starts small so that the table grows several times; equal strings in different instances are different keys.
        var ids = new ReferenceIds<string>(expected: 2);
        var items = Enumerable.Range(0, 5000).Select(i => new string('x', 1 + (i % 3)) + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var twins = items.Select(s => new string(s.AsSpan())).ToArray();
        for (var i = 0; i < items.Length; i++)
        {
            Assert.False(ids.TryGetId(items[i], out _));
            Assert.Equal(i, ids.IdOf(items[i], out var added));
            Assert.True(added);
        }

        for (var i = 0; i < items.Length; i++)
        {
            Assert.Equal(i, ids.IdOf(items[i], out var added));
            Assert.False(added);
            Assert.True(ids.TryGetId(items[i], out var found));
            Assert.Equal(i, found);
            Assert.False(ids.TryGetId(twins[i], out _));
        }

        Assert.Equal(items.Length, ids.Count);
        Assert.Equal(items.Length, ids.IdOf(twins[0], out var twinAdded));
        Assert.True(twinAdded);
    }
}
