using System.Diagnostics;

namespace Alerting.Infrastructure;

/// <summary>
/// A wait's end on the monotonic clock: a test's patience does not stretch or vanish when the wall clock steps
/// (NTP, a resumed VM, or faketime in CI).
/// </summary>
public readonly record struct Deadline(long Started, TimeSpan Length)
{
    public static Deadline In(TimeSpan length) => new(Stopwatch.GetTimestamp(), length);

    public bool Passed => Stopwatch.GetElapsedTime(Started) >= Length;

    public TimeSpan Left => Length - Stopwatch.GetElapsedTime(Started);
}
