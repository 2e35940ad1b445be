using System.Diagnostics;

namespace Alerting.Core.Matching;

/// <summary>Thrown when a request's regexes ran longer than <see cref="RegexBudget.PerRequest"/> in total.</summary>
public sealed class RegexBudgetExceededException(TimeSpan budget)
    : Exception($"the request's regular expressions ran longer than {budget.TotalMilliseconds:0} ms in total; use simpler patterns or fewer of them")
{
}

/// <summary>
/// A bound on the total time regexes run in one request or one silence evaluation pass. Each evaluation is cut off at
/// <see cref="Matcher.RegexTimeout"/>, but 30 distinct slow patterns in one request still cost 30 of those; the budget
/// bounds their sum. It flows with the async context (<see cref="Start"/> opens it, disposing closes it).
/// </summary>
public sealed class RegexBudget : IDisposable
{
    /// <summary>Regex time one API or UI request may spend.</summary>
    public static readonly TimeSpan PerRequest = TimeSpan.FromSeconds(1);

    /// <summary>Regex time one pass of silences over a group's alerts may spend.</summary>
    public static readonly TimeSpan PerPass = TimeSpan.FromSeconds(1);

    private static readonly AsyncLocal<RegexBudget?> s_current = new();
    private static long s_exceeded;

    private readonly RegexBudget? _outer;
    private readonly TimeSpan _limit;
    private readonly bool _throw;
    private long _spentTicks;
    private int _counted;
    private volatile bool _closed;

    private RegexBudget(TimeSpan limit, bool throwWhenExhausted)
    {
        _limit = limit;
        _throw = throwWhenExhausted;
        _outer = s_current.Value;
    }

    /// <summary>Budgets exhausted (requests refused, passes cut short); exported as a metric.</summary>
    public static long Exceeded => Interlocked.Read(ref s_exceeded);

    /// <summary>The open budget; a closed one that work started inside its scope still carries binds nothing.</summary>
    internal static RegexBudget? Current => s_current.Value is { _closed: false } open ? open : null;

    /// <summary>
    /// Opens a budget. Exhausted, the next evaluation throws <see cref="RegexBudgetExceededException"/> when
    /// <paramref name="throwWhenExhausted"/>, else it is not run and counts as cut off (no match), as a timeout does.
    /// </summary>
    public static RegexBudget Start(TimeSpan limit, bool throwWhenExhausted)
    {
        var budget = new RegexBudget(limit, throwWhenExhausted);
        s_current.Value = budget;
        return budget;
    }

    /// <summary>False when exhausted and the evaluation is to count as cut off; throws when the budget says so.</summary>
    internal bool MayRun()
    {
        if (Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _spentTicks)) < _limit)
        {
            return true;
        }
        if (Interlocked.Exchange(ref _counted, 1) == 0)
        {
            Interlocked.Increment(ref s_exceeded);
        }
        return _throw ? throw new RegexBudgetExceededException(_limit) : false;
    }

    internal void Charge(long startedTimestamp) => Interlocked.Add(ref _spentTicks, Stopwatch.GetTimestamp() - startedTimestamp);

    public void Dispose()
    {
        _closed = true;
        s_current.Value = _outer;
    }
}
