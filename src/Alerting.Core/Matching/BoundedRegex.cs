using System.Text.RegularExpressions;

namespace Alerting.Core.Matching;

/// <summary>
/// A fully anchored regex whose evaluations are cut off by a timeout (<see cref="Matcher.RegexTimeout"/> by default).
/// </summary>
/// <remarks>
/// It runs on .NET's backtracking engine, whose timeout is checked as it goes. The non-backtracking engine
/// is linear in theory, but once a pattern outgrows its DFA cache it falls back to an NFA mode that does not
/// honour the timeout: <c>(.*a.{100}){10}b</c> against 16,000 characters ran 5.6 s, and <c>(.*a.{600}){3}b</c>
/// ran 36–42 s, with a 100 ms timeout (.NET 10, measured). A timed-out evaluation counts as no match, and the
/// pattern is then not run again on inputs at least as long: one evil silence must not cost 100 ms per alert.
/// The timeout is wall-clock time, so a thread paused by a garbage collection or a busy machine can run out of it
/// on a harmless input: a cut-off evaluation is run once more before it counts, or one pause would disable the
/// pattern (a silence, a route) for every input at least as long, for good.
/// </remarks>
public sealed class BoundedRegex
{
    private readonly Func<string, bool> _isMatch;
    private int _shortestTimedOut = int.MaxValue;

    internal BoundedRegex(Func<string, bool> isMatch) => _isMatch = isMatch;

    /// <summary>Compiles <paramref name="pattern"/> anchored at both ends; throws <see cref="MatcherException"/>
    /// for invalid patterns and for the features RE2 (Go) lacks: backreferences, lookarounds, atomic groups.</summary>
    public static BoundedRegex Compile(string pattern) => Compile(pattern, Matcher.RegexTimeout);

    /// <inheritdoc cref="Compile(string)"/>
    public static BoundedRegex Compile(string pattern, TimeSpan timeout)
    {
        // \z, not $: .NET's $ also matches before a final newline, Go's does not.
        var anchored = "^(?:" + pattern + ")\\z";
        try
        {
            // Built only to reject what RE2 rejects; it is lazy, so this costs little.
            _ = new Regex(anchored, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            return new BoundedRegex(new Regex(anchored, RegexOptions.CultureInvariant, timeout).IsMatch);
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
        var budget = RegexBudget.Current;
        if (budget is not null && !budget.MayRun())
        {
            timedOut = true;
            return false;
        }
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            for (var attempt = 0; attempt < 2; attempt++)
            {
                try
                {
                    return _isMatch(value);
                }
                catch (RegexMatchTimeoutException)
                {
                }
            }
        }
        finally
        {
            budget?.Charge(started);
        }
        timedOut = true;
        int seen;
        while (value.Length < (seen = Volatile.Read(ref _shortestTimedOut))
            && Interlocked.CompareExchange(ref _shortestTimedOut, value.Length, seen) != seen)
        {
        }
        return false;
    }
}
