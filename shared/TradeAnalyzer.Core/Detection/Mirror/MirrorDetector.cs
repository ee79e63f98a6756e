using System.Globalization;
using System.Runtime.InteropServices;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;

namespace TradeAnalyzer.Core.Detection.Mirror;

/// <summary>
/// Declaration-level mirror analysis: pairs each export declaration (reporter A) with the import declaration
/// (reporter B) of the same shipment and compares them (MIRROR_VALUE_GAP, MIRROR_QUANTITY_GAP, MIRROR_HS_MISMATCH),
/// and flags one-sided shipments where the partner's declarations for that period are in the data (MIRROR_MISSING).
/// <para>
/// Candidates come from hash keys only (shipment id; invoice number; exporter and importer names with a sorted date
/// window), never from all pairs. Each candidate is scored and pairs are taken best score first, one-to-one.
/// </para>
/// </summary>
public sealed class MirrorDetector : IDetector
{
    /// <summary>Explanations are written in the invariant culture, numbers formatted in place (no string per figure).</summary>
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Most party-window candidates looked at per export (a busy trader pair in a long window).</summary>
    private const int MaxWindowCandidates = 64;

    /// <summary>Largest id-matched import lists searched for repeats (longer lists are weighed again, as before).</summary>
    private const int MaxSeenScan = 16;

    /// <summary>Matched pairs needed before the observed delays replace the window as the arrival horizon.</summary>
    private const int MinPairsForHorizon = 50;

    /// <summary>Days an import may be dated before its export (clerical dates, pre-arrival filing).</summary>
    private const int EarlyImportDays = 3;

    /// <summary>Largest window whose delays <c>ArrivalHorizon</c>
    /// counts by day (one int per day); a larger one sorts the delays.</summary>
    private const int MaxCountedWindow = 1 << 16;

    public string Name => "mirror";

    public void Detect(AnalysisContext context, IFlagSink sink)
    {
        var index = ShipmentIndex.For(context);
        var exports = index.Exports;
        var imports = index.Imports;
        if (exports.Count == 0 || imports.Count == 0)
        {
            return;
        }

        var window = context.Options.MirrorWindowDays;
        var spanish = context.Options.Spanish;
        var facts = new MirrorFacts(exports, imports);
        var pairs = Match(exports, imports, facts, window, out var matchedExport, out var matchedImport);
        context.Artifacts.Counters["mirror.pairs"] = pairs.Count;
        if (context.Options.KeepMirrorPairs)
        {
            var kept = new MirrorPair[pairs.Count];
            for (var k = 0; k < kept.Length; k++)
            {
                var (ex, im) = (exports[pairs[k].Export], imports[pairs[k].Import]);
                kept[k] = new MirrorPair(ex.DeclarationId, ex.ShipmentId, ex.Main.ExporterKey, im.DeclarationId, im.ShipmentId, im.Main.ExporterKey);
            }

            context.Artifacts.MirrorPairs = kept;
        }

        // Compared in export order, not in the pairs' order (best candidate first, i.e. at random across the index's
        // per-shipment arrays and lines): the export side's facts are then read in order. The flags are the same; the
        // analysis orders them afterwards (FlagOrder is total).
        var importOf = GC.AllocateUninitializedArray<int>(exports.Count);
        foreach (var (e, i) in pairs)
        {
            importOf[e] = i;
        }

        for (var e = 0; e < matchedExport.Length; e++)
        {
            if (matchedExport[e])
            {
                Compare(exports[e], imports[importOf[e]], facts, spanish, sink);
            }
        }

        var horizon = ArrivalHorizon(pairs, facts.ExportDay, facts.ImportDay, window);
        context.Artifacts.Counters["mirror.horizon_days"] = horizon;
        FlagMissing(exports, imports, facts, matchedExport, matchedImport, window, horizon, spanish, sink, context.Artifacts);
    }

    /// <summary>
    /// Days after an export by which the data must extend before the export may be called lost: the 95th percentile of
    /// the export-to-import delays of the matched pairs (at least 7 days, at most the window); the window itself when
    /// fewer than <see cref="MinPairsForHorizon"/> pairs were matched. The delays come from the shipments' day numbers
    /// (<see cref="MirrorFacts.ExportDay"/>, <see cref="MirrorFacts.ImportDay"/>: each shipment's <c>Date.DayNumber</c>).
    /// The percentile is clamped to [min(7, window), window], so only the delays in
    /// that range need telling apart: they are counted by day (window + 1 counters) and the ones below it counted
    /// together, and the percentile's rank is found by walking the counts, where a sort of every delay stood before
    /// (an <c>Array.Sort</c> of ~345,000 ints at 1x, ~20 ms at the end of the mirror, the analysis's longest detector).
    /// The same delay at the same rank, so the same horizon; a window too large to count by day sorts as before.
    /// </summary>
    internal static int ArrivalHorizon(List<(int Export, int Import)> pairs, int[] exportDay, int[] importDay, int window)
    {
        if (pairs.Count < MinPairsForHorizon)
        {
            return window;
        }

        // 0-based rank of the 95th percentile in the sorted delays.
        var rank = Math.Min(pairs.Count - 1, (int)Math.Ceiling(0.95 * pairs.Count) - 1);
        var low = Math.Min(7, window);
        if (window < 0 || window > MaxCountedWindow)
        {
            var delays = new int[pairs.Count];
            for (var k = 0; k < pairs.Count; k++)
            {
                delays[k] = importDay[pairs[k].Import] - exportDay[pairs[k].Export];
            }

            Array.Sort(delays);
            return Math.Clamp(delays[rank], low, window);
        }

        // counts[d - low] for the delays d in [low, window]; below: the delays under low (clamped up to low).
        var counts = new int[window - low + 1];
        var below = 0;
        foreach (var (e, i) in pairs)
        {
            // long: day numbers differ by less than 2^22, but a difference is not left to overflow on principle.
            var offset = (long)importDay[i] - exportDay[e] - low;
            if (offset < 0)
            {
                below++;
            }
            else if (offset < counts.Length)
            {
                counts[offset]++;
            }
        }

        if (rank < below)
        {
            return low;
        }

        var seen = below;
        for (var d = 0; d < counts.Length; d++)
        {
            seen += counts[d];
            if (rank < seen)
            {
                return low + d;
            }
        }

        // The percentile is above the window: clamped to it.
        return window;
    }

    /// <summary>One-to-one pairs (export position, import position), best candidate first.</summary>
    internal static List<(int Export, int Import)> Match(IReadOnlyList<DeclarationShipment> exports, IReadOnlyList<DeclarationShipment> imports, int window) =>
        Match(exports, imports, new MirrorFacts(exports, imports), window, out _, out _);

    /// <summary>One-to-one pairs (export position, import position), best candidate first, with the shipments'
    /// <paramref name="shipmentFacts"/>; <paramref name="usedExport"/> and <paramref name="usedImport"/>: which
    /// exports and imports are paired.</summary>
    private static List<(int Export, int Import)> Match(IReadOnlyList<DeclarationShipment> exports, IReadOnlyList<DeclarationShipment> imports, MirrorFacts shipmentFacts, int window,
        out bool[] usedExport, out bool[] usedImport)
    {
        // Shipment ids and invoice keys as the index's numbers for them (equal exactly when the texts are); shipment
        // ids, invoice keys and parties are dense numbers, grouped through arrays indexed by the number (no hashing).
        var pairedExport = usedExport = new bool[exports.Count];
        var pairedImport = usedImport = new bool[imports.Count];
        if (imports.Count == 0 || exports.Count == 0)
        {
            return [];
        }

        var owner = imports[0].Owner;
        var importShipment = GC.AllocateUninitializedArray<int>(imports.Count);
        for (var i = 0; i < importShipment.Length; i++)
        {
            importShipment[i] = imports[i].ShipmentNumber;
        }

        // Shipment-id groups are the shipment numbers themselves (-1, NoId, without one): ranges found by number.
        var byShipment = new KeyRanges(importShipment, owner.ShipmentNumberCount);

        // Invoice keys too are the index's dense numbers (-1 without a key): ranges found by number, where a table of
        // the imports' invoice ids (16 MiB at 1x, three probes per import and export) stood before.
        var importInvoice = GC.AllocateUninitializedArray<int>(imports.Count);
        for (var i = 0; i < importInvoice.Length; i++)
        {
            importInvoice[i] = imports[i].InvoiceKeyNumber;
        }

        var byInvoice = new KeyRanges(importInvoice, owner.InvoiceKeyCount);
        var importDay = shipmentFacts.ImportDay;

        // Parties: one number per distinct exporter/importer name pair, worked out once per parties part.
        var partyPair = PartyPairs(owner, out var pairCount);
        var importPair = GC.AllocateUninitializedArray<int>(imports.Count);
        for (var i = 0; i < importPair.Length; i++)
        {
            importPair[i] = partyPair[imports[i].PartyNumber];
        }

        var byParties = new KeyRanges(importPair, pairCount, importDay);

        // Compact per-import facts for the party-window scan, which visits many imports per export and rejects most:
        // laid out in the party ranges' order (a window is a run of consecutive facts), with dates, country ids,
        // shipment number and HS heading code, so that the scan reads one array sequentially instead of chasing
        // each import's shipment and main line.
        // (importPair, which nothing reads once byParties is built, holds the inverted order.)
        var facts = PartyWindowFacts(byParties.Items, shipmentFacts, importShipment, importPair);

        // Where each export's window begins among its party pair's facts, and where the pair's facts end: one merge of
        // the exports sorted by day with the facts, per pair, instead of a binary search per export into a range that
        // grows with the input.
        var exportPair = GC.AllocateUninitializedArray<int>(exports.Count);
        for (var e = 0; e < exportPair.Length; e++)
        {
            exportPair[e] = partyPair[exports[e].PartyNumber];
        }

        var windows = Windows(byParties, exportPair, shipmentFacts.ExportDay, EarlyImportDays);

        var candidates = new List<Candidate>(exports.Count * 2);
        for (var e = 0; e < exports.Count; e++)
        {
            // The first fact of the window of the export 8 ahead (a scattered miss per export) is asked for now.
            if (e + 8 < windows.Length)
            {
                CacheHint.Element(facts, WindowStart(windows[e + 8]));
            }

            var ex = exports[e];
            var x = new ExportSide(shipmentFacts.ExportDay[e], shipmentFacts.ExportReporter[e], shipmentFacts.ExportDestination[e],
                shipmentFacts.ExportImporterCountry[e], ex.ShipmentNumber, shipmentFacts.UnitOf(ex.Index), shipmentFacts.HsOf(ex.Index), ex.InvoiceKeyNumber, ex.PartiesKey, ex.Quantity);

            // An import reached again (its invoice after its shipment id, its parties after either) is not weighed again:
            // the id-matched candidate is the same or scores at least as high (a longer date allowance, no HS rule), and
            // whether it was kept or refused, the repeat could never be paired (pairs are taken best first, one-to-one).
            // The shipment number (NoId without one) is the group: an id no import carries matches no fact.
            var shipmentGroup = x.ShipmentNumber;
            var byId = byShipment.Of(shipmentGroup);
            foreach (var i in byId)
            {
                AddIfPlausible(candidates, shipmentFacts, x, e, SideOf(shipmentFacts, owner, imports, importShipment, importInvoice, i), i, window, idMatch: true);
            }

            var byNumber = byInvoice.Of(x.InvoiceKey);
            var skipSeen = byId.Length <= MaxSeenScan && byNumber.Length <= MaxSeenScan;
            foreach (var i in byNumber)
            {
                if (!skipSeen || !byId.Contains(i))
                {
                    AddIfPlausible(candidates, shipmentFacts, x, e, SideOf(shipmentFacts, owner, imports, importShipment, importInvoice, i), i, window, idMatch: true);
                }
            }

            var partyWindow = windows[e];
            var start = WindowStart(partyWindow);
            var end = WindowEnd(partyWindow);
            var to = shipmentFacts.ExportDay[e] + window;

            // The cheap refusals of AddIfPlausible, on ids: an id that is absent from the imports never matches.
            // Countries: the import must be reported by the destination or importer country and come from the
            // reporter when it names an exporting country; shipment ids: two different bills of lading are two
            // shipments; HS: a party-only candidate needs the same heading (same HS6, or same HS4 and quantities).
            var destination = shipmentFacts.ExportDestination[e];
            var importerCountry = shipmentFacts.ExportImporterCountry[e];
            var reporter = shipmentFacts.ExportReporter[e];
            var heading = shipmentFacts.ExportHeading[e];
            var stop = Math.Min(end, start + MaxWindowCandidates);
            for (var k = start; k < stop; k++)
            {
                ref readonly var f = ref facts[k];
                if (f.Day > to)
                {
                    break;
                }

                if ((f.Reporter != destination || destination == NoCountry) && (f.Reporter != importerCountry || importerCountry == NoCountry))
                {
                    continue;
                }

                if (f.ExporterCountry != NoCountry && (f.ExporterCountry != reporter || reporter == NoCountry) && (f.Origin != reporter || reporter == NoCountry))
                {
                    continue;
                }

                if (f.Heading != heading || (shipmentGroup != NoId && f.ShipmentGroup != NoId && f.ShipmentGroup != shipmentGroup))
                {
                    continue;
                }

                var i = f.Import;
                if (skipSeen && (byId.Contains(i) || byNumber.Contains(i)))
                {
                    continue;
                }

                AddIfPlausible(candidates, shipmentFacts, x, e, SideOf(shipmentFacts, owner, imports, importShipment, importInvoice, i), i, window, idMatch: false);
            }
        }

        // Score first, then positions: a total order (equal keys are the same pair, weighed twice), so any sort gives
        // the same pairs. A radix sort on the score (CandidateSort); its scratch is the memory of the party-window
        // facts, which nothing reads once the candidates are in (28 bytes per import against 16 per candidate; perf650:
        // 18 MB for 345,417 candidates), or else the list's unused capacity, or else a new array.
        var count = candidates.Count;
        var dead = MemoryMarshal.Cast<ImportFacts, Candidate>(facts.AsSpan());
        if (dead.Length >= count)
        {
            CandidateSort.Sort(CollectionsMarshal.AsSpan(candidates), dead);
        }
        else if (candidates.Capacity >= 2 * count)
        {
            CollectionsMarshal.SetCount(candidates, 2 * count);
            var all = CollectionsMarshal.AsSpan(candidates);
            CandidateSort.Sort(all[..count], all[count..]);
            CollectionsMarshal.SetCount(candidates, count);
        }
        else
        {
            CandidateSort.Sort(CollectionsMarshal.AsSpan(candidates), GC.AllocateUninitializedArray<Candidate>(count));
        }

        var pairs = new List<(int, int)>(Math.Min(exports.Count, imports.Count));
        foreach (var c in candidates)
        {
            if (pairedExport[c.Export] || pairedImport[c.Import])
            {
                continue;
            }

            pairedExport[c.Export] = true;
            pairedImport[c.Import] = true;
            pairs.Add((c.Export, c.Import));
        }

        return pairs;
    }

    /// <summary>
    /// The party-window facts of the imports, one per item of <paramref name="order"/> (every import: each has a party
    /// pair), in that order. Written import by import to the import's place (<paramref name="order"/> inverted first)
    /// rather than gathered place by place: the gather read six per-import arrays at a scattered import each (six
    /// cache misses per fact, the largest share of the matching's own samples), where the scatter reads them in order
    /// and writes one fact (and one int of the inverse) at a scattered place, which the core does not wait for.
    /// <paramref name="scratch"/> (one int per import) is overwritten.
    /// </summary>
    internal static ImportFacts[] PartyWindowFacts(int[] order, MirrorFacts shipmentFacts, int[] importShipment, int[] scratch)
    {
        var facts = GC.AllocateUninitializedArray<ImportFacts>(order.Length);
        var day = shipmentFacts.ImportDay;
        if (order.Length != day.Length)
        {
            // Some import left out (not the case while every import has a party pair): gather in order.
            for (var k = 0; k < order.Length; k++)
            {
                var i = order[k];
                facts[k] = new ImportFacts(i, day[i], shipmentFacts.ImportReporter[i], shipmentFacts.ImportExporterCountry[i],
                    shipmentFacts.ImportOrigin[i], importShipment[i], shipmentFacts.ImportHeading[i]);
            }

            return facts;
        }

        var place = scratch;
        for (var k = 0; k < order.Length; k++)
        {
            place[order[k]] = k;
        }

        var reporter = shipmentFacts.ImportReporter;
        var exporterCountry = shipmentFacts.ImportExporterCountry;
        var origin = shipmentFacts.ImportOrigin;
        var heading = shipmentFacts.ImportHeading;
        for (var i = 0; i < day.Length; i++)
        {
            facts[place[i]] = new ImportFacts(i, day[i], reporter[i], exporterCountry[i], origin[i], importShipment[i], heading[i]);
        }

        return facts;
    }

    /// <summary>Per parties part of <paramref name="index"/>: a number for its exporter/importer name pair
    /// (<see cref="DeclarationShipment.PartiesKey"/>), equal exactly when the pairs are; <paramref name="count"/> numbers.</summary>
    private static int[] PartyPairs(ShipmentIndex index, out int count)
    {
        var keys = index.PartKeys;
        var pairs = new int[keys.Length];
        var numbers = new Dictionary<long, int>(keys.Length, MixedLongComparer.Instance);
        for (var p = 0; p < keys.Length; p++)
        {
            ref var number = ref CollectionsMarshal.GetValueRefOrAddDefault(numbers, keys[p], out var seen);
            if (!seen)
            {
                number = numbers.Count - 1;
            }

            pairs[p] = number;
        }

        count = numbers.Count;
        return pairs;
    }

    /// <summary>What a candidate check reads of import <paramref name="i"/>, gathered from the per-import and
    /// per-shipment arrays when a check needs it: about half of the imports are ever checked (perf650: 315,689 of
    /// 642,200, in 355,124 checks), so a struct per import laid out beforehand (48 bytes, 31 MB, the largest array of
    /// the matching) was mostly written and never read.</summary>
    private static ImportSide SideOf(MirrorFacts facts, ShipmentIndex owner, IReadOnlyList<DeclarationShipment> imports, int[] importShipment, int[] importInvoice, int i)
    {
        var s = imports[i].Index;
        return new ImportSide(facts.ImportDay[i], facts.ImportReporter[i], facts.ImportExporterCountry[i], facts.ImportOrigin[i],
            importShipment[i], owner.GoodsNumbers[s], importInvoice[i], owner.PartiesKeys[s], owner.Quantities[s]);
    }

    private static void AddIfPlausible(List<Candidate> candidates, MirrorFacts facts, in ExportSide ex, int e, in ImportSide im, int i, int window, bool idMatch)
    {
        // The import must be reported by the export's destination, and come from the exporting country when it says
        // (on country ids: equal exactly when the codes are; an importer country not given never matches).
        var reporter = im.Reporter;
        if (reporter != ex.Destination && reporter != ex.ImporterCountry)
        {
            return;
        }

        var exporterCountry = im.ExporterCountry;
        if (exporterCountry != NoCountry
            && exporterCountry != ex.Reporter
            && im.Origin != ex.Reporter)
        {
            return;
        }

        var days = im.Day - ex.Day;
        var maxDays = idMatch ? 2 * window : window;
        if (days < -EarlyImportDays || days > maxDays)
        {
            return;
        }

        var exShipment = ex.ShipmentNumber;
        var imShipment = im.ShipmentNumber;
        var sameShipment = exShipment >= 0 && exShipment == imShipment;
        if (exShipment >= 0 && imShipment >= 0 && !sameShipment)
        {
            return; // two different bills of lading are two different shipments
        }

        var sameInvoice = ex.InvoiceKey >= 0 && ex.InvoiceKey == im.InvoiceKey;
        // Name ids: 0 exactly for the empty normalised name, equal exactly when the normalised names are.
        var exParties = ex.PartiesKey;
        var imParties = im.PartiesKey;
        var sameExporter = (int)(exParties >> 32) != 0 && (int)(exParties >> 32) == (int)(imParties >> 32);
        var sameImporter = (int)exParties != 0 && (int)exParties == (int)imParties;
        // Unit and HS prefixes through the import's goods part (a small table, in cache).
        var a = ex.Unit == facts.UnitOfGoods(im.Goods) ? MirrorAllowances.QuantityAgreement(ex.Quantity, im.Quantity) : 0.5;
        var imHs = facts.HsOfGoods(im.Goods);
        var hsScore = ex.Hs.Hs6 == imHs.Hs6 ? 15
            : ex.Hs.Hs4 == imHs.Hs4 ? 8
            : ex.Hs.Hs2 == imHs.Hs2 ? 4 : 0;

        // Party-only candidates need the same HS6, or the same heading with agreeing quantities; a different
        // chapter is only believed when a shipment id or invoice number ties the two declarations together.
        if (!idMatch && !(hsScore == 15 || (hsScore == 8 && a >= 0.8)))
        {
            return;
        }

        var score = (sameShipment ? 100 : 0) + (sameInvoice ? 50 : 0) + (sameExporter ? 20 : 0) + (sameImporter ? 20 : 0)
            + hsScore + (10.0 * a) + (10.0 * (1 - (Math.Abs(days) / (double)Math.Max(1, maxDays))));
        candidates.Add(new Candidate(e, i, score));
    }

    /// <summary>
    /// For each export, its party window among <paramref name="byParties"/>'s items (imports ordered by day within each
    /// party pair): where it starts, the first import of its pair <paramref name="exportPair"/> dated at least
    /// <paramref name="early"/> days before <paramref name="exportDay"/> (the pair's end when none is), and where the
    /// pair's imports end, packed in one long (<see cref="WindowStart"/>, <see cref="WindowEnd"/>). The binary search of
    /// each export's window, done as one merge per pair of its exports in day order with its imports; the end is
    /// written beside the start so that the export loop, which visits the pairs at random, reads one array in order
    /// instead of the pair's end at a scattered place (a cache miss per export, ~20% of the matching's own samples).
    /// </summary>
    internal static long[] Windows(KeyRanges byParties, int[] exportPair, int[] exportDay, int early)
    {
        var importDays = byParties.SortKeys;
        var pairs = byParties.KeyCount;
        var byDay = new KeyRanges(exportPair, pairs, exportDay);
        var exportsInOrder = byDay.Items;
        var exportDays = byDay.SortKeys;
        var windows = GC.AllocateUninitializedArray<long>(exportPair.Length);
        for (var p = 0; p < pairs; p++)
        {
            var from = byDay.Start(p);
            var to = byDay.End(p);
            if (from == to)
            {
                continue;
            }

            var k = byParties.Start(p);
            var end = byParties.End(p);
            var high = (long)end << 32;
            for (var x = from; x < to; x++)
            {
                var day = exportDays[x] - early;
                while (k < end && importDays[k] < day)
                {
                    k++;
                }

                windows[exportsInOrder[x]] = high | (uint)k;
            }
        }

        return windows;
    }

    /// <summary>Where the party window <paramref name="window"/> (from <see cref="Windows"/>) starts.</summary>
    internal static int WindowStart(long window) => (int)window;

    /// <summary>Where the imports of the party window <paramref name="window"/>'s pair end.</summary>
    internal static int WindowEnd(long window) => (int)(window >> 32);

    private static void Compare(DeclarationShipment ex, DeclarationShipment im, MirrorFacts facts, bool spanish, IFlagSink sink)
    {
        // Mode and unit from the shipments' route and goods parts (as Main.Mode, Main.Unit): the main line objects are
        // read only for a flag.
        var imMode = facts.ModeOf(im.Index);
        var mode = imMode != TransportMode.Unknown ? imMode : facts.ModeOf(ex.Index);
        var exUnit = facts.UnitOf(ex.Index);
        var tolerance = MirrorAllowances.ValueTolerance(mode);
        var quantities = exUnit == facts.UnitOf(im.Index) && ex.Quantity > 0 && im.Quantity > 0;
        var a = quantities ? MirrorAllowances.QuantityAgreement(ex.Quantity, im.Quantity) : 1;
        var x = ex.FobUsd;
        var m = im.FobUsd;
        var shipmentId = ex.ShipmentId ?? im.ShipmentId;

        if (x > 0)
        {
            var gap = m - x;
            var rel = Math.Abs(gap) / x;
            var weighted = a * rel;
            if (weighted > tolerance)
            {
                var agreement = a < 1
                    ? spanish ? string.Create(Inv, $", con cantidades coincidentes al {a * 100:N0}%") : string.Create(Inv, $", with quantities agreeing to {a * 100:N0}%")
                    : string.Empty;
                // Written straight into the flag's UTF-8 texts (FlagTexts.Writer: no string per text; the chunk grows when a
                // text does not fit).
                var w = FlagTexts.Writer.Begin();
                w.Put(FlagTexts.Expected, Inv, $"{ex.Reporter} export {ex.DeclarationId}: {ex.FobUsd:N2} USD FOB");
                w.Put(FlagTexts.Observed, Inv, $"{im.Reporter} import {im.DeclarationId}: {m:N2} USD FOB-equivalent ({im.ValueUsd:N2} USD {Fmt.Term(im.Main.Incoterm)})");
                if (spanish)
                {
                    w.Put(FlagTexts.Explanation, Inv, $"La declaración de exportación {ex.DeclarationId} de {ex.Reporter} ({ex.Date:yyyy-MM-dd}) valoró este embarque en {x:N2} USD FOB; la declaración de importación {im.DeclarationId} de {im.Reporter} declaró {im.ValueUsd:N2} USD {Fmt.Term(im.Main.Incoterm)} ({m:N2} USD equivalente FOB tras el flete {Fmt.Mode(mode, true)}), una diferencia de {Math.Abs(gap):N2} USD ({rel * 100:N0}%) por encima del {tolerance * 100:N0}% admitido{agreement}.");
                }
                else
                {
                    w.Put(FlagTexts.Explanation, Inv, $"The {ex.Reporter} export declaration {ex.DeclarationId} ({ex.Date:yyyy-MM-dd}) valued this shipment at {x:N2} USD FOB; {im.Reporter}'s import declaration {im.DeclarationId} declared {im.ValueUsd:N2} USD {Fmt.Term(im.Main.Incoterm)} ({m:N2} USD FOB-equivalent after {Fmt.Mode(mode, false)} freight), a gap of {Math.Abs(gap):N2} USD ({rel * 100:N0}%) beyond the {tolerance * 100:N0}% allowed{agreement}.");
                }

                sink.Add(NewFlag(FlagCode.MirrorValueGap, MirrorAllowances.ScoreFromRatio(weighted / tolerance), ex, im, shipmentId, Math.Abs(gap), w.End()));
            }
        }

        if (quantities && 1 - a > MirrorAllowances.QuantityTolerance)
        {
            var rel = 1 - a;
            var unit = Fmt.Unit(exUnit);
            var unitPrice = ex.Quantity > 0 ? x / ex.Quantity : 0;
            var atRisk = Math.Abs(im.Quantity - ex.Quantity) * unitPrice;
            var w = FlagTexts.Writer.Begin();
            w.Put(FlagTexts.Expected, Inv, $"{ex.Quantity:N2} {unit} (export {ex.DeclarationId})");
            w.Put(FlagTexts.Observed, Inv, $"{im.Quantity:N2} {unit} (import {im.DeclarationId})");
            if (spanish)
            {
                w.Put(FlagTexts.Explanation, Inv, $"La exportación {ex.DeclarationId} de {ex.Reporter} declaró {ex.Quantity:N2} {unit} y la importación {im.DeclarationId} de {im.Reporter} del mismo embarque {im.Quantity:N2} {unit}, una diferencia del {rel * 100:N0}% (tolerancia {MirrorAllowances.QuantityTolerance * 100:N0}%) que vale {atRisk:N2} USD al precio de la exportación.");
            }
            else
            {
                w.Put(FlagTexts.Explanation, Inv, $"The {ex.Reporter} export {ex.DeclarationId} declared {ex.Quantity:N2} {unit} and {im.Reporter}'s import {im.DeclarationId} of the same shipment {im.Quantity:N2} {unit}, a {rel * 100:N0}% difference (tolerance {MirrorAllowances.QuantityTolerance * 100:N0}%) worth {atRisk:N2} USD at the export's unit price.");
            }

            sink.Add(NewFlag(FlagCode.MirrorQuantityGap, MirrorAllowances.ScoreFromRatio(rel / MirrorAllowances.QuantityTolerance), ex, im, shipmentId, atRisk, w.End()));
        }

        // One line on each side (most shipments): its HS6 is its main line's, equal exactly when the prefix numbers are,
        // and then no code is on one side only; this spares reading both line objects and their codes.
        if (facts.HsOf(ex.Index).Hs6 == facts.HsOf(im.Index).Hs6 && ex.Lines.Count == 1 && im.Lines.Count == 1)
        {
            return;
        }

        CompareHs(ex, im, shipmentId, spanish, sink);
    }

    private static string ExpectedOf(DeclarationShipment ex) => string.Create(Inv, $"{ex.Reporter} export {ex.DeclarationId}: {ex.FobUsd:N2} USD FOB");

    private static void CompareHs(DeclarationShipment ex, DeclarationShipment im, string? shipmentId, bool spanish, IFlagSink sink)
    {
        // Per HS6 within the matched shipments: codes on one side only, in both directions.
        var allShared = true;
        foreach (var line in ex.Lines)
        {
            if (!HasHs6(im, line.Hs))
            {
                allShared = false;
                break;
            }
        }

        if (allShared)
        {
            return;
        }

        List<string>? exportOnly = null;
        foreach (var line in ex.Lines)
        {
            if (!HasHs6(im, line.Hs))
            {
                var hs6 = line.Hs.Hs6;
                if (!exportOnly?.Contains(hs6) ?? true)
                {
                    (exportOnly ??= []).Add(hs6);
                }
            }
        }

        if (exportOnly is null)
        {
            return;
        }

        List<string>? importOnly = null;
        double importOnlyFob = 0;
        foreach (var line in im.Lines)
        {
            if (!HasHs6(ex, line.Hs))
            {
                var hs6 = line.Hs.Hs6;
                importOnlyFob += line.FobUsd;
                if (!(importOnly?.Contains(hs6) ?? false))
                {
                    (importOnly ??= []).Add(hs6);
                }
            }
        }

        if (importOnly is null)
        {
            return;
        }

        var otherChapter = false;
        foreach (var hs6 in exportOnly)
        {
            var chapterSeen = false;
            foreach (var line in im.Lines)
            {
                chapterSeen |= string.CompareOrdinal(line.Hs.Digits, 0, hs6, 0, 2) == 0;
            }

            otherChapter |= !chapterSeen;
        }

        var exCodes = string.Join(", ", exportOnly.Select(Fmt.HsDigits));
        var imCodes = string.Join(", ", importOnly.Select(Fmt.HsDigits));
        var score = otherChapter ? 75 : 50;
        var w = FlagTexts.Writer.Begin();
        w.Put(FlagTexts.Expected, Inv, $"HS {exCodes} ({ExpectedOf(ex)})");
        w.Put(FlagTexts.Observed, Inv, $"HS {imCodes} ({im.Reporter} import {im.DeclarationId})");
        if (spanish)
        {
            w.Put(FlagTexts.Explanation, Inv, $"La exportación {ex.DeclarationId} de {ex.Reporter} clasificó las mercancías en HS {exCodes} pero la importación {im.DeclarationId} de {im.Reporter} del mismo embarque en HS {imCodes} ({importOnlyFob:N2} USD FOB){(otherChapter ? ", un capítulo distinto" : ", mismo capítulo")}.");
        }
        else
        {
            w.Put(FlagTexts.Explanation, Inv, $"The {ex.Reporter} export {ex.DeclarationId} classified the goods under HS {exCodes} but {im.Reporter}'s import {im.DeclarationId} of the same shipment under HS {imCodes} ({importOnlyFob:N2} USD FOB){(otherChapter ? ", a different chapter" : ", same chapter")}.");
        }

        sink.Add(NewFlag(FlagCode.MirrorHsMismatch, score, ex, im, shipmentId, importOnlyFob, w.End()));
    }

    private static bool HasHs6(DeclarationShipment s, HsCode hs)
    {
        foreach (var line in s.Lines)
        {
            if (SamePrefix(line.Hs, hs, 6))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when both codes share their first <paramref name="digits"/> digits (no substring allocated).</summary>
    private static bool SamePrefix(HsCode a, HsCode b, int digits) => string.CompareOrdinal(a.Digits, 0, b.Digits, 0, digits) == 0;

    private static Flag NewFlag(FlagCode code, double score, DeclarationShipment ex, DeclarationShipment im, string? shipmentId,
        double atRisk, FlagTexts texts) => new()
    {
        Code = code,
        Score = score,
        Severity = EnumText.SeverityFromScore(score),
        RecordType = RecordType.Shipment,
        DeclarationId = im.DeclarationId,
        ShipmentId = shipmentId,
        InvoiceNumber = ex.InvoiceNumber ?? im.InvoiceNumber,
        ExporterName = ex.Main.ExporterName,
        ImporterName = im.Main.ImporterName,
        HsCode = DeclarationFlags.HsText(im.Main.Hs),
        ValueUsd = im.ValueUsd,
        ValueAtRiskUsd = Math.Round(atRisk, 2),
        Texts = texts,
        ExporterKey = ex.Main.ExporterKey.Length > 0 ? ex.Main.ExporterKey : null,
        Date = ex.Date,
        OriginCountry = ex.Main.OriginCountry,
        DestinationCountry = ex.Main.DestinationCountry,
        Source = im.Main.Source,
    };

    private static void FlagMissing(IReadOnlyList<DeclarationShipment> exports, IReadOnlyList<DeclarationShipment> imports, MirrorFacts facts,
        bool[] matchedExport, bool[] matchedImport, int window, int horizon, bool spanish, IFlagSink sink, AnalysisArtifacts artifacts)
    {
        // Coverage: how many declarations each (reporter, partner, month) has, and each reporter's first and last day.
        // Keyed by country ids and month in one long; ranges in arrays by country id (no string per shipment).
        var importCount = new Dictionary<long, int>(MixedLongComparer.Instance);
        var exportCount = new Dictionary<long, int>(MixedLongComparer.Instance);
        var importRange = new DayRanges(facts.CountryCount);
        var exportRange = new DayRanges(facts.CountryCount);
        for (var i = 0; i < imports.Count; i++)
        {
            var day = facts.ImportDay[i];
            var month = CalendarMonths.OfDay(day);
            var reporter = facts.ImportReporter[i];
            var origin = facts.ImportOrigin[i];
            Increment(importCount, CoverageKey(reporter, origin, month));
            var ec = facts.ImportExporterCountry[i];
            if (ec != MirrorFacts.NoCountry && ec != origin)
            {
                Increment(importCount, CoverageKey(reporter, ec, month));
            }

            importRange.Extend(reporter, day);
        }

        for (var e = 0; e < exports.Count; e++)
        {
            var day = facts.ExportDay[e];
            Increment(exportCount, CoverageKey(facts.ExportReporter[e], facts.ExportDestination[e], CalendarMonths.OfDay(day)));
            exportRange.Extend(facts.ExportReporter[e], day);
        }

        long lost = 0, orphaned = 0;
        for (var e = 0; e < exports.Count; e++)
        {
            var partnerId = facts.ExportDestination[e];
            var reporterId = facts.ExportReporter[e];
            var day = facts.ExportDay[e];
            if (matchedExport[e] || partnerId == reporterId || !importRange.Has(partnerId) || day + horizon > importRange.Last[partnerId])
            {
                continue;
            }

            var present = CountMonths(importCount, partnerId, reporterId, day, day + window);
            if (present == 0)
            {
                continue;
            }

            lost++;
            var ex = exports[e];
            var partner = ex.Main.DestinationCountry;
            var w = FlagTexts.Writer.Begin();
            w.Put(FlagTexts.Expected, Inv, $"{partner} import within {window} days ({present:N0} {partner} import declarations from {ex.Reporter} present)");
            w.Put(FlagTexts.Observed, "none found");
            if (spanish)
            {
                w.Put(FlagTexts.Explanation, Inv, $"La exportación {ex.DeclarationId} de {ex.Reporter} del {ex.Date:yyyy-MM-dd} ({ex.FobUsd:N2} USD FOB, HS {DeclarationFlags.HsText(ex.Main.Hs)}, a {ex.Main.ImporterName}) no tiene importación correspondiente en {partner} dentro de {window} días, aunque los datos incluyen {present:N0} declaraciones de importación de {partner} desde {ex.Reporter} para ese periodo: posible embarque fantasma.");
            }
            else
            {
                w.Put(FlagTexts.Explanation, Inv, $"The {ex.Reporter} export {ex.DeclarationId} of {ex.Date:yyyy-MM-dd} ({ex.FobUsd:N2} USD FOB, HS {DeclarationFlags.HsText(ex.Main.Hs)}, to {ex.Main.ImporterName}) has no matching import in {partner} within {window} days, although the data holds {present:N0} {partner} import declarations from {ex.Reporter} for that period: possible phantom shipment.");
            }

            sink.Add(MissingFlag(ex, w.End()));
        }

        for (var i = 0; i < imports.Count; i++)
        {
            if (matchedImport[i])
            {
                continue;
            }

            var present = 0;
            var partnerSide = -1;
            var reporterId = facts.ImportReporter[i];
            var day = facts.ImportDay[i];
            for (var k = 0; k < 2; k++)
            {
                // The exporter country first, then the origin.
                var candidate = k == 0 ? facts.ImportExporterCountry[i] : facts.ImportOrigin[i];
                if (candidate == MirrorFacts.NoCountry || present > 0 || candidate == reporterId
                    || !exportRange.Has(candidate) || day - horizon < exportRange.First[candidate])
                {
                    continue;
                }

                present = CountMonths(exportCount, candidate, reporterId, day - window, day);
                partnerSide = k;
            }

            if (present == 0 || partnerSide < 0)
            {
                continue;
            }

            orphaned++;
            var im = imports[i];
            var partner = partnerSide == 0 ? im.Main.ExporterCountry! : im.Main.OriginCountry;
            var w = FlagTexts.Writer.Begin();
            w.Put(FlagTexts.Expected, Inv, $"{partner} export within {window} days before ({present:N0} {partner} export declarations to {im.Reporter} present)");
            w.Put(FlagTexts.Observed, "none found");
            if (spanish)
            {
                w.Put(FlagTexts.Explanation, Inv, $"La importación {im.DeclarationId} de {im.Reporter} del {im.Date:yyyy-MM-dd} ({im.ValueUsd:N2} USD {Fmt.Term(im.Main.Incoterm)}, HS {DeclarationFlags.HsText(im.Main.Hs)}, de {im.Main.ExporterName}) no tiene exportación correspondiente en {partner} en los {window} días previos, aunque los datos incluyen {present:N0} declaraciones de exportación de {partner} hacia {im.Reporter} para ese periodo: embarque huérfano.");
            }
            else
            {
                w.Put(FlagTexts.Explanation, Inv, $"The {im.Reporter} import {im.DeclarationId} of {im.Date:yyyy-MM-dd} ({im.ValueUsd:N2} USD {Fmt.Term(im.Main.Incoterm)}, HS {DeclarationFlags.HsText(im.Main.Hs)}, from {im.Main.ExporterName}) has no matching {partner} export in the {window} days before, although the data holds {present:N0} {partner} export declarations to {im.Reporter} for that period: orphaned shipment.");
            }

            sink.Add(MissingFlag(im, w.End()));
        }

        artifacts.Counters["mirror.lost"] = lost;
        artifacts.Counters["mirror.orphaned"] = orphaned;
    }

    private static Flag MissingFlag(DeclarationShipment s, FlagTexts texts)
    {
        var score = Math.Round(Math.Clamp(50 + (10 * Math.Log10(Math.Max(1, s.FobUsd) / 10_000)), 45, 85), 1);
        return new Flag
        {
            Code = FlagCode.MirrorMissing,
            Score = score,
            Severity = EnumText.SeverityFromScore(score),
            RecordType = RecordType.Shipment,
            DeclarationId = s.DeclarationId,
            ShipmentId = s.ShipmentId,
            InvoiceNumber = s.InvoiceNumber,
            ExporterName = s.Main.ExporterName,
            ImporterName = s.Main.ImporterName,
            HsCode = DeclarationFlags.HsText(s.Main.Hs),
            ValueUsd = s.ValueUsd,
            ValueAtRiskUsd = Math.Round(s.FobUsd, 2),
            Texts = texts,
            ExporterKey = s.Main.ExporterKey.Length > 0 ? s.Main.ExporterKey : null,
            Date = s.Date,
            OriginCountry = s.Main.OriginCountry,
            DestinationCountry = s.Main.DestinationCountry,
            Source = s.Main.Source,
        };
    }

    /// <summary>One (reporter, partner, month) coverage cell: two country ids of 21 bits and the month.</summary>
    private static long CoverageKey(int reporter, int partner, int month) => ((long)reporter << 42) | ((long)partner << 21) | (uint)month;

    /// <summary>Declarations of <paramref name="reporter"/> naming <paramref name="partner"/> in the months from
    /// <paramref name="fromDay"/> to <paramref name="toDay"/> (day numbers).</summary>
    private static int CountMonths(Dictionary<long, int> counts, int reporter, int partner, int fromDay, int toDay)
    {
        var total = 0;
        for (int month = CalendarMonths.OfDay(fromDay), last = CalendarMonths.OfDay(toDay); month <= last; month++)
        {
            if (counts.TryGetValue(CoverageKey(reporter, partner, month), out var n))
            {
                total += n;
            }
        }

        return total;
    }

    private static void Increment(Dictionary<long, int> counts, long key) =>
        CollectionsMarshal.GetValueRefOrAddDefault(counts, key, out _)++;

    /// <summary>An (export, import) pair the matching weighed, and its score.</summary>
    internal readonly record struct Candidate(int Export, int Import, double Score);

    /// <summary>The first and last day number each reporter (by country id) declared; <see cref="Has"/> false when none.</summary>
    private sealed class DayRanges
    {
        public DayRanges(int countries)
        {
            First = new int[countries];
            Last = new int[countries];
            First.AsSpan().Fill(int.MaxValue);
            Last.AsSpan().Fill(int.MinValue);
        }

        public int[] First { get; }

        public int[] Last { get; }

        public bool Has(int country) => First[country] <= Last[country];

        public void Extend(int country, int day)
        {
            First[country] = Math.Min(First[country], day);
            Last[country] = Math.Max(Last[country], day);
        }
    }

    /// <summary>Id standing for a null country.</summary>
    private const int NoCountry = MirrorFacts.NoCountry;

    /// <summary>Shipment number (the shipment-id group) of a declaration without a shipment id.</summary>
    private const int NoId = -1;

    /// <summary>An import's position, day number, country ids (<see cref="NoCountry"/> when the exporter country is not
    /// given), shipment number (<see cref="NoId"/> without a shipment id) and <see cref="MirrorFacts.HeadingCode"/>.</summary>
    internal readonly record struct ImportFacts(int Import, int Day, int Reporter, int ExporterCountry, int Origin, int ShipmentGroup, int Heading);

    /// <summary>What a candidate check reads of an import: day, country ids, shipment-id number, goods part (for the
    /// unit and HS prefix numbers, read only for a candidate past the cheap refusals), invoice key number, parties
    /// key and quantity.</summary>
    private readonly record struct ImportSide(int Day, int Reporter, int ExporterCountry, int Origin, int ShipmentNumber, int Goods,
        int InvoiceKey, long PartiesKey, double Quantity);

    /// <summary>What a candidate check reads of the export.</summary>
    private readonly record struct ExportSide(int Day, int Reporter, int Destination, int ImporterCountry, int ShipmentNumber, BaseUnit Unit,
        MirrorFacts.HsPrefixes Hs, int InvoiceKey, long PartiesKey, double Quantity);

    /// <summary>Best score first, then export and import position.</summary>
    internal readonly struct CandidateOrder : IComparer<Candidate>
    {
        public int Compare(Candidate a, Candidate b)
        {
            var c = b.Score.CompareTo(a.Score);
            if (c != 0)
            {
                return c;
            }

            c = a.Export.CompareTo(b.Export);
            return c != 0 ? c : a.Import.CompareTo(b.Import);
        }
    }
}
