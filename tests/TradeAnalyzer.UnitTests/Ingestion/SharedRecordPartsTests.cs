using System.Reflection;
using TradeAnalyzer.Core.Model;
using static TradeAnalyzer.UnitTests.Ingestion.IngestTestData;

namespace TradeAnalyzer.UnitTests.Ingestion;

/// <summary>Records that share their common fields behave exactly like records with a field each.</summary>
public sealed class SharedRecordPartsTests
{
    [Fact]
    public void Ingested_lines_read_back_the_values_of_their_rows()
    {
        var r = Read($"{DeclHeader}\n{DeclRow("D1", "1")}\n{DeclRow("D1", "2", hs: "2933.39.10", unit: "lb", mode: "air")}\n{DeclRow("D2", "1", origin: "IN")}\n");
        Assert.Equal(3, r.Declarations.Count);
        var (a, b, c) = (r.Declarations[0], r.Declarations[1], r.Declarations[2]);
        Assert.Equal(("D1", 1, "29333999", "kg", TransportMode.Sea, "CN"), (a.DeclarationId, a.LineNo, a.Hs.Digits, a.QuantityUnit, a.Mode, a.OriginCountry));
        Assert.Equal(("D1", 2, "29333910", "lb", TransportMode.Air, "CN"), (b.DeclarationId, b.LineNo, b.Hs.Digits, b.QuantityUnit, b.Mode, b.OriginCountry));
        Assert.Equal(("D2", 1, "IN", "Hebei Chem Co Ltd"), (c.DeclarationId, c.LineNo, c.OriginCountry, c.ExporterName));
        Assert.Equal(new SourceRef("test.csv", 2), a.Source);
        Assert.Equal(new SourceRef("test.csv", 4), c.Source);
        Assert.Null(a.NetWeightKg);
        Assert.Equal(100 * 0.45359237, b.NormQuantity);
    }

    [Fact]
    public void A_copy_made_with_an_initializer_has_every_property_equal_and_leaves_the_original_alone()
    {
        var original = Read($"{DeclHeader}\n{DeclRow("D1", "1")}\n{DeclRow("D2", "1")}\n").Declarations[0];
        var copy = new DeclarationLine
        {
            Source = original.Source, DeclarationId = original.DeclarationId, LineNo = original.LineNo, Flow = original.Flow, Date = original.Date,
            ReporterCountry = original.ReporterCountry, ExporterName = "Other Exporter", ImporterName = original.ImporterName,
            ExporterId = original.ExporterId, ImporterId = original.ImporterId, ExporterCountry = original.ExporterCountry,
            ImporterCountry = original.ImporterCountry, OriginCountry = original.OriginCountry, DestinationCountry = original.DestinationCountry,
            Hs = original.Hs, Description = original.Description, CasNumbers = original.CasNumbers, Quantity = original.Quantity,
            QuantityUnit = original.QuantityUnit, NormQuantity = original.NormQuantity, Unit = original.Unit, NetWeightKg = double.NaN,
            Value = original.Value, Currency = original.Currency, ValueUsd = original.ValueUsd, FobUsd = original.FobUsd,
            Incoterm = original.Incoterm, InvoiceNumber = original.InvoiceNumber, Mode = original.Mode, PortOfLoading = original.PortOfLoading,
            PortOfDischarge = original.PortOfDischarge, TransitCountries = original.TransitCountries, ShipmentId = original.ShipmentId,
            ExporterKey = original.ExporterKey,
        };
        foreach (var p in typeof(DeclarationLine).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.Name is nameof(DeclarationLine.ExporterName) or nameof(DeclarationLine.NetWeightKg))
            {
                continue;
            }

            Assert.Equal(p.GetValue(original), p.GetValue(copy));
        }

        Assert.Equal("Other Exporter", copy.ExporterName);
        Assert.Equal("Hebei Chem Co Ltd", original.ExporterName);
        Assert.True(copy.NetWeightKg is { } w && double.IsNaN(w));
        Assert.Null(original.NetWeightKg);
    }

    [Fact]
    public void Invoice_lines_built_by_initializer_keep_their_own_values()
    {
        InvoiceLine Make(string seller, string currency) => new()
        {
            Source = new SourceRef("i.csv", 7), InvoiceNumber = "F1", InvoiceDate = new DateOnly(2025, 1, 2), SellerName = seller, BuyerName = "B",
            Quantity = 1, QuantityUnit = "kg", NormQuantity = 1, Unit = BaseUnit.Kg, LineTotal = 10, Currency = currency, ValueUsd = 10, FobUsd = 10,
        };
        var x = Make("S1", "USD");
        var y = Make("S2", "EUR");
        Assert.Equal(("S1", "USD", "i.csv", 7L, 1, (HsCode?)null), (x.SellerName, x.Currency, x.Source.File, x.Source.Row, x.LineNo, x.Hs));
        Assert.Equal(("S2", "EUR"), (y.SellerName, y.Currency));
        Assert.Empty(x.CasNumbers);
        Assert.Equal(Incoterm.Unknown, x.Incoterm);
    }
}
