using System.Buffers.Binary;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Profiles;
using TradeAnalyzer.Core.Scoring;

namespace TradeAnalyzer.Handlers.History;

/// <summary>
/// What one upload contributes to an exporter's standing profile, line by line and flag by flag, in a compact form
/// (about 30 bytes a line, 42 a flag): enough for <see cref="ExporterRollup"/> to count each declaration line and each
/// shipment once across uploads. A per-upload profile alone cannot be de-duplicated: the export declaration of a
/// shipment in one upload and its import declaration in another, or a line sent again in a corrected extract, would be
/// counted by both uploads' profiles. Keys are 64-bit hashes of the record keys (a collision among an exporter's
/// lines is about one in 10^11 for a million lines), so no names or ids are stored twice.
/// <para>
/// Version 2 adds, per flag, its <see cref="FlagSubjects"/> entry, and the subjects the upload's analysis judged
/// (<see cref="Covered"/>): a later upload that paired an archived export with its import speaks for that export's
/// mirror status, so an earlier MIRROR_MISSING it does not repeat no longer stands. Version 1 digests (no subjects, no
/// coverage) are still read.
/// </para>
/// </summary>
public sealed class ExporterDigest
{
    /// <summary>Line bits: an export declaration.</summary>
    public const byte ExportBit = 1;

    /// <summary>Line bits: the first digit of the declared value (0 when none) is <c>(bits >> 1) &amp; 0xF</c>.</summary>
    public const int DigitShift = 1;

    /// <summary>Line bits: a round declared value (multiples of 1,000, or of 100 under 1,000).</summary>
    public const byte RoundBit = 1 << 5;

    /// <summary>Line bits: a positive declared value (round values are counted among these).</summary>
    public const byte PositiveBit = 1 << 6;

    /// <summary>Flag kind: on a declaration or shipment record (counts towards flagged shipments).</summary>
    public const byte DeclarationOrShipment = 1;

    /// <summary>Flag kind: a precursor code on a declaration or shipment record.</summary>
    public const byte Precursor = 2;

    /// <summary>Flag kind: on a declaration line (its record hash is the line's <see cref="LineKeys"/> entry).</summary>
    public const byte OnLine = 4;

    /// <summary>Flag kind: on a record (declaration, shipment or invoice); without it an exporter-level flag.</summary>
    public const byte OnRecord = 8;

    private const byte Version1 = 1;
    private const byte Version = 2;
    private const int LineBytes = 8 + 8 + 8 + 4 + 1;
    private const int FlagBytes1 = 8 + 8 + 8 + 8 + 8 + 1 + 1;
    private const int FlagBytes = FlagBytes1 + 8;
    private const int CoveredBytes = 8;

    public ExporterDigest(int lines, int flags)
        : this(lines, flags, 0)
    {
    }

    public ExporterDigest(int lines, int flags, int covered)
    {
        LineKeys = new ulong[lines];
        LineShipments = new ulong[lines];
        LineUsd = new double[lines];
        LineDays = new int[lines];
        LineBits = new byte[lines];
        FlagKeys = new ulong[flags];
        FlagRecords = new ulong[flags];
        FlagShipments = new ulong[flags];
        FlagViews = new ulong[flags];
        FlagFigures = new double[flags];
        FlagCodes = new byte[flags];
        FlagKinds = new byte[flags];
        FlagSubjects = new ulong[flags];
        Covered = new ulong[covered];
    }

    /// <summary>Per line: hash of its declaration id and line number (the record key "id#line").</summary>
    public ulong[] LineKeys { get; }

    /// <summary>Per line: hash of its shipment (<c>shipment_id</c>, else the declaration).</summary>
    public ulong[] LineShipments { get; }

    /// <summary>Per line: value in USD.</summary>
    public double[] LineUsd { get; }

    /// <summary>Per line: its date's day number.</summary>
    public int[] LineDays { get; }

    /// <summary>Per line: <see cref="ExportBit"/>, first digit, <see cref="RoundBit"/>, <see cref="PositiveBit"/>.</summary>
    public byte[] LineBits { get; }

    /// <summary>Per flag: hash of <see cref="Flag.Key"/> (the finding: a re-recorded finding has the same).</summary>
    public ulong[] FlagKeys { get; }

    /// <summary>Per flag: hash of its record (type and record key); 0 for exporter-level flags.</summary>
    public ulong[] FlagRecords { get; }

    /// <summary>Per flag: hash of the shipment its record belongs to.</summary>
    public ulong[] FlagShipments { get; }

    /// <summary>Per flag: hash of the document it was seen on (declaration, invoice, reconciled shipment record).</summary>
    public ulong[] FlagViews { get; }

    /// <summary>Per flag: its value at risk (0 when none).</summary>
    public double[] FlagFigures { get; }

    public byte[] FlagCodes { get; }

    /// <summary>Per flag: <see cref="DeclarationOrShipment"/>, <see cref="Precursor"/>, <see cref="OnLine"/>, <see cref="OnRecord"/>.</summary>
    public byte[] FlagKinds { get; }

    /// <summary>
    /// Per flag: hash of what a later analysis must have judged to speak for the finding (<see cref="SubjectOf"/>), 0 for
    /// findings no later upload replaces by its silence (everything but the mirror family, for now).
    /// </summary>
    public ulong[] FlagSubjects { get; }

    /// <summary>
    /// Subjects (<see cref="SubjectOf"/>) this upload's analysis judged and reported on: for them its findings (or their
    /// absence) replace earlier uploads' (<see cref="StandingScope"/>).
    /// </summary>
    public ulong[] Covered { get; }

    public int LineCount => LineKeys.Length;

    public int FlagCount => FlagKeys.Length;

    public int CoveredCount => Covered.Length;

    /// <summary>Serialized size in bytes.</summary>
    public int ByteCount => 13 + (LineCount * LineBytes) + (FlagCount * FlagBytes) + (CoveredCount * CoveredBytes);

    /// <summary>
    /// The digests of one upload's exporters: <paramref name="lines"/> are the upload's own declaration lines (not the
    /// archived counterparts it was analysed with: those belong to the uploads that brought them), <paramref name="flags"/>
    /// the upload's findings (record flags and exporter-level flags; corridor flags belong to no exporter).
    /// </summary>
    public static Dictionary<string, ExporterDigest> Build(IReadOnlyList<DeclarationLine> lines, IReadOnlyList<Flag> flags) =>
        Build(lines, flags, []);

    /// <summary>
    /// As <see cref="Build(IReadOnlyList{DeclarationLine}, IReadOnlyList{Flag})"/>, with the subjects the upload judged
    /// (<paramref name="covered"/>: exporter key and <see cref="SubjectOf"/>, from <see cref="StandingScope.Of"/>); each goes
    /// to its exporter's digest (an exporter without lines in the upload has none).
    /// </summary>
    public static Dictionary<string, ExporterDigest> Build(IReadOnlyList<DeclarationLine> lines, IReadOnlyList<Flag> flags, IReadOnlyList<(string ExporterKey, ulong Subject)> covered)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(flags);
        ArgumentNullException.ThrowIfNull(covered);

        // Count per exporter first, so each digest's arrays are allocated once at their size.
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var keys = new List<string>();
        var lineCounts = new List<int>();
        var flagCounts = new List<int>();
        var lineExporter = new int[lines.Count];
        string? lastKey = null;
        var last = -1;
        for (var i = 0; i < lines.Count; i++)
        {
            var key = ExporterProfiler.ExporterKeyOf(lines[i]);
            if (!ReferenceEquals(key, lastKey))
            {
                last = ExporterOf(key, index, keys, lineCounts, flagCounts);
                lastKey = key;
            }

            lineExporter[i] = last;
            lineCounts[last]++;
        }

        var flagExporter = new int[flags.Count];
        for (var k = 0; k < flags.Count; k++)
        {
            var f = flags[k];
            flagExporter[k] = -1;
            if (f.ExporterKey is { Length: > 0 } key && f.RecordType != RecordType.Corridor && index.TryGetValue(key, out var e))
            {
                flagExporter[k] = e;
                flagCounts[e]++;
            }
        }

        var coveredBy = new List<ulong>?[keys.Count];
        foreach (var (key, subject) in covered)
        {
            if (index.TryGetValue(key, out var e))
            {
                (coveredBy[e] ??= []).Add(subject);
            }
        }

        var digests = new ExporterDigest[keys.Count];
        for (var e = 0; e < digests.Length; e++)
        {
            var subjects = coveredBy[e] is { } list ? list.Distinct().Order().ToArray() : [];
            digests[e] = new ExporterDigest(lineCounts[e], flagCounts[e], subjects.Length);
            subjects.CopyTo(digests[e].Covered, 0);
            lineCounts[e] = 0;
            flagCounts[e] = 0;
        }

        for (var i = 0; i < lines.Count; i++)
        {
            var e = lineExporter[i];
            digests[e].SetLine(lineCounts[e]++, lines[i]);
        }

        for (var k = 0; k < flags.Count; k++)
        {
            var e = flagExporter[k];
            if (e >= 0)
            {
                digests[e].SetFlag(flagCounts[e]++, flags[k]);
            }
        }

        var result = new Dictionary<string, ExporterDigest>(keys.Count, StringComparer.Ordinal);
        for (var e = 0; e < keys.Count; e++)
        {
            result[keys[e]] = digests[e];
        }

        return result;
    }

    /// <summary>The hash of a declaration line's record key, as a flag on that line hashes its record.</summary>
    public static ulong LineKeyOf(DeclarationLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return new Hasher().Add((char)('0' + (int)RecordType.Declaration)).Add(line.DeclarationId).Add('#').Add(line.LineNo).Value;
    }

    /// <summary>
    /// What a later analysis must have judged for its silence to withdraw <paramref name="f"/>: for the mirror family
    /// (MIRROR_*) on a shipment record, the record together with the declaration the finding names (a MIRROR_MISSING
    /// names the one-sided declaration, a gap the import of the pair), since two declarations of one shipment id are
    /// judged separately; 0 for every other finding.
    /// </summary>
    public static ulong SubjectOf(Flag f)
    {
        ArgumentNullException.ThrowIfNull(f);
        if (f.RecordType != RecordType.Shipment || !IsMirror(f.Code) || !RecordRef.TryOf(f, out var record))
        {
            return 0;
        }

        var h = new Hasher().Add('m').Add((char)('0' + (int)record.Type)).Add(record.Text);
        if (record.HasLine)
        {
            h = h.Add('#').Add(record.Line);
        }

        return h.Add('|').Add(f.DeclarationId ?? string.Empty).Value;
    }

    /// <summary>The hash of <see cref="Flag.Key"/> a digest keeps for a finding (<see cref="FlagKeys"/>).</summary>
    public static ulong FindingKeyOf(Flag f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new Hasher().Add(f.Key).Value;
    }

    /// <summary>The mirror family: the codes of the declaration-level mirror detector.</summary>
    public static bool IsMirror(FlagCode code) =>
        code is FlagCode.MirrorMissing or FlagCode.MirrorValueGap or FlagCode.MirrorQuantityGap or FlagCode.MirrorHsMismatch;

    public byte[] ToBytes()
    {
        var bytes = new byte[ByteCount];
        var span = bytes.AsSpan();
        span[0] = Version;
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], LineCount);
        BinaryPrimitives.WriteInt32LittleEndian(span[5..], FlagCount);
        BinaryPrimitives.WriteInt32LittleEndian(span[9..], CoveredCount);
        var at = 13;
        for (var i = 0; i < LineCount; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[at..], LineKeys[i]);
            BinaryPrimitives.WriteUInt64LittleEndian(span[(at + 8)..], LineShipments[i]);
            BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 16)..], LineUsd[i]);
            BinaryPrimitives.WriteInt32LittleEndian(span[(at + 24)..], LineDays[i]);
            span[at + 28] = LineBits[i];
            at += LineBytes;
        }

        for (var k = 0; k < FlagCount; k++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[at..], FlagKeys[k]);
            BinaryPrimitives.WriteUInt64LittleEndian(span[(at + 8)..], FlagRecords[k]);
            BinaryPrimitives.WriteUInt64LittleEndian(span[(at + 16)..], FlagShipments[k]);
            BinaryPrimitives.WriteUInt64LittleEndian(span[(at + 24)..], FlagViews[k]);
            BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 32)..], FlagFigures[k]);
            span[at + 40] = FlagCodes[k];
            span[at + 41] = FlagKinds[k];
            BinaryPrimitives.WriteUInt64LittleEndian(span[(at + 42)..], FlagSubjects[k]);
            at += FlagBytes;
        }

        for (var c = 0; c < CoveredCount; c++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[at..], Covered[c]);
            at += CoveredBytes;
        }

        return bytes;
    }

    /// <summary>Reads <see cref="ToBytes"/>; throws <see cref="InvalidDataException"/> on anything else.</summary>
    public static ExporterDigest FromBytes(ReadOnlySpan<byte> span)
    {
        if (span.Length < 9 || (span[0] != Version && span[0] != Version1) || (span[0] == Version && span.Length < 13))
        {
            throw new InvalidDataException("Not an exporter digest of a known version.");
        }

        var v1 = span[0] == Version1;
        var lines = BinaryPrimitives.ReadInt32LittleEndian(span[1..]);
        var flags = BinaryPrimitives.ReadInt32LittleEndian(span[5..]);
        var covered = v1 ? 0 : BinaryPrimitives.ReadInt32LittleEndian(span[9..]);
        var header = v1 ? 9 : 13;
        var flagBytes = v1 ? FlagBytes1 : FlagBytes;
        if (lines < 0 || flags < 0 || covered < 0
            || ((long)lines * LineBytes) + ((long)flags * flagBytes) + ((long)covered * CoveredBytes) != span.Length - header)
        {
            throw new InvalidDataException("The exporter digest's length does not match its counts.");
        }

        var d = new ExporterDigest(lines, flags, covered);
        var at = header;
        for (var i = 0; i < lines; i++)
        {
            d.LineKeys[i] = BinaryPrimitives.ReadUInt64LittleEndian(span[at..]);
            d.LineShipments[i] = BinaryPrimitives.ReadUInt64LittleEndian(span[(at + 8)..]);
            d.LineUsd[i] = BinaryPrimitives.ReadDoubleLittleEndian(span[(at + 16)..]);
            d.LineDays[i] = BinaryPrimitives.ReadInt32LittleEndian(span[(at + 24)..]);
            d.LineBits[i] = span[at + 28];
            at += LineBytes;
        }

        for (var k = 0; k < flags; k++)
        {
            d.FlagKeys[k] = BinaryPrimitives.ReadUInt64LittleEndian(span[at..]);
            d.FlagRecords[k] = BinaryPrimitives.ReadUInt64LittleEndian(span[(at + 8)..]);
            d.FlagShipments[k] = BinaryPrimitives.ReadUInt64LittleEndian(span[(at + 16)..]);
            d.FlagViews[k] = BinaryPrimitives.ReadUInt64LittleEndian(span[(at + 24)..]);
            d.FlagFigures[k] = BinaryPrimitives.ReadDoubleLittleEndian(span[(at + 32)..]);
            d.FlagCodes[k] = span[at + 40];
            d.FlagKinds[k] = span[at + 41];
            d.FlagSubjects[k] = v1 ? 0 : BinaryPrimitives.ReadUInt64LittleEndian(span[(at + 42)..]);
            at += flagBytes;
        }

        for (var c = 0; c < covered; c++)
        {
            d.Covered[c] = BinaryPrimitives.ReadUInt64LittleEndian(span[at..]);
            at += CoveredBytes;
        }

        return d;
    }

    private static int ExporterOf(string key, Dictionary<string, int> index, List<string> keys, List<int> lineCounts, List<int> flagCounts)
    {
        if (!index.TryGetValue(key, out var e))
        {
            e = keys.Count;
            index[key] = e;
            keys.Add(key);
            lineCounts.Add(0);
            flagCounts.Add(0);
        }

        return e;
    }

    private static ulong ShipmentHash(ShipmentRef s) => new Hasher().Add((char)('a' + (int)s.Kind)).Add(s.Text).Value;

    private void SetLine(int i, DeclarationLine d)
    {
        LineKeys[i] = LineKeyOf(d);
        LineShipments[i] = ShipmentHash(ShipmentRef.Of(d));
        LineUsd[i] = d.ValueUsd;
        LineDays[i] = d.Date.DayNumber;
        var declared = d.Value;
        var digit = Benford.FirstDigit(declared);
        LineBits[i] = (byte)((d.Flow == TradeFlow.Export ? ExportBit : 0)
            | (digit << DigitShift)
            | (declared > 0 ? PositiveBit : 0)
            | (declared > 0 && Benford.IsRound(declared) ? RoundBit : 0));
    }

    private void SetFlag(int k, Flag f)
    {
        FlagKeys[k] = FindingKeyOf(f);
        FlagSubjects[k] = SubjectOf(f);
        FlagCodes[k] = (byte)f.Code;
        FlagFigures[k] = f.ValueAtRiskUsd is > 0 and var v ? v : 0;
        if (RecordRef.TryOf(f, out var record) && ShipmentRef.TryOf(f, out var shipment, out var view))
        {
            var h = new Hasher().Add((char)('0' + (int)record.Type)).Add(record.Text);
            if (record.HasLine)
            {
                h = h.Add('#').Add(record.Line);
            }

            FlagRecords[k] = h.Value;
            FlagShipments[k] = ShipmentHash(shipment);
            FlagViews[k] = ShipmentHash(view);
            var declarationOrShipment = f.RecordType is RecordType.Declaration or RecordType.Shipment;
            FlagKinds[k] = (byte)(OnRecord
                | (declarationOrShipment ? DeclarationOrShipment : 0)
                | (declarationOrShipment && f.Code is FlagCode.PrecursorChemical or FlagCode.PrecursorMisdeclared ? Precursor : 0)
                | (f.RecordType == RecordType.Declaration ? OnLine : 0));
        }
    }

    /// <summary>64-bit FNV-1a over UTF-16 code units with a final avalanche (murmur3 fmix64): stable across processes
    /// and versions, unlike <see cref="string.GetHashCode()"/>.</summary>
    private readonly struct Hasher
    {
        private const ulong Offset = 14695981039346656037UL;
        private const ulong Prime = 1099511628211UL;
        private readonly ulong _state;
        private readonly bool _started;

        private Hasher(ulong state)
        {
            _state = state;
            _started = true;
        }

        public ulong Value
        {
            get
            {
                var x = _started ? _state : Offset;
                x ^= x >> 33;
                x *= 0xff51afd7ed558ccdUL;
                x ^= x >> 33;
                x *= 0xc4ceb9fe1a85ec53UL;
                x ^= x >> 33;
                return x;
            }
        }

        public Hasher Add(char c) => new(((_started ? _state : Offset) ^ c) * Prime);

        public Hasher Add(ReadOnlySpan<char> text)
        {
            var x = _started ? _state : Offset;
            foreach (var c in text)
            {
                x = (x ^ c) * Prime;
            }

            return new(x);
        }

        public Hasher Add(int number)
        {
            // As the record key formats it ("id#12").
            Span<char> digits = stackalloc char[12];
            _ = number.TryFormat(digits, out var n, default, System.Globalization.CultureInfo.InvariantCulture);
            return Add(digits[..n]);
        }
    }
}
