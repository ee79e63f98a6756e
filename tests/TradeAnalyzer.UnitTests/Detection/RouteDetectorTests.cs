using TradeAnalyzer.Core.Detection;
using TradeAnalyzer.Core.Model;
using static TradeAnalyzer.UnitTests.Detection.RiskRecords;

namespace TradeAnalyzer.UnitTests.Detection;

public class RouteDetectorTests
{
    private static List<Flag> Flags(params DeclarationLine[] lines) => Run(new RouteDetector(), Context(lines));

    [Theory]
    [InlineData("IR", "MX", new string[0], "starts in IR")]
    [InlineData("CN", "KP", new string[0], "ends in KP")]
    [InlineData("CN", "MX", new[] { "MM" }, "transits MM")]
    public void High_risk_country_anywhere_on_the_route_is_flagged(string origin, string destination, string[] transit, string phrase)
    {
        var f = Assert.Single(Flags(Line(origin: origin, destination: destination, transit: transit)));
        Assert.Equal(FlagCode.HighRiskRoute, f.Code);
        Assert.Contains(phrase, f.Explanation, StringComparison.Ordinal);
        Assert.Contains("2025-06-13", f.Explanation, StringComparison.Ordinal);
        Assert.InRange(f.Score, 70, 95);
    }

    [Fact]
    public void Layered_routing_through_two_hubs_is_flagged()
    {
        var f = Assert.Single(Flags(Line(origin: "CN", destination: "MX", transit: ["HK", "PA"])));
        Assert.Equal(RouteDetector.LayeredScore, f.Score);
        Assert.Equal("CN > HK > PA > MX", f.Observed);
    }

    [Fact]
    public void Round_trip_through_a_third_country_is_flagged() =>
        Assert.Equal(RouteDetector.RoundTripScore, Assert.Single(Flags(Line(origin: "MX", destination: "MX", transit: ["US"]))).Score);

    [Fact]
    public void Monitored_country_only_raises_a_flag_that_exists_anyway()
    {
        var combined = Assert.Single(Flags(Line(origin: "VE", destination: "MX", transit: ["PA", "AE"])));
        Assert.Equal(RouteDetector.LayeredScore + 5, combined.Score);
        Assert.Contains("increased-monitoring", combined.Explanation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CN", "MX", new string[0])]
    [InlineData("CN", "MX", new[] { "HK" })]
    [InlineData("VE", "MX", new string[0])]
    [InlineData("CN", "MX", new[] { "CN", "MX" })]
    [InlineData("CN", "MX", new[] { "HK", "HK" })]
    [InlineData("CN", "MX", new[] { "US", "HK" })]
    public void Ordinary_routes_are_not_flagged(string origin, string destination, string[] transit) =>
        Assert.Empty(Flags(Line(origin: origin, destination: destination, transit: transit)));

    [Fact]
    public void Three_distinct_transit_countries_are_layering() =>
        Assert.Single(Flags(Line(origin: "IN", destination: "MX", transit: ["DE", "US", "GT"])));

    [Fact]
    public void Lines_from_a_list_an_array_and_another_collection_give_the_same_flags()
    {
        // A list or an array is read as a span with the records and route parts prefetched ahead within each range
        // (more than two ranges of lines here, flagged lines at both ends); any other collection one line at a time.
        (string Origin, string[] Transit)[] routes = [("CN", []), ("IR", []), ("CN", ["HK", "PA"]), ("CN", ["HK"]), ("MX", ["US"])];
        var lines = new List<DeclarationLine>();
        for (var i = 0; i < 40_000; i++)
        {
            var (origin, transit) = routes[(i / (1 + (i % 7))) % routes.Length];
            lines.Add(Line(origin: origin, transit: transit, id: $"D{i}", lineNo: 1 + (i % 3)));
        }

        lines[0] = Line(origin: "IR", id: "D-first");
        lines[^1] = Line(origin: "IR", id: "D-last");

        static List<(string?, int?, double, string, string?)> Sorted(List<Flag> flags) =>
            [.. flags.Select(f => (f.DeclarationId, f.LineNo, f.Score, f.Explanation, f.Observed)).Order()];

        var fromList = Sorted(Run(new RouteDetector(), Context(lines)));
        var fromArray = Sorted(Run(new RouteDetector(), Context(lines.ToArray())));
        var fromOther = Sorted(Run(new RouteDetector(), Context(lines.AsReadOnly())));
        Assert.Equal(fromOther, fromList);
        Assert.Equal(fromOther, fromArray);
        Assert.Contains(fromList, f => f.Item1 == "D-first");
        Assert.Contains(fromList, f => f.Item1 == "D-last");
        var expected = lines.Count(d => d.OriginCountry == "IR" || d.TransitCountries.Count > 1 || (d.OriginCountry == "MX" && d.TransitCountries.Count == 1));
        Assert.Equal(expected, fromList.Count);
    }
}
