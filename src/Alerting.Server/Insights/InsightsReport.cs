namespace Alerting.Insights;

// The contract between the insights queries, GET /api/v2/insights and the UI's insights page: one report per period.
// Durations are seconds (double) so the JSON stays plain numbers for scripts.

/// <summary>What the operator asked for: 24h, 7d or 30d, ending now.</summary>
internal sealed record InsightsPeriod(string Name, TimeSpan Length)
{
    public static readonly InsightsPeriod Day = new("24h", TimeSpan.FromHours(24));
    public static readonly InsightsPeriod Week = new("7d", TimeSpan.FromDays(7));
    public static readonly InsightsPeriod Month = new("30d", TimeSpan.FromDays(30));

    public static IReadOnlyList<InsightsPeriod> All { get; } = [Day, Week, Month];

    public static InsightsPeriod? Parse(string? name) =>
        name is null or "" ? Day : All.FirstOrDefault(p => p.Name == name);
}

internal sealed record InsightsReport(
    string Period,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<NoisyAlert> NoisiestAlerts,
    IReadOnlyList<NoisyGroup> NoisiestGroups,
    FlappingInsights Flapping,
    IReadOnlyList<ResponseTimes> ByReceiver,
    IReadOnlyList<ResponseTimes> ByAlertName,
    IReadOnlyList<ChannelDay> NotificationsPerChannelPerDay,
    SilenceInsights Silences);

/// <summary>An alert by the notifications that carried it in the period, with the receivers they went to.</summary>
internal sealed record NoisyAlert(
    string Fingerprint,
    string AlertName,
    IReadOnlyDictionary<string, string> Labels,
    long Notifications,
    IReadOnlyList<string> Receivers);

/// <summary>A group (route and group key) by the notifications sent for it in the period.</summary>
internal sealed record NoisyGroup(
    string GroupKey,
    string Receiver,
    IReadOnlyDictionary<string, string> GroupLabels,
    long Notifications);

/// <summary>Alerts that fired and resolved more than <see cref="MinimumCycles"/> times in the period.</summary>
internal sealed record FlappingInsights(int MinimumCycles, IReadOnlyList<FlappingAlert> Alerts);

/// <summary>
/// One flapping alert: how often it fired and resolved, how long it typically stayed firing, and settings that would
/// have kept it quiet (a rule <c>for:</c> longer than its typical firing, a route group_interval longer than its cycle).
/// </summary>
internal sealed record FlappingAlert(
    string Fingerprint,
    string AlertName,
    IReadOnlyDictionary<string, string> Labels,
    long Cycles,
    double MedianFiringSeconds,
    double MedianCycleSeconds,
    string SuggestedFor,
    string SuggestedGroupInterval);

/// <summary>Time to acknowledge and to resolve, per receiver or per alert name (Key); null when nothing was measured.</summary>
internal sealed record ResponseTimes(
    string Key,
    long Acknowledged,
    double? AcknowledgeMedianSeconds,
    double? AcknowledgeP90Seconds,
    long Resolved,
    double? ResolveMedianSeconds,
    double? ResolveP90Seconds);

/// <summary>Notifications of one channel kind (webhook, slack, email, …) on one UTC day.</summary>
internal sealed record ChannelDay(DateOnly Day, string Channel, long Sent, long Failed, long RateLimited);

internal sealed record SilenceInsights(
    long Created,
    double? MedianDurationSeconds,
    double? LongestDurationSeconds,
    IReadOnlyList<UnusedSilence> MatchedNothing);

/// <summary>A silence active in the period that muted no alert.</summary>
internal sealed record UnusedSilence(
    string Id,
    string CreatedBy,
    string Comment,
    string Matchers,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt);
