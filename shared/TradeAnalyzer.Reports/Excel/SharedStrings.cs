namespace TradeAnalyzer.Reports.Excel;

/// <summary>
/// The workbook's shared-strings table (xl/sharedStrings.xml): short texts that repeat (countries, names, units,
/// currencies, codes, HS codes, severities) are written once and referenced from cells by index (t="s"), which
/// shrinks the sheet XML that must be produced and deflated. Most texts come from the records' pooled instances, so a
/// small cache keyed by a few characters and checked by identity (then one comparison) answers most lookups before the ordinal dictionary is asked. Columns decide
/// for themselves whether sharing pays (<see cref="ColumnState"/>): texts that rarely repeat (ids, sources,
/// explanations) stay inline strings and never enter the table.
/// </summary>
internal sealed class SharedStrings
{
    /// <summary>Texts longer than this stay inline (explanations, long descriptions): they rarely repeat.</summary>
    public const int MaxSharedLength = 160;

    /// <summary>The table stops growing at this many entries (memory stays bounded); known texts are still shared.</summary>
    public const int MaxEntries = 400_000;

    private const int CacheSize = 1 << 16;

    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanIndex;
    private readonly List<string> _strings = [];
    private readonly string?[] _cacheKeys = new string?[CacheSize];
    private readonly int[] _cacheValues = new int[CacheSize];

    /// <summary>An empty table.</summary>
    public SharedStrings() => _spanIndex = _index.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Distinct texts in the table, in index order.</summary>
    public IReadOnlyList<string> Strings => _strings;

    /// <summary>Cells that reference the table (the part's count attribute).</summary>
    public long References { get; private set; }

    /// <summary>
    /// The index of <paramref name="text"/> (already made safe by <see cref="CellText.Safe"/>), added when new and the
    /// column still shares; -1 when the cell should be an inline string.
    /// </summary>
    public int Index(string text, ref ColumnState column)
    {
        if (column.Inline || text.Length > MaxSharedLength)
        {
            return -1;
        }

        // A slot from a few characters (no full hash): records share string instances, and texts equal to a cached
        // one are confirmed with one vectorised comparison before the dictionary is asked.
        var slot = Slot(text);
        var cached = _cacheKeys[slot];
        if (ReferenceEquals(cached, text) || (cached is not null && cached.Length == text.Length && cached.AsSpan().SequenceEqual(text)))
        {
            References++;
            column.Count(added: false);
            return _cacheValues[slot];
        }

        if (!_index.TryGetValue(text, out var index))
        {
            index = Add(text, ref column);
            if (index < 0)
            {
                return -1;
            }
        }
        else
        {
            column.Count(added: false);
        }

        _cacheKeys[slot] = text;
        _cacheValues[slot] = index;
        References++;
        return index;
    }

    /// <summary>
    /// The index of <paramref name="text"/> when the cache holds this very instance (the case of repeated texts from
    /// the records' pooled strings): the same answer and counts as <see cref="Index(string, ref ColumnState)"/> gives
    /// for it, from a reference comparison. False otherwise (nothing counted): the caller then makes the text safe
    /// and asks <see cref="Index(string, ref ColumnState)"/>. Every cached key is a text already made safe, so a hit
    /// also says the instance needs no cleaning.
    /// </summary>
    public bool TryIndexOfInstance(string text, ref ColumnState column, out int index)
    {
        if (!column.Inline && text.Length <= MaxSharedLength)
        {
            var slot = Slot(text);
            if (ReferenceEquals(_cacheKeys[slot], text))
            {
                References++;
                column.Count(added: false);
                index = _cacheValues[slot];
                return true;
            }
        }

        index = -1;
        return false;
    }

    /// <summary>As <see cref="Index(string, ref ColumnState)"/> for text built in a buffer (HS codes, sources).</summary>
    public int Index(ReadOnlySpan<char> text, ref ColumnState column)
    {
        if (column.Inline || text.Length > MaxSharedLength)
        {
            return -1;
        }

        if (!_spanIndex.TryGetValue(text, out var index))
        {
            if (!column.MayAdd(_strings.Count))
            {
                return -1;
            }

            index = Add(text.ToString(), ref column, checkedAlready: true);
            if (index < 0)
            {
                return -1;
            }
        }
        else
        {
            column.Count(added: false);
        }

        References++;
        return index;
    }

    /// <summary>Writes the table as the xl/sharedStrings.xml part.</summary>
    public void Write(Stream output)
    {
        using var w = new XmlByteWriter(output);
        w.Raw("<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>"u8);
        w.Raw("<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\""u8);
        w.Integer(References);
        w.Raw("\" uniqueCount=\""u8);
        w.Integer(_strings.Count);
        w.Raw("\">"u8);
        foreach (var text in _strings)
        {
            w.Raw(NeedsPreserve(text) ? "<si><t xml:space=\"preserve\">"u8 : "<si><t>"u8);
            w.Text(text);
            w.Raw("</t></si>"u8);
        }

        w.Raw("</sst>"u8);
    }

    /// <summary>True when leading or trailing white space must be kept with xml:space="preserve".</summary>
    public static bool NeedsPreserve(ReadOnlySpan<char> text) =>
        text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]));

    private static int Slot(string text)
    {
        var length = text.Length;
        var mix = (uint)length * 0x9E3779B1u;
        if (length > 0)
        {
            mix ^= text[0] * 0x85EBCA77u;
            mix ^= text[length - 1] * 0xC2B2AE3Du;
            mix ^= text[length >> 1] * 0x27D4EB2Fu;
            mix ^= text[length >> 2] * 0x165667B1u;
        }

        return (int)((mix ^ (mix >> 15)) & (CacheSize - 1));
    }

    private int Add(string text, ref ColumnState column, bool checkedAlready = false)
    {
        if (!checkedAlready && !column.MayAdd(_strings.Count))
        {
            return -1;
        }

        column.Count(added: true);
        var index = _strings.Count;
        _strings.Add(text);
        _index.Add(text, index);
        return index;
    }

    /// <summary>
    /// Whether one sheet column shares its texts, judged over windows of <see cref="Window"/> lookups: a column where
    /// more than three quarters of a window's texts were new (ids, file references, explanations) switches to inline
    /// strings for the rest of the sheet.
    /// </summary>
    public struct ColumnState
    {
        /// <summary>Lookups per judgement.</summary>
        public const int Window = 1_024;

        private int _lookups;
        private int _added;

        /// <summary>True once this column writes inline strings only.</summary>
        public bool Inline { get; private set; }

        /// <summary>False when the column writes inline strings or the table is full.</summary>
        public readonly bool MayAdd(int entries) => !Inline && entries < MaxEntries;

        /// <summary>Counts one lookup (<paramref name="added"/> when its text was new) and judges a full window.</summary>
        public void Count(bool added)
        {
            _lookups++;
            if (added)
            {
                _added++;
            }

            if (_lookups == Window)
            {
                Inline = _added * 4 > Window * 3;
                _lookups = 0;
                _added = 0;
            }
        }
    }
}
