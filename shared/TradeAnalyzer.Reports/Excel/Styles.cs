using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Reports.Excel;

/// <summary>
/// The one stylesheet every workbook shares: header, integer, money with currency, percent, date, wrapped text,
/// hyperlink, title and a fill per severity. Cells refer to it through <see cref="StyleId"/>.
/// </summary>
internal static class Styles
{
    private const uint MoneyFormat = 164;
    private const uint PercentFormat = 165;
    private const uint DateFormat = 166;
    private const uint DateTimeFormat = 167;
    private const uint ScoreFormat = 168;

    /// <summary>The fill style of a severity.</summary>
    public static StyleId ForSeverity(Severity severity) => severity switch
    {
        Severity.Critical => StyleId.SeverityCritical,
        Severity.High => StyleId.SeverityHigh,
        Severity.Medium => StyleId.SeverityMedium,
        _ => StyleId.SeverityLow,
    };

    /// <summary>The number formats of the workbook (id, code).</summary>
    private static readonly (uint Id, string Code)[] NumberFormats =
    [
        (MoneyFormat, "#,##0.00 \"USD\""),
        (PercentFormat, "0.0%"),
        (DateFormat, "yyyy-mm-dd"),
        (DateTimeFormat, "yyyy-mm-dd hh:mm"),
        (ScoreFormat, "0.0"),
    ];

    /// <summary>The fonts: regular, header, link, title, bold, note.</summary>
    private static readonly (bool Bold, double Size, string? Color, bool Underline)[] FontSpecs =
    [
        (false, 11, null, false),
        (true, 11, "FFFFFFFF", false),
        (false, 11, "FF0563C1", true),
        (true, 14, "FF1F4E78", false),
        (true, 11, null, false),
        (false, 10, "FF595959", false),
    ];

    /// <summary>The solid fills after the two built-in ones (none, gray125): header, then the severities.</summary>
    private static readonly string[] SolidFills = ["FF1F4E78", "FFE2EFDA", "FFFFF2CC", "FFF8CBAD", "FFFF7C80"];

    /// <summary>The cell formats, in <see cref="StyleId"/> order.</summary>
    private static readonly (uint NumberFormat, uint Font, uint Fill, bool Wrap)[] CellFormatSpecs =
    [
        (0, 0, 0, false),                 // Default
        (0, 1, 2, true),                  // Header
        (3, 0, 0, false),                 // Integer #,##0
        (MoneyFormat, 0, 0, false),       // Money
        (4, 0, 0, false),                 // Decimal #,##0.00
        (PercentFormat, 0, 0, false),     // Percent
        (DateFormat, 0, 0, false),        // Date
        (DateTimeFormat, 0, 0, false),    // DateTime
        (0, 0, 0, true),                  // Wrap
        (0, 2, 0, false),                 // Link
        (0, 3, 0, false),                 // Title
        (0, 4, 0, false),                 // Bold
        (ScoreFormat, 0, 0, false),       // Score
        (0, 0, 3, false),                 // SeverityLow
        (0, 0, 4, false),                 // SeverityMedium
        (0, 0, 5, false),                 // SeverityHigh
        (0, 4, 6, false),                 // SeverityCritical
        (0, 5, 0, false),                 // Note
    ];

    /// <summary>
    /// The styles part as bytes, exactly as the SDK serialises <see cref="Build"/>: building the stylesheet from SDK
    /// elements was the first use of the SDK's element and writer code in a process (about 200 methods compiled, 0.1-0.17 s
    /// of CPU on the Summary's thread while the flag files and the Flags sheet are written).
    /// </summary>
    public static byte[] Xml()
    {
        var stream = new MemoryStream();
        using (var w = new XmlByteWriter(stream))
        {
            w.Raw("<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?><x:styleSheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><x:numFmts count=\""u8);
            w.Integer(NumberFormats.Length);
            w.Raw("\">"u8);
            foreach (var (id, code) in NumberFormats)
            {
                w.Raw("<x:numFmt numFmtId=\""u8);
                w.Integer(id);
                w.Raw("\" formatCode=\""u8);
                w.Attribute(code);
                w.Raw("\" />"u8);
            }

            w.Raw("</x:numFmts><x:fonts count=\""u8);
            w.Integer(FontSpecs.Length);
            w.Raw("\">"u8);
            foreach (var (bold, size, color, underline) in FontSpecs)
            {
                w.Raw("<x:font>"u8);
                if (bold)
                {
                    w.Raw("<x:b />"u8);
                }

                if (underline)
                {
                    w.Raw("<x:u />"u8);
                }

                w.Raw("<x:sz val=\""u8);
                w.Number(size);
                w.Raw("\" />"u8);
                if (color is not null)
                {
                    w.Raw("<x:color rgb=\""u8);
                    w.Attribute(color);
                    w.Raw("\" />"u8);
                }

                w.Raw("<x:name val=\"Calibri\" /><x:family val=\"2\" /></x:font>"u8);
            }

            w.Raw("</x:fonts><x:fills count=\""u8);
            w.Integer(SolidFills.Length + 2);
            w.Raw("\"><x:fill><x:patternFill patternType=\"none\" /></x:fill><x:fill><x:patternFill patternType=\"gray125\" /></x:fill>"u8);
            foreach (var argb in SolidFills)
            {
                w.Raw("<x:fill><x:patternFill patternType=\"solid\"><x:fgColor rgb=\""u8);
                w.Attribute(argb);
                w.Raw("\" /><x:bgColor indexed=\"64\" /></x:patternFill></x:fill>"u8);
            }

            w.Raw("</x:fills><x:borders count=\"1\"><x:border><x:left /><x:right /><x:top /><x:bottom /><x:diagonal /></x:border></x:borders>"u8);
            w.Raw("<x:cellStyleXfs count=\"1\"><x:xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" /></x:cellStyleXfs><x:cellXfs count=\""u8);
            w.Integer(CellFormatSpecs.Length);
            w.Raw("\">"u8);
            foreach (var (numberFormat, font, fill, wrap) in CellFormatSpecs)
            {
                w.Raw("<x:xf numFmtId=\""u8);
                w.Integer(numberFormat);
                w.Raw("\" fontId=\""u8);
                w.Integer(font);
                w.Raw("\" fillId=\""u8);
                w.Integer(fill);
                w.Raw("\" borderId=\"0\" xfId=\"0\""u8);
                if (numberFormat != 0)
                {
                    w.Raw(" applyNumberFormat=\"1\""u8);
                }

                if (font != 0)
                {
                    w.Raw(" applyFont=\"1\""u8);
                }

                if (fill != 0)
                {
                    w.Raw(" applyFill=\"1\""u8);
                }

                w.Raw(wrap ? " applyAlignment=\"1\"><x:alignment vertical=\"top\" wrapText=\"1\" /></x:xf>"u8 : " />"u8);
            }

            w.Raw("</x:cellXfs><x:cellStyles count=\"1\"><x:cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\" /></x:cellStyles></x:styleSheet>"u8);
        }

        return stream.ToArray();
    }

    /// <summary>Builds the stylesheet as SDK elements (see <see cref="Xml"/>); the order of cell formats follows <see cref="StyleId"/>.</summary>
    public static Stylesheet Build()
    {
        var numberFormats = new NumberingFormats(NumberFormats.Select(f => new NumberingFormat { NumberFormatId = f.Id, FormatCode = f.Code })) { Count = (uint)NumberFormats.Length };
        var fonts = new Fonts(FontSpecs.Select(f => Font(f.Bold, f.Size, f.Color, f.Underline))) { Count = (uint)FontSpecs.Length };
        var fills = new Fills(
            new[] { new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 }) }
                .Concat(SolidFills.Select(Solid)))
        { Count = (uint)(SolidFills.Length + 2) };

        var borders = new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder())) { Count = 1 };
        var styleFormats = new CellStyleFormats(new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0 }) { Count = 1 };
        var formats = new CellFormats(CellFormatSpecs.Select(x => Xf(x.NumberFormat, x.Font, x.Fill, x.Wrap)));
        formats.Count = (uint)formats.ChildElements.Count;

        return new Stylesheet(
            numberFormats,
            fonts,
            fills,
            borders,
            styleFormats,
            formats,
            new CellStyles(new CellStyle { Name = "Normal", FormatId = 0, BuiltinId = 0 }) { Count = 1 });
    }

    private static Font Font(bool bold, double size, string? color, bool underline)
    {
        var font = new Font();
        if (bold)
        {
            font.Append(new Bold());
        }

        if (underline)
        {
            font.Append(new Underline());
        }

        font.Append(new FontSize { Val = size });
        if (color is not null)
        {
            font.Append(new Color { Rgb = color });
        }

        font.Append(new FontName { Val = "Calibri" });
        font.Append(new FontFamilyNumbering { Val = 2 });
        return font;
    }

    private static Fill Solid(string argb) =>
        new(new PatternFill(new ForegroundColor { Rgb = argb }, new BackgroundColor { Indexed = 64 }) { PatternType = PatternValues.Solid });

    private static CellFormat Xf(uint numberFormat, uint font, uint fill, bool wrap = false)
    {
        var xf = new CellFormat
        {
            NumberFormatId = numberFormat,
            FontId = font,
            FillId = fill,
            BorderId = 0,
            FormatId = 0,
        };
        if (numberFormat != 0)
        {
            xf.ApplyNumberFormat = true;
        }

        if (font != 0)
        {
            xf.ApplyFont = true;
        }

        if (fill != 0)
        {
            xf.ApplyFill = true;
        }

        if (wrap)
        {
            xf.ApplyAlignment = true;
            xf.Append(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Top });
        }

        return xf;
    }
}
