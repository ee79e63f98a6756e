namespace TradeAnalyzer.Core.Detection;

/// <summary>
/// Texts the flags quote over and over (an HS code's display form, an invoice seller's key), made once per thread and
/// key instead of once per flag: each text made per flag was a string more for the flag to keep and the collector to
/// copy twice. Bounded: the thread's memo is cleared when it holds <paramref name="max"/> texts, so that it keeps no
/// more than a few thousand short strings whatever the input.
/// </summary>
internal static class ThreadMemo
{
    /// <summary>The text remembered in <paramref name="memo"/> (a <c>[ThreadStatic]</c> field, made on first use) for
    /// <paramref name="key"/>, else <paramref name="make"/>(<paramref name="arg"/>), remembered.</summary>
    public static string Get<TKey, TArg>(
        ref Dictionary<TKey, string>? memo, IEqualityComparer<TKey> comparer, TKey key, TArg arg, Func<TArg, string> make, int max = 4096)
        where TKey : notnull
    {
        var known = memo ??= new Dictionary<TKey, string>(comparer);
        if (known.TryGetValue(key, out var text))
        {
            return text;
        }

        if (known.Count >= max)
        {
            known.Clear();
        }

        text = make(arg);
        known[key] = text;
        return text;
    }
}
