using TradeAnalyzer.Core.Detection.Mirror;
using TradeAnalyzer.Core.Model;
using static TradeAnalyzer.UnitTests.Detection.ReconciliationFixtures;

namespace TradeAnalyzer.UnitTests.Detection;

/// <summary>The flat structures behind the mirror matching: shipment line ranges, buckets and their group layout, facts.</summary>
public class MirrorIndexTests
{
    [Fact]
    public void Lines_of_a_declaration_split_across_the_file_form_one_shipment_in_input_order()
    {
        // E1 (US export) has lines 1 and 3 far apart; E1 reported by MX as an import is another shipment.
        var index = ShipmentIndex.Build(
        [
            Export("E1", 1_000, lineNo: 1),
            Export("E2", 2_000),
            Import("E1", 500),
            Export("E1", 3_000, lineNo: 3, shipmentId: "BL-9"),
            Export("E2", 4_000, lineNo: 2),
        ]);

        Assert.Equal(3, index.All.Count);
        var e1 = index.Exports.Single(s => s.DeclarationId == "E1");
        Assert.Equal([1, 3], e1.Lines.Select(l => l.LineNo));
        Assert.Equal(4_000, e1.FobUsd);
        Assert.Equal(3_000, e1.Main.FobUsd);
        Assert.Equal("BL-9", e1.ShipmentId);
        var e2 = index.Exports.Single(s => s.DeclarationId == "E2");
        Assert.Equal([1, 2], e2.Lines.Select(l => l.LineNo));
        Assert.Equal(6_000, e2.FobUsd);
        var i1 = Assert.Single(index.Imports);
        Assert.Equal("E1", i1.DeclarationId);
        Assert.Equal(1, i1.Lines.Count);
        Assert.Equal(500, i1.ValueUsd);
    }

    [Fact]
    public void Buckets_lay_groups_out_contiguously_with_group_numbers_for_keys_and_items()
    {
        string?[] keys = ["b", "a", null, "b", "c", "a", "b"];
        var buckets = new Buckets<string>(keys.Length, i => keys[i]);

        Assert.Equal(6, buckets.Items.Length);
        Assert.Equal(-1, buckets.GroupOfItem(2));
        Assert.Equal(-1, buckets.GroupOfKey("z"));
        Assert.True(buckets.Group(-1).IsEmpty);
        foreach (var key in new[] { "a", "b", "c" })
        {
            var g = buckets.GroupOfKey(key);
            var members = buckets.Group(g).ToArray();
            Assert.Equal(Enumerable.Range(0, keys.Length).Where(i => keys[i] == key), members);
            Assert.Equal(members, buckets.Items.Slice(buckets.Start(g), members.Length).ToArray());
            Assert.Equal(members, buckets.Get(key).ToArray());
            Assert.All(members, i => Assert.Equal(g, buckets.GroupOfItem(i)));
        }
    }

    [Fact]
    public void Buckets_order_each_group_by_the_given_key_with_ties_kept_together()
    {
        long[] keys = [7, 7, 7, 7, 7, 9];
        int[] days = [30, 10, 20, 10, 5, 1];
        var buckets = new Buckets<long>(keys.Length, i => keys[i], i => days[i], MixedLongComparer.Instance);

        var group = buckets.Get(7).ToArray();
        Assert.Equal([5, 10, 10, 20, 30], group.Select(i => days[i]));
        Assert.Equal([1, 3], group[1..3].Order());
        Assert.Equal([5], buckets.Get(9).ToArray());
    }

    [Fact]
    public void Heading_codes_are_equal_for_equal_headings()
    {
        Assert.Equal(MirrorFacts.HeadingCode(HsCode.Parse("29333999")), MirrorFacts.HeadingCode(HsCode.Parse("293311")));
        Assert.NotEqual(MirrorFacts.HeadingCode(HsCode.Parse("29333999")), MirrorFacts.HeadingCode(HsCode.Parse("29343999")));
        Assert.Equal(-1, MirrorFacts.HeadingCode(default));
    }

    [Fact]
    public void Facts_give_equal_country_ids_to_equal_codes()
    {
        var index = ShipmentIndex.Build(
        [
            Export("E1", 1_000, reporter: "US", destination: "MX"),
            Export("E2", 1_000, reporter: new string(['M', 'X']), destination: "US"),
            Import("I1", 1_000, reporter: "MX", origin: "US"),
        ]);
        var facts = new MirrorFacts(index.Exports, index.Imports);

        Assert.Equal(facts.ExportReporter[0], facts.ExportDestination[1]);
        Assert.Equal(facts.ExportDestination[0], facts.ExportReporter[1]);
        Assert.Equal(facts.ImportReporter[0], facts.ExportReporter[1]);
        Assert.NotEqual(facts.ExportReporter[0], facts.ExportReporter[1]);
        Assert.Equal(facts.ImportOrigin[0], facts.ImportExporterCountry[0]);
        Assert.Equal(facts.ExportReporter[0], facts.ImportOrigin[0]);
        Assert.Equal(MirrorFacts.NoCountry, facts.Find("FR"));
        Assert.Equal(2, facts.CountryCount);
        Assert.Equal(Day0.DayNumber, facts.ExportDay[0]);
    }
}
