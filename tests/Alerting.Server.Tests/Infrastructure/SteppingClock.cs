using Microsoft.Extensions.Time.Testing;

namespace Alerting.Infrastructure;

/// <summary>
/// A clock whose wall time can step (as an NTP step, a resumed VM or a manual date change makes a real one do)
/// while its monotonic timestamps and timers go on undisturbed, driven by a <see cref="FakeTimeProvider"/>.
/// </summary>
public sealed class SteppingClock(FakeTimeProvider inner) : TimeProvider
{
    private long _offsetTicks;

    /// <summary>How far the wall clock is off the fake time; setting it is the step.</summary>
    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + Offset;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);
}
