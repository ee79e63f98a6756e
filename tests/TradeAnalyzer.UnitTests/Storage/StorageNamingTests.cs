using FsCheck;
using FsCheck.Fluent;
using TradeAnalyzer.Storage;
using TradeAnalyzer.Storage.Local;

namespace TradeAnalyzer.UnitTests.Storage;

/// <summary>Blob-name rules and the local store's name-to-path encoding.</summary>
public sealed class StorageNamingTests
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "ta-root");

    [Theory]
    [InlineData("declarations/2026/11/file.csv", true)]
    [InlineData("reports/uploads/0f3a/report.xlsx", true)]
    [InlineData("a..b/c", true)]
    [InlineData("..", false)]
    [InlineData("a/..", false)]
    [InlineData("/abs", false)]
    [InlineData("c:/x", false)]
    [InlineData("a\\b", false)]
    [InlineData("a//b", false)]
    [InlineData("a/", false)]
    [InlineData("a./b", false)]
    [InlineData("tab\there", false)]
    public void Blob_names_follow_the_rules(string name, bool valid)
    {
        Assert.Equal(valid, BlobNames.IsValid(name));
        if (!valid)
        {
            Assert.Throws<ArgumentException>(() => BlobNames.Validate(name));
        }
    }

    [Fact]
    public void Unpaired_surrogates_are_rejected_but_pairs_are_fine()
    {
        Assert.False(BlobNames.IsValid("\ud800x"));
        Assert.False(BlobNames.IsValid("x\udc00"));
        Assert.True(BlobNames.IsValid("emoji-\ud83d\ude00.csv"));
    }

    [Fact]
    public void Names_longer_than_1024_characters_are_rejected()
    {
        Assert.True(BlobNames.IsValid(new string('a', 1024)));
        Assert.False(BlobNames.IsValid(new string('a', 1025)));
    }

    [Fact]
    public void Every_valid_name_maps_inside_the_root_and_segments_decode_back()
    {
        var chars = Gen.Elements('a', 'Z', '0', '.', '/', ' ', '%', '~', ':', '*', '?', '<', '|', '"', '#', 'é', '\\', '\u0001');
        var names = Gen.ArrayOf(chars).Select(a => new string(a));
        Prop.ForAll(names.ToArbitrary(), name =>
        {
            if (!BlobNames.IsValid(name))
            {
                return true;
            }

            var path = Path.Combine(Root, LocalPaths.EncodeBlobName(name));
            LocalPaths.EnsureInside(Root, path);
            foreach (var segment in name.Split('/'))
            {
                var encoded = LocalPaths.EncodeSegment(segment);
                if (encoded is "." or ".." || encoded.Contains('/', StringComparison.Ordinal) || encoded.Contains('\\', StringComparison.Ordinal))
                {
                    return false;
                }

                if (LocalPaths.DecodeSegment(encoded) != segment)
                {
                    return false;
                }
            }

            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("")]
    [InlineData("~")]
    [InlineData("a%2Eb")]
    [InlineData("trailing.")]
    public void Table_keys_never_encode_to_special_paths(string key)
    {
        var encoded = LocalPaths.EncodeSegment(key);
        Assert.NotEqual(".", encoded);
        Assert.NotEqual("..", encoded);
        Assert.NotEqual(string.Empty, encoded);
        Assert.Equal(key, LocalPaths.DecodeSegment(encoded));
    }

    [Fact]
    public void Very_long_segments_are_hashed_and_stay_short()
    {
        var encoded = LocalPaths.EncodeSegment(new string('é', 300));
        Assert.StartsWith("~", encoded, StringComparison.Ordinal);
        Assert.True(encoded.Length < 64);
        Assert.Null(LocalPaths.DecodeSegment(encoded));
        Assert.NotEqual(encoded, LocalPaths.EncodeSegment(new string('é', 301)));
    }

    [Fact]
    public void Filter_values_cannot_break_out_of_their_literal()
    {
        var hostile = "x' or PartitionKey ne 'y";
        var text = new TableFilter().And("PartitionKey", "eq", hostile).ToString();
        Assert.Equal("PartitionKey eq 'x'' or PartitionKey ne ''y'", text);
        // Outside the literal only the property, operator and one quoted value remain.
        var unquoted = text.Replace("''", string.Empty, StringComparison.Ordinal);
        Assert.Equal(2, unquoted.Count(c => c == '\''));
    }
}
