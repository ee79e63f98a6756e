using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Reference;
using TradeAnalyzer.Ingestion;

namespace TradeAnalyzer.Handlers.Analysis;

/// <summary>
/// Builds the reference data of one analysis: the embedded defaults (indicative FX rates, the precursor watchlist, the
/// jurisdictions list) with the user's files laid over or in place of them. Reference files are read by the same
/// ingestion as data files, so they get the same encoding detection, XLSX support, limits and rejected rows.
/// </summary>
public static class ReferenceLoader
{
    public static ReferenceData Load(
        AnalysisRequest request,
        List<InputFileSummary> summaries,
        List<RejectedRow> rejected,
        CancellationToken cancellationToken = default)
    {
        var fx = ReferenceDefaults.Fx;
        foreach (var file in request.FxFiles)
        {
            var read = Read(file, FileKind.Fx, request, fx, summaries, rejected, cancellationToken);
            if (read.Fx is not null)
            {
                fx = fx.Overlay(read.Fx);
            }
        }

        var baselines = new List<ExternalBaseline>();
        foreach (var file in request.BaselineFiles)
        {
            baselines.AddRange(Read(file, FileKind.Baselines, request, fx, summaries, rejected, cancellationToken).Baselines ?? []);
        }

        var watchlist = Watchlist.Default;
        if (request.WatchlistFile is { } w)
        {
            watchlist = Watchlist.Parse(Read(w, FileKind.Watchlist, request, fx, summaries, rejected, cancellationToken).Table ?? []);
        }

        var jurisdictions = JurisdictionList.Default;
        if (request.JurisdictionsFile is { } j)
        {
            jurisdictions = JurisdictionList.Parse(Read(j, FileKind.Jurisdictions, request, fx, summaries, rejected, cancellationToken).Table ?? []);
        }

        var sanctions = new List<SanctionsEntry>();
        foreach (var file in request.SanctionsFiles)
        {
            var rows = Read(file, FileKind.Sanctions, request, fx, summaries, rejected, cancellationToken).Table ?? [];
            IReadOnlyList<IReadOnlyList<string>>? alt = null;
            if (AltFileBeside(file) is { } altFile)
            {
                alt = Read(altFile, FileKind.Sanctions, request, fx, summaries, rejected, cancellationToken).Table;
            }

            sanctions.AddRange(SanctionsList.Parse(rows, alt).Entries);
        }

        return new ReferenceData
        {
            Fx = fx,
            Watchlist = watchlist,
            Jurisdictions = jurisdictions,
            Sanctions = sanctions.Count == 0 ? SanctionsList.Empty : new SanctionsList(sanctions),
            ExternalBaselines = baselines,
        };
    }

    private static FileReadResult Read(
        InputFile file,
        FileKind kind,
        AnalysisRequest request,
        FxTable fx,
        List<InputFileSummary> summaries,
        List<RejectedRow> rejected,
        CancellationToken cancellationToken)
    {
        using var stream = file.Open();
        var options = new IngestionOptions { Kind = kind, Fx = fx, MaxFileBytes = request.MaxFileBytes, MaxRows = request.MaxRows };
        var result = new FileIngestor().Read(stream, file.DisplayName, options, null, cancellationToken);
        summaries.Add(result.Summary);
        rejected.AddRange(result.Rejected);
        return result;
    }

    /// <summary>OFAC publishes aliases in ALT.CSV beside SDN.CSV; read it when the sanctions file is an SDN.CSV on disk.</summary>
    private static InputFile? AltFileBeside(InputFile file)
    {
        var name = Path.GetFileName(file.DisplayName);
        if (!string.Equals(name, "sdn.csv", StringComparison.OrdinalIgnoreCase) || !File.Exists(file.DisplayName))
        {
            return null;
        }

        var dir = Path.GetDirectoryName(Path.GetFullPath(file.DisplayName))!;
        var alt = Directory.EnumerateFiles(dir).FirstOrDefault(f => string.Equals(Path.GetFileName(f), "alt.csv", StringComparison.OrdinalIgnoreCase));
        return alt is null ? null : InputFile.FromPath(alt, FileKind.Sanctions);
    }
}
