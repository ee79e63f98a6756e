using System.Text;
using TradeAnalyzer.Core.Text;

namespace TradeAnalyzer.UnitTests.SampleData;

/// <summary>A CSV file read into memory with its header, for assertions on small generated samples.</summary>
internal sealed class SampleTable
{
    private readonly Dictionary<string, int> _columns;

    private SampleTable(string[] header, List<string[]> rows)
    {
        Header = header;
        Rows = rows;
        _columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            _columns[header[i]] = i;
        }
    }

    public string[] Header { get; }

    public List<string[]> Rows { get; }

    public string Get(string[] row, string column) => row[_columns[column]];

    public double Number(string[] row, string column) => double.Parse(Get(row, column), System.Globalization.CultureInfo.InvariantCulture);

    public static SampleTable Load(string path, char delimiter = ',', Encoding? encoding = null)
    {
        using var reader = new CsvRowReader(new StreamReader(path, encoding ?? Encoding.UTF8), delimiter);
        Assert.True(reader.TryReadRecord(out var header));
        var h = header.ToArray();
        var rows = new List<string[]>();
        while (reader.TryReadRecord(out var fields))
        {
            Assert.Null(reader.RecordError);
            rows.Add([.. fields]);
        }

        return new SampleTable(h, rows);
    }
}
