namespace Alerting.Persistence;

// The tables as EF Core maps them, for the migrations and the few reads and writes through EF; most SQL is by hand.

/// <summary>An alert row. Labels and annotations are JSON objects; the fingerprint is the label hash as a signed 64-bit value.</summary>
internal sealed class AlertRow
{
    public long Fingerprint { get; set; }

    public required string Labels { get; set; }

    public required string Annotations { get; set; }

    public DateTimeOffset StartsAt { get; set; }

    public DateTimeOffset EndsAt { get; set; }

    public required string GeneratorUrl { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public bool Timeout { get; set; }

    /// <summary>Who sent it: "api" (Prometheus, amtool) or "grafana".</summary>
    public required string Source { get; set; }

    /// <summary>Sender-specific extras kept for messages, such as Grafana's dashboard and panel links.</summary>
    public string? Extra { get; set; }

    /// <summary>pending, firing, suppressed or resolved (see docs/engine.md).</summary>
    public string State { get; set; } = "pending";

    public DateTimeOffset? StateChangedAt { get; set; }

    /// <summary>
    /// The alert's arrival, kept on its row rather than as a history row of its own (one row fewer per new alert):
    /// when, which event ("received" or "received_resolved") and the first group it joined. HistoryReader lists it as
    /// the arrival and the grouping; null for rows written before this existed, whose arrival is in alert_events.
    /// </summary>
    public DateTimeOffset? FirstSeenAt { get; set; }

    public string? FirstEvent { get; set; }

    public string? FirstGroupKey { get; set; }

    /// <summary>
    /// The alert's home membership: the first group a new alert joins is kept on its row, not as a group_members row
    /// (one durable row per new alert). Null when the alert has left that group; further groups are in group_members.
    /// <see cref="Memberships"/> reads both.
    /// </summary>
    public string? HomeGroupKey { get; set; }

    public string? HomeRouteId { get; set; }

    public DateTimeOffset? HomeAddedAt { get; set; }
}

internal sealed class GroupRow
{
    /// <summary>Alertmanager's group key, as receivers see it; shared by sibling routes with identical matchers.</summary>
    public required string GroupKey { get; set; }

    /// <summary>The route's Id(): with the group key, the group's identity (Alertmanager keeps groups per route).</summary>
    public required string RouteId { get; set; }

    public required string Receiver { get; set; }

    public required string GroupLabels { get; set; }

    public DateTimeOffset NextFlushAt { get; set; }

    public bool FlushedOnce { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>Set by an acknowledge link: repeats stop until a new alert joins or the group resolves.</summary>
    public DateTimeOffset? AcknowledgedAt { get; set; }

    public string? AcknowledgedBy { get; set; }
}

internal sealed class SettingRow
{
    public required string Key { get; set; }

    public required string Value { get; set; }
}

internal sealed class RateLimitEventRow
{
    public long Id { get; set; }

    public required string Key { get; set; }

    public DateTimeOffset At { get; set; }
}

internal sealed class InstanceRow
{
    public required string Name { get; set; }

    public required string Address { get; set; }

    public required string Version { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset LastSeen { get; set; }
}

internal sealed class DataProtectionKeyRow
{
    public long Id { get; set; }

    public string? FriendlyName { get; set; }

    public required string Xml { get; set; }
}

internal sealed class UsedLinkRow
{
    public required string Nonce { get; set; }

    public DateTimeOffset UsedAt { get; set; }

    public string? UsedBy { get; set; }

    public required string Action { get; set; }
}

internal sealed class GroupMemberRow
{
    public required string GroupKey { get; set; }

    /// <summary>With the group key, which group (see <see cref="GroupRow.RouteId"/>).</summary>
    public required string RouteId { get; set; }

    public long Fingerprint { get; set; }

    public DateTimeOffset AddedAt { get; set; }
}

internal sealed class NotificationLogRow
{
    public required string GroupKey { get; set; }

    public required string Receiver { get; set; }

    public required string Integration { get; set; }

    public long[] FiringAlerts { get; set; } = [];

    public long[] ResolvedAlerts { get; set; } = [];

    public DateTimeOffset SentAt { get; set; }
}

internal sealed class OutboxRow
{
    public long Id { get; set; }

    public required string GroupKey { get; set; }

    public required string Receiver { get; set; }

    public required string Integration { get; set; }

    /// <summary>The alert snapshot the message is rendered from.</summary>
    public required string Payload { get; set; }

    public long[] FiringAlerts { get; set; } = [];

    public long[] ResolvedAlerts { get; set; } = [];

    public required string Reason { get; set; }

    /// <summary>Bumped when a later flush replaces the snapshot while a send is under way.</summary>
    public int Version { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Retries stop here (the flush time plus group_interval), as Alertmanager's flush deadline.</summary>
    public DateTimeOffset Deadline { get; set; }

    public int Attempts { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>The W3C traceparent of the flush that wrote the row: its sends join that trace, here or elsewhere, now or after a restart.</summary>
    public string? TraceParent { get; set; }
}

internal sealed class AttemptRow
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public required string GroupKey { get; set; }

    public required string Receiver { get; set; }

    public required string Integration { get; set; }

    /// <summary>success, retry, failed.</summary>
    public required string Outcome { get; set; }

    public int? StatusCode { get; set; }

    public string? Error { get; set; }

    public double LatencyMs { get; set; }

    public long[] Alerts { get; set; } = [];

    public string? Reason { get; set; }
}

internal sealed class AlertEventRow
{
    public long Id { get; set; }

    public long Fingerprint { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Event { get; set; }

    public string? GroupKey { get; set; }

    public string? Detail { get; set; }
}

internal sealed class SilenceRow
{
    public Guid Id { get; set; }

    /// <summary>JSON array of {name, value, isRegex, isEqual}, as in the API.</summary>
    public required string Matchers { get; set; }

    public DateTimeOffset StartsAt { get; set; }

    public DateTimeOffset EndsAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public required string Comment { get; set; }

    /// <summary>When a flush first held an alert back by this silence; null while it has muted nothing (insights).</summary>
    public DateTimeOffset? FirstMutedAt { get; set; }
}

/// <summary>One step of a group's escalation chain (written only by Grouping.EscalationRows).</summary>
internal sealed class EscalationRow
{
    public long Id { get; set; }

    public required string RouteId { get; set; }

    public required string GroupKey { get; set; }

    /// <summary>When the chain began: the flush that decided the group's first notification. A new chain starts after one stops.</summary>
    public DateTimeOffset ChainStartedAt { get; set; }

    /// <summary>Position in the route's <c>escalation</c> list, from 0.</summary>
    public int Step { get; set; }

    public required string Receiver { get; set; }

    public TimeSpan After { get; set; }

    /// <summary>Pending: when the step falls due. Sent: when the scheduler next looks at the step's receiver (repeats, resolution, acknowledgement).</summary>
    public DateTimeOffset DueAt { get; set; }

    /// <summary>pending, sent or stopped.</summary>
    public required string State { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public DateTimeOffset? StoppedAt { get; set; }

    /// <summary>acknowledged, resolved, route removed, receiver removed.</summary>
    public string? StoppedReason { get; set; }

    public string? StoppedBy { get; set; }
}
