using System.Globalization;
using DocumentFormat.OpenXml;
using A = DocumentFormat.OpenXml.Drawing;
using C = DocumentFormat.OpenXml.Drawing.Charts;
using Xdr = DocumentFormat.OpenXml.Drawing.Spreadsheet;

namespace TradeAnalyzer.Reports.Excel;

/// <summary>
/// Native Excel charts (DrawingML) as SDK elements: bar, column, line and histogram-style columns. Workbooks write
/// the same parts as bytes (<see cref="ChartXml"/>); these elements serialise the charts whose texts it leaves to the
/// SDK, and are the reference its tests compare with.
/// </summary>
internal static class Charts
{
    private const uint CategoryAxisId = 48650112;
    private const uint ValueAxisId = 48672768;

    /// <summary>The chart part's content for <paramref name="spec"/>.</summary>
    public static C.ChartSpace Build(ChartSpec spec)
    {
        var plotArea = new C.PlotArea(new C.Layout());
        plotArea.Append(spec.Kind == ChartKind.Line ? LineChart(spec) : BarChart(spec));
        plotArea.Append(CategoryAxis(spec.Kind == ChartKind.Bar ? C.AxisPositionValues.Left : C.AxisPositionValues.Bottom));
        plotArea.Append(ValueAxis(spec.Kind == ChartKind.Bar ? C.AxisPositionValues.Bottom : C.AxisPositionValues.Left, spec.ValueFormat));

        var chart = new C.Chart(
            Title(spec.Title),
            new C.AutoTitleDeleted { Val = false },
            plotArea,
            new C.Legend(new C.LegendPosition { Val = C.LegendPositionValues.Bottom }, new C.Overlay { Val = false }),
            new C.PlotVisibleOnly { Val = true },
            new C.DisplayBlanksAs { Val = C.DisplayBlanksAsValues.Gap });

        var space = new C.ChartSpace(
            new C.Date1904 { Val = false },
            new C.RoundedCorners { Val = false },
            chart);
        space.AddNamespaceDeclaration("c", "http://schemas.openxmlformats.org/drawingml/2006/chart");
        space.AddNamespaceDeclaration("a", "http://schemas.openxmlformats.org/drawingml/2006/main");
        space.AddNamespaceDeclaration("r", WorkbookWriter.RelationshipNamespace);
        return space;
    }

    /// <summary>One anchor of a sheet's drawing: the chart with relationship <paramref name="chartRelationshipId"/> between two cells.</summary>
    public static Xdr.TwoCellAnchor Anchor(uint id, string chartRelationshipId, int fromColumn, int fromRow, int toColumn, int toRow) =>
        new(
            new Xdr.FromMarker(new Xdr.ColumnId(fromColumn.ToString(CultureInfo.InvariantCulture)), new Xdr.ColumnOffset("0"), new Xdr.RowId(fromRow.ToString(CultureInfo.InvariantCulture)), new Xdr.RowOffset("0")),
            new Xdr.ToMarker(new Xdr.ColumnId(toColumn.ToString(CultureInfo.InvariantCulture)), new Xdr.ColumnOffset("0"), new Xdr.RowId(toRow.ToString(CultureInfo.InvariantCulture)), new Xdr.RowOffset("0")),
            new Xdr.GraphicFrame(
                new Xdr.NonVisualGraphicFrameProperties(
                    new Xdr.NonVisualDrawingProperties { Id = id + 1, Name = $"Chart {id}" },
                    new Xdr.NonVisualGraphicFrameDrawingProperties()),
                new Xdr.Transform(new A.Offset { X = 0, Y = 0 }, new A.Extents { Cx = 0, Cy = 0 }),
                new A.Graphic(new A.GraphicData(new C.ChartReference { Id = chartRelationshipId }) { Uri = "http://schemas.openxmlformats.org/drawingml/2006/chart" }))
            { Macro = string.Empty },
            new Xdr.ClientData())
        { EditAs = Xdr.EditAsValues.OneCell };

    private static C.BarChart BarChart(ChartSpec spec)
    {
        var histogram = spec.Kind == ChartKind.Histogram;
        var bar = new C.BarChart(
            new C.BarDirection { Val = spec.Kind == ChartKind.Bar ? C.BarDirectionValues.Bar : C.BarDirectionValues.Column },
            new C.BarGrouping { Val = histogram ? C.BarGroupingValues.Stacked : C.BarGroupingValues.Clustered },
            new C.VaryColors { Val = false });
        for (var i = 0; i < spec.Series.Count; i++)
        {
            var s = spec.Series[i];
            bar.Append(new C.BarChartSeries(
                new C.Index { Val = (uint)i },
                new C.Order { Val = (uint)i },
                SeriesName(s.Name),
                Fill(s.ColorHex),
                new C.InvertIfNegative { Val = false },
                Categories(spec),
                Values(s, spec.ValueFormat)));
        }

        bar.Append(new C.GapWidth { Val = (ushort)(histogram ? 5 : 60) });
        if (histogram)
        {
            bar.Append(new C.Overlap { Val = 100 });
        }

        bar.Append(new C.AxisId { Val = CategoryAxisId }, new C.AxisId { Val = ValueAxisId });
        return bar;
    }

    private static C.LineChart LineChart(ChartSpec spec)
    {
        var line = new C.LineChart(new C.Grouping { Val = C.GroupingValues.Standard }, new C.VaryColors { Val = false });
        for (var i = 0; i < spec.Series.Count; i++)
        {
            var s = spec.Series[i];
            line.Append(new C.LineChartSeries(
                new C.Index { Val = (uint)i },
                new C.Order { Val = (uint)i },
                SeriesName(s.Name),
                new C.ChartShapeProperties(new A.Outline(new A.SolidFill(new A.RgbColorModelHex { Val = s.ColorHex })) { Width = 28575 }),
                new C.Marker(new C.Symbol { Val = C.MarkerStyleValues.Circle }, new C.Size { Val = 5 }),
                Categories(spec),
                Values(s, spec.ValueFormat),
                new C.Smooth { Val = false }));
        }

        line.Append(new C.ShowMarker { Val = true }, new C.AxisId { Val = CategoryAxisId }, new C.AxisId { Val = ValueAxisId });
        return line;
    }

    private static C.SeriesText SeriesName(string name) => new(new C.NumericValue(name));

    private static C.ChartShapeProperties Fill(string hex) => new(new A.SolidFill(new A.RgbColorModelHex { Val = hex }));

    private static C.CategoryAxisData Categories(ChartSpec spec)
    {
        var cache = new C.StringCache(new C.PointCount { Val = (uint)spec.Categories.Count });
        for (var i = 0; i < spec.Categories.Count; i++)
        {
            cache.Append(new C.StringPoint(new C.NumericValue(spec.Categories[i])) { Index = (uint)i });
        }

        return new C.CategoryAxisData(new C.StringReference(new C.Formula(spec.CategoriesRef), cache));
    }

    private static C.Values Values(ChartSeries series, string format)
    {
        var cache = new C.NumberingCache(new C.FormatCode(format), new C.PointCount { Val = (uint)series.Values.Count });
        for (var i = 0; i < series.Values.Count; i++)
        {
            cache.Append(new C.NumericPoint(new C.NumericValue(series.Values[i].ToString("R", CultureInfo.InvariantCulture))) { Index = (uint)i });
        }

        return new C.Values(new C.NumberReference(new C.Formula(series.ValuesRef), cache));
    }

    private static C.Title Title(string text) =>
        new(
            new C.ChartText(new C.RichText(
                new A.BodyProperties(),
                new A.ListStyle(),
                new A.Paragraph(
                    new A.ParagraphProperties(new A.DefaultRunProperties { FontSize = 1200, Bold = true }),
                    new A.Run(new A.RunProperties { Language = "en-US", FontSize = 1200, Bold = true }, new A.Text(text))))),
            new C.Overlay { Val = false });

    private static C.CategoryAxis CategoryAxis(C.AxisPositionValues position) =>
        new(
            new C.AxisId { Val = CategoryAxisId },
            new C.Scaling(new C.Orientation { Val = position == C.AxisPositionValues.Left ? C.OrientationValues.MaxMin : C.OrientationValues.MinMax }),
            new C.Delete { Val = false },
            new C.AxisPosition { Val = position },
            new C.NumberingFormat { FormatCode = "General", SourceLinked = false },
            new C.MajorTickMark { Val = C.TickMarkValues.Outside },
            new C.MinorTickMark { Val = C.TickMarkValues.None },
            new C.TickLabelPosition { Val = C.TickLabelPositionValues.NextTo },
            new C.CrossingAxis { Val = ValueAxisId },
            new C.Crosses { Val = C.CrossesValues.AutoZero },
            new C.AutoLabeled { Val = true },
            new C.LabelAlignment { Val = C.LabelAlignmentValues.Center },
            new C.LabelOffset { Val = 100 },
            new C.NoMultiLevelLabels { Val = false });

    private static C.ValueAxis ValueAxis(C.AxisPositionValues position, string format) =>
        new(
            new C.AxisId { Val = ValueAxisId },
            new C.Scaling(new C.Orientation { Val = C.OrientationValues.MinMax }),
            new C.Delete { Val = false },
            new C.AxisPosition { Val = position },
            new C.MajorGridlines(),
            new C.NumberingFormat { FormatCode = format, SourceLinked = false },
            new C.MajorTickMark { Val = C.TickMarkValues.Outside },
            new C.MinorTickMark { Val = C.TickMarkValues.None },
            new C.TickLabelPosition { Val = C.TickLabelPositionValues.NextTo },
            new C.CrossingAxis { Val = CategoryAxisId },
            new C.Crosses { Val = position == C.AxisPositionValues.Bottom ? C.CrossesValues.Maximum : C.CrossesValues.AutoZero },
            new C.CrossBetween { Val = C.CrossBetweenValues.Between });
}
