namespace TradeAnalyzer.Reports.Excel;

/// <summary>One cell of a laid-out (non-table) sheet: text or a number, a style, and an optional internal link.</summary>
internal readonly record struct FreeCell(string? Text, double? Number, StyleId Style, string? Link = null)
{
    /// <summary>A text cell.</summary>
    public static FreeCell Of(string? text, StyleId style = StyleId.Default) => new(text, null, style);

    /// <summary>A number cell.</summary>
    public static FreeCell Of(double? number, StyleId style) => new(null, number, style);

    /// <summary>A text cell linking to a location in the workbook.</summary>
    public static FreeCell LinkTo(string text, string location) => new(text, null, StyleId.Link, location);

    /// <summary>An empty cell.</summary>
    public static FreeCell Empty => default;
}
