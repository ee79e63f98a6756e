using System.Text;
using TradeAnalyzer.Reports.Excel;

namespace TradeAnalyzer.UnitTests.Reports;

/// <summary>
/// The styles, table and workbook parts written as bytes are exactly what the SDK serialises from the same elements
/// (<see cref="Styles.Build"/>, <see cref="TableSheetWriter.Table"/>, <see cref="WorkbookWriter.WorkbookElement"/>).
/// </summary>
public sealed class PartXmlTests
{
    [Fact]
    public void Styles_bytes_are_the_sdk_serialisation() =>
        AssertSame(WorkbookWriter.Serialize(Styles.Build()), Styles.Xml());

    [Theory]
    [InlineData("T_Flags", "Explanation|Flag|Value USD", 270629)]
    [InlineData("T_Flags_2", "Explicación|Línea|Valor en riesgo USD", 2)]
    [InlineData("T_X", "a & b|<c>|\"q\" 'r'|日本", 7)]
    [InlineData("T_Tab", "tab\there|line\nbreak|cr\rhere", 3)]
    public void Table_bytes_are_the_sdk_serialisation(string name, string headers, long lastRow)
    {
        var columns = headers.Split('|').Select(h => new ColumnSpec(h, ColumnKind.Text)).ToList();

        AssertSame(WorkbookWriter.Serialize(TableSheetWriter.Table(3, name, columns, lastRow)), TableSheetWriter.TableXml(3, name, columns, lastRow));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Summary|Flags|Shipments|Rejected rows|About")]
    [InlineData("Resumen|Alertas (2)|Envíos & <co>|\"q\" 'r'")]
    [InlineData("tab\there|ok")]
    public void Workbook_bytes_are_the_sdk_serialisation(string names)
    {
        var sheets = names.Length == 0 ? [] : names.Split('|');

        AssertSame(WorkbookWriter.Serialize(WorkbookWriter.WorkbookElement(sheets)), WorkbookWriter.WorkbookXml(sheets));
    }

    private static void AssertSame(byte[] expected, byte[] actual)
    {
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual));
        Assert.Equal(expected, actual);
    }
}
