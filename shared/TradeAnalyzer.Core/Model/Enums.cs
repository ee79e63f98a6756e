namespace TradeAnalyzer.Core.Model;

/// <summary>Direction of a declaration as seen by the customs authority that received it.</summary>
public enum TradeFlow
{
    Import,
    Export,
}

/// <summary>How the goods travel; drives CIF/FOB allowances and mirror tolerances.</summary>
public enum TransportMode
{
    Unknown,
    Sea,
    Air,
    Road,
    Rail,
    Courier,
    Postal,
    Pipeline,
}

/// <summary>Incoterms 2020 (plus <see cref="Unknown"/> when not declared).</summary>
public enum Incoterm
{
    Unknown,
    Exw,
    Fca,
    Fas,
    Fob,
    Cfr,
    Cif,
    Cpt,
    Cip,
    Dap,
    Dpu,
    Ddp,
}

/// <summary>The unit every quantity is normalised to: kg for mass, l for volume, u for pieces.</summary>
public enum BaseUnit
{
    Kg,
    L,
    U,
    Pair,
    M,
    M2,
}

/// <summary>What a flag is about (spec section 2, column record_type).</summary>
public enum RecordType
{
    Declaration,
    Invoice,
    Shipment,
    Exporter,
    Corridor,
}

/// <summary>Flag severity, from score bands; ordered so that comparisons work.</summary>
public enum Severity
{
    Low,
    Medium,
    High,
    Critical,
}

/// <summary>The kinds of input file (spec section 1).</summary>
public enum FileKind
{
    Unknown,
    Declarations,
    Invoices,
    Fx,
    Baselines,
    Sanctions,
    Watchlist,
    Jurisdictions,
    Comtrade,
}
