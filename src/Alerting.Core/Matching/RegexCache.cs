using System.Collections.Concurrent;

namespace Alerting.Core.Matching;

/// <summary>
/// Compiled, anchored regexes shared by every matcher with the same pattern: silences and routes
/// repeat the same few patterns, and a cut-off pattern remembers the input lengths it cannot afford.
/// </summary>
internal static class RegexCache
{
    private const int MaxEntries = 10_000;
    private static readonly ConcurrentDictionary<string, BoundedRegex> s_cache = new(StringComparer.Ordinal);

    public static BoundedRegex Get(string pattern)
    {
        if (s_cache.TryGetValue(pattern, out var cached))
        {
            return cached;
        }
        var regex = BoundedRegex.Compile(pattern);
        if (s_cache.Count >= MaxEntries)
        {
            // Filters from API callers are unbounded; a crude reset keeps memory bounded.
            s_cache.Clear();
        }
        return s_cache.GetOrAdd(pattern, regex);
    }
}
