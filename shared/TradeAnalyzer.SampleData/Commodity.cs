namespace TradeAnalyzer.SampleData;

/// <summary>
/// One line of the sample catalogue: HS codes as written by each customs, descriptions, unit, lognormal price
/// (median USD FOB per unit, sigma <see cref="Catalogue.PriceSigma"/>), typical quantity and weight per unit.
/// </summary>
internal sealed record Commodity(
    string Hs6,
    string UsSuffix,
    string MxSuffix,
    string DescriptionEn,
    string DescriptionEs,
    string Unit,
    double MedianUsd,
    double QuantityMedian,
    double KgPerUnit,
    double Weight,
    string AltHsSameChapter,
    string AltHsOtherChapter)
{
    /// <summary>Watchlist name when the goods are a precursor chemical or a tableting/encapsulating machine.</summary>
    public string? Precursor { get; init; }

    /// <summary>CAS number of a precursor chemical (empty for machines and ordinary goods).</summary>
    public string Cas { get; init; } = string.Empty;

    /// <summary>True for chemicals (chapters 28-38), used to choose a plausible vague description.</summary>
    public bool IsChemical => Hs6[0] is '2' or '3' && string.CompareOrdinal(Hs6, "2800.00") >= 0 && string.CompareOrdinal(Hs6, "3900.00") < 0;

    /// <summary>Schedule B style 10-digit code written on US export declarations, e.g. 8708.99.8180.</summary>
    public string HsUs => Hs6 + "." + UsSuffix;

    /// <summary>Mexican tariff item (fracción arancelaria) written on Mexican import declarations, e.g. 8708.99.99.</summary>
    public string HsMx => Hs6 + "." + MxSuffix;
}
