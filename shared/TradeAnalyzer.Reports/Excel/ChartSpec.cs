namespace TradeAnalyzer.Reports.Excel;

/// <summary>The kinds of native chart the writer makes.</summary>
internal enum ChartKind
{
    /// <summary>Horizontal bars (long category names).</summary>
    Bar,

    /// <summary>Vertical columns.</summary>
    Column,

    /// <summary>A line over ordered categories (weeks, months).</summary>
    Line,

    /// <summary>Adjacent stacked columns over value bins (a histogram), series e.g. inside / outside the fences.</summary>
    Histogram,
}

/// <summary>One series of a chart: its name, the sheet range of its values, the values themselves (cached) and a colour.</summary>
internal sealed record ChartSeries(string Name, string ValuesRef, IReadOnlyList<double> Values, string ColorHex);

/// <summary>A chart over cells of a sheet: categories (range and cached labels) and one or more series.</summary>
internal sealed record ChartSpec(
    ChartKind Kind,
    string Title,
    string CategoriesRef,
    IReadOnlyList<string> Categories,
    IReadOnlyList<ChartSeries> Series,
    string ValueFormat = "#,##0");
