namespace TradeAnalyzer.Core.Model;

/// <summary>Where a record came from: the file's display name and the 1-based data row number (header is row 1 of a CSV).</summary>
public readonly record struct SourceRef(string File, long Row)
{
    public override string ToString() => $"{File}:{Row}";
}
