using System.Collections.Concurrent;
using TradeAnalyzer.Core.Analysis;
using TradeAnalyzer.Core.Model;
using TradeAnalyzer.Core.Reference;

namespace TradeAnalyzer.Core.Baselines;

/// <summary>
/// Chooses the baseline a record is compared with. Candidates are the stored history merged with this upload's
/// statistics. At each level, most specific first (full national line, HS8, HS6, HS4): the corridor group when it has
/// at least <see cref="AnalysisOptions.MinCorridorCount"/> values without the record, else the all-origins group when
/// it has at least <see cref="AnalysisOptions.MinBaselineCount"/> without the record, else an external reference
/// value for exactly that prefix and unit; else the next level. No candidate: no comparison.
/// </summary>
public sealed class BaselineResolver
{
    private readonly BaselineSet? _history;
    private readonly BaselineSet _upload;
    private readonly AnalysisOptions _options;
    private readonly Dictionary<(string Prefix, BaseUnit Unit), ExternalBaseline> _external = [];
    private readonly ConcurrentDictionary<BaselineKey, Lazy<LogHistogram?>> _merged = new();
    private readonly ConcurrentDictionary<(BaselineKey Key, bool External), ResolvedBaseline> _resolved = new();

    /// <summary>Creates a resolver over the history (may be null), this upload's statistics and external references.</summary>
    public BaselineResolver(BaselineSet? history, BaselineSet upload, IReadOnlyList<ExternalBaseline> external, AnalysisOptions options)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(external);
        ArgumentNullException.ThrowIfNull(options);
        _history = history;
        _upload = upload;
        _options = options;
        foreach (var e in external)
        {
            var digits = new string(e.HsPrefix.Where(char.IsAsciiDigit).ToArray());
            if (digits.Length < 2 || !(e.MedianUsd > 0))
            {
                continue;
            }

            if (!_external.TryGetValue((digits, e.Unit), out var existing) || e.Count > existing.Count)
            {
                _external[(digits, e.Unit)] = e;
            }
        }
    }

    /// <summary>Every baseline resolved so far.</summary>
    public IEnumerable<ResolvedBaseline> Resolved => _resolved.Values;

    /// <summary>
    /// The baseline for records with this code, unit and corridor, or null when no group is large enough and no
    /// reference exists. <paramref name="recordIncluded"/>: the record's own price is in the upload statistics (so it
    /// is not counted towards the minimums and is left out of its comparison).
    /// </summary>
    public ResolvedBaseline? Resolve(HsCode hs, BaseUnit unit, string? origin, string? destination, bool recordIncluded = true)
    {
        var self = recordIncluded ? 1 : 0;
        var prefixes = BaselineSet.PrefixesOf(hs);
        var own = Merged(new BaselineKey(prefixes[0], unit, null, null));
        for (var level = 0; level < prefixes.Count; level++)
        {
            var prefix = prefixes[level];
            var label = LevelLabel(prefix, level == 0);
            var fallback = level > 0;
            if (fallback && !Comparable(own, prefix, unit, self))
            {
                // The record's own product prices differently from the wider heading (e.g. P2P under 2914.31 against
                // acetone under 2914.11): a coarser group is not a comparable baseline, and no price flag is raised.
                return null;
            }

            if (origin is not null || destination is not null)
            {
                var corridor = new BaselineKey(prefix, unit, origin, destination);
                var h = Merged(corridor);
                if (h is not null && h.Count - self >= _options.MinCorridorCount)
                {
                    return _resolved.GetOrAdd((corridor, false), k => new ResolvedBaseline(k.Key, h, recordIncluded, label, fallback, _options.FenceK));
                }
            }

            var all = new BaselineKey(prefix, unit, null, null);
            var ha = Merged(all);
            if (ha is not null && ha.Count - self >= _options.MinBaselineCount)
            {
                return _resolved.GetOrAdd((all, false), k => new ResolvedBaseline(k.Key, ha, recordIncluded, label, fallback, _options.FenceK));
            }

            if (_external.TryGetValue((prefix, unit), out var ext))
            {
                return _resolved.GetOrAdd((all, true), k => new ResolvedBaseline(k.Key, ext, label, fallback, _options.FenceK));
            }
        }

        return null;
    }

    /// <summary>Smallest number of other lines of the record's own code that can veto a coarser baseline.</summary>
    public const int ComparabilityMinCount = 2;

    /// <summary>Largest difference of medians (ln units, a factor of about 2.7) between the record's own code and a coarser group.</summary>
    public const double ComparabilityMaxLnGap = 1.0;

    /// <summary>
    /// A coarser group is comparable unless the record's own code has a few other lines whose median is far from the
    /// coarser group's median: then the heading mixes products of different value and its fences say nothing.
    /// </summary>
    private bool Comparable(LogHistogram? own, string prefix, BaseUnit unit, int self)
    {
        if (own is null || own.Count - self < ComparabilityMinCount)
        {
            return true;
        }

        var coarse = Merged(new BaselineKey(prefix, unit, null, null));
        return coarse is null || Math.Abs(coarse.Median - own.Median) <= ComparabilityMaxLnGap;
    }

    /// <summary>Label of a level: the record's own full code is the "national line" (or HS6/HS8 when that is all it has).</summary>
    private static string LevelLabel(string prefix, bool full) => prefix.Length switch
    {
        4 => "HS4",
        6 => "HS6",
        8 => "HS8",
        _ => full ? "national line" : $"HS{prefix.Length}",
    };

    private LogHistogram? Merged(BaselineKey key) =>
        _merged.GetOrAdd(key, k => new Lazy<LogHistogram?>(() =>
        {
            var hasUpload = _upload.TryGet(k, out var up);
            LogHistogram? hist = null;
            if (_history is not null && _history.TryGet(k, out var old))
            {
                hist = old.Clone();
                if (hasUpload)
                {
                    hist.Merge(up);
                }
            }
            else if (hasUpload)
            {
                hist = up;
            }

            return hist;
        })).Value;
}
