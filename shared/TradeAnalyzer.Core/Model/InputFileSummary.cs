namespace TradeAnalyzer.Core.Model;

/// <summary>One input file as summary.json and the report's About sheet show it. RowsRead = RowsAccepted + RowsRejected.</summary>
public sealed record InputFileSummary
{
    /// <summary>The file's display name (as given on the command line, or the blob name).</summary>
    public required string Path { get; init; }

    public required FileKind Kind { get; init; }

    public long RowsRead { get; init; }

    public long RowsAccepted { get; init; }

    public long RowsRejected { get; init; }

    /// <summary>SHA-256 of the file's bytes, lower-case hex.</summary>
    public string Sha256 { get; init; } = string.Empty;

    public long Bytes { get; init; }

    /// <summary>Set when the file was rejected whole (e.g. a required column is missing).</summary>
    public string? Error { get; init; }

    /// <summary>Encoding, delimiter and profile detected, for the About sheet (e.g. "utf-8, ';', mx-pedimento").</summary>
    public string? Detected { get; init; }
}
