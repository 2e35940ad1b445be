namespace Alerting.Insights;

/// <summary>
/// Settings that would have quietened a flapping alert, as round durations in Prometheus' notation:
/// <list type="bullet">
/// <item><c>for:</c> the shortest step longer than its median firing time: a rule must hold that long before it fires,
/// so at least half of those firings would not have fired at all.</item>
/// <item><c>group_interval</c>: the shortest step longer than its median cycle (firing to firing again), and at least
/// Alertmanager's default 5m: its group then sends at most one update per cycle instead of one per change.</item>
/// </list>
/// Both stop at 24h: an alert that needs more is better fixed in its rule.
/// </summary>
internal static class FlappingAdvice
{
    private static readonly TimeSpan[] Steps =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(15),
        TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(3), TimeSpan.FromHours(6),
        TimeSpan.FromHours(12), TimeSpan.FromHours(24),
    ];

    private static readonly TimeSpan DefaultGroupInterval = TimeSpan.FromMinutes(5);

    public static string For(double medianFiringSeconds) => Format(StepAbove(medianFiringSeconds));

    public static string GroupInterval(double medianCycleSeconds)
    {
        var step = StepAbove(medianCycleSeconds);
        return Format(step < DefaultGroupInterval ? DefaultGroupInterval : step);
    }

    private static TimeSpan StepAbove(double seconds) => Steps.FirstOrDefault(s => s.TotalSeconds > seconds, Steps[^1]);

    private static string Format(TimeSpan step) => step.TotalHours >= 1 ? $"{step.TotalHours:0}h" : $"{step.TotalMinutes:0}m";
}
