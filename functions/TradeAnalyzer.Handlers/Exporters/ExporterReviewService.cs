using System.Security.Cryptography;
using System.Text;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Scoring;
using TradeAnalyzer.Handlers.History;
using TradeAnalyzer.Handlers.Outputs;
using TradeAnalyzer.Ingestion;
using TradeAnalyzer.Reports;

namespace TradeAnalyzer.Handlers.Exporters;

/// <summary>A disposition as posted by an analyst.</summary>
public sealed record DispositionRequest(string? Status, string? Note, string? Analyst);

/// <summary>An exporter's profile with its analyst decisions, newest first.</summary>
public sealed record ExporterDetail(ExporterProfile Profile, IReadOnlyList<Disposition> Dispositions);

/// <summary>
/// The exporter review behind the HTTP API and `tradeanalyzer exporter`: exporters by risk, one exporter's profile and
/// decisions, its review workbook (shipments and flags read from the archive of the uploads it appears in), and
/// dispositions. Host-agnostic: the local host and the Functions app map HTTP onto these methods.
/// </summary>
public sealed class ExporterReviewService
{
    public const int MaxNoteLength = 2000;
    public const int MaxAnalystLength = 200;

    private readonly HistoryStore _store;
    private readonly TimeProvider _time;

    public ExporterReviewService(HistoryStore store, TimeProvider? time = null)
    {
        _store = store;
        _time = time ?? TimeProvider.System;
    }

    public async Task<IReadOnlyList<ExporterProfile>> ListAsync(int top = 100, CancellationToken cancellationToken = default) =>
        [.. (await _store.LoadExportersAsync(cancellationToken).ConfigureAwait(false)).Take(Math.Clamp(top, 1, 10_000))];

    /// <summary>Finds an exporter by its key, its id or its (normalised) name.</summary>
    public async Task<ExporterDetail?> GetAsync(string keyOrName, CancellationToken cancellationToken = default)
    {
        var profile = await FindAsync(keyOrName, cancellationToken).ConfigureAwait(false);
        if (profile is null)
        {
            return null;
        }

        var dispositions = await _store.LoadDispositionsAsync(profile.Key, cancellationToken).ConfigureAwait(false);
        return new ExporterDetail(profile, dispositions);
    }

    /// <summary>Writes the exporter's review workbook; false when the exporter is unknown.</summary>
    public async Task<bool> WriteReviewAsync(string keyOrName, Stream output, string language = "en", CancellationToken cancellationToken = default)
    {
        var model = await BuildReviewAsync(keyOrName, language, cancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return false;
        }

        ExporterReview.Write(output, model);
        return true;
    }

    /// <summary>Writes the review workbook to `reports/exporters/{key}.xlsx` and returns its name.</summary>
    public async Task<string?> SaveReviewAsync(string keyOrName, string language = "en", CancellationToken cancellationToken = default)
    {
        var model = await BuildReviewAsync(keyOrName, language, cancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return null;
        }

        var name = StoreLayout.ExporterReviewName(model.Profile.Key);
        await UploadOutputs.PutAsync(_store.Blobs, StoreLayout.Reports, name, s => ExporterReview.Write(s, model), ContentTypes.Xlsx, cancellationToken).ConfigureAwait(false);
        return name;
    }

    public async Task<ExporterReviewModel?> BuildReviewAsync(string keyOrName, string language, CancellationToken cancellationToken)
    {
        var profile = await FindAsync(keyOrName, cancellationToken).ConfigureAwait(false);
        if (profile is null)
        {
            return null;
        }

        // The uploads in upload order, each line's latest version standing and the findings of superseded line versions
        // dropped, and the findings the standing profile lists as withdrawn (a later upload's verdict on their subject)
        // left out: the same lines and findings the standing profile counts (ExporterRollup), so the workbook's Shipments
        // and Flags sheets agree with its profile.
        var withdrawn = await _store.LoadWithdrawnFindingsAsync(profile.Key, cancellationToken).ConfigureAwait(false);
        var lines = new Dictionary<string, (int Upload, DeclarationLine Line)>(StringComparer.Ordinal);
        var flagsByUpload = new List<List<Flag>>();
        var ingestor = new FileIngestor();
        var uploads = await _store.LoadExporterUploadsInOrderAsync(profile.Key, cancellationToken).ConfigureAwait(false);
        for (var u = 0; u < uploads.Count; u++)
        {
            var uploadId = uploads[u];
            await using (var download = await _store.Blobs.GetAsync(StoreLayout.Archive, StoreLayout.ArchivePrefix(uploadId) + "declarations.csv", cancellationToken).ConfigureAwait(false))
            {
                if (download is not null)
                {
                    var read = ingestor.Read(download.Content, $"archive/{uploadId}/declarations.csv", new IngestionOptions { Kind = FileKind.Declarations }, null, cancellationToken);
                    foreach (var d in read.Declarations)
                    {
                        if (d.ExporterKey == profile.Key)
                        {
                            lines[d.RecordKey] = (u, d);
                        }
                    }
                }
            }

            flagsByUpload.Add([.. (await _store.LoadArchivedFlagsAsync(uploadId, cancellationToken).ConfigureAwait(false)).Where(f => f.ExporterKey == profile.Key)]);
        }

        var flags = new Dictionary<string, Flag>(StringComparer.Ordinal);
        for (var u = flagsByUpload.Count - 1; u >= 0; u--)
        {
            foreach (var f in flagsByUpload[u])
            {
                var superseded = RecordScorer.RecordOf(f) is { Type: RecordType.Declaration, Key: var key }
                    && lines.TryGetValue(key, out var standing) && standing.Upload > u;
                if (!superseded && !withdrawn.Contains(ExporterDigest.FindingKeyOf(f)))
                {
                    flags.TryAdd(f.Key, f);
                }
            }
        }

        var shipments = lines.Values.Select(x => x.Line).OrderBy(d => d.Date).ThenBy(d => d.RecordKey, StringComparer.Ordinal).ToList();
        var ordered = flags.Values.OrderBy(f => f.Key, StringComparer.Ordinal).ToList();

        return new ExporterReviewModel
        {
            Profile = profile,
            Shipments = shipments,
            Flags = ordered,
            Dispositions = await _store.LoadDispositionsAsync(profile.Key, cancellationToken).ConfigureAwait(false),
            GeneratedAt = _time.GetUtcNow(),
            Language = language,
        };
    }

    /// <summary>Validates and records a disposition. Throws <see cref="ArgumentException"/> with a clear message on bad input.</summary>
    public async Task<Disposition?> PostDispositionAsync(string keyOrName, DispositionRequest request, CancellationToken cancellationToken = default)
    {
        if (!Enum.TryParse<DispositionStatus>(request.Status, ignoreCase: true, out var status) || status == DispositionStatus.Pending
            || !Enum.IsDefined(status) || int.TryParse(request.Status, out _))
        {
            throw new ArgumentException("status must be one of: reviewed, cleared, escalated.");
        }

        var analyst = (request.Analyst ?? string.Empty).Trim();
        if (analyst.Length is 0 or > MaxAnalystLength)
        {
            throw new ArgumentException($"analyst is required (at most {MaxAnalystLength} characters).");
        }

        var note = (request.Note ?? string.Empty).Trim();
        if (note.Length > MaxNoteLength)
        {
            throw new ArgumentException($"note is longer than {MaxNoteLength} characters.");
        }

        var profile = await FindAsync(keyOrName, cancellationToken).ConfigureAwait(false);
        if (profile is null)
        {
            return null;
        }

        var disposition = new Disposition(profile.Key, _time.GetUtcNow(), analyst, status, note.Length == 0 ? null : note);
        await _store.AddDispositionAsync(disposition, cancellationToken).ConfigureAwait(false);
        return disposition;
    }

    private async Task<ExporterProfile?> FindAsync(string keyOrName, CancellationToken cancellationToken)
    {
        var direct = await _store.LoadExporterAsync(keyOrName, cancellationToken).ConfigureAwait(false);
        if (direct is not null)
        {
            return direct;
        }

        var normalised = Core.Text.PartyNames.Normalize(keyOrName);
        var all = await _store.LoadExportersAsync(cancellationToken).ConfigureAwait(false);
        return all.FirstOrDefault(p => string.Equals(p.ExporterId, keyOrName, StringComparison.OrdinalIgnoreCase))
            ?? all.FirstOrDefault(p => Core.Text.PartyNames.Normalize(p.Name) == normalised);
    }
}

/// <summary>Checks the API key of the exporter review API in constant time; a missing or empty expected key refuses everything.</summary>
public static class ApiKeys
{
    public static bool IsValid(string? presented, string? expected)
    {
        if (string.IsNullOrEmpty(expected) || string.IsNullOrEmpty(presented))
        {
            return false;
        }

        var a = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var b = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
