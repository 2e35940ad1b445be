using Alerting.Channels;
using Alerting.Configuration;
using Alerting.Core.Labels;
using Alerting.Core.Silences;
using Alerting.Links;
using Alerting.Outbox;

namespace Alerting.Delivery;

/// <summary>A claimed row's message, ready to send: the integration's notifier and the rendered request.</summary>
internal sealed record Prepared(ResolvedNotifier Target, NotificationRequest Request, OutboxSnapshot Snapshot);

/// <summary>A row with its prepared message, on its way to its destination.</summary>
internal sealed record PendingSend(OutboxEntry Row, Prepared Prepared);

/// <summary>Turns a claimed outbox row into the message its integration sends, from the row's snapshot alone.</summary>
internal sealed class MessagePreparer(Notifiers notifiers, LinkSigner links, ServerOptions options, TimeProvider time)
{
    // The options are the command line's, fixed for the process; working it out asks the OS for the host name.
    private string? _externalUrl;

    /// <summary>The integration, and the message rendered from the row's snapshot; null when the integration is gone.</summary>
    public async Task<Prepared?> PrepareAsync(ClaimedRow claimed, CancellationToken ct)
    {
        var row = claimed.Row;
        var snapshot = claimed.Snapshot ?? OutboxSnapshot.FromJson(row.Payload);
        var target = notifiers.Find(row.Receiver, row.Integration, Extras(claimed, snapshot, time.GetUtcNow()));
        if (target is null)
        {
            return null;
        }
        var externalUrl = _externalUrl ??= options.EffectiveExternalUrl();
        var data = snapshot.ToData(externalUrl);
        var sign = await links.SignerAsync(ct);
        var request = new NotificationRequest(row.Receiver, row.GroupKey, target.Render(data), snapshot.Alerts.Count)
        {
            Data = data,
            SignLinks = () => sign(row.GroupKey, row.Receiver, LabelSet.From(snapshot.GroupLabels), externalUrl),
            IdempotencyKey = IdempotencyKey(row, snapshot),
            Reason = row.Reason,
        };
        return new Prepared(target, request, snapshot);
    }

    /// <summary>What the message says besides the alerts: Grafana's links, the acknowledgement, and the silences that mute the group or one of its alerts now.</summary>
    internal static MessageExtras Extras(ClaimedRow claimed, OutboxSnapshot snapshot, DateTimeOffset now)
    {
        var alerts = snapshot.ToAlerts();
        var groupLabels = LabelSet.From(snapshot.GroupLabels);
        var silenced = claimed.Silences
            .Where(s => s.State(now) == SilenceState.Active && (s.Matchers.Matches(groupLabels) || alerts.Any(a => s.Matchers.Matches(a.Labels))))
            .Select(s => (s.CreatedBy, s.EndsAt, s.Comment))
            .ToList();
        return new MessageExtras(claimed.Grafana, claimed.Acknowledged, silenced);
    }

    /// <summary>
    /// Names a notification by what it tells and since when: the target, the alerts (each with its start, so a new
    /// life of an alert is a new notification) and the last send the log records. A resend after a crash, a retry,
    /// and a new row for the same alerts after a failed one all get the same key; a repeat after repeat_interval
    /// follows a recorded send and gets a new one.
    /// </summary>
    internal static string IdempotencyKey(OutboxEntry row, OutboxSnapshot snapshot)
    {
        var text = new System.Text.StringBuilder()
            .Append(row.GroupKey).Append('\n').Append(row.Receiver).Append('\n').Append(row.Integration).Append('\n')
            .Append(row.LastSentAt?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "never").Append('\n')
            .AppendJoin(',', row.Firing.Order()).Append('\n')
            .AppendJoin(',', row.Resolved.Order()).Append('\n')
            .AppendJoin(',', snapshot.Alerts.Select(a => a.StartsAt.UtcTicks).Order());
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 16));
    }
}
