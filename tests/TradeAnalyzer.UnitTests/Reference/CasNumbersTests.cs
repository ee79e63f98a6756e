using FsCheck;
using FsCheck.Fluent;
using TradeAnalyzer.Core.Reference;

namespace TradeAnalyzer.UnitTests.Reference;

public class CasNumbersTests
{
    [Theory]
    [InlineData("7732-18-5")]
    [InlineData("103-79-7")]
    [InlineData("23056-29-3")]
    [InlineData("125541-22-2")]
    [InlineData(" 50-00-0 ")]
    public void IsValid_accepts_numbers_with_a_correct_check_digit(string cas) => Assert.True(CasNumbers.IsValid(cas));

    [Theory]
    [InlineData("103-79-8")]
    [InlineData("7732-18-4")]
    [InlineData("1-18-5")]
    [InlineData("12345678-18-5")]
    [InlineData("103-7-97")]
    [InlineData("103797")]
    [InlineData("")]
    [InlineData(null)]
    public void IsValid_rejects_wrong_check_digits_and_shapes(string? cas) => Assert.False(CasNumbers.IsValid(cas));

    [Fact]
    public void Every_cas_number_of_the_default_watchlist_is_valid()
    {
        var all = Watchlist.Default.Entries.SelectMany(e => e.CasNumbers).ToList();
        Assert.True(all.Count >= 20);
        Assert.All(all, c => Assert.True(CasNumbers.IsValid(c), c));
    }

    [Fact]
    public void FindIn_returns_valid_numbers_inside_free_text_once_each()
    {
        var found = CasNumbers.FindIn("4-AP (CAS 23056-29-3), lot 2024-11-3, also CAS No.23056-29-3 and 103-79-7.").ToList();
        Assert.Equal(["23056-29-3", "103-79-7"], found);
    }

    [Theory]
    [InlineData("invoice 555-103-79-7")]
    [InlineData("part 103-79-71")]
    [InlineData("code 103-79-7-2")]
    [InlineData("batch 103-79-8")]
    [InlineData("no dashes here 1037977")]
    public void FindIn_ignores_numbers_inside_longer_codes_or_with_a_bad_check_digit(string text) =>
        Assert.Empty(CasNumbers.FindIn(text));

    [Fact]
    public void Changing_the_check_digit_of_a_valid_number_makes_it_invalid() =>
        Prop.ForAll(Gen.Choose(10, 9_999_999).ToArbitrary(), Gen.Choose(0, 99).ToArbitrary(), (first, middle) =>
        {
            var body = $"{first}{middle:00}";
            var sum = 0;
            for (var i = 0; i < body.Length; i++)
            {
                sum += (body[body.Length - 1 - i] - '0') * (i + 1);
            }

            var check = sum % 10;
            var valid = $"{first}-{middle:00}-{check}";
            var wrong = $"{first}-{middle:00}-{(check + 1) % 10}";
            return CasNumbers.IsValid(valid) && !CasNumbers.IsValid(wrong) && CasNumbers.FindIn($"see {valid}.").Single() == valid;
        }).QuickCheckThrowOnFailure();
}
