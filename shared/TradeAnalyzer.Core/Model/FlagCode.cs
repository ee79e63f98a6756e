namespace TradeAnalyzer.Core.Model;

/// <summary>The flag codes of spec section 2. <see cref="FlagCodes.ToCode"/> gives the wire name.</summary>
public enum FlagCode
{
    PriceAboveBaseline,
    PriceBelowBaseline,
    MirrorMissing,
    MirrorValueGap,
    MirrorQuantityGap,
    MirrorHsMismatch,
    InvoiceMissing,
    InvoiceValueMismatch,
    InvoiceQuantityMismatch,
    InvoicePartyMismatch,
    InvoiceReused,
    ThirdPartyPayment,
    PrecursorChemical,
    PrecursorMisdeclared,
    HighRiskRoute,
    SanctionedParty,
    VagueDescription,
    WeightQuantityMismatch,
    NewExporter,
    ExporterProfile,
}

public static class FlagCodes
{
    private static readonly string[] Codes =
    [
        "PRICE_ABOVE_BASELINE",
        "PRICE_BELOW_BASELINE",
        "MIRROR_MISSING",
        "MIRROR_VALUE_GAP",
        "MIRROR_QUANTITY_GAP",
        "MIRROR_HS_MISMATCH",
        "INVOICE_MISSING",
        "INVOICE_VALUE_MISMATCH",
        "INVOICE_QUANTITY_MISMATCH",
        "INVOICE_PARTY_MISMATCH",
        "INVOICE_REUSED",
        "THIRD_PARTY_PAYMENT",
        "PRECURSOR_CHEMICAL",
        "PRECURSOR_MISDECLARED",
        "HIGH_RISK_ROUTE",
        "SANCTIONED_PARTY",
        "VAGUE_DESCRIPTION",
        "WEIGHT_QUANTITY_MISMATCH",
        "NEW_EXPORTER",
        "EXPORTER_PROFILE",
    ];

    private static readonly Dictionary<string, FlagCode> ByCode =
        Enumerable.Range(0, Codes.Length).ToDictionary(i => Codes[i], i => (FlagCode)i, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every code, in spec order.</summary>
    public static IReadOnlyList<FlagCode> All { get; } = Enum.GetValues<FlagCode>();

    public static string ToCode(this FlagCode code) => Codes[(int)code];

    public static bool TryParse(string? text, out FlagCode code) => ByCode.TryGetValue(text?.Trim() ?? string.Empty, out code);
}
