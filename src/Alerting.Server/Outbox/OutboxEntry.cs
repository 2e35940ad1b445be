namespace Alerting.Outbox;

/// <summary>An outbox row as its sender holds it.</summary>
internal sealed record OutboxEntry(long Id, string GroupKey, string Receiver, string Integration, string Payload,
    long[] Firing, long[] Resolved, string Reason, int Version, DateTimeOffset Deadline, int Attempts, DateTimeOffset? LastSentAt,
    string? TraceParent = null);

/// <summary>A row to publish to the bus, with the trace context its message carries.</summary>
internal readonly record struct PublishRow(long Id, string? TraceParent);

/// <summary>
/// A row claimed for this instance and what was read with it: Grafana's links per fingerprint, the group's
/// acknowledgement and the silences active or pending then. A row the flush claimed for itself comes with the
/// snapshot it stored, so the send does not parse back what the flush just wrote.
/// </summary>
internal sealed record ClaimedRow(OutboxEntry Row, Dictionary<string, Templating.GrafanaLinks> Grafana,
    (string By, DateTimeOffset At)? Acknowledged, List<Core.Silences.Silence> Silences, OutboxSnapshot? Snapshot = null);
