using FsCheck.Xunit;
using TradeAnalyzer.Ingestion;

namespace TradeAnalyzer.UnitTests.Ingestion;

/// <summary>
/// A workbook's shared strings kept as characters in chunks: every string must come back as it was added, across chunk
/// ends, chunk growth, strings longer than a chunk and the longest strings (a chunk of their own).
/// </summary>
public sealed class SharedStringTableTests
{
    private static void AssertHolds(SharedStringChars table, IReadOnlyList<string> expected)
    {
        Assert.Equal(expected.Count, table.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], table[i].ToString());
        }
    }

    [Fact]
    public void Strings_come_back_across_chunk_ends_with_empty_and_over_long_ones_between()
    {
        var table = new SharedStringChars(chunkChars: 8);
        string[] strings = ["abc", "", "defgh", "ij", "123456789012", "", "k", "12345678", "xyz", "a much longer string than any chunk", "end"];
        foreach (var s in strings)
        {
            table.Add(s);
        }

        AssertHolds(table, strings);
        // "defgh" does not fit after "abc" in an 8-char chunk: a new chunk is started, and the strings longer than a
        // chunk have one of their own without ending the one being filled ("ij" and "k" share one).
        Assert.Equal(0, table[1].Length);
    }

    [Fact]
    public void A_small_table_starts_with_a_small_chunk_and_chunks_double_up_to_the_limit()
    {
        var table = new SharedStringChars();
        table.Add("ACME TRADING LTD");
        Assert.Equal(4096, table.CapacityChars);

        var strings = Enumerable.Range(0, 200_000).Select(i => "DEC-2026-" + i.ToString("D7", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        foreach (var s in strings)
        {
            table.Add(s);
        }

        AssertHolds(table, ["ACME TRADING LTD", .. strings]);
        var used = 16 + strings.Sum(s => (long)s.Length);
        // 4K, 8K, 16K, then 32K chunks (under the large object heap): never more than the chars used plus a chunk's
        // worth per chunk left unfilled at its end (here under 17 chars each) and the doubling's first steps.
        Assert.InRange(table.CapacityChars, used, used + 17 * (used / SharedStringChars.DefaultChunkChars + 1) + 2 * SharedStringChars.DefaultChunkChars);
        Assert.True(SharedStringChars.DefaultChunkChars * sizeof(char) < 85_000);
    }

    [Fact]
    public void A_string_of_a_million_characters_or_more_has_a_chunk_of_its_own()
    {
        var table = new SharedStringChars();
        var huge = new string('h', (1 << 20) + 5);
        var justUnder = new string('u', (1 << 20) - 2);
        table.Add("before");
        table.Add(huge);
        table.Add(justUnder);
        table.Add(new string('w', (1 << 20) - 1)); // the length field's sentinel itself: a whole chunk
        table.Add("after");
        Assert.Equal("before", table[0].ToString());
        Assert.Equal(huge.Length, table[1].Length);
        Assert.True(table[1].SequenceEqual(huge));
        Assert.True(table[2].SequenceEqual(justUnder));
        Assert.Equal((1 << 20) - 1, table[3].Length);
        Assert.Equal("after", table[4].ToString());
    }

    [Property(MaxTest = 200)]
    public bool Any_strings_come_back_as_added_whatever_the_chunk_size(string?[] strings, byte chunk)
    {
        var table = new SharedStringChars(chunkChars: chunk % 32 + 1);
        var expected = strings.Select(s => s ?? string.Empty).ToList();
        foreach (var s in expected)
        {
            table.Add(s);
        }

        return table.Count == expected.Count && expected.Select((s, i) => table[i].SequenceEqual(s)).All(x => x);
    }

    [Fact]
    public void A_reader_beside_the_loading_thread_waits_for_each_string_and_reads_it_whole()
    {
        // Small chunks, so that the writer replaces chunks and grows the position array while the reader reads; the
        // reader asks for strings ahead of the writer (it waits), behind it, and past the end (false once complete).
        static string Text(int i) => i % 11 == 0 ? string.Empty : $"string {i} " + new string((char)('a' + (i % 26)), i % 23);
        const int n = 60_000;
        for (var round = 0; round < 3; round++)
        {
            var table = new SharedStringChars(chunkChars: 64);
            table.BeginLoading();
            var writer = new Thread(() =>
            {
                for (var i = 0; i < n; i++)
                {
                    table.Add(Text(i));
                }

                table.Complete();
            });
            writer.Start();
            var rng = new Random(round);
            for (var k = 0; k < 20_000; k++)
            {
                var i = k % 3 == 0 ? rng.Next(n) : Math.Min(n - 1, k * 3);
                Assert.True(table.Has(i));
                Assert.Equal(Text(i), table[i].ToString());
            }

            Assert.False(table.Has(n));
            Assert.False(table.Has(-1));
            writer.Join();
            table.WaitComplete();
            Assert.Equal(n, table.Count);
        }
    }

    [Fact]
    public void A_failed_load_keeps_the_strings_before_the_failure_and_gives_the_failure_after()
    {
        var table = new SharedStringChars();
        table.BeginLoading();
        table.Add("zero");
        table.Add("one");
        table.Complete(new System.Xml.XmlException("broken"));

        Assert.True(table.Has(1));
        Assert.Equal("one", table[1].ToString());
        var ex = Assert.Throws<InvalidDataException>(() => table.Has(2));
        Assert.Contains("broken", ex.Message, StringComparison.Ordinal);
        Assert.IsType<System.Xml.XmlException>(ex.InnerException);
        Assert.Throws<InvalidDataException>(table.WaitComplete);

        // A table filled on the reading thread never waits: a missing index is simply not there.
        var plain = new SharedStringChars();
        plain.Add("x");
        Assert.True(plain.Has(0));
        Assert.False(plain.Has(1));
        plain.WaitComplete();
    }
}
