using System.Globalization;
using System.Text;
using TradeAnalyzer.Ingestion;

namespace TradeAnalyzer.UnitTests.Ingestion;

/// <summary>
/// The CSV reader's field splitting (a bit mask of delimiters and line breaks per 64 characters) gives back exactly the
/// fields that were written, whatever the field lengths, quoting, line ends and the sizes of the reads from the input.
/// </summary>
public sealed class CsvTokenizerTests
{
    private const string Alphabet = "abcdefgh ,;\"\r\n\t";

    [Theory]
    [InlineData(1, ',', 0, 3_000)]
    [InlineData(2, ',', 5, 60)]
    [InlineData(3, ';', 70, 1_000)]
    [InlineData(4, '\t', 300, 2_000)]
    [InlineData(5, ',', 4096, 3_000)]
    public void Written_rows_read_back_field_for_field(int seed, char delimiter, int chunk, int rowCount)
    {
        var rng = new Random(seed);
        var rows = new List<string[]>();
        var lines = new List<long>();
        var line = 1L;
        var text = new StringBuilder();
        for (var r = 0; r < rowCount; r++)
        {
            var fields = new string[rng.Next(1, 40)];
            for (var f = 0; f < fields.Length; f++)
            {
                // mostly plain text of any length (across the 64-character masks), now and then characters to quote
                var length = rng.Next(4) == 0 ? rng.Next(60, 200) : rng.Next(0, 12);
                var chars = new char[length];
                var special = rng.Next(6) == 0;
                for (var i = 0; i < length; i++)
                {
                    chars[i] = special ? Alphabet[rng.Next(Alphabet.Length)] : Alphabet[rng.Next(8)];
                }

                fields[f] = new string(chars);
            }

            if (fields is [""])
            {
                fields[0] = "x"; // a lone empty field is a blank line, which is not a row
            }

            rows.Add(fields);

            // a row's number is its first line: each quoted line break counts (LFs, or CRs when a cell has no LF)
            lines.Add(line);
            line++;
            foreach (var v in fields)
            {
                var lf = v.Count('\n');
                line += lf > 0 ? lf : v.Count('\r');
            }

            for (var f = 0; f < fields.Length; f++)
            {
                if (f > 0)
                {
                    text.Append(delimiter);
                }

                var v = fields[f];
                var quote = v.AsSpan().IndexOfAny([delimiter, '"', '\r', '\n']) >= 0 || (v.Length > 0 && v.Trim().Length != v.Length && rng.Next(2) == 0);
                text.Append(quote ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v);
            }

            text.Append(rng.Next(3) switch { 0 => "\n", 1 => "\r\n", _ => "\r" });
        }

        using var source = CsvTabularSource.FromText(chunk == 0 ? new StringReader(text.ToString()) : new ChunkedReader(text.ToString(), chunk, seed), delimiter);
        for (var r = 0; r < rows.Count; r++)
        {
            Assert.True(source.Read());
            Assert.Null(source.RowError);
            Assert.Equal(rows[r], source.GetStrings());
            Assert.Equal(lines[r], source.RowNumber);
        }

        Assert.False(source.Read());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(300)]
    [InlineData(5000)]
    public void Only_the_rows_with_a_NUL_are_marked_whatever_read_brought_it(int chunk)
    {
        // NULs are looked for once per read into the buffer, then only in the rows of a buffer that holds one
        var text = new StringBuilder();
        var marked = new HashSet<int>();
        for (var r = 0; r < 30_000; r++)
        {
            var nul = r % 9_973 == 5 || r == 29_999;
            if (nul)
            {
                marked.Add(r);
            }

            text.Append(CultureInfo.InvariantCulture, $"D{r},\"quoted, {r}\",{(nul ? "a\0b" : "ab")},tail\n");
        }

        using var source = CsvTabularSource.FromText(chunk == 0 ? new StringReader(text.ToString()) : new ChunkedReader(text.ToString(), chunk, chunk), ',');
        for (var r = 0; r < 30_000; r++)
        {
            Assert.True(source.Read());
            Assert.Equal(marked.Contains(r), source.RowError is not null);
            Assert.Equal(4, source.FieldCount);
        }

        Assert.False(source.Read());
    }

    // Gives the text in reads of 1 to maxChunk characters (the reader's buffer then ends inside rows and masks).
    private sealed class ChunkedReader(string text, int maxChunk, int seed) : TextReader
    {
        private readonly Random _rng = new(seed);
        private int _at;

        public override int Read(char[] buffer, int index, int count)
        {
            var n = Math.Min(Math.Min(count, _rng.Next(1, maxChunk + 1)), text.Length - _at);
            text.CopyTo(_at, buffer, index, n);
            _at += n;
            return n;
        }

        public override int Read(Span<char> buffer)
        {
            var n = Math.Min(Math.Min(buffer.Length, _rng.Next(1, maxChunk + 1)), text.Length - _at);
            text.AsSpan(_at, n).CopyTo(buffer);
            _at += n;
            return n;
        }
    }
}
