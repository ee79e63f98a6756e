using System.Globalization;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Reference;

namespace TradeAnalyzer.Ingestion;

/// <summary>
/// Reads one input file (CSV or XLSX) into validated, normalised records. Streaming: one row in memory at a time
/// besides the accepted records. Never throws on bad data: every data row is either accepted or rejected with a
/// reason, and a file that cannot be used at all is reported in <see cref="InputFileSummary.Error"/>.
/// </summary>
public sealed class FileIngestor
{
    private const int ProgressEvery = 65_536;

    /// <summary>Reads <paramref name="stream"/> (named <paramref name="displayName"/> in summaries and rejections).</summary>
    public FileReadResult Read(Stream stream, string displayName, IngestionOptions options, IProgress<IngestProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        var total = 0L;
        try
        {
            total = stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : 0;
        }
        catch (NotSupportedException)
        {
        }

        using var hashing = new HashingReadStream(stream, options.MaxFileBytes);
        var run = new Run(displayName, options.Kind ?? FileKind.Unknown);
        if (total > options.MaxFileBytes)
        {
            return run.Fail(hashing, string.Create(CultureInfo.InvariantCulture, $"the file is {total:N0} bytes, over the {options.MaxFileBytes:N0}-byte limit"));
        }

        MappingProfile? profile = null;
        if (!string.IsNullOrWhiteSpace(options.Profile) && !MappingProfile.TryResolve(options.Profile, out profile, out var profileError))
        {
            return run.Fail(hashing, profileError!);
        }

        TabularSource source;
        try
        {
            source = TabularSource.Open(hashing, displayName, new TabularSourceOptions { Kind = options.Kind });
        }
        catch (InvalidDataException ex)
        {
            return run.Fail(hashing, ex.Message);
        }
        catch (IOException ex)
        {
            return run.Fail(hashing, $"the file could not be read: {ex.Message}");
        }

        var parsed = ParsedBytes(source, total);
        if ((source is CsvTabularSource or XlsxTabularSource) && total >= options.PipelineMinBytes)
        {
            // A big file is split into rows on a second thread (a text file's lines, a workbook's inflated and scanned
            // sheet) while this one parses them (same rows, same order).
            source = new PipelinedTabularSource(source);
        }

        if (parsed >= ReadGcScope.MinBytes)
        {
            // A big file's records are the start of a big heap: from here on it is backed by huge pages (see HeapHugePages).
            HeapHugePages.EnsureAdvised();
        }

        string? detected;
        // A big file is read without collections (see ReadGcScope): they would find almost nothing to free.
        using (ReadGcScope.Enter(source is PipelinedTabularSource && parsed >= ReadGcScope.MinBytes, parsed))
        using (source)
        {
            try
            {
                detected = ReadRows(source, run, options, profile, total, hashing, progress, cancellationToken);
            }
            catch (InvalidDataException ex)
            {
                run.Error ??= ex.Message;
                detected = source.Detected;
            }
            catch (IOException ex)
            {
                run.Error ??= $"the file could not be read to the end: {ex.Message}";
                detected = source.Detected;
            }
        }

        // After the source is closed: a pipelined source's reading thread has stopped, so the rest of the file is hashed here.
        return run.Finish(hashing, detected);
    }

    /// <summary>
    /// The size that decides how a file is read (huge pages, a read without collections) and the read's allocation
    /// budget: what a read allocates follows the text it parses. A text file's size; for a workbook, the text its parts
    /// expand to reads like (<see cref="XlsxTabularSource.TextEquivalent"/>), which the compression hides: sized by its
    /// compressed 42 MB, a 200,000-row sheet was read with collections and without huge pages, and 21% of the parsing
    /// thread was the first touch of new memory.
    /// </summary>
    internal static long ParsedBytes(TabularSource source, long fileBytes) => source switch
    {
        XlsxTabularSource xlsx => Math.Max(fileBytes, XlsxTabularSource.TextEquivalent(xlsx.ExpandedBytes)),
        _ => fileBytes,
    };

    // Reads the rows into the run; returns what was detected.
    private static string? ReadRows(TabularSource source, Run run, IngestionOptions options, MappingProfile? profile, long total, HashingReadStream hashing, IProgress<IngestProgress>? progress, CancellationToken ct)
    {
        if (!source.Read())
        {
            run.Error = "the file is empty (no header row)";
            return source.Detected;
        }

        var header = source.GetStrings();
        var forced = options.Kind is not null and not FileKind.Unknown ? options.Kind : null;
        if ((forced is null or FileKind.Sanctions) && HeaderResolver.LooksLikeSdn(header))
        {
            run.Kind = FileKind.Sanctions;
            var table = new List<IReadOnlyList<string>> { header };
            run.Accepted++;
            run.Table = table;
            ReadTable(source, hashing, run, options, table, total, progress, ct);
            return source.Detected + ", OFAC SDN (no header)";
        }

        if (forced is FileKind.Sanctions or FileKind.Watchlist or FileKind.Jurisdictions)
        {
            // A forced reference list is passed through raw (header first): its Core parser knows its layouts.
            run.Kind = forced.Value;
            var table = new List<IReadOnlyList<string>> { header };
            run.Table = table;
            ReadTable(source, hashing, run, options, table, total, progress, ct);
            return source.Detected;
        }

        var resolution = source.RowError is null ? HeaderResolver.Resolve(header, forced, profile) : null;
        if (resolution is null)
        {
            run.Error = source.RowError is not null
                ? $"the header row is malformed: {source.RowError}"
                : "the kind of file could not be recognised from its header row; name the kind with --kind or give a mapping profile";
            RejectAll(source, hashing, run, options, null, run.Error, total, progress, ct);
            return source.Detected;
        }

        run.Kind = resolution.Kind;
        var detected = $"{source.Detected}, {resolution.Profile.Name}";
        if (resolution.Missing.Count > 0)
        {
            run.Error = resolution.Missing.Count == 1
                ? $"the file has no {resolution.Missing[0]} column (required for {resolution.Kind.ToText()})"
                : $"the file has no {string.Join(", ", resolution.Missing)} columns (required for {resolution.Kind.ToText()})";
            RejectAll(source, hashing, run, options, resolution.Missing[0], run.Error, total, progress, ct);
            return detected;
        }

        var cursor = new RowCursor(source, resolution);
        // Rows expected from the file size (data rows of these kinds run 250-400 bytes): the record list and the duplicate
        // check are sized once instead of doubling, since every doubling of a large array is a large-object allocation
        // that brings the next full collection of the whole heap of records forward.
        var expected = (int)Math.Max(16, Math.Min(total / 256, Math.Min(options.MaxRows, 8_000_000)));
        var parser = new RecordParser(cursor, run.File, options.Fx, expected);
        // Each kind's list is the run's before its loop: when the file breaks off part-way (a malformed sheet, a read that
        // fails), the rows accepted until then are kept with the error in the summary, as with a file cut at the row limit.
        switch (resolution.Kind)
        {
            case FileKind.Declarations:
                var declarations = new List<DeclarationLine>(expected);
                run.Declarations = declarations;
                Loop(source, hashing, run, options, total, progress, ct, n =>
                {
                    if (parser.Declaration(n) is { } d)
                    {
                        declarations.Add(d);
                        return true;
                    }

                    return false;
                }, parser);
                break;
            case FileKind.Invoices:
                var invoices = new List<InvoiceLine>(expected);
                run.Invoices = invoices;
                Loop(source, hashing, run, options, total, progress, ct, n =>
                {
                    if (parser.Invoice(n) is { } d)
                    {
                        invoices.Add(d);
                        return true;
                    }

                    return false;
                }, parser);
                break;
            case FileKind.Comtrade:
                var rows = new List<ComtradeRow>();
                run.Comtrade = rows;
                Loop(source, hashing, run, options, total, progress, ct, n =>
                {
                    if (parser.Comtrade(n) is { } d)
                    {
                        rows.Add(d);
                        return true;
                    }

                    return false;
                }, parser);
                break;
            case FileKind.Fx:
                var fx = new FxTable.Builder();
                try
                {
                    Loop(source, hashing, run, options, total, progress, ct, _ => parser.Fx(fx), parser);
                }
                finally
                {
                    run.Fx = fx.Build();
                }
                break;
            case FileKind.Baselines:
                var baselines = new List<ExternalBaseline>();
                run.Baselines = baselines;
                Loop(source, hashing, run, options, total, progress, ct, _ =>
                {
                    if (parser.Baseline() is { } b)
                    {
                        baselines.Add(b);
                        return true;
                    }

                    return false;
                }, parser);
                break;
            default:
                var table = new List<IReadOnlyList<string>> { header };
                run.Table = table;
                ReadTable(source, hashing, run, options, table, total, progress, ct);
                break;
        }

        parser.Release();

        return detected;
    }

    private static void Loop(TabularSource source, HashingReadStream hashing, Run run, IngestionOptions options, long total, IProgress<IngestProgress>? progress, CancellationToken ct, Func<long, bool> accept, RecordParser parser)
    {
        while (Next(source, hashing, run, options, total, progress, ct))
        {
            var row = source.RowNumber;
            if (source.RowError is { } error)
            {
                run.Reject(row, null, error, null);
                continue;
            }

            if (accept(row))
            {
                run.Accepted++;
            }
            else
            {
                var f = parser.Failure;
                run.Reject(row, f.Column, f.Reason, f.Value);
            }
        }
    }

    private static void ReadTable(TabularSource source, HashingReadStream hashing, Run run, IngestionOptions options, List<IReadOnlyList<string>> table, long total, IProgress<IngestProgress>? progress, CancellationToken ct)
    {
        while (Next(source, hashing, run, options, total, progress, ct))
        {
            if (source.RowError is { } error)
            {
                run.Reject(source.RowNumber, null, error, null);
                continue;
            }

            table.Add(source.GetStrings());
            run.Accepted++;
        }
    }

    private static void RejectAll(TabularSource source, HashingReadStream hashing, Run run, IngestionOptions options, string? column, string reason, long total, IProgress<IngestProgress>? progress, CancellationToken ct)
    {
        while (Next(source, hashing, run, options, total, progress, ct))
        {
            run.Reject(source.RowNumber, column, reason, null);
        }
    }

    private static bool Next(TabularSource source, HashingReadStream hashing, Run run, IngestionOptions options, long total, IProgress<IngestProgress>? progress, CancellationToken ct)
    {
        var seen = run.Accepted + run.Rejected.Count;
        if ((seen & 4095) == 0)
        {
            ct.ThrowIfCancellationRequested();
        }

        if (seen > 0 && seen % ProgressEvery == 0)
        {
            progress?.Report(new IngestProgress(seen, hashing.BytesRead, total));
        }

        if (seen >= options.MaxRows)
        {
            run.Error ??= string.Create(CultureInfo.InvariantCulture, $"the file has more than {options.MaxRows:N0} data rows; the rest was not read");
            return false;
        }

        return source.Read();
    }

    /// <summary>The mutable state of one read, turned into a <see cref="FileReadResult"/> at the end.</summary>
    private sealed class Run(string file, FileKind kind)
    {
        public string File { get; } = file;

        public FileKind Kind { get; set; } = kind;

        public long Accepted { get; set; }

        public List<RejectedRow> Rejected { get; } = [];

        public string? Error { get; set; }

        public IReadOnlyList<DeclarationLine> Declarations { get; set; } = [];

        public IReadOnlyList<InvoiceLine> Invoices { get; set; } = [];

        public IReadOnlyList<ComtradeRow> Comtrade { get; set; } = [];

        public FxTable? Fx { get; set; }

        public IReadOnlyList<ExternalBaseline>? Baselines { get; set; }

        public IReadOnlyList<IReadOnlyList<string>>? Table { get; set; }

        public void Reject(long row, string? column, string reason, string? value) => Rejected.Add(new RejectedRow(File, row, column, reason, value));

        public FileReadResult Fail(HashingReadStream hashing, string error)
        {
            Error = error;
            Rejected.Add(new RejectedRow(File, 0, null, error));
            return Finish(hashing, null, countWholeFile: false);
        }

        public FileReadResult Finish(HashingReadStream hashing, string? detected, bool countWholeFile = true)
        {
            var sha = hashing.Finish();
            var rejectedRows = countWholeFile ? Rejected.Count : 0;
            return new FileReadResult
            {
                Summary = new InputFileSummary
                {
                    Path = File,
                    Kind = Kind,
                    RowsRead = Accepted + rejectedRows,
                    RowsAccepted = Accepted,
                    RowsRejected = rejectedRows,
                    Sha256 = sha,
                    Bytes = hashing.BytesRead,
                    Error = Error,
                    Detected = detected,
                },
                Declarations = Declarations,
                Invoices = Invoices,
                Comtrade = Comtrade,
                Rejected = Rejected,
                Fx = Fx,
                Baselines = Baselines,
                Table = Table,
            };
        }
    }
}
