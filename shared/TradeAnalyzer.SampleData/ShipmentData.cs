namespace TradeAnalyzer.SampleData;

/// <summary>Corridor of a shipment: US exports to Mexico are declared on both sides; the others only on import.</summary>
internal enum Corridor : byte
{
    UsMx,
    CnMx,
    InMx,
    DeMx,
}

/// <summary>One goods line as one document sees it (US export, Mexican import, or invoice).</summary>
internal sealed class LineData
{
    public Commodity Commodity { get; set; } = Catalogue.Ordinary[0];

    public double Quantity { get; set; }

    /// <summary>Value in USD on a FOB basis (the writer applies CIF markup and currency).</summary>
    public double ValueUsd { get; set; }

    public double NetKg { get; set; }

    public string Hs { get; set; } = string.Empty;

    public string Description { get; set; } = string.Empty;

    public string Cas { get; set; } = string.Empty;

    public void CopyFrom(LineData other)
    {
        Commodity = other.Commodity;
        Quantity = other.Quantity;
        ValueUsd = other.ValueUsd;
        NetKg = other.NetKg;
        Hs = other.Hs;
        Description = other.Description;
        Cas = other.Cas;
    }
}

/// <summary>Everything the writers need about one shipment; reused between shipments (no per-row allocation).</summary>
internal sealed class ShipmentData
{
    public const int MaxLines = 3;

    public ShipmentData()
    {
        for (var i = 0; i < MaxLines; i++)
        {
            Us[i] = new LineData();
            Mx[i] = new LineData();
            Inv[i] = new LineData();
        }
    }

    public Corridor Corridor { get; set; }

    public Party Exporter { get; set; } = null!;

    public Party Importer { get; set; } = null!;

    /// <summary>Exporter name as written on the Mexican declaration (sometimes upper-cased, punctuation dropped).</summary>
    public string MxExporterName { get; set; } = string.Empty;

    public Party InvoiceSeller { get; set; } = null!;

    public Party Payer { get; set; } = null!;

    public Party Beneficiary { get; set; } = null!;

    public string Mode { get; set; } = "sea";

    public string PortOfLoading { get; set; } = string.Empty;

    public string PortOfDischarge { get; set; } = string.Empty;

    public string Transit { get; set; } = string.Empty;

    public string Origin { get; set; } = string.Empty;

    public int LineCount { get; set; }

    public LineData[] Us { get; } = new LineData[MaxLines];

    public LineData[] Mx { get; } = new LineData[MaxLines];

    public LineData[] Inv { get; } = new LineData[MaxLines];

    public double[] CifNoise { get; } = new double[MaxLines];

    public double CifFactor { get; set; }

    public string MxCurrency { get; set; } = "MXN";

    public string InvCurrency { get; set; } = "USD";

    public string InvIncoterm { get; set; } = "FOB";

    public string PaymentTerms { get; set; } = string.Empty;

    public DateOnly UsDate { get; set; }

    public DateOnly MxDate { get; set; }

    public DateOnly InvDate { get; set; }

    public string UsDeclarationId { get; set; } = string.Empty;

    public string MxDeclarationId { get; set; } = string.Empty;

    public string ShipmentIdUs { get; set; } = string.Empty;

    public string ShipmentIdMx { get; set; } = string.Empty;

    public string InvoiceNumber { get; set; } = string.Empty;

    public bool WriteUs { get; set; }

    public bool WriteMx { get; set; }

    public bool WriteInvoice { get; set; }

    public ShipmentData Clone()
    {
        var copy = new ShipmentData();
        copy.CopyFrom(this);
        return copy;
    }

    public void CopyFrom(ShipmentData other)
    {
        foreach (var p in typeof(ShipmentData).GetProperties())
        {
            if (p.CanWrite)
            {
                p.SetValue(this, p.GetValue(other));
            }
        }

        for (var i = 0; i < MaxLines; i++)
        {
            Us[i].CopyFrom(other.Us[i]);
            Mx[i].CopyFrom(other.Mx[i]);
            Inv[i].CopyFrom(other.Inv[i]);
            CifNoise[i] = other.CifNoise[i];
        }
    }
}
