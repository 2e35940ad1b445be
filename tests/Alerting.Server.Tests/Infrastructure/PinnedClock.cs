using System.Diagnostics;

namespace Alerting.Infrastructure;

/// <summary>
/// Real time that started at a chosen instant: the wall clock reads <c>start</c> plus the time elapsed since this
/// clock was made, while timestamps and timers are the system's. A scene whose outcome depends on the weekday or
/// the hour (time intervals, "in effect now") pins it with this instead of taking whatever day the run falls on.
/// </summary>
public sealed class PinnedClock(DateTimeOffset start) : TimeProvider
{
    /// <summary>A Wednesday at 10:00 UTC, far from any weekend, month end or summer-time change.</summary>
    public static readonly DateTimeOffset Weekday = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A Saturday at noon UTC.</summary>
    public static readonly DateTimeOffset Saturday = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private readonly long _started = Stopwatch.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => start + Stopwatch.GetElapsedTime(_started);

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}
