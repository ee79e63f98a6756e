using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Ingestion;

/// <summary>One canonical column of a file kind (spec section 1): its name and whether a file must have it.</summary>
/// <param name="Name">The canonical (snake_case) column name.</param>
/// <param name="Required">True when a file of the kind is rejected whole without it.</param>
public sealed record CanonicalColumn(string Name, bool Required);

/// <summary>The canonical columns of every file kind, in a fixed order the row parsers index into.</summary>
public static class CanonicalColumns
{
    /// <summary>Declaration columns (spec 1.1).</summary>
    public static IReadOnlyList<CanonicalColumn> Declarations { get; } =
    [
        new("declaration_id", true), new("line_no", false), new("flow", true), new("declaration_date", true),
        new("reporter_country", true), new("exporter_name", true), new("importer_name", true), new("exporter_id", false),
        new("importer_id", false), new("exporter_country", false), new("importer_country", false), new("origin_country", true),
        new("destination_country", true), new("hs_code", true), new("description", false), new("cas_number", false),
        new("quantity", true), new("quantity_unit", true), new("net_weight_kg", false), new("value", true),
        new("currency", true), new("incoterm", false), new("invoice_number", false), new("transport_mode", false),
        new("port_of_loading", false), new("port_of_discharge", false), new("transit_countries", false), new("shipment_id", false),
    ];

    /// <summary>Invoice columns (spec 1.2). hs_code/description and unit_price/line_total are "one of" pairs checked per row.</summary>
    public static IReadOnlyList<CanonicalColumn> Invoices { get; } =
    [
        new("invoice_number", true), new("invoice_date", true), new("seller_name", true), new("buyer_name", true),
        new("seller_country", false), new("buyer_country", false), new("seller_id", false), new("buyer_id", false),
        new("line_no", false), new("hs_code", false), new("description", false), new("cas_number", false),
        new("quantity", true), new("quantity_unit", true), new("unit_price", false), new("line_total", false),
        new("currency", true), new("incoterm", false), new("payment_terms", false), new("payer_name", false),
        new("payer_country", false), new("beneficiary_name", false), new("beneficiary_country", false), new("shipment_id", false),
        new("transport_mode", false),
    ];

    /// <summary>Aggregate mirror-statistics columns (spec 1.4).</summary>
    public static IReadOnlyList<CanonicalColumn> Comtrade { get; } =
    [
        new("period", true), new("reporter", true), new("partner", true), new("flow", true), new("commodity_code", true),
        new("trade_value_usd", true), new("netweight_kg", false), new("qty", false), new("qty_unit", false),
    ];

    /// <summary>Exchange-rate columns (spec 1.3).</summary>
    public static IReadOnlyList<CanonicalColumn> Fx { get; } = [new("date", true), new("currency", true), new("usd_per_unit", true)];

    /// <summary>External baseline columns (spec 1.3).</summary>
    public static IReadOnlyList<CanonicalColumn> Baselines { get; } =
    [
        new("hs_code", true), new("quantity_unit", true), new("median_usd", true), new("q1_usd", false), new("q3_usd", false),
        new("n", false), new("source", false), new("period", false),
    ];

    /// <summary>Plain sanctions list columns (spec 1.3; the OFAC SDN.CSV has no header and is recognised by its shape).</summary>
    public static IReadOnlyList<CanonicalColumn> Sanctions { get; } =
        [new("name", true), new("country", false), new("program", true), new("source", false)];

    /// <summary>Watchlist columns (spec 1.3).</summary>
    public static IReadOnlyList<CanonicalColumn> Watchlist { get; } =
    [
        new("name", true), new("synonyms", true), new("cas_numbers", true), new("hs_codes", true), new("control", false),
        new("source", false),
    ];

    /// <summary>Jurisdiction list columns (spec 1.3).</summary>
    public static IReadOnlyList<CanonicalColumn> Jurisdictions { get; } =
        [new("country", true), new("risk", true), new("reason", false), new("as_of", false)];

    /// <summary>The kinds a header is matched against, most specific first.</summary>
    public static IReadOnlyList<FileKind> RecognisedKinds { get; } =
    [
        FileKind.Declarations, FileKind.Invoices, FileKind.Comtrade, FileKind.Fx, FileKind.Baselines, FileKind.Watchlist,
        FileKind.Jurisdictions, FileKind.Sanctions,
    ];

    /// <summary>The columns of <paramref name="kind"/> (empty for <see cref="FileKind.Unknown"/>).</summary>
    public static IReadOnlyList<CanonicalColumn> For(FileKind kind) => kind switch
    {
        FileKind.Declarations => Declarations,
        FileKind.Invoices => Invoices,
        FileKind.Comtrade => Comtrade,
        FileKind.Fx => Fx,
        FileKind.Baselines => Baselines,
        FileKind.Sanctions => Sanctions,
        FileKind.Watchlist => Watchlist,
        FileKind.Jurisdictions => Jurisdictions,
        _ => [],
    };

    /// <summary>Index of <paramref name="name"/> in the columns of <paramref name="kind"/>, or -1.</summary>
    public static int IndexOf(FileKind kind, string name)
    {
        var cols = For(kind);
        for (var i = 0; i < cols.Count; i++)
        {
            if (string.Equals(cols[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
