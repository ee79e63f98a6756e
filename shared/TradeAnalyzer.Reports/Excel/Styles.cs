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

    /// <summary>Builds the stylesheet; the order of cell formats follows <see cref="StyleId"/>.</summary>
    public static Stylesheet Build()
    {
        var numberFormats = new NumberingFormats(
            new NumberingFormat { NumberFormatId = MoneyFormat, FormatCode = "#,##0.00 \"USD\"" },
            new NumberingFormat { NumberFormatId = PercentFormat, FormatCode = "0.0%" },
            new NumberingFormat { NumberFormatId = DateFormat, FormatCode = "yyyy-mm-dd" },
            new NumberingFormat { NumberFormatId = DateTimeFormat, FormatCode = "yyyy-mm-dd hh:mm" },
            new NumberingFormat { NumberFormatId = ScoreFormat, FormatCode = "0.0" })
        { Count = 5 };

        var fonts = new Fonts(
            Font(bold: false, size: 11, color: null, underline: false),
            Font(bold: true, size: 11, color: "FFFFFFFF", underline: false),
            Font(bold: false, size: 11, color: "FF0563C1", underline: true),
            Font(bold: true, size: 14, color: "FF1F4E78", underline: false),
            Font(bold: true, size: 11, color: null, underline: false),
            Font(bold: false, size: 10, color: "FF595959", underline: false))
        { Count = 6 };

        var fills = new Fills(
            new Fill(new PatternFill { PatternType = PatternValues.None }),
            new Fill(new PatternFill { PatternType = PatternValues.Gray125 }),
            Solid("FF1F4E78"),
            Solid("FFE2EFDA"),
            Solid("FFFFF2CC"),
            Solid("FFF8CBAD"),
            Solid("FFFF7C80"))
        { Count = 7 };

        var borders = new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder())) { Count = 1 };
        var styleFormats = new CellStyleFormats(new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0 }) { Count = 1 };

        var formats = new CellFormats(
            Xf(0, 0, 0),                    // Default
            Xf(0, 1, 2, wrap: true),        // Header
            Xf(3, 0, 0),                    // Integer #,##0
            Xf(MoneyFormat, 0, 0),          // Money
            Xf(4, 0, 0),                    // Decimal #,##0.00
            Xf(PercentFormat, 0, 0),        // Percent
            Xf(DateFormat, 0, 0),           // Date
            Xf(DateTimeFormat, 0, 0),       // DateTime
            Xf(0, 0, 0, wrap: true),        // Wrap
            Xf(0, 2, 0),                    // Link
            Xf(0, 3, 0),                    // Title
            Xf(0, 4, 0),                    // Bold
            Xf(ScoreFormat, 0, 0),          // Score
            Xf(0, 0, 3),                    // SeverityLow
            Xf(0, 0, 4),                    // SeverityMedium
            Xf(0, 0, 5),                    // SeverityHigh
            Xf(0, 4, 6),                    // SeverityCritical
            Xf(0, 5, 0));                   // Note
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
