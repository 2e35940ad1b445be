namespace Alerting.Core.Notifications;

/// <summary>
/// What was last sent for one group to one integration (Alertmanager's nflogpb.Entry): the alert
/// hashes that were firing and resolved at that notification, and when it was sent.
/// </summary>
public sealed record NotificationLogEntry(
    IReadOnlySet<ulong> FiringAlerts,
    IReadOnlySet<ulong> ResolvedAlerts,
    DateTimeOffset Timestamp);
