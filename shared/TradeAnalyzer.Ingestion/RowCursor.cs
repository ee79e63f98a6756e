using System.Runtime.CompilerServices;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// Reads canonical columns of the current row of a <see cref="TabularSource"/> through a profile: fixed values first,
/// then the file's cell (trimmed, value-mapped), then the profile's default when the cell is empty.
/// </summary>
internal sealed class RowCursor
{
    private readonly TabularSource _source;
    private readonly PipelinedTabularSource? _piped;
    private readonly int[] _map;
    private readonly string?[] _fixed;
    private readonly string?[] _defaults;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>>?[] _values;
    private readonly bool[] _plain;

    public RowCursor(TabularSource source, HeaderResolution resolution)
    {
        _source = source;
        _piped = source as PipelinedTabularSource;
        _map = resolution.Map;
        var cols = CanonicalColumns.For(resolution.Kind);
        _fixed = new string?[cols.Count];
        _defaults = new string?[cols.Count];
        _values = new Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>>?[cols.Count];
        var p = resolution.Profile;
        for (var i = 0; i < cols.Count; i++)
        {
            _fixed[i] = p.Fixed.GetValueOrDefault(cols[i].Name);
            _defaults[i] = p.Defaults.GetValueOrDefault(cols[i].Name);
            if (p.Values.TryGetValue(cols[i].Name, out var vm))
            {
                _values[i] = vm.GetAlternateLookup<ReadOnlySpan<char>>();
            }
        }

        // Columns read straight from the file: no fixed value, value map or default to consult on every row.
        _plain = new bool[cols.Count];
        for (var i = 0; i < cols.Count; i++)
        {
            _plain[i] = _fixed[i] is null && _defaults[i] is null && (_values[i] is null || p.Values[cols[i].Name].Count == 0);
        }

        Kind = resolution.Kind;
        DateOrder = p.DateOrder;
        Decimal = p.Decimal != DecimalStyle.Auto ? p.Decimal : source.DecimalHint;
    }

    public FileKind Kind { get; }

    public DateOrder DateOrder { get; }

    public DecimalStyle Decimal { get; }

    /// <summary>True when the column has a value source at all (file column, fixed or default).</summary>
    public bool Has(int column) => _map[column] >= 0 || _fixed[column] is not null || _defaults[column] is not null;

    /// <summary>The value of canonical column <paramref name="column"/> for the current row (empty when none).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<char> Get(int column)
    {
        if (_plain[column])
        {
            var at = _map[column];
            return at >= 0 ? Trimmed(_piped is { } piped ? piped.GetSpan(at) : _source.GetSpan(at)) : [];
        }

        return Mapped(column);
    }

    // A column with a fixed value, a value map or a default.
    private ReadOnlySpan<char> Mapped(int column)
    {
        if (_fixed[column] is { } f)
        {
            return f;
        }

        var idx = _map[column];
        var v = idx >= 0 ? Trimmed(_source.GetSpan(idx)) : [];
        if (!v.IsEmpty && _values[column] is { } lookup && lookup.TryGetValue(v, out var mapped))
        {
            v = mapped;
        }

        return v.IsEmpty && _defaults[column] is { } d ? d : v;
    }

    // The cell without leading and trailing white space (what Trim() gives): a cell that starts and ends with a printable
    // ASCII character, nearly every cell, is returned as it is without the two white-space scans.
    private static ReadOnlySpan<char> Trimmed(ReadOnlySpan<char> cell) =>
        cell.IsEmpty || ((uint)(cell[0] - 0x21) < 0x5E && (uint)(cell[^1] - 0x21) < 0x5E) ? cell : cell.Trim();
}
