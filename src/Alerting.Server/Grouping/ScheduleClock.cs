namespace Alerting.Grouping;

/// <summary>
/// The time flushes are scheduled by. It is the instance's clock, except that a step of that clock (an NTP step,
/// a resumed VM, someone setting the date) is noticed against the monotonic clock and moved into the stored
/// schedule by the dispatcher, rather than making every group due at once (a step forward) or none for minutes
/// (a step back). Until the dispatcher has moved the schedule, this clock carries on as if the step had not happened,
/// so groups created meanwhile are scheduled on the same footing as the rest.
/// </summary>
/// <remarks>
/// Alert and silence times stay on the instance's clock: they are compared with times the senders and users gave.
/// Several instances share one schedule, so their clocks should agree (NTP); an instance whose clock steps moves
/// the shared schedule once by that step.
/// </remarks>
internal sealed class ScheduleClock(TimeProvider time)
{
    /// <summary>Smaller differences between the two clocks are drift and scheduling noise, not a step.</summary>
    internal static readonly TimeSpan StepThreshold = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private DateTimeOffset _lastWall;
    private long _lastMonotonic;
    private TimeSpan _pending;

    /// <summary>Now, for scheduling: the clock, less any step not yet moved into the stored schedule.</summary>
    public DateTimeOffset Now
    {
        get
        {
            lock (_gate)
            {
                return Observe() - _pending;
            }
        }
    }

    /// <summary>Steps seen and not yet moved into the schedule (positive: the clock jumped forward).</summary>
    public TimeSpan Pending
    {
        get
        {
            lock (_gate)
            {
                Observe();
                return _pending;
            }
        }
    }

    /// <summary>The schedule has been moved by <paramref name="step"/>.</summary>
    public void Applied(TimeSpan step)
    {
        lock (_gate)
        {
            _pending -= step;
        }
    }

    private DateTimeOffset Observe()
    {
        var wall = time.GetUtcNow();
        var monotonic = time.GetTimestamp();
        if (_lastMonotonic != 0)
        {
            var step = wall - _lastWall - time.GetElapsedTime(_lastMonotonic, monotonic);
            if (step >= StepThreshold || step <= -StepThreshold)
            {
                _pending += step;
            }
        }
        _lastWall = wall;
        _lastMonotonic = monotonic;
        return wall;
    }
}
