namespace TradeAnalyzer.Core.Model;

/// <summary>
/// One finding (spec section 2): a row of flags.csv and an element of flags.json. <see cref="Explanation"/> is one
/// sentence a customs analyst understands without knowing the code, quoting the figures behind it.
/// </summary>
public sealed record Flag
{
    // The optional figures are kept as plain fields plus one byte of presence bits rather than as nullable fields (each
    // of which pads its flag to 8 bytes): a flag is 184 bytes instead of 216. An analysis keeps every flag until the
    // outputs are written (270,628 of them for 1.9M lines), and each was copied gen0 -> gen1 -> gen2 by the collector
    // while the detectors ran. Absent values are stored as the default, so the record's equality is as before.
    private const byte HasLineNo = 1;
    private const byte HasValueUsd = 2;
    private const byte HasValueAtRisk = 4;
    private const byte HasDate = 8;
    private const byte HasSource = 16;

    private byte _present;
    private int _lineNo;
    private double _valueUsd;
    private double _valueAtRiskUsd;
    private DateOnly _date;
    private SourceRef _source;
    private FlagTexts _texts;

    public required FlagCode Code { get; init; }

    public required Severity Severity { get; init; }

    /// <summary>0-100, how unusual; comparable across codes.</summary>
    public required double Score { get; init; }

    public required RecordType RecordType { get; init; }

    public string? DeclarationId { get; init; }

    public int? LineNo { get => Get(HasLineNo, _lineNo); init => _lineNo = Set(HasLineNo, value); }

    public string? InvoiceNumber { get; init; }

    public string? ShipmentId { get; init; }

    public string? ExporterName { get; init; }

    public string? ImporterName { get; init; }

    /// <summary>HS code as displayed (2933.39.99).</summary>
    public string? HsCode { get; init; }

    public double? ValueUsd { get => Get(HasValueUsd, _valueUsd); init => _valueUsd = Set(HasValueUsd, value); }

    public double? ValueAtRiskUsd { get => Get(HasValueAtRisk, _valueAtRiskUsd); init => _valueAtRiskUsd = Set(HasValueAtRisk, value); }

    /// <summary>The baseline or counterpart figure (e.g. "9.80-22.10 USD/kg", "CIF 10,700 USD").</summary>
    public string? Expected { get => _texts.Text(FlagTexts.Expected); init => _texts = _texts.With(FlagTexts.Expected, value); }

    /// <summary>The record's own figure (e.g. "41.20 USD/kg").</summary>
    public string? Observed { get => _texts.Text(FlagTexts.Observed); init => _texts = _texts.With(FlagTexts.Observed, value); }

    /// <summary>
    /// The sentence (empty when none was set). Flags of the detectors keep it, <see cref="Expected"/> and
    /// <see cref="Observed"/> as UTF-8 (<see cref="Texts"/>): reading them as strings decodes a new string each time.
    /// </summary>
    public string Explanation { get => _texts.Text(FlagTexts.Explanation) ?? string.Empty; init => _texts = _texts.With(FlagTexts.Explanation, value); }

    /// <summary>
    /// The three texts as kept (UTF-8 in a shared chunk, or strings): what the detectors set in one go
    /// (<see cref="FlagTexts.Encode"/>) and the output writers read as bytes. Part of the record's equality, by content.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public FlagTexts Texts { get => _texts; init => _texts = value; }

    // Context beyond the spec's columns: used for storage partitioning, reports and exporter roll-ups.

    /// <summary>The exporter's profile key (tax id or normalised name), when the record has an exporter.</summary>
    public string? ExporterKey { get; init; }

    /// <summary>The record's date (declaration or invoice date), for weekly partitions and trends.</summary>
    public DateOnly? Date { get => Get(HasDate, _date); init => _date = Set(HasDate, value); }

    public string? OriginCountry { get; init; }

    public string? DestinationCountry { get; init; }

    /// <summary>Where the record came from (file and row), when it came from one row.</summary>
    public SourceRef? Source { get => Get(HasSource, _source); init => _source = Set(HasSource, value); }

    /// <summary>The period of an aggregate (corridor) finding, e.g. "2025" or "202503"; part of the key when set.</summary>
    public string? Period { get; init; }

    /// <summary>Stable identity of this finding: the same flag on the same record always has the same key (idempotency).</summary>
    public string Key => $"{Code.ToCode()}|{RecordType.ToText()}|{DeclarationId}|{LineNo}|{InvoiceNumber}|{ShipmentId}|{(RecordType is RecordType.Exporter or RecordType.Corridor ? ExporterKey ?? ExporterName : null)}|{(RecordType == RecordType.Corridor ? $"{OriginCountry}-{DestinationCountry}-{HsCode}-{Period}" : null)}";

    private T? Get<T>(byte bit, T value)
        where T : struct => (_present & bit) != 0 ? value : null;

    /// <summary>Marks the value present or absent and returns what to store (the default when absent).</summary>
    private T Set<T>(byte bit, T? value)
        where T : struct
    {
        if (value is { } v)
        {
            _present |= bit;
            return v;
        }

        _present &= (byte)~bit;
        return default;
    }
}
