using System.Text.RegularExpressions;

namespace Alerting.Matching;

/// <summary>
/// A fully anchored regex whose evaluations are cut off by <see cref="Matcher.RegexTimeout"/>.
/// </summary>
/// <remarks>
/// It runs on .NET's backtracking engine, whose timeout is checked as it goes. The non-backtracking engine
/// is linear in theory, but once a pattern outgrows its DFA cache it falls back to an NFA mode that does not
/// honour the timeout: <c>(.*a.{100}){10}b</c> against 16,000 characters ran 5.6 s, and <c>(.*a.{600}){3}b</c>
/// ran 36–42 s, with a 100 ms timeout (.NET 10, measured). A timed-out evaluation counts as no match, and the
/// pattern is then not run again on inputs at least as long: one evil silence must not cost 100 ms per alert.
/// </remarks>
public sealed class BoundedRegex
{
    private readonly Regex _regex;
    private int _shortestTimedOut = int.MaxValue;

    private BoundedRegex(Regex regex) => _regex = regex;

    /// <summary>Compiles <paramref name="pattern"/> anchored at both ends; throws <see cref="MatcherException"/>
    /// for invalid patterns and for the features RE2 (Go) lacks: backreferences, lookarounds, atomic groups.</summary>
    public static BoundedRegex Compile(string pattern)
    {
        // \z, not $: .NET's $ also matches before a final newline, Go's does not.
        var anchored = "^(?:" + pattern + ")\\z";
        try
        {
            // Built only to reject what RE2 rejects; it is lazy, so this costs little.
            _ = new Regex(anchored, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            return new BoundedRegex(new Regex(anchored, RegexOptions.CultureInvariant, Matcher.RegexTimeout));
        }
        catch (ArgumentException e)
        {
            throw new MatcherException($"invalid regular expression \"{pattern}\": {e.Message}");
        }
        catch (NotSupportedException e)
        {
            throw new MatcherException($"invalid regular expression \"{pattern}\": {e.Message}");
        }
    }

    /// <summary>Whether the whole of <paramref name="value"/> matches; false when cut off.</summary>
    public bool IsMatch(string value, out bool timedOut)
    {
        timedOut = value.Length >= Volatile.Read(ref _shortestTimedOut);
        if (timedOut)
        {
            return false;
        }
        try
        {
            return _regex.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            timedOut = true;
            int seen;
            while (value.Length < (seen = Volatile.Read(ref _shortestTimedOut))
                && Interlocked.CompareExchange(ref _shortestTimedOut, value.Length, seen) != seen)
            {
            }
            return false;
        }
    }
}
