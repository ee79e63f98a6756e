namespace TradeAnalyzer.Core.Profiles;

/// <summary>
/// One exporter's lines rolled up by <see cref="ExporterRollUp"/>: distinct shipments, value and figures of the
/// counted lines (a shipment declared at export and at import counts with its export lines), first and last seen (all
/// lines), the most valuable commodities and counterparties.
/// </summary>
internal sealed class ExporterTotals(string key, string name, string? id, string? country, DateOnly first)
{
    public string Key { get; } = key;

    public string Name { get; } = name;

    public string? Id { get; set; } = id;

    public string? Country { get; } = country;

    /// <summary>Distinct shipments (<see cref="Scoring.ShipmentRef"/>), not lines: a shipment declared by both customs counts once.</summary>
    public int Shipments { get; set; }

    public double Value { get; set; }

    /// <summary>The largest shipment's value (its counted lines together).</summary>
    public double MaxShipment { get; set; }

    /// <summary>Largest line value over the median line value of the same HS6 goods (computed for new exporters only).</summary>
    public double MaxValueRatio { get; set; }

    public DateOnly First { get; set; } = first;

    public DateOnly Last { get; set; } = first;

    /// <summary>Counts of the counted lines' declared values by first digit (index 1-9).</summary>
    public int[] Digits { get; } = new int[10];

    public int DigitCount { get; set; }

    public int Round { get; set; }

    public int ValueCount { get; set; }

    /// <summary>HS6 groups ("2933.39"), most valuable first, at most <see cref="ExporterProfiler.MaxListed"/>.</summary>
    public List<string> Commodities { get; set; } = [];

    /// <summary>Importer names, most valuable first, at most <see cref="ExporterProfiler.MaxListed"/>.</summary>
    public List<string> Counterparties { get; set; } = [];
}
