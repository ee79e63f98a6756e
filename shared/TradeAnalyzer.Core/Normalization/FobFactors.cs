using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Normalization;

/// <summary>
/// Documented factors that turn a declared value into a FOB-equivalent one: FobUsd = ValueUsd / factor.
/// <para>The CIF/FOB ratio by transport mode follows the mirror-statistics literature (IMF/OECD CIF-FOB work,
/// GFI): sea 1.07, air 1.13, road 1.03, rail 1.04, courier and postal 1.13, pipeline 1.02, unknown mode 1.08.</para>
/// <para>By incoterm: FOB, FCA and FAS are FOB already (1.00). CIF, CIP, DAP and DPU carry freight and insurance (the full
/// mode factor). DDP also carries import duty and clearance: the mode factor plus 0.02. CFR and CPT carry freight but not
/// insurance: 1 + 0.8 x (mode factor - 1). EXW excludes loading and inland carriage to the port: 0.98 (the value is
/// raised by about 2%). An unknown incoterm is treated as FOB (1.00) because most customs value exports FOB; imports
/// with unknown terms are usually CIF, so the caller may pass <see cref="Incoterm.Cif"/> for them.</para>
/// </summary>
public static class FobFactors
{
    /// <summary>CIF/FOB ratio for a transport mode.</summary>
    public static double CifFactor(TransportMode mode) => mode switch
    {
        TransportMode.Sea => 1.07,
        TransportMode.Air => 1.13,
        TransportMode.Road => 1.03,
        TransportMode.Rail => 1.04,
        TransportMode.Courier => 1.13,
        TransportMode.Postal => 1.13,
        TransportMode.Pipeline => 1.02,
        _ => 1.08,
    };

    /// <summary>The factor the declared value is divided by to get its FOB equivalent.</summary>
    public static double Factor(Incoterm incoterm, TransportMode mode)
    {
        var cif = CifFactor(mode);
        return incoterm switch
        {
            Incoterm.Fob or Incoterm.Fca or Incoterm.Fas or Incoterm.Unknown => 1.0,
            Incoterm.Exw => 0.98,
            Incoterm.Cfr or Incoterm.Cpt => 1 + (0.8 * (cif - 1)),
            Incoterm.Cif or Incoterm.Cip or Incoterm.Dap or Incoterm.Dpu => cif,
            Incoterm.Ddp => cif + 0.02,
            _ => 1.0,
        };
    }

    /// <summary>The FOB-equivalent of <paramref name="value"/>.</summary>
    public static double ToFob(double value, Incoterm incoterm, TransportMode mode) => value / Factor(incoterm, mode);
}
