using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Alerting.Matching;

/// <summary>
/// Compiled, anchored regexes shared by every matcher with the same pattern: silences and routes
/// repeat the same few patterns, and building a non-backtracking regex is not free.
/// </summary>
internal static class RegexCache
{
    private const int MaxEntries = 10_000;
    private static readonly ConcurrentDictionary<string, Regex> s_cache = new(StringComparer.Ordinal);

    public static Regex Get(string pattern)
    {
        if (s_cache.TryGetValue(pattern, out var cached))
        {
            return cached;
        }
        var regex = Compile(pattern);
        if (s_cache.Count >= MaxEntries)
        {
            // Filters from API callers are unbounded; a crude reset keeps memory bounded.
            s_cache.Clear();
        }
        return s_cache.GetOrAdd(pattern, regex);
    }

    private static Regex Compile(string pattern)
    {
        // \z, not $: .NET's $ also matches before a final newline, Go's does not.
        var anchored = "^(?:" + pattern + ")\\z";
        try
        {
            return new Regex(anchored, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, Matcher.RegexTimeout);
        }
        catch (ArgumentException e)
        {
            throw new MatcherException($"invalid regular expression \"{pattern}\": {e.Message}");
        }
        catch (NotSupportedException e)
        {
            // Backreferences and lookarounds: RE2 (Go) does not support them either.
            throw new MatcherException($"invalid regular expression \"{pattern}\": {e.Message}");
        }
    }
}
