using System.Text;
using TradeAnalyzer.Storage.AzureRest;

namespace TradeAnalyzer.UnitTests.Storage;

public sealed class TableRequestBodyTests
{
    [Theory]
    [InlineData("exporters", "{\"TableName\":\"exporters\"}")]
    [InlineData("Flags2026", "{\"TableName\":\"Flags2026\"}")]
    public void Create_table_body_names_the_table(string table, string expected) =>
        Assert.Equal(expected, Encoding.UTF8.GetString(AzureTableStore.TableNameBody(table)));
}
