using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Handlers.Analysis;

/// <summary>One input of an analysis: a display name (path or blob name) and a way to open its bytes.</summary>
public sealed record InputFile(string DisplayName, Func<Stream> Open, FileKind? Kind = null)
{
    public static InputFile FromPath(string path, FileKind? kind = null) =>
        new(path, () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan), kind);
}

/// <summary>What to analyse and with which reference data; the files of the `analyze` command line.</summary>
public sealed record AnalysisRequest
{
    public required IReadOnlyList<InputFile> Files { get; init; }

    /// <summary>Exchange rates laid over the embedded defaults (`--fx`).</summary>
    public IReadOnlyList<InputFile> FxFiles { get; init; } = [];

    /// <summary>OFAC SDN.CSV (ALT.CSV beside it is read too) or a plain name,country,program,source list (`--sanctions`).</summary>
    public IReadOnlyList<InputFile> SanctionsFiles { get; init; } = [];

    /// <summary>Replaces the embedded precursor watchlist (`--watchlist`).</summary>
    public InputFile? WatchlistFile { get; init; }

    /// <summary>Replaces the embedded jurisdictions list (`--jurisdictions`).</summary>
    public InputFile? JurisdictionsFile { get; init; }

    /// <summary>External reference unit values (`--baselines`).</summary>
    public IReadOnlyList<InputFile> BaselineFiles { get; init; } = [];

    /// <summary>Mapping profile name or JSON file (`--profile`).</summary>
    public string? Profile { get; init; }

    /// <summary>Forces the kind of every positional file (`--kind`).</summary>
    public FileKind? Kind { get; init; }

    public AnalysisOptions Options { get; init; } = new();

    /// <summary>Largest input file accepted, in bytes.</summary>
    public long MaxFileBytes { get; init; } = 2L << 30;

    /// <summary>Most data rows accepted from one file.</summary>
    public long MaxRows { get; init; } = 50_000_000;
}
