using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Scoring;

/// <summary>
/// The record a flag belongs to without building its key string (<see cref="RecordScorer.RecordOf"/> is its key): the text and,
/// for declaration lines, the line number that <see cref="ToKey"/> joins as "id#line". Two references are the same
/// record exactly when their key strings are equal (a shipment id may itself read "id#line").
/// </summary>
internal readonly struct RecordRef
{
    private RecordRef(RecordType type, string text, int line, bool hasLine)
    {
        Type = type;
        Text = text;
        Line = line;
        HasLine = hasLine;
    }

    public RecordType Type { get; }

    public string Text { get; }

    public int Line { get; }

    public bool HasLine { get; }

    /// <summary>The record of <paramref name="f"/>; false for exporter- and corridor-level flags.</summary>
    public static bool TryOf(Flag f, out RecordRef record)
    {
        record = f.RecordType switch
        {
            RecordType.Declaration when f.DeclarationId is not null => new RecordRef(RecordType.Declaration, f.DeclarationId, f.LineNo ?? 1, true),
            RecordType.Invoice when f.InvoiceNumber is not null => new RecordRef(RecordType.Invoice, f.InvoiceNumber, 0, false),
            RecordType.Shipment when f.ShipmentId is not null => new RecordRef(RecordType.Shipment, f.ShipmentId, 0, false),
            RecordType.Shipment when f.DeclarationId is not null => new RecordRef(RecordType.Shipment, f.DeclarationId, f.LineNo ?? 1, true),
            _ => default,
        };
        return record.Text is not null;
    }

    /// <summary>The record key string ("id#line" for a declaration line).</summary>
    public string ToKey() => HasLine ? Joined(Text, Line) : Text;

    /// <summary>"text#line", the line formatted as an interpolated string formats it (no format, the current culture),
    /// in one allocation without the interpolation handler's pooled buffer (237,000 record keys per perf650 score stage:
    /// ~50 samples of its ~450 went to the interpolation).</summary>
    private static string Joined(string text, int line)
    {
        Span<char> digits = stackalloc char[16];
        _ = line.TryFormat(digits, out var n, default, null);
        return string.Concat(text.AsSpan(), "#", digits[..n]);
    }

    /// <summary>True when both key strings are equal.</summary>
    public static bool SameKey(in RecordRef a, in RecordRef b)
    {
        if (a.HasLine == b.HasLine)
        {
            return (!a.HasLine || a.Line == b.Line) && string.Equals(a.Text, b.Text, StringComparison.Ordinal);
        }

        var (plain, lined) = a.HasLine ? (b, a) : (a, b);
        Span<char> digits = stackalloc char[16];
        _ = lined.Line.TryFormat(digits, out var n, default, null); // as the interpolated key formats it
        var text = plain.Text.AsSpan();
        return text.Length == lined.Text.Length + 1 + n
            && text.StartsWith(lined.Text, StringComparison.Ordinal)
            && text[lined.Text.Length] == '#'
            && text[(lined.Text.Length + 1)..].SequenceEqual(digits[..n]);
    }

    /// <summary>A hash equal for equal key strings: of the key up to its last '#' (the line number never holds one).</summary>
    public static int KeyHash(in RecordRef r)
    {
        if (r.HasLine)
        {
            return string.GetHashCode(r.Text.AsSpan(), StringComparison.Ordinal);
        }

        var cut = r.Text.LastIndexOf('#');
        return string.GetHashCode(cut < 0 ? r.Text.AsSpan() : r.Text.AsSpan(0, cut), StringComparison.Ordinal);
    }

    /// <summary>Records equal by type and key string (the grouping of <see cref="RecordScorer.Score"/>).</summary>
    public sealed class TypedComparer : IEqualityComparer<RecordRef>
    {
        public static TypedComparer Instance { get; } = new();

        public bool Equals(RecordRef x, RecordRef y) => x.Type == y.Type && SameKey(x, y);

        public int GetHashCode(RecordRef obj) => KeyHash(obj) ^ ((int)obj.Type * 0x3C6EF372);
    }

    /// <summary>Records equal by key string alone, whatever their type (distinct record keys).</summary>
    public sealed class KeyComparer : IEqualityComparer<RecordRef>
    {
        public static KeyComparer Instance { get; } = new();

        public bool Equals(RecordRef x, RecordRef y) => SameKey(x, y);

        public int GetHashCode(RecordRef obj) => KeyHash(obj);
    }
}
