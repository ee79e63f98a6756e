using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Detection.Mirror;

/// <summary>
/// CIF/FOB factors by transport mode (domain brief: sea 1.07, air 1.12-1.15, road 1.03, rail 1.04, flat 1.10 when
/// unknown) and the value tolerances mirror and invoice comparisons allow beyond them.
/// </summary>
public static class MirrorAllowances
{
    /// <summary>Smallest relative value gap ever flagged between two FOB-equivalent figures of one shipment.</summary>
    public const double MinValueTolerance = 0.10;

    /// <summary>Relative quantity difference tolerated between the two declarations of one shipment (unit rounding, lb/kg).</summary>
    public const double QuantityTolerance = 0.05;

    /// <summary>The usual CIF/FOB ratio of a mode (freight and insurance share).</summary>
    public static double CifFobFactor(TransportMode mode) => mode switch
    {
        TransportMode.Sea => 1.07,
        TransportMode.Air or TransportMode.Courier or TransportMode.Postal => 1.15,
        TransportMode.Road => 1.03,
        TransportMode.Rail => 1.04,
        TransportMode.Pipeline => 1.02,
        _ => 1.10,
    };

    /// <summary>The relative FOB-equivalent value gap allowed for a mode: max(10%, freight share).</summary>
    public static double ValueTolerance(TransportMode mode) => Math.Max(MinValueTolerance, CifFobFactor(mode) - 1);

    /// <summary>GFI quantity agreement a = 1 - |qM - qX| / max(qM, qX); 1 when either quantity is missing.</summary>
    public static double QuantityAgreement(double qExport, double qImport)
    {
        var max = Math.Max(qExport, qImport);
        return qExport <= 0 || qImport <= 0 || max <= 0 ? 1 : 1 - (Math.Abs(qImport - qExport) / max);
    }

    /// <summary>Score for a finding <paramref name="ratio"/> times its threshold: 40 at the threshold, +20 per doubling, at most 98.</summary>
    public static double ScoreFromRatio(double ratio) =>
        ratio <= 1 ? 40 : Math.Round(Math.Min(98, 40 + (20 * Math.Log2(ratio))), 1);
}
