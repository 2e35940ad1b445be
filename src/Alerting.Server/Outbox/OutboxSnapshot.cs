using System.Text.Json;
using Alerting.Core.Alerts;
using Alerting.Core.Labels;
using Alerting.Core.Notifications;

namespace Alerting.Outbox;

/// <summary>
/// The alerts a flush decided to send, frozen in the outbox row: the message is rendered from this
/// snapshot, so a send after a crash or on another instance says exactly what the flush decided.
/// </summary>
internal sealed record OutboxSnapshot(
    string Receiver,
    string GroupKey,
    Dictionary<string, string> GroupLabels,
    DateTimeOffset FlushedAt,
    List<OutboxSnapshot.SnapshotAlert> Alerts)
{
    internal sealed record SnapshotAlert(
        Dictionary<string, string> Labels,
        Dictionary<string, string> Annotations,
        DateTimeOffset StartsAt,
        DateTimeOffset EndsAt,
        string GeneratorUrl,
        DateTimeOffset UpdatedAt,
        bool Timeout);

    public static OutboxSnapshot Create(string receiver, string groupKey, LabelSet groupLabels, IReadOnlyList<Alert> alerts, DateTimeOffset flushedAt) => new(
        receiver,
        groupKey,
        ToDictionary(groupLabels),
        flushedAt,
        [.. alerts.Select(a => new SnapshotAlert(ToDictionary(a.Labels), ToDictionary(a.Annotations), a.StartsAt, a.EndsAt, a.GeneratorUrl, a.UpdatedAt, a.Timeout))]);

    public IReadOnlyList<Alert> ToAlerts() =>
        [.. Alerts.Select(a => new Alert(LabelSet.From(a.Labels), LabelSet.From(a.Annotations), a.StartsAt, a.EndsAt, a.GeneratorUrl, a.UpdatedAt, a.Timeout))];

    public NotificationData ToData(string externalUrl) =>
        NotificationData.Create(Receiver, GroupKey, LabelSet.From(GroupLabels), ToAlerts(), externalUrl, FlushedAt);

    public string ToJson() => JsonSerializer.Serialize(this);

    public static OutboxSnapshot FromJson(string json) =>
        JsonSerializer.Deserialize<OutboxSnapshot>(json) ?? throw new InvalidOperationException("empty outbox snapshot");

    private static Dictionary<string, string> ToDictionary(LabelSet labels) => labels.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
}
