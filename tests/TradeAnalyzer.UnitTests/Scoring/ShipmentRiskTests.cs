using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Scoring;

namespace TradeAnalyzer.UnitTests.Scoring;

/// <summary>
/// The value at risk's grouping by hashes (<see cref="ShipmentRisk.GroupOrder(ReadOnlySpan{ValueTuple{ShipmentRef, ShipmentRef, double}})"/>)
/// against the sort by texts it replaces, with the real hash and with poor hashes that make distinct shipments and views
/// collide.
/// </summary>
public class ShipmentRiskTests
{
    public static TheoryData<int, int> Cases() => new() { { 1, 0 }, { 2, 1 }, { 3, 2 }, { 4, 3 }, { 5, 0 }, { 6, 2 } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Grouping_by_hashes_gives_the_total_of_the_sort_by_texts(int seed, int poorHash)
    {
        var rng = new Random(seed);
        var records = new (ShipmentRef Shipment, ShipmentRef View, double Largest)[2_000];
        for (var i = 0; i < records.Length; i++)
        {
            var kind = rng.Next(3) == 0 ? RecordType.Declaration : RecordType.Shipment;
            var shipment = new ShipmentRef(kind, $"S{rng.Next(60)}");
            var view = rng.Next(3) switch
            {
                0 => new ShipmentRef(RecordType.Declaration, $"D{rng.Next(40)}"),
                1 => new ShipmentRef(RecordType.Invoice, $"I{rng.Next(40)}"),
                _ => shipment with { Kind = RecordType.Shipment },
            };
            var largest = rng.Next(10) == 0 ? 0 : Math.Round((rng.NextDouble() * 1e6) - 1e5, 2);
            records[i] = (shipment, view, largest);
        }

        Func<ShipmentRef, int> hash = poorHash switch
        {
            0 => static r => r.GetHashCode(),
            1 => static _ => 7, // every shipment and view collides
            2 => static r => r.Text.Length, // many collide
            _ => static r => r.Text[^1], // texts ending alike collide
        };
        var order = ShipmentRisk.GroupOrder(records, hash);
        Assert.Equal(Enumerable.Range(0, records.Length), order.Order()); // a permutation

        // Groups are contiguous: a shipment's records and a view's records (within the shipment) never reappear later.
        var seen = new HashSet<ShipmentRef>();
        var seenViews = new HashSet<(ShipmentRef, ShipmentRef)>();
        for (var i = 0; i < order.Length; i++)
        {
            var r = records[order[i]];
            if (i == 0 || records[order[i - 1]].Shipment != r.Shipment)
            {
                Assert.True(seen.Add(r.Shipment));
            }

            if (i == 0 || (records[order[i - 1]].Shipment, records[order[i - 1]].View) != (r.Shipment, r.View))
            {
                Assert.True(seenViews.Add((r.Shipment, r.View)));
            }
            else
            {
                Assert.True(records[order[i - 1]].Largest <= r.Largest); // ascending within a view
            }
        }

        Assert.Equal(BySortedTexts(records), ShipmentRisk.Total(records, order)); // exactly
        Assert.Equal(BySortedTexts(records), ShipmentRisk.Total([.. records]));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Total_of_items_naming_shared_pairs_is_the_total_of_the_records(int seed, int poorHash)
    {
        // Records given as (pair hash, figure, position of a (shipment, view) pair), several records naming one pair
        // and pairs named by none, as the score stage gives them: exactly the total of the same records as tuples.
        var rng = new Random(seed);
        var pairs = new (ShipmentRef Shipment, ShipmentRef View)[300];
        for (var i = 0; i < pairs.Length; i++)
        {
            var shipment = new ShipmentRef(rng.Next(3) == 0 ? RecordType.Declaration : RecordType.Shipment, $"S{rng.Next(60)}");
            var view = rng.Next(3) switch
            {
                0 => new ShipmentRef(RecordType.Declaration, $"D{rng.Next(40)}"),
                1 => new ShipmentRef(RecordType.Invoice, $"I{rng.Next(40)}"),
                _ => shipment with { Kind = RecordType.Shipment },
            };
            pairs[i] = (shipment, view);
        }

        Func<ShipmentRef, int> hash = poorHash switch
        {
            0 => static r => r.GetHashCode(),
            1 => static _ => 7,
            2 => static r => r.Text.Length,
            _ => static r => r.Text[^1],
        };
        var scratch = new List<double> { 42 }; // cleared by Total
        foreach (var count in (int[])[0, 1, 2, 50, 2_000])
        {
            var items = new ShipmentRisk.Item[count];
            var records = new (ShipmentRef Shipment, ShipmentRef View, double Largest)[count];
            for (var i = 0; i < count; i++)
            {
                var p = rng.Next(pairs.Length);
                var largest = rng.Next(10) == 0 ? 0 : Math.Round((rng.NextDouble() * 1e6) - 1e5, 2);
                var (shipment, view) = pairs[p];
                items[i] = new ShipmentRisk.Item(((ulong)(uint)hash(shipment) << 32) | (uint)hash(view), largest, p);
                records[i] = (shipment, view, largest);
            }

            Assert.Equal(BySortedTexts(records), ShipmentRisk.Total(pairs, items, scratch)); // exactly
        }
    }

    /// <summary>The total as computed before: sorted by (shipment, view, figure) texts, swept, summed smallest first.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Items_sort_by_hash_then_figure_then_position(int seed)
    {
        // Item's own order (what Group sorts by): hash, then figure as double.CompareTo (NaN first, -0 equal to 0),
        // then position; few hashes and figures, so that every tie-break is reached.
        var rng = new Random(seed);
        double[] figures = [double.NaN, -1, -0.0, 0, 1.5, 1.5, 7, double.PositiveInfinity];
        var items = new ShipmentRisk.Item[5_000];
        for (var i = 0; i < items.Length; i++)
        {
            var hash = ((ulong)(uint)rng.Next(3) << 32) | (uint)rng.Next(2) | (rng.Next(2) == 0 ? 0 : 1UL << 63);
            items[rng.Next(i + 1)] = items[i];
            items[i] = new ShipmentRisk.Item(hash, figures[rng.Next(figures.Length)], 0);
        }

        for (var i = 0; i < items.Length; i++)
        {
            items[i] = items[i] with { Index = (i * 7919) % items.Length };
        }

        var expected = items.ToArray();
        Array.Sort(expected, static (x, y) =>
        {
            var c = x.Hash.CompareTo(y.Hash);
            if (c == 0)
            {
                c = x.Largest.CompareTo(y.Largest);
            }

            return c != 0 ? c : x.Index.CompareTo(y.Index);
        });
        var sorted = items.ToArray();
        sorted.AsSpan().Sort();
        Assert.Equal(expected, sorted);
        Assert.True(double.IsNaN(sorted[0].Largest) || sorted[0].Hash < sorted.Where(x => double.IsNaN(x.Largest)).Min(x => x.Hash));
        Assert.True(expected.Zip(expected.Skip(1)).All(p => p.First.CompareTo(p.Second) < 0));
    }

    private static double BySortedTexts((ShipmentRef Shipment, ShipmentRef View, double Largest)[] records)
    {
        var sorted = records.ToArray();
        Array.Sort(sorted, static (a, b) =>
        {
            var c = a.Shipment.CompareTo(b.Shipment);
            if (c == 0)
            {
                c = a.View.CompareTo(b.View);
            }

            return c != 0 ? c : a.Largest.CompareTo(b.Largest);
        });
        var perShipment = new List<double>();
        for (var i = 0; i < sorted.Length;)
        {
            var shipment = sorted[i].Shipment;
            var most = 0.0;
            while (i < sorted.Length && sorted[i].Shipment == shipment)
            {
                var view = sorted[i].View;
                var sum = 0.0;
                for (; i < sorted.Length && sorted[i].Shipment == shipment && sorted[i].View == view; i++)
                {
                    sum += Math.Max(0, sorted[i].Largest);
                }

                most = Math.Max(most, sum);
            }

            if (most > 0)
            {
                perShipment.Add(most);
            }
        }

        perShipment.Sort();
        return perShipment.Aggregate(0.0, (s, v) => s + v);
    }
}
