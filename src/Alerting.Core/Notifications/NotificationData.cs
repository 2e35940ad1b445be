using System.Text;
using Alerting.Core.Alerts;
using Alerting.Core.Labels;

namespace Alerting.Core.Notifications;

/// <summary>Alert and notification states as Alertmanager spells them.</summary>
public static class NotificationStatus
{
    public const string Firing = "firing";
    public const string Resolved = "resolved";
}

/// <summary>One alert as notification templates see it (Alertmanager's template.Alert).</summary>
/// <param name="EndsAt">
/// The stored end, also for firing alerts; Alertmanager zeroes it for firing alerts before they reach
/// templates, and the webhook channel does the same on the wire.
/// </param>
/// <param name="Fingerprint">The label fingerprint as 16 hex digits.</param>
public sealed record NotificationAlert(
    string Status,
    LabelSet Labels,
    LabelSet Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string GeneratorUrl,
    string Fingerprint)
{
    public bool IsFiring => Status == NotificationStatus.Firing;
}

/// <summary>
/// The data every channel renders (Alertmanager's template.Data), plus the group key and the number of
/// alerts dropped by max_alerts, which the webhook sends alongside it.
/// </summary>
/// <param name="Receiver">The receiver name, regexp-quoted as Alertmanager does (<c>a.b</c> becomes <c>a\.b</c>).</param>
/// <param name="Status"><see cref="NotificationStatus.Firing"/> when any alert fires, else resolved.</param>
/// <param name="Alerts">Sorted with <see cref="AlertOrder"/>.</param>
/// <param name="CommonLabels">Pairs present with the same value in every alert.</param>
public sealed record NotificationData(
    string Receiver,
    string Status,
    IReadOnlyList<NotificationAlert> Alerts,
    LabelSet GroupLabels,
    LabelSet CommonLabels,
    LabelSet CommonAnnotations,
    string ExternalUrl,
    string GroupKey,
    int TruncatedAlerts)
{
    public IEnumerable<NotificationAlert> Firing => Alerts.Where(a => a.IsFiring);

    public IEnumerable<NotificationAlert> Resolved => Alerts.Where(a => !a.IsFiring);

    public static NotificationData Create(
        string receiver,
        string groupKey,
        LabelSet groupLabels,
        IReadOnlyList<Alert> alerts,
        string externalUrl,
        DateTimeOffset now)
    {
        // OrderBy is stable, as the dispatcher's sort.Stable.
        var sorted = alerts
            .OrderBy(a => a, AlertOrder.Instance)
            .Select(a => new NotificationAlert(
                a.Resolved(now) ? NotificationStatus.Resolved : NotificationStatus.Firing,
                a.Labels,
                a.Annotations,
                a.StartsAt,
                a.EndsAt,
                a.GeneratorUrl,
                a.Labels.FingerprintHex))
            .ToList();
        return Build(QuoteMeta(receiver), sorted, groupLabels, externalUrl, groupKey, truncated: 0);
    }

    /// <summary>
    /// Alertmanager's truncateAlerts (max_alerts): keep the first <paramref name="maxAlerts"/> alerts when
    /// positive. The webhook truncates before building its data, so status and common labels and
    /// annotations are recomputed over the alerts kept.
    /// </summary>
    public NotificationData Truncate(long maxAlerts)
    {
        if (maxAlerts <= 0 || Alerts.Count <= maxAlerts)
        {
            return this;
        }
        var kept = Alerts.Take((int)maxAlerts).ToList();
        return Build(Receiver, kept, GroupLabels, ExternalUrl, GroupKey, TruncatedAlerts + Alerts.Count - kept.Count);
    }

    private static NotificationData Build(
        string receiver,
        IReadOnlyList<NotificationAlert> alerts,
        LabelSet groupLabels,
        string externalUrl,
        string groupKey,
        int truncated) =>
        new(
            receiver,
            alerts.Any(a => a.IsFiring) ? NotificationStatus.Firing : NotificationStatus.Resolved,
            alerts,
            groupLabels,
            Common(alerts.Select(a => a.Labels)),
            Common(alerts.Select(a => a.Annotations)),
            externalUrl,
            groupKey,
            truncated);

    private static LabelSet Common(IEnumerable<LabelSet> sets)
    {
        LabelSet? common = null;
        foreach (var set in sets)
        {
            if (common is null)
            {
                common = set;
                continue;
            }
            if (common.Count == 0)
            {
                break;
            }
            // Values are never empty in a LabelSet, so Get's "" for a missing name never matches.
            common = LabelSet.From(common.Where(p => set.Get(p.Key) == p.Value));
        }
        return common ?? LabelSet.Empty;
    }

    /// <summary>Go's regexp.QuoteMeta, which Alertmanager applies to the receiver name.</summary>
    internal static string QuoteMeta(string s)
    {
        const string special = @"\.+*?()|[]{}^$";
        if (s.AsSpan().IndexOfAny(special) < 0)
        {
            return s;
        }
        var sb = new StringBuilder(s.Length + 8);
        foreach (var c in s)
        {
            if (special.Contains(c, StringComparison.Ordinal))
            {
                sb.Append('\\');
            }
            sb.Append(c);
        }
        return sb.ToString();
    }
}
