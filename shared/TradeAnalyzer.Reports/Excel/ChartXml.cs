using System.Globalization;

namespace TradeAnalyzer.Reports.Excel;

/// <summary>
/// The chart and drawing parts as UTF-8 bytes, exactly as the SDK serialises <see cref="Charts.Build"/> and
/// <see cref="Charts.Anchor"/> (the same elements, attributes, namespace declarations and escapes). Building them from
/// SDK elements compiled about 380 methods of the SDK (each element type, its metadata and every enum value type) on
/// the first workbook of a process: about 0.26 s of CPU on the Summary's thread, while the flag files and the Flags
/// sheet keep both cores busy. Texts with characters outside U+0020..U+D7FF (control characters, surrogates, which the
/// SDK's writer checks and normalises in its own way) take the SDK's path instead (<see cref="TryBuild"/> is false).
/// </summary>
internal static class ChartXml
{
    /// <summary>The chart part of <paramref name="spec"/>, or false when one of its texts needs the SDK's checks.</summary>
    public static bool TryBuild(ChartSpec spec, out byte[] part)
    {
        part = [];
        if (!Plain(spec.Title) || !Plain(spec.CategoriesRef) || !Plain(spec.ValueFormat) || spec.Categories.Any(c => !Plain(c))
            || spec.Series.Any(s => !Plain(s.Name) || !Plain(s.ValuesRef) || !Plain(s.ColorHex)))
        {
            return false;
        }

        var stream = new MemoryStream();
        using (var w = new XmlByteWriter(stream))
        {
            w.Raw("<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?><c:chartSpace xmlns:c=\"http://schemas.openxmlformats.org/drawingml/2006/chart\" xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><c:date1904 val=\"0\" /><c:roundedCorners val=\"0\" /><c:chart>"u8);
            w.Raw("<c:title><c:tx><c:rich><a:bodyPr /><a:lstStyle /><a:p><a:pPr><a:defRPr sz=\"1200\" b=\"1\" /></a:pPr><a:r><a:rPr lang=\"en-US\" sz=\"1200\" b=\"1\" /><a:t>"u8);
            w.Text(spec.Title);
            w.Raw("</a:t></a:r></a:p></c:rich></c:tx><c:overlay val=\"0\" /></c:title><c:autoTitleDeleted val=\"0\" /><c:plotArea><c:layout />"u8);
            if (spec.Kind == ChartKind.Line)
            {
                LineChart(w, spec);
            }
            else
            {
                BarChart(w, spec);
            }

            var bar = spec.Kind == ChartKind.Bar;
            w.Raw("<c:catAx><c:axId val=\"48650112\" /><c:scaling><c:orientation val=\""u8);
            w.Raw(bar ? "maxMin"u8 : "minMax"u8);
            w.Raw("\" /></c:scaling><c:delete val=\"0\" /><c:axPos val=\""u8);
            w.Raw(bar ? "l"u8 : "b"u8);
            w.Raw("\" /><c:numFmt formatCode=\"General\" sourceLinked=\"0\" /><c:majorTickMark val=\"out\" /><c:minorTickMark val=\"none\" /><c:tickLblPos val=\"nextTo\" /><c:crossAx val=\"48672768\" /><c:crosses val=\"autoZero\" /><c:auto val=\"1\" /><c:lblAlgn val=\"ctr\" /><c:lblOffset val=\"100\" /><c:noMultiLvlLbl val=\"0\" /></c:catAx>"u8);
            w.Raw("<c:valAx><c:axId val=\"48672768\" /><c:scaling><c:orientation val=\"minMax\" /></c:scaling><c:delete val=\"0\" /><c:axPos val=\""u8);
            w.Raw(bar ? "b"u8 : "l"u8);
            w.Raw("\" /><c:majorGridlines /><c:numFmt formatCode=\""u8);
            w.Attribute(spec.ValueFormat);
            w.Raw("\" sourceLinked=\"0\" /><c:majorTickMark val=\"out\" /><c:minorTickMark val=\"none\" /><c:tickLblPos val=\"nextTo\" /><c:crossAx val=\"48650112\" /><c:crosses val=\""u8);
            w.Raw(bar ? "max"u8 : "autoZero"u8);
            w.Raw("\" /><c:crossBetween val=\"between\" /></c:valAx></c:plotArea>"u8);
            w.Raw("<c:legend><c:legendPos val=\"b\" /><c:overlay val=\"0\" /></c:legend><c:plotVisOnly val=\"1\" /><c:dispBlanksAs val=\"gap\" /></c:chart></c:chartSpace>"u8);
        }

        part = stream.ToArray();
        return true;
    }

    /// <summary>
    /// The drawing part placing a sheet's <paramref name="charts"/> charts (at least one) one below the other from column
    /// <paramref name="column"/>, as the SDK serialises a drawing of <see cref="Charts.Anchor"/>s.
    /// </summary>
    public static byte[] Drawing(int charts, int column, Func<int, string> relationshipId)
    {
        var stream = new MemoryStream();
        using (var w = new XmlByteWriter(stream))
        {
            w.Raw("<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?><xdr:wsDr xmlns:xdr=\"http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing\" xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\">"u8);
            for (var i = 0; i < charts; i++)
            {
                var top = i * FreeSheet.ChartRows;
                w.Raw("<xdr:twoCellAnchor editAs=\"oneCell\"><xdr:from><xdr:col>"u8);
                w.Integer(column);
                w.Raw("</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>"u8);
                w.Integer(top + 1);
                w.Raw("</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>"u8);
                w.Integer(column + 8);
                w.Raw("</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>"u8);
                w.Integer(top + FreeSheet.ChartRows);
                w.Raw("</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:graphicFrame macro=\"\"><xdr:nvGraphicFramePr><xdr:cNvPr id=\""u8);
                w.Integer(i + 2);
                w.Raw("\" name=\"Chart "u8);
                w.Integer(i + 1);
                w.Raw("\" /><xdr:cNvGraphicFramePr /></xdr:nvGraphicFramePr><xdr:xfrm><a:off x=\"0\" y=\"0\" /><a:ext cx=\"0\" cy=\"0\" /></xdr:xfrm><a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/chart\"><c:chart r:id=\""u8);
                w.Attribute(relationshipId(i));
                w.Raw("\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" xmlns:c=\"http://schemas.openxmlformats.org/drawingml/2006/chart\" /></a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData /></xdr:twoCellAnchor>"u8);
            }

            w.Raw("</xdr:wsDr>"u8);
        }

        return stream.ToArray();
    }

    /// <summary>True when <paramref name="text"/> has only characters both writers escape alike (U+0020..U+D7FF).</summary>
    public static bool Plain(string? text) => text is not null && !text.AsSpan().ContainsAnyExceptInRange('\u0020', '\uD7FF');

    private static void BarChart(XmlByteWriter w, ChartSpec spec)
    {
        var histogram = spec.Kind == ChartKind.Histogram;
        w.Raw("<c:barChart><c:barDir val=\""u8);
        w.Raw(spec.Kind == ChartKind.Bar ? "bar"u8 : "col"u8);
        w.Raw("\" /><c:grouping val=\""u8);
        w.Raw(histogram ? "stacked"u8 : "clustered"u8);
        w.Raw("\" /><c:varyColors val=\"0\" />"u8);
        for (var i = 0; i < spec.Series.Count; i++)
        {
            var s = spec.Series[i];
            SeriesStart(w, i, s.Name);
            w.Raw("<c:spPr><a:solidFill><a:srgbClr val=\""u8);
            w.Attribute(s.ColorHex);
            w.Raw("\" /></a:solidFill></c:spPr><c:invertIfNegative val=\"0\" />"u8);
            Categories(w, spec);
            Values(w, s, spec.ValueFormat);
            w.Raw("</c:ser>"u8);
        }

        w.Raw(histogram ? "<c:gapWidth val=\"5\" /><c:overlap val=\"100\" />"u8 : "<c:gapWidth val=\"60\" />"u8);
        w.Raw("<c:axId val=\"48650112\" /><c:axId val=\"48672768\" /></c:barChart>"u8);
    }

    private static void LineChart(XmlByteWriter w, ChartSpec spec)
    {
        w.Raw("<c:lineChart><c:grouping val=\"standard\" /><c:varyColors val=\"0\" />"u8);
        for (var i = 0; i < spec.Series.Count; i++)
        {
            var s = spec.Series[i];
            SeriesStart(w, i, s.Name);
            w.Raw("<c:spPr><a:ln w=\"28575\"><a:solidFill><a:srgbClr val=\""u8);
            w.Attribute(s.ColorHex);
            w.Raw("\" /></a:solidFill></a:ln></c:spPr><c:marker><c:symbol val=\"circle\" /><c:size val=\"5\" /></c:marker>"u8);
            Categories(w, spec);
            Values(w, s, spec.ValueFormat);
            w.Raw("<c:smooth val=\"0\" /></c:ser>"u8);
        }

        w.Raw("<c:marker val=\"1\" /><c:axId val=\"48650112\" /><c:axId val=\"48672768\" /></c:lineChart>"u8);
    }

    private static void SeriesStart(XmlByteWriter w, int index, string name)
    {
        w.Raw("<c:ser><c:idx val=\""u8);
        w.Integer(index);
        w.Raw("\" /><c:order val=\""u8);
        w.Integer(index);
        w.Raw("\" /><c:tx><c:v>"u8);
        w.Text(name);
        w.Raw("</c:v></c:tx>"u8);
    }

    private static void Categories(XmlByteWriter w, ChartSpec spec)
    {
        w.Raw("<c:cat><c:strRef><c:f>"u8);
        w.Text(spec.CategoriesRef);
        w.Raw("</c:f><c:strCache><c:ptCount val=\""u8);
        w.Integer(spec.Categories.Count);
        w.Raw("\" />"u8);
        for (var i = 0; i < spec.Categories.Count; i++)
        {
            w.Raw("<c:pt idx=\""u8);
            w.Integer(i);
            w.Raw("\"><c:v>"u8);
            w.Text(spec.Categories[i]);
            w.Raw("</c:v></c:pt>"u8);
        }

        w.Raw("</c:strCache></c:strRef></c:cat>"u8);
    }

    private static void Values(XmlByteWriter w, ChartSeries series, string format)
    {
        w.Raw("<c:val><c:numRef><c:f>"u8);
        w.Text(series.ValuesRef);
        w.Raw("</c:f><c:numCache><c:formatCode>"u8);
        w.Text(format);
        w.Raw("</c:formatCode><c:ptCount val=\""u8);
        w.Integer(series.Values.Count);
        w.Raw("\" />"u8);
        for (var i = 0; i < series.Values.Count; i++)
        {
            w.Raw("<c:pt idx=\""u8);
            w.Integer(i);
            w.Raw("\"><c:v>"u8);
            w.Text(series.Values[i].ToString("R", CultureInfo.InvariantCulture));
            w.Raw("</c:v></c:pt>"u8);
        }

        w.Raw("</c:numCache></c:numRef></c:val>"u8);
    }
}
