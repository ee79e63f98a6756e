using TradeAnalyzer.Handlers.Exporters;
using TradeAnalyzer.Handlers.History;

namespace TradeAnalyzer.UnitTests.Handlers;

public sealed class StoreLayoutTests
{
    [Theory]
    [InlineData("N:ACME QUIMICA", "N:ACME QUIMICA")]
    [InlineData("a/b\\c#d?e", "a%2Fb%5Cc%23d%3Fe")]
    [InlineData("100%", "100%25")]
    [InlineData("Químicos", "Qu%C3%ADmicos")]
    [InlineData("x'y", "x%27y")]
    public void Table_keys_are_encoded_without_forbidden_characters_and_decode_back(string raw, string encoded)
    {
        var key = TableKeys.Encode(raw);
        Assert.Equal(encoded, key);
        Assert.DoesNotContain(key, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
        Assert.Equal(raw, TableKeys.Decode(key));
    }

    [Fact]
    public void Control_characters_and_emoji_survive_the_round_trip()
    {
        var raw = "a\tb\u0001c😀";
        Assert.Equal(raw, TableKeys.Decode(TableKeys.Encode(raw)));
    }

    [Theory]
    [InlineData("2026-W47", 2026, 47)]
    [InlineData("2026w01", 2026, 1)]
    [InlineData("2020-W53", 2020, 53)]
    public void Iso_weeks_parse(string text, int year, int week)
    {
        Assert.True(StoreLayout.TryParseWeek(text, out var y, out var w));
        Assert.Equal((year, week), (y, w));
    }

    [Theory]
    [InlineData("2026-W54")]
    [InlineData("2025-W53")]
    [InlineData("2026-W00")]
    [InlineData("26-W10")]
    [InlineData("2026-47")]
    [InlineData("")]
    public void Invalid_weeks_are_refused(string text) => Assert.False(StoreLayout.TryParseWeek(text, out _, out _));

    [Fact]
    public void Week_key_follows_iso_8601_across_year_ends()
    {
        Assert.Equal("2026-W01", StoreLayout.WeekKey(new DateOnly(2025, 12, 29)));
        Assert.Equal("2026-W47", StoreLayout.WeekKey(new DateOnly(2026, 11, 22)));
        Assert.Equal("2020-W53", StoreLayout.WeekKey(new DateOnly(2021, 1, 3)));
    }

    [Fact]
    public void Digest_and_review_names_are_blob_names_not_paths()
    {
        Assert.Equal("digests/2026-W07.xlsx", StoreLayout.DigestName(2026, 7));
        Assert.Equal("exporters/N:A%2F..%2Fb.xlsx", StoreLayout.ExporterReviewName("N:A/../b"));
    }

    [Theory]
    [InlineData("secret", "secret", true)]
    [InlineData("secret", "Secret", false)]
    [InlineData(null, "secret", false)]
    [InlineData("", "secret", false)]
    [InlineData("anything", null, false)]
    [InlineData("anything", "", false)]
    public void Api_keys_must_match_exactly_and_an_unset_key_refuses_everything(string? presented, string? expected, bool valid) =>
        Assert.Equal(valid, ApiKeys.IsValid(presented, expected));
}
