using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Ingestion;
using static TradeAnalyzer.UnitTests.Ingestion.IngestTestData;

namespace TradeAnalyzer.UnitTests.Ingestion;

public sealed class ProfileTests
{
    [Fact]
    public void Mx_pedimento_is_picked_from_spanish_headers()
    {
        var text = "Pedimento;Secuencia;Tipo de Operación;Fecha de Pago;Proveedor;Importador;RFC;País Origen;Fracción Arancelaria;Descripción;Cantidad Comercial;UMC;Valor Aduana;Incoterm;Medio de Transporte\n" +
                   "25 47 3807 5001234;1;1;15/03/2025;Hebei Chem Co;Quimica del Norte SA de CV;QNO010101AB1;CHN;2933.39.99;4-piperidona;1.500,5;1;\"250.000,00\";CIF;1\n";
        var r = Read(text);
        Assert.Null(r.Summary.Error);
        Assert.EndsWith("mx-pedimento", r.Summary.Detected, StringComparison.Ordinal);
        var d = Assert.Single(r.Declarations);
        Assert.Equal("MX", d.ReporterCountry);
        Assert.Equal("MX", d.DestinationCountry);
        Assert.Equal("CN", d.OriginCountry);
        Assert.Equal(TradeFlow.Import, d.Flow);
        Assert.Equal(new DateOnly(2025, 3, 15), d.Date);
        Assert.Equal("MXN", d.Currency);
        Assert.Equal(1500.5, d.Quantity, 6);
        Assert.Equal(250000, d.Value, 6);
        Assert.Equal(BaseUnit.Kg, d.Unit);
        Assert.Equal(TransportMode.Sea, d.Mode);
        Assert.Equal("ID:QNO010101AB1", PartyNamesKeyOfImporter(d));
        Assert.True(d.ValueUsd < d.Value);
    }

    private static string PartyNamesKeyOfImporter(DeclarationLine d) => TradeAnalyzer.Core.Text.PartyNames.Key(d.ImporterName, d.ImporterId);

    [Fact]
    public void Us_ace_is_picked_from_entry_summary_headers()
    {
        var text = "Entry Number,Line Number,Entry Date,Manufacturer Name,Importer of Record Name,Country of Origin,Country of Export,HTS Number,Merchandise Description,Quantity 1,UOM 1,Entered Value,Mode of Transportation\n" +
                   "ABC-1234567-8,1,03/25/2025,Shanghai Tools Co,Acme Imports LLC,CN,CN,8479.89.9499,pill press,2,NO,12000,40\n";
        var r = Read(text);
        Assert.EndsWith("us-ace", r.Summary.Detected, StringComparison.Ordinal);
        var d = Assert.Single(r.Declarations);
        Assert.Equal("US", d.ReporterCountry);
        Assert.Equal(TradeFlow.Import, d.Flow);
        Assert.Equal("USD", d.Currency);
        Assert.Equal(BaseUnit.U, d.Unit);
        Assert.Equal(TransportMode.Air, d.Mode);
        Assert.Equal(new DateOnly(2025, 3, 25), d.Date);
    }

    [Fact]
    public void Comtrade_bulk_csv_is_recognised()
    {
        var text = "typeCode,freqCode,refYear,period,reporterCode,reporterISO,flowCode,partnerCode,partnerISO,cmdCode,qtyUnitAbbr,qty,netWgt,primaryValue\n" +
                   "C,A,2024,2024,484,MEX,M,156,CHN,293339,kg,1000,1000,52000.5\n" +
                   "C,A,2024,2024,484,MEX,RX,156,CHN,293339,kg,1000,1000,52000.5\n";
        var r = Read(text);
        Assert.Equal(FileKind.Comtrade, r.Summary.Kind);
        var c = Assert.Single(r.Comtrade);
        Assert.Equal("MX", c.Reporter);
        Assert.Equal("CN", c.Partner);
        Assert.Equal(TradeFlow.Import, c.Flow);
        Assert.Equal("2024", c.Period);
        Assert.Equal(52000.5, c.TradeValueUsd, 6);
        Assert.Equal(1000, c.NetWeightKg);
        Assert.Equal("flow", Assert.Single(r.Rejected).Column);
    }

    [Fact]
    public void User_profile_file_maps_its_own_headers()
    {
        var path = Path.Combine(Path.GetTempPath(), "ta-profile-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, """
            { "name": "my-broker", "kind": "declarations", "date_format": "dd/mm/yyyy",
              "aliases": { "ref": "declaration_id", "dir": "flow", "when": "declaration_date", "from": "exporter_name", "to": "importer_name",
                           "coo": "origin_country", "tariff": "hs_code", "amount": "quantity", "um": "quantity_unit", "worth": "value" },
              "fixed": { "reporter_country": "GT", "destination_country": "GT" },
              "defaults": { "currency": "USD" },
              "values": { "dir": { "I": "import" } } }
            """);
        try
        {
            var r = Read("ref,dir,when,from,to,coo,tariff,amount,um,worth\nX1,import,02/03/2025,A Co,B Co,IN,293339,5,kg,100\n", new IngestionOptions { Profile = path });
            var d = Assert.Single(r.Declarations);
            Assert.Equal("GT", d.ReporterCountry);
            Assert.Equal(new DateOnly(2025, 3, 2), d.Date);
            Assert.EndsWith("my-broker", r.Summary.Detected, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Unknown_profile_name_rejects_the_file()
    {
        var r = Read(DeclHeader + "\n" + DeclRow() + "\n", new IngestionOptions { Profile = "no-such-profile" });
        Assert.Contains("unknown profile", r.Summary.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Reference_kinds_are_recognised()
    {
        var fx = Read("date,currency,usd_per_unit\n2025-01-01,MXN,0.049\n2025-02-01,MXN,0.05\nbad,MXN,1\n");
        Assert.Equal(FileKind.Fx, fx.Summary.Kind);
        Assert.True(fx.Fx!.TryGetUsdPerUnit("MXN", new DateOnly(2025, 2, 10), out var rate));
        Assert.Equal(0.05, rate);
        Assert.Single(fx.Rejected);

        var bl = Read("hs_code,quantity_unit,median_usd,q1_usd,q3_usd,n,source,period\n293339,lb,10,8,12,40,comtrade,2024\n");
        var b = Assert.Single(bl.Baselines!);
        Assert.Equal(BaseUnit.Kg, b.Unit);
        Assert.Equal(10 / 0.45359237, b.MedianUsd, 6);

        var j = Read("country,risk,reason,as_of\nXX,high,test,2025-01-01\n");
        Assert.Equal(FileKind.Jurisdictions, j.Summary.Kind);
        Assert.Equal(2, j.Table!.Count);

        var sdn = Read("36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0-\n306,\"BANCO NACIONAL DE CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'BNC'.\"\n");
        Assert.Equal(FileKind.Sanctions, sdn.Summary.Kind);
        Assert.Equal(2, sdn.Table!.Count);
        Assert.Equal(2, sdn.Summary.RowsAccepted);
    }
}
