using Alerting.Core.Alerts;

namespace Alerting.Core.Notifications;

/// <summary>Alertmanager 0.25's DedupStage: whether a group flush must reach an integration.</summary>
public static class Dedup
{
    /// <summary>
    /// DedupStage.needsUpdate, branch for branch. <paramref name="firing"/> and <paramref name="resolved"/>
    /// are the hashes of the group's alerts now, as made by <see cref="Split"/>.
    /// </summary>
    public static bool NeedsUpdate(
        NotificationLogEntry? entry,
        IReadOnlySet<ulong> firing,
        IReadOnlySet<ulong> resolved,
        bool sendResolved,
        TimeSpan repeatInterval,
        DateTimeOffset now)
    {
        // Never notified: only a firing alert is news; resolved-only groups stay quiet.
        if (entry is null)
        {
            return firing.Count > 0;
        }
        // A firing alert the receiver has not been told about.
        if (!IsSubset(firing, entry.FiringAlerts))
        {
            return true;
        }
        // All resolved: notify (regardless of send_resolved, so the log's firing set is cleared) unless
        // the last notification had nothing firing either — then the receiver never saw these alerts.
        if (firing.Count == 0)
        {
            return entry.FiringAlerts.Count > 0;
        }
        if (sendResolved && !IsSubset(resolved, entry.ResolvedAlerts))
        {
            return true;
        }
        // Nothing changed: repeat only once repeat_interval has passed (strictly, as Go's Before).
        return entry.Timestamp < now - repeatInterval;
    }

    /// <summary>
    /// The group's alerts split by state at <paramref name="now"/>, keyed by label fingerprint.
    /// (Alertmanager keys its log by an xxhash of the same label bytes; any stable per-label-set hash
    /// decides alike, and our log is ours alone.)
    /// </summary>
    public static (IReadOnlySet<ulong> Firing, IReadOnlySet<ulong> Resolved) Split(IEnumerable<Alert> alerts, DateTimeOffset now)
    {
        var firing = new HashSet<ulong>();
        var resolved = new HashSet<ulong>();
        foreach (var alert in alerts)
        {
            (alert.Resolved(now) ? resolved : firing).Add(alert.Fingerprint);
        }
        return (firing, resolved);
    }

    private static bool IsSubset(IReadOnlySet<ulong> subset, IReadOnlySet<ulong> set)
    {
        foreach (var item in subset)
        {
            if (!set.Contains(item))
            {
                return false;
            }
        }
        return true;
    }
}
