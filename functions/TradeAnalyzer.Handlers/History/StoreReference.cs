using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Handlers.Analysis;

namespace TradeAnalyzer.Handlers.History;

/// <summary>
/// Reference files uploaded under `incoming/reference/` are kept in `archive/reference/{kind}/`. Exchange rates and
/// external baselines accumulate (later files laid over earlier ones); a sanctions list, watchlist or jurisdictions
/// list replaces the previous one.
/// </summary>
public static class StoreReference
{
    private static readonly FileKind[] Kinds = [FileKind.Fx, FileKind.Baselines, FileKind.Sanctions, FileKind.Watchlist, FileKind.Jurisdictions];

    public static bool IsReference(FileKind kind) => Kinds.Contains(kind);

    public static async Task SaveAsync(HistoryStore store, FileKind kind, string sha256, string fileName, Stream content, CancellationToken cancellationToken)
    {
        var ext = Path.GetExtension(fileName).ToLowerInvariant() is ".xlsx" ? ".xlsx" : ".csv";
        var name = StoreLayout.ReferencePrefix(kind.ToText()) + $"{DateTimeOffset.UtcNow:yyyyMMddHHmmss}-{sha256[..16]}{ext}";
        await store.Blobs.PutAsync(StoreLayout.Archive, name, content, new Storage.BlobPutOptions
        {
            Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["source"] = Uri.EscapeDataString(fileName) },
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds the stored reference files to a request (files read in memory: reference lists are small).</summary>
    public static async Task<AnalysisRequest> ApplyAsync(HistoryStore store, AnalysisRequest request, CancellationToken cancellationToken)
    {
        var byKind = new Dictionary<FileKind, List<(string Name, DateTimeOffset At)>>();
        await foreach (var blob in store.Blobs.ListAsync(StoreLayout.Archive, "reference/", cancellationToken).ConfigureAwait(false))
        {
            var parts = blob.Name.Split('/');
            if (parts.Length == 3 && EnumText.TryParseFileKind(parts[1], out var kind))
            {
                if (!byKind.TryGetValue(kind, out var list))
                {
                    byKind[kind] = list = [];
                }

                list.Add((blob.Name, blob.LastModified));
            }
        }

        async Task<List<InputFile>> Files(FileKind kind, bool latestOnly)
        {
            if (!byKind.TryGetValue(kind, out var list))
            {
                return [];
            }

            var ordered = list.OrderBy(x => x.Name, StringComparer.Ordinal).ToList();
            if (latestOnly)
            {
                ordered = [ordered[^1]];
            }

            var files = new List<InputFile>();
            foreach (var (name, _) in ordered)
            {
                await using var download = await store.Blobs.GetAsync(StoreLayout.Archive, name, cancellationToken).ConfigureAwait(false);
                if (download is null)
                {
                    continue;
                }

                var buffer = new MemoryStream();
                await download.Content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                var bytes = buffer.ToArray();
                files.Add(new InputFile(name, () => new MemoryStream(bytes, writable: false), kind));
            }

            return files;
        }

        var fx = await Files(FileKind.Fx, false).ConfigureAwait(false);
        var baselines = await Files(FileKind.Baselines, false).ConfigureAwait(false);
        var sanctions = await Files(FileKind.Sanctions, true).ConfigureAwait(false);
        var watchlist = await Files(FileKind.Watchlist, true).ConfigureAwait(false);
        var jurisdictions = await Files(FileKind.Jurisdictions, true).ConfigureAwait(false);
        return request with
        {
            FxFiles = [.. fx, .. request.FxFiles],
            BaselineFiles = [.. baselines, .. request.BaselineFiles],
            SanctionsFiles = request.SanctionsFiles.Count > 0 ? request.SanctionsFiles : sanctions,
            WatchlistFile = request.WatchlistFile ?? watchlist.FirstOrDefault(),
            JurisdictionsFile = request.JurisdictionsFile ?? jurisdictions.FirstOrDefault(),
        };
    }
}
