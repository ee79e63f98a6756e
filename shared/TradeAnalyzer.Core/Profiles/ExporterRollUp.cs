using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Detection;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Scoring;

namespace TradeAnalyzer.Core.Profiles;

/// <summary>
/// The declaration lines rolled up per exporter (<see cref="ExporterProfiler"/>, docs/methods-risk.md): shipments
/// (<see cref="ShipmentRef"/>: a shipment declared at export and at import counts once, with the lines of the export
/// declaration), value, largest shipment, first and last seen, first digits, round values, most valuable commodities and
/// counterparties, and for new exporters their largest line against the median line of the same HS6 goods.
/// <para>
/// One pass over the lines in input order keeps what the roll-up needs of each line in flat arrays (value in USD, a
/// byte of flow, first digit and round-value bits, a commodity number and a parties number) and cuts the lines into
/// runs of one exporter, declaration and shipment id, keyed by the hash of their shipment reference. Each exporter is
/// then rolled up from those arrays alone, copied in exporter order so that each exporter's lines are one stretch (its
/// runs of one shipment found by a table of the hashes): the line objects are read once, in memory order, instead of
/// four times per exporter in scattered order. Sums are taken in input order, as before, so the figures are the same
/// to the last bit.
/// </para>
/// </summary>
internal static class ExporterRollUp
{
    private const byte ExportBit = 1;
    private const int DigitShift = 1;
    private const byte RoundBit = 1 << 5;
    private const byte PositiveBit = 1 << 6;

    /// <summary>
    /// The exporters of <paramref name="declarations"/>, in order of first appearance, rolled up, and the analysis date:
    /// <paramref name="asOf"/> of the latest line date (null without lines), read in the same pass.
    /// <paramref name="isNew"/> tells, given that date, which exporters are new (their lines are weighed against the goods).
    /// </summary>
    public static (List<ExporterTotals> Exporters, DateOnly AsOf) Of(
        IReadOnlyList<DeclarationLine> declarations, Func<DateOnly?, DateOnly> asOf, Func<ExporterTotals, DateOnly, bool> isNew)
    {
        ArgumentNullException.ThrowIfNull(declarations);
        ArgumentNullException.ThrowIfNull(asOf);
        ArgumentNullException.ThrowIfNull(isNew);
        var lines = new Lines(declarations.Count, PartStamps.Next());
        lines.Read(declarations);
        var date = asOf(lines.Count > 0 ? lines.Latest : null);

        // The runs of each exporter, in input order, and their lines copied in that order (a counting sort of the runs
        // by exporter).
        var exporters = lines.Exporters;
        var ordered = new ExporterOrder(lines, exporters.Count);
        var runStartOf = ordered.RunStartOf;
        var runsByExporter = ordered.RunsByExporter;

        // New exporters: their largest line against the typical (median) line value of the same HS6 goods among all
        // lines, since "unusually high value" for a newcomer is about the goods, not the exporter. Which exporters are new
        // depends only on their key and first date (known after the line pass), so their medians are item -1 of the
        // exporters' loop: they run beside the exporters' roll-ups instead of alone after them (the loop is on the
        // analysis's critical path). They write only MaxValueRatio, which no roll-up reads or writes.
        var newcomers = new List<int>();
        for (var e = 0; e < exporters.Count; e++)
        {
            if (isNew(exporters[e], date))
            {
                newcomers.Add(e);
            }
        }

        Parallel.For(
            newcomers.Count > 0 ? -1 : 0,
            exporters.Count,
            () => new Scratch(lines.CodeCount, lines.Hs6Count, lines.ImporterNames.Count),
            (e, _, scratch) =>
            {
                if (e < 0)
                {
                    NewcomerRatios(lines, newcomers, runsByExporter, runStartOf);
                }
                else
                {
                    RollUp(exporters[e], runStartOf[e], runStartOf[e + 1] - runStartOf[e], runsByExporter, ordered, lines, scratch);
                }

                return scratch;
            },
            _ => { });

        return (exporters, date);
    }

    /// <summary>Rolls up one exporter from its <paramref name="m"/> runs at <paramref name="first"/> of the exporter
    /// order (<paramref name="runsByExporter"/>: numbers into <paramref name="lines"/>' run arrays, in input order;
    /// <paramref name="ordered"/>: their lines' facts copied in that order).</summary>
    private static void RollUp(ExporterTotals a, int first, int m, int[] runsByExporter, ExporterOrder ordered, Lines lines, Scratch scratch)
    {
        // 1. Runs of the same shipment (an export and an import declaration, a shipment split over declarations),
        // numbered in order of first appearance by the hash of their shipment reference, runs of equal hash compared by
        // the reference itself.
        var runs = runsByExporter.AsSpan(first, m);
        var shipmentOf = scratch.ShipmentOf(m);
        var representative = scratch.Representative(m);
        var shipments = NumberShipments(
            new ExporterRuns(lines, runs, ordered.Hash.AsSpan(first, m)), m, shipmentOf, representative, scratch.ShipmentHash(m), scratch.Table(m));
        a.Shipments = shipments;

        // 2. Shipments with an export declaration. The exporter's lines are contiguous in the exporter order: read in
        // address order here and below.
        var hasExport = scratch.HasExport(shipments);
        var info = ordered.Info;
        var start = ordered.Start.AsSpan(first, m + 1);
        for (var j = 0; j < m; j++)
        {
            for (var i = start[j]; i < start[j + 1]; i++)
            {
                if ((info[i] & ExportBit) != 0)
                {
                    hasExport[shipmentOf[j]] = true;
                    break;
                }
            }
        }

        // 3. The counted lines of each shipment, in input order: values, digits, round values, commodities and
        // counterparties. Commodity and counterparty sums are kept by number with the order of first appearance.
        var shipmentValue = scratch.ShipmentValue(shipments);
        var stamp = scratch.NextStamp();
        var facts = ordered.Facts;
        double value = 0;
        for (var j = 0; j < m; j++)
        {
            var s = shipmentOf[j];
            var exportOnly = hasExport[s];
            for (var i = start[j]; i < start[j + 1]; i++)
            {
                var bits = info[i];
                if (exportOnly && (bits & ExportBit) == 0)
                {
                    continue;
                }

                ref readonly var line = ref facts[i];
                var v = line.Usd;
                shipmentValue[s] += v;
                value += v;
                var party = line.Party;
                a.Id ??= lines.PartyExporterIds[party];
                var digit = (bits >> DigitShift) & 0xF;
                if (digit > 0)
                {
                    a.Digits[digit]++;
                    a.DigitCount++;
                }

                if ((bits & PositiveBit) != 0)
                {
                    a.ValueCount++;
                    if ((bits & RoundBit) != 0)
                    {
                        a.Round++;
                    }
                }

                scratch.AddCommodity(line.Code, v, stamp);
                scratch.AddCounterparty(lines.PartyImporters[party], v, stamp);
            }
        }

        a.Value = value;
        // As Enumerable.Max: NaN only when every value is NaN, the first of equal values.
        var max = 0.0;
        var s0 = 0;
        if (shipments > 0)
        {
            max = shipmentValue[0];
            while (double.IsNaN(max) && ++s0 < shipments)
            {
                max = shipmentValue[s0];
            }

            for (var s = s0 + 1; s < shipments; s++)
            {
                if (shipmentValue[s] > max)
                {
                    max = shipmentValue[s];
                }
            }
        }

        a.MaxShipment = max;
        a.Commodities = scratch.TopCommodities(lines, stamp);
        a.Counterparties = scratch.TopCounterparties(lines);
    }

    /// <summary>The runs <see cref="NumberShipments{TRuns}"/> numbers: run <c>j</c>'s hash, and whether two runs of equal
    /// hash are one shipment.</summary>
    internal interface IShipmentRuns
    {
        int Hash(int j);

        bool Same(int j, int k);
    }

    /// <summary>
    /// Numbers <paramref name="m"/> runs' shipments in order of first appearance: <paramref name="shipmentOf"/>[j] is run
    /// j's shipment, <paramref name="representative"/>[s] shipment s's first run; returns the number of shipments. An
    /// open-addressing table of shipment numbers (<paramref name="table"/>: a power of two of at least 2m slots,
    /// cleared here; each shipment's hash in <paramref name="hashOf"/>, so that a slot is 4 bytes and the table of the
    /// largest exporters, ~35,000 runs on perf650, stays within a core's L2) finds the earlier runs of equal hash, compared by <see cref="IShipmentRuns.Same"/> as the sort's
    /// runs of equal hash were. This replaced a sort of the runs' hashes per exporter (17% of the exporters' loop's
    /// samples in the twenty-first pass's profile): a probe per run in a table in the thread's cache instead of
    /// m log m comparisons. The numbering order does not reach the figures: a shipment's sums are taken in input order
    /// and the largest shipment value is the same whichever shipment comes first (sums from +0 are never -0). The
    /// hashes are seeded per process (string hashing), so input cannot choose colliding runs.
    /// </summary>
    internal static int NumberShipments<TRuns>(TRuns runs, int m, Span<int> shipmentOf, Span<int> representative, Span<int> hashOf, Span<int> table)
        where TRuns : IShipmentRuns, allows ref struct
    {
        table.Clear();
        var mask = table.Length - 1;
        var shift = 32 - BitOperations.Log2((uint)table.Length);
        var shipments = 0;
        for (var j = 0; j < m; j++)
        {
            var hash = runs.Hash(j);
            var slot = (int)(((uint)hash * 0x9E3779B9u) >> shift) & mask;
            int s;
            while (true)
            {
                var entry = table[slot] - 1;
                if (entry < 0)
                {
                    s = shipments++;
                    representative[s] = j;
                    hashOf[s] = hash;
                    table[slot] = s + 1;
                    break;
                }

                if (hashOf[entry] == hash && runs.Same(j, representative[entry]))
                {
                    s = entry;
                    break;
                }

                slot = (slot + 1) & mask;
            }

            shipmentOf[j] = s;
        }

        return shipments;
    }

    /// <summary>An exporter's runs as <see cref="NumberShipments{TRuns}"/> reads them: hashes and texts from the line pass.</summary>
    private readonly ref struct ExporterRuns(Lines lines, ReadOnlySpan<int> runs, ReadOnlySpan<int> hashes) : IShipmentRuns
    {
        private readonly Lines _lines = lines;
        private readonly ReadOnlySpan<int> _numbers = runs;
        private readonly ReadOnlySpan<int> _hashes = hashes;

        public int Hash(int j) => _hashes[j];

        public bool Same(int j, int k) => _lines.SameShipment(_numbers[j], _numbers[k]);
    }

    /// <summary>Each newcomer's <see cref="ExporterTotals.MaxValueRatio"/>: its lines (all of them) against the median
    /// line value of their HS6 over all lines, gathered for the HS6 groups newcomers ship only.</summary>
    private static void NewcomerRatios(Lines lines, List<int> newcomers, int[] runsByExporter, int[] runStartOf)
    {
        var needed = new bool[lines.Hs6Count];
        foreach (var e in newcomers)
        {
            foreach (var r in runsByExporter.AsSpan(runStartOf[e], runStartOf[e + 1] - runStartOf[e]))
            {
                for (var i = lines.Runs[r].Start; i < lines.Runs[r + 1].Start; i++)
                {
                    needed[lines.CodeHs6[lines.Facts[i].Code]] = true;
                }
            }
        }

        var n = lines.Count;
        var sizes = new int[lines.Hs6Count + 1];
        for (var i = 0; i < n; i++)
        {
            var g = lines.CodeHs6[lines.Facts[i].Code];
            if (needed[g])
            {
                sizes[g + 1]++;
            }
        }

        var start = new int[sizes.Length];
        for (var g = 1; g < sizes.Length; g++)
        {
            start[g] = start[g - 1] + sizes[g];
        }

        var values = new double[start[^1]];
        var cursor = (int[])start.Clone();
        for (var i = 0; i < n; i++)
        {
            var g = lines.CodeHs6[lines.Facts[i].Code];
            if (needed[g])
            {
                values[cursor[g]++] = lines.Facts[i].Usd;
            }
        }

        var median = new double[lines.Hs6Count];
        for (var g = 0; g < median.Length; g++)
        {
            if (needed[g])
            {
                median[g] = Median(values.AsSpan(start[g], sizes[g + 1]));
            }
        }

        foreach (var e in newcomers)
        {
            var a = lines.Exporters[e];
            foreach (var r in runsByExporter.AsSpan(runStartOf[e], runStartOf[e + 1] - runStartOf[e]))
            {
                for (var i = lines.Runs[r].Start; i < lines.Runs[r + 1].Start; i++)
                {
                    var m = median[lines.CodeHs6[lines.Facts[i].Code]];
                    if (m > 0)
                    {
                        a.MaxValueRatio = Math.Max(a.MaxValueRatio, lines.Facts[i].Usd / m);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The median of <paramref name="v"/> (reordered) as the middle of <c>v</c> sorted (<see cref="double.CompareTo(double)"/>
    /// order: NaN first), the mean of the two middle values for an even count, 0 when empty. Found by selection
    /// instead of a full sort (the sort of every newcomer HS6 group's line values was ~40 of the profile's ~540
    /// samples on perf650); the value is the same, up to the sign of a zero, which the ratio (a median above 0 only)
    /// does not see.
    /// </summary>
    internal static double Median(Span<double> v)
    {
        if (v.Length == 0)
        {
            return 0;
        }

        // NaNs go first, as the sort puts them.
        var nans = 0;
        for (var i = 0; i < v.Length; i++)
        {
            if (double.IsNaN(v[i]))
            {
                (v[i], v[nans]) = (v[nans], v[i]);
                nans++;
            }
        }

        var half = v.Length / 2;
        if (half < nans)
        {
            return double.NaN;
        }

        var rest = v[nans..];
        var upper = Select(rest, half - nans);
        if (v.Length % 2 == 1)
        {
            return upper;
        }

        if (half - 1 < nans)
        {
            return double.NaN;
        }

        // The value before the upper middle: the largest of those Select left below it.
        var lower = rest[0];
        for (var i = 1; i < half - nans; i++)
        {
            if (rest[i] > lower)
            {
                lower = rest[i];
            }
        }

        return (lower + upper) / 2;
    }

    /// <summary>The <paramref name="k"/>-th smallest of <paramref name="v"/> (no NaN), leaving every value before position
    /// <paramref name="k"/> no larger than it (quickselect, median-of-three pivots, Hoare partitions).</summary>
    private static double Select(Span<double> v, int k)
    {
        int lo = 0, hi = v.Length - 1;
        while (hi > lo)
        {
            var mid = lo + ((hi - lo) / 2);
            if (v[mid] < v[lo])
            {
                (v[mid], v[lo]) = (v[lo], v[mid]);
            }

            if (v[hi] < v[lo])
            {
                (v[hi], v[lo]) = (v[lo], v[hi]);
            }

            if (v[hi] < v[mid])
            {
                (v[hi], v[mid]) = (v[mid], v[hi]);
            }

            var pivot = v[mid];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (v[i] < pivot)
                {
                    i++;
                }

                while (pivot < v[j])
                {
                    j--;
                }

                if (i <= j)
                {
                    (v[i], v[j]) = (v[j], v[i]);
                    i++;
                    j--;
                }
            }

            // lo..j hold values no larger than the pivot, i..hi no smaller, j+1..i-1 (if any) the pivot's value.
            if (k <= j)
            {
                hi = j;
            }
            else if (k >= i)
            {
                lo = i;
            }
            else
            {
                return v[k];
            }
        }

        return v[k];
    }

    private static List<string> Top(List<int> touched, double[] sums, List<string> names)
    {
        touched.Sort((x, y) =>
        {
            var c = sums[y].CompareTo(sums[x]);
            return c != 0 ? c : string.CompareOrdinal(names[x], names[y]);
        });
        var result = new List<string>(Math.Min(ExporterProfiler.MaxListed, touched.Count));
        for (var k = 0; k < touched.Count && k < ExporterProfiler.MaxListed; k++)
        {
            result.Add(names[touched[k]]);
        }

        return result;
    }

    /// <summary>What the roll-up keeps of every line, and the runs the lines are cut into, from one pass in input order.</summary>
    private sealed class Lines(int count, long stamp)
    {
        /// <summary>Cache lines of a record the line pass prefetches: it reads the ids (first line) and the value and date (second).</summary>
        private const int RecordLines = 2;

        public int Count { get; } = count;

        public List<ExporterTotals> Exporters { get; } = [];

        /// <summary>Per line: value in USD, its HS code's number (<see cref="Codes"/>) and its parties' number
        /// (<see cref="PartyImporters"/>, <see cref="PartyExporterIds"/>), side by side: the exporters' loop reads the three
        /// for each counted line (from the copy in exporter order, <see cref="ExporterOrder"/>), so one cache line instead of three.</summary>
        public LineFacts[] Facts { get; } = new LineFacts[count];

        /// <summary>Per line: export flow (bit 0), first digit of the declared value (bits 1-4), round (bit 5), positive (bit 6).</summary>
        public byte[] Info { get; } = new byte[count];

        /// <summary>Per run: its first line (run r's lines are <c>Runs[r].Start..Runs[r + 1].Start</c>; one more run marks
        /// the end) and the hash of its shipment reference's text, its lowest bit the kind (1: a shipment id, 0: a
        /// declaration id), so that runs of equal hash are of one kind and compare by their texts alone. Side by side: the
        /// exporters' loop reads a run's hash, then its lines' range, at random.</summary>
        public Run[] Runs { get; } = new Run[count + 1];

        /// <summary>Per run: its shipment reference's text (<see cref="ShipmentRef.Text"/>). The roll-up compares the runs
        /// of equal hash by it (~400,000 comparisons on perf650): kept here, a comparison reads the run's slot and the
        /// string instead of the list slot, the line, its shipment id (trimmed again) and its declaration id.</summary>
        public string[] RunText { get; } = new string[count];

        public int RunCount { get; private set; }

        /// <summary>The latest line date (<see cref="DateOnly.MinValue"/> without lines).</summary>
        public DateOnly Latest { get; private set; } = DateOnly.MinValue;

        /// <summary>Full HS codes (digits) by number.</summary>
        public List<string> Codes { get; } = [];

        /// <summary>Per code number: its HS6 group's number.</summary>
        public int[] CodeHs6 { get; private set; } = [];

        /// <summary>HS6 groups by number, as profiles list them ("2933.39").</summary>
        public List<string> Hs6Names { get; } = [];

        public int CodeCount => Codes.Count;

        public int Hs6Count => Hs6Names.Count;

        public List<int> PartyImporters { get; } = [];

        public List<string?> PartyExporterIds { get; } = [];

        public List<string> ImporterNames { get; } = [];

        private List<int> _partyExporter = [];

        public int ExporterOfRun(int r) => _partyExporter[Facts[Runs[r].Start].Party];

        /// <summary>Whether runs <paramref name="r"/> and <paramref name="other"/>, of equal <see cref="Run.Hash"/> (so of
        /// one kind), have one shipment reference.</summary>
        public bool SameShipment(int r, int other) => string.Equals(RunText[r], RunText[other], StringComparison.Ordinal);

        public void Read(IReadOnlyList<DeclarationLine> declarations)
        {
            var exporterOfKey = new Dictionary<string, int>(StringComparer.Ordinal);
            var importerOfName = new Dictionary<string, int>(StringComparer.Ordinal);
            var codeOfDigits = new Dictionary<string, int>(StringComparer.Ordinal);
            var hs6OfDigits = new Dictionary<string, int>(StringComparer.Ordinal);
            var codeHs6 = new List<int>();
            var partyExporter = _partyExporter;
            string? lastDigits = null;
            var recentDigits = new string?[1 << DigitsSlotBits];
            var recentCodes = new int[1 << DigitsSlotBits];

            DeclarationLine? previous = null;
            var party = -1;
            var code = -1;
            var exporter = -1;

            // One thread, on the analysis's critical path: each line reads the record (both of its cache lines), its
            // route part (the flow) and, when they change, its parties and goods parts, misses taken one after another.
            // When the lines are a list or an array, the record 16 ahead and the parts of the record 8 ahead are
            // prefetched (Detection/RecordSpan), so that the misses of several lines overlap.
            var span = RecordSpan.Of(declarations, out var all) ? all[..Count] : default;
            for (var i = 0; i < Count; i++)
            {
                DeclarationLine d;
                if (span.Length != 0)
                {
                    if (RecordSpan.Ahead(span, i, RecordLines) is { } near)
                    {
                        CacheHint.Object(near.RouteRef);
                        CacheHint.Object(near.PartiesRef);
                        CacheHint.Object(near.GoodsRef);
                    }

                    d = span[i];
                }
                else
                {
                    d = declarations[i];
                }

                // Parties: numbered by part (lines of one declaration, and often of many declarations, share the part; the
                // number is kept on the part, so each part is read once per change of part and no table is probed).
                var parties = d.PartiesRef;
                if (previous is null || !ReferenceEquals(parties, previous.PartiesRef))
                {
                    var mark = Volatile.Read(ref parties.RollUpMark);
                    if ((mark & ~0xFFFF_FFFFL) == stamp)
                    {
                        party = (int)(uint)mark;
                    }
                    else
                    {
                        party = NewParty(d, exporterOfKey, importerOfName, partyExporter);
                        Volatile.Write(ref parties.RollUpMark, stamp | (uint)party);
                    }
                }

                var e = partyExporter[party];
                var a = Exporters[e];
                var date = d.Date;
                if (date < a.First)
                {
                    a.First = date;
                }

                if (date > a.Last)
                {
                    a.Last = date;
                }

                if (date > Latest)
                {
                    Latest = date;
                }

                // Goods: the HS code's number, looked up when the line's goods part and its code's string instance are
                // not the previous line's (codes are few; goods parts are many and rarely shared by consecutive lines).
                var goods = d.GoodsRef;
                if (previous is null || !ReferenceEquals(goods, previous.GoodsRef))
                {
                    var digits = d.Hs.Digits;
                    if (!ReferenceEquals(digits, lastDigits))
                    {
                        // The digits' instances are few (ingestion shares one per code cell text and parser), so a slot
                        // by the instance's address tells the code without hashing the digits and probing the dictionary
                        // (~1M look-ups a roll-up). A string the collector moved since lands in another slot and is
                        // looked up again: the slot only remembers, the reference test decides.
                        var slot = DigitsSlot(digits);
                        if (ReferenceEquals(recentDigits[slot], digits))
                        {
                            code = recentCodes[slot];
                        }
                        else
                        {
                            code = CodeOf(digits, codeOfDigits, hs6OfDigits, codeHs6);
                            recentDigits[slot] = digits;
                            recentCodes[slot] = code;
                        }

                        lastDigits = digits;
                    }
                }

                // Runs: a line of the same exporter, declaration and shipment id as the line before continues its run
                // (lines of one declaration come together). Cutting more runs than needed is harmless: runs of one
                // shipment are joined again by their key.
                if (previous is null || e != exporter
                    || !string.Equals(previous.DeclarationId, d.DeclarationId, StringComparison.Ordinal)
                    || !string.Equals(previous.ShipmentId, d.ShipmentId, StringComparison.Ordinal))
                {
                    var r = RunCount++;
                    var key = ShipmentRef.Of(d);
                    Runs[r] = new Run(i, (string.GetHashCode(key.Text.AsSpan(), StringComparison.Ordinal) & ~1) | (key.Kind == RecordType.Shipment ? 1 : 0));
                    RunText[r] = key.Text;
                }

                exporter = e;
                var declared = d.Value;
                var digit = Benford.FirstDigit(declared);
                Info[i] = (byte)((d.Flow == TradeFlow.Export ? ExportBit : 0)
                    | (digit << DigitShift)
                    | (declared > 0 ? PositiveBit : 0)
                    | (declared > 0 && Benford.IsRound(declared) ? RoundBit : 0));
                Facts[i] = new LineFacts(d.ValueUsd, code, party);
                previous = d;
            }

            Runs[RunCount] = new Run(Count, 0);
            CodeHs6 = [.. codeHs6];
        }

        private const int DigitsSlotBits = 8;

        /// <summary>A slot of the recent digits' instances, by the instance's address (which a collection may change: then
        /// the instance is only looked up again).</summary>
        private static int DigitsSlot(string digits) =>
            (int)(((ulong)Unsafe.As<string, nint>(ref digits) * 0x9E3779B97F4A7C15UL) >> (64 - DigitsSlotBits));

        private int NewParty(DeclarationLine d, Dictionary<string, int> exporterOfKey, Dictionary<string, int> importerOfName, List<int> partyExporter)
        {
            var key = RiskFlags.ExporterKeyOf(d);
            ref var e = ref CollectionsMarshal.GetValueRefOrAddDefault(exporterOfKey, key, out var known);
            if (!known)
            {
                e = Exporters.Count;
                Exporters.Add(new ExporterTotals(key, d.ExporterName, d.ExporterId, d.ExporterCountry ?? d.OriginCountry, d.Date));
            }

            var exporter = e;
            ref var m = ref CollectionsMarshal.GetValueRefOrAddDefault(importerOfName, d.ImporterName, out var seen);
            if (!seen)
            {
                m = ImporterNames.Count;
                ImporterNames.Add(d.ImporterName);
            }

            partyExporter.Add(exporter);
            PartyImporters.Add(m);
            PartyExporterIds.Add(d.ExporterId);
            return partyExporter.Count - 1;
        }

        private int CodeOf(string digits, Dictionary<string, int> codeOfDigits, Dictionary<string, int> hs6OfDigits, List<int> codeHs6)
        {
            ref var c = ref CollectionsMarshal.GetValueRefOrAddDefault(codeOfDigits, digits, out var known);
            if (!known)
            {
                c = Codes.Count;
                Codes.Add(digits);
                var hs6 = digits[..6];
                ref var h = ref CollectionsMarshal.GetValueRefOrAddDefault(hs6OfDigits, hs6, out var seen);
                if (!seen)
                {
                    h = Hs6Names.Count;
                    Hs6Names.Add($"{hs6[..4]}.{hs6[4..]}");
                }

                codeHs6.Add(h);
            }

            return c;
        }
    }

    /// <summary>
    /// The lines' facts, info bytes and runs' hashes copied in exporter order (the runs of <c>runsByExporter</c>, each
    /// run's lines in input order): exporter e's lines are one stretch, so its roll-up reads them in address order.
    /// In input order they were scattered over the file, and the exporters' loop took those reads one after another
    /// (~560 of its samples a profile process in the twenty-first pass; prefetching them, roll20b, did not pay). The copy
    /// reads the lines in input order and writes each run's lines as one block: +17 bytes a line (~20 MB on perf650)
    /// for the roll-up's duration.
    /// </summary>
    private sealed class ExporterOrder
    {
        public ExporterOrder(Lines lines, int exporterCount)
        {
            // Runs and lines per exporter, then one pass over the runs in input order that places each run and copies its
            // lines (reads in address order, writes in one stream per exporter).
            var runCount = lines.RunCount;
            var runs = lines.Runs;
            var exporterOfRun = new int[runCount];
            RunStartOf = new int[exporterCount + 1];
            var lineCursor = new int[exporterCount + 1];
            for (var r = 0; r < runCount; r++)
            {
                var e = lines.ExporterOfRun(r);
                exporterOfRun[r] = e;
                RunStartOf[e + 1]++;
                lineCursor[e + 1] += runs[r + 1].Start - runs[r].Start;
            }

            for (var e = 0; e < exporterCount; e++)
            {
                RunStartOf[e + 1] += RunStartOf[e];
                lineCursor[e + 1] += lineCursor[e];
            }

            RunsByExporter = new int[runCount];
            Start = new int[runCount + 1];
            Hash = new int[runCount];
            Facts = new LineFacts[lines.Count];
            Info = new byte[lines.Count];
            var runCursor = (int[])RunStartOf.Clone();
            for (var r = 0; r < runCount; r++)
            {
                var e = exporterOfRun[r];
                var p = runCursor[e]++;
                var from = runs[r].Start;
                var length = runs[r + 1].Start - from;
                var to = lineCursor[e];
                lineCursor[e] = to + length;
                RunsByExporter[p] = r;
                Start[p] = to;
                Hash[p] = runs[r].Hash;
                lines.Facts.AsSpan(from, length).CopyTo(Facts.AsSpan(to, length));
                lines.Info.AsSpan(from, length).CopyTo(Info.AsSpan(to, length));
            }

            Start[runCount] = lines.Count;
        }

        /// <summary>Per exporter: its first position in the exporter order (one more marks the end).</summary>
        public int[] RunStartOf { get; }

        /// <summary>Per position in the exporter order: its run's number (into <see cref="Lines.Runs"/>).</summary>
        public int[] RunsByExporter { get; }

        /// <summary>Per position in the exporter order: its run's first line in <see cref="Facts"/> and <see cref="Info"/>
        /// (one more marks the end).</summary>
        public int[] Start { get; }

        /// <summary>Per position in the exporter order: its run's <see cref="Run.Hash"/>.</summary>
        public int[] Hash { get; }

        public LineFacts[] Facts { get; }

        public byte[] Info { get; }
    }

    /// <summary>What the exporters' loop reads of a counted line (<see cref="Lines.Facts"/>).</summary>
    private readonly record struct LineFacts(double Usd, int Code, int Party);

    /// <summary>A run's first line and shipment hash (<see cref="Lines.Runs"/>).</summary>
    private readonly record struct Run(int Start, int Hash);

    /// <summary>One thread's reusable buffers for rolling up exporters one after the other.</summary>
    private sealed class Scratch(int codes, int hs6s, int importers)
    {
        private readonly double[] _codeSums = new double[codes];
        private readonly int[] _codeStamps = new int[codes];
        private readonly List<int> _codesTouched = [];
        private readonly double[] _hs6Sums = new double[hs6s];
        private readonly int[] _hs6Stamps = new int[hs6s];
        private readonly List<int> _hs6Touched = [];
        private readonly double[] _importerSums = new double[importers];
        private readonly int[] _importerStamps = new int[importers];
        private readonly List<int> _importersTouched = [];
        private int[] _table = [];
        private int[] _shipmentHash = [];
        private int[] _shipmentOf = [];
        private int[] _representative = [];
        private bool[] _hasExport = [];
        private double[] _shipmentValue = [];
        private int _stamp;

        /// <summary>Each shipment's hash, for <paramref name="m"/> runs.</summary>
        public Span<int> ShipmentHash(int m) => Grow(ref _shipmentHash, m).AsSpan(0, m);

        /// <summary>The shipment table for <paramref name="m"/> runs: a power of two of at least 2m slots (at least 16).</summary>
        public Span<int> Table(int m)
        {
            var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, 2 * m));
            return Grow(ref _table, size).AsSpan(0, size);
        }

        public int[] ShipmentOf(int m) => Grow(ref _shipmentOf, m);

        public int[] Representative(int m) => Grow(ref _representative, m);

        public bool[] HasExport(int shipments)
        {
            var a = Grow(ref _hasExport, shipments);
            Array.Clear(a, 0, shipments);
            return a;
        }

        public double[] ShipmentValue(int shipments)
        {
            var a = Grow(ref _shipmentValue, shipments);
            Array.Clear(a, 0, shipments);
            return a;
        }

        public int NextStamp()
        {
            _codesTouched.Clear();
            _importersTouched.Clear();
            return ++_stamp;
        }

        public void AddCommodity(int code, double value, int stamp)
        {
            if (_codeStamps[code] != stamp)
            {
                _codeStamps[code] = stamp;
                _codeSums[code] = 0;
                _codesTouched.Add(code);
            }

            _codeSums[code] += value;
        }

        public void AddCounterparty(int importer, double value, int stamp)
        {
            if (_importerStamps[importer] != stamp)
            {
                _importerStamps[importer] = stamp;
                _importerSums[importer] = 0;
                _importersTouched.Add(importer);
            }

            _importerSums[importer] += value;
        }

        /// <summary>The HS6 groups of the codes added, most valuable first: each group's value is the sum of its codes'
        /// values in the order the codes first appeared (as grouping a dictionary of the codes would add them).</summary>
        public List<string> TopCommodities(Lines lines, int stamp)
        {
            _hs6Touched.Clear();
            foreach (var code in _codesTouched)
            {
                var h = lines.CodeHs6[code];
                if (_hs6Stamps[h] != stamp)
                {
                    _hs6Stamps[h] = stamp;
                    _hs6Sums[h] = 0;
                    _hs6Touched.Add(h);
                }

                _hs6Sums[h] += _codeSums[code];
            }

            return Top(_hs6Touched, _hs6Sums, lines.Hs6Names);
        }

        public List<string> TopCounterparties(Lines lines) => Top(_importersTouched, _importerSums, lines.ImporterNames);

        private static T[] Grow<T>(ref T[] array, int length)
        {
            if (array.Length < length)
            {
                array = new T[Math.Max(length, array.Length * 2)];
            }

            return array;
        }
    }
}
