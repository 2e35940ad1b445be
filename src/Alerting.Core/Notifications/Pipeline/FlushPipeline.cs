using Alerting.Core.Alerts;
using Alerting.Core.Inhibition;
using Alerting.Core.Labels;
using Alerting.Core.Routing;
using Alerting.Core.Matching;
using Alerting.Core.Silences;
using Alerting.Core.TimeIntervals;

namespace Alerting.Core.Notifications.Pipeline;

/// <summary>What one integration of the group's receiver was last told, and whether it sends resolved alerts.</summary>
public sealed record IntegrationState(string Name, bool SendResolved, NotificationLogEntry? LastSent);

/// <summary>A decision to notify one integration: the alerts to render and the sets to log after a successful send.</summary>
public sealed record SendDecision(string Integration, IReadOnlyList<Alert> Alerts, IReadOnlySet<ulong> Firing, IReadOnlySet<ulong> Resolved, string Reason);

/// <summary>Why an alert was held back at this flush.</summary>
public sealed record Suppression(IReadOnlyList<string> SilencedBy, ulong? InhibitedBy, string? MutedBy)
{
    public string Describe() =>
        MutedBy is not null ? $"muted by time interval {MutedBy}"
        : InhibitedBy is { } fp ? $"inhibited by {Fingerprint.Format(fp)}"
        : $"silenced by {string.Join(", ", SilencedBy)}";
}

public sealed record FlushResult(
    IReadOnlyList<Alert> Kept,
    IReadOnlyDictionary<ulong, Suppression> Suppressed,
    IReadOnlyList<SendDecision> Sends);

/// <summary>
/// One group flush, as Alertmanager's notification pipeline: inhibit → time intervals → silence → dedup.
/// The server then sends each decision and records it. Pure: everything it needs is passed in.
/// </summary>
public sealed class FlushPipeline(
    Inhibitor inhibitor,
    IReadOnlyList<Silence> activeSilences,
    IReadOnlyDictionary<string, TimeIntervalConfig> timeIntervals)
{
    /// <param name="acknowledged">Someone acknowledged the group: repeats stop (new alerts and resolutions still go out).</param>
    public FlushResult Run(Route route, IReadOnlyList<Alert> alerts, IReadOnlyList<IntegrationState> integrations, DateTimeOffset now, bool acknowledged = false)
    {
        var suppressed = new Dictionary<ulong, Suppression>();
        var kept = Inhibit(alerts, suppressed);
        if (MutedBy(route, now) is { } interval)
        {
            foreach (var a in kept)
            {
                suppressed[a.Fingerprint] = new Suppression([], null, interval);
            }
            return new FlushResult([], suppressed, []);
        }
        kept = Silence(kept, suppressed);
        var sends = Dedup(route, kept, integrations, now, acknowledged);
        return new FlushResult(kept, suppressed, sends);
    }

    /// <summary>Stage 1: firing alerts matching an inhibit rule's source mute its targets.</summary>
    private List<Alert> Inhibit(IReadOnlyList<Alert> alerts, Dictionary<ulong, Suppression> suppressed)
    {
        var kept = new List<Alert>(alerts.Count);
        // Evil patterns in many silences cost at most the pass's budget; past it, a regex counts as cut off.
        using var budget = RegexBudget.Start(RegexBudget.PerPass, throwWhenExhausted: false);
        foreach (var a in alerts)
        {
            if (inhibitor.InhibitedBy(a.Labels) is { } by)
            {
                suppressed[a.Fingerprint] = new Suppression([], by, null);
            }
            else
            {
                kept.Add(a);
            }
        }
        return kept;
    }

    /// <summary>Stage 2: outside its active intervals, or inside a mute interval, a route sends nothing.</summary>
    private string? MutedBy(Route route, DateTimeOffset now)
    {
        if (route.ActiveTimeIntervals.Count > 0
            && !route.ActiveTimeIntervals.Any(name => timeIntervals.TryGetValue(name, out var ti) && ti.Contains(now)))
        {
            return $"outside active_time_intervals {string.Join(", ", route.ActiveTimeIntervals)}";
        }
        return route.MuteTimeIntervals.FirstOrDefault(name => timeIntervals.TryGetValue(name, out var ti) && ti.Contains(now));
    }

    /// <summary>Stage 3: alerts matched by an active silence are held back.</summary>
    private List<Alert> Silence(List<Alert> alerts, Dictionary<ulong, Suppression> suppressed)
    {
        if (activeSilences.Count == 0)
        {
            return alerts;
        }
        var kept = new List<Alert>(alerts.Count);
        foreach (var a in alerts)
        {
            var by = activeSilences.Where(s => s.Matchers.Matches(a.Labels)).Select(s => s.Id.ToString()).ToList();
            if (by.Count > 0)
            {
                suppressed[a.Fingerprint] = new Suppression(by, null, null);
            }
            else
            {
                kept.Add(a);
            }
        }
        return kept;
    }

    /// <summary>Stage 4: per integration, send only what the notification log says is news.</summary>
    private static List<SendDecision> Dedup(Route route, List<Alert> alerts, IReadOnlyList<IntegrationState> integrations, DateTimeOffset now, bool acknowledged)
    {
        var (firing, resolved) = Notifications.Dedup.Split(alerts, now);
        var sends = new List<SendDecision>();
        foreach (var integration in integrations)
        {
            if (!Notifications.Dedup.NeedsUpdate(integration.LastSent, firing, resolved, integration.SendResolved, route.RepeatInterval, now))
            {
                continue;
            }
            var reason = Reason(integration, firing, resolved, route.RepeatInterval, now);
            if (acknowledged && reason.StartsWith("repeat_interval", StringComparison.Ordinal))
            {
                continue;
            }
            // Alertmanager filters resolved alerts out of the message when send_resolved is off; the log still records them.
            var payload = integration.SendResolved ? alerts : alerts.Where(a => !a.Resolved(now)).ToList();
            sends.Add(new SendDecision(integration.Name, payload, firing, resolved, reason));
        }
        return sends;
    }

    /// <summary>Why the log called for a send, in the order Alertmanager's needsUpdate checks.</summary>
    internal static string Reason(IntegrationState integration, IReadOnlySet<ulong> firing, IReadOnlySet<ulong> resolved, TimeSpan repeat, DateTimeOffset now)
    {
        var last = integration.LastSent;
        if (last is null)
        {
            return "first notification";
        }
        if (!firing.IsSubsetOf(last.FiringAlerts))
        {
            return "new firing alerts";
        }
        if (firing.Count == 0)
        {
            return "all alerts resolved";
        }
        if (integration.SendResolved && !resolved.IsSubsetOf(last.ResolvedAlerts))
        {
            return "alerts resolved";
        }
        return $"repeat_interval {repeat} elapsed";
    }
}
