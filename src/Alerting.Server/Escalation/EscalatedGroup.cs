using Alerting.Core.Alerts;
using Alerting.Core.Labels;
using Alerting.Core.Notifications;
using Alerting.Grouping;
using Alerting.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Escalation;

/// <summary>
/// What a step is decided on: the group (null when it is gone), its acknowledgement, its alerts, and what each
/// integration of the step's receiver was told. The alerts are the group's members and those the step's receiver was
/// told fire: a group may be gone (resolved and cleared) before the receiver the chain reached hears of the resolution.
/// </summary>
internal sealed record EscalatedGroup(LabelSet? Labels, (string By, DateTimeOffset At)? Acknowledged, List<Alert> Alerts,
    Dictionary<string, NotificationLogEntry> Told)
{
    public static async Task<EscalatedGroup> ReadAsync(NpgsqlDataSource db, EscalationStepRow step, DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                Command("SELECT group_labels, acknowledged_by, acknowledged_at FROM aggregation_groups WHERE group_key = $1 AND route_id = $2", step),
                Command($"""
                    SELECT labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout FROM alerts
                    WHERE fingerprint IN (
                        SELECT fingerprint FROM {Memberships.All} m WHERE group_key = $1 AND route_id = $2
                        UNION SELECT unnest(firing_alerts) FROM notification_log WHERE group_key = $1 AND receiver = $3
                        UNION SELECT unnest(firing_alerts) FROM outbox WHERE group_key = $1 AND receiver = $3)
                    """, step),
                // A send still in the outbox counts as told (deciding it again would send it twice), as in a flush's claim.
                Command("""
                    SELECT integration, firing_alerts, resolved_alerts, sent_at, false FROM notification_log WHERE group_key = $1 AND receiver = $3
                    UNION ALL
                    SELECT integration, firing_alerts, resolved_alerts, NULL, true FROM outbox WHERE group_key = $1 AND receiver = $3
                    """, step),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        LabelSet? labels = null;
        (string, DateTimeOffset)? ack = null;
        if (await reader.ReadAsync(ct))
        {
            labels = LabelJson.Read(reader.GetString(0));
            ack = reader.IsDBNull(2) ? null : (reader.IsDBNull(1) ? "someone" : reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2));
        }
        await reader.NextResultAsync(ct);
        var alerts = new List<Alert>();
        while (await reader.ReadAsync(ct))
        {
            alerts.Add(new Alert(LabelJson.Read(reader.GetString(0)), LabelJson.Read(reader.GetString(1)), reader.GetFieldValue<DateTimeOffset>(2),
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetBoolean(6)));
        }
        await reader.NextResultAsync(ct);
        var told = new Dictionary<string, NotificationLogEntry>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            var pending = reader.GetBoolean(4);
            if (!pending && told.ContainsKey(reader.GetString(0)))
            {
                continue;
            }
            told[reader.GetString(0)] = new NotificationLogEntry(Fingerprints(reader.GetFieldValue<long[]>(1)), Fingerprints(reader.GetFieldValue<long[]>(2)),
                pending ? now : reader.GetFieldValue<DateTimeOffset>(3));
        }
        return new EscalatedGroup(labels, ack, alerts, told);
    }

    private static NpgsqlBatchCommand Command(string sql, EscalationStepRow step)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter { Value = step.GroupKey, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = step.RouteId, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = step.Receiver, NpgsqlDbType = NpgsqlDbType.Text });
        return cmd;
    }

    private static HashSet<ulong> Fingerprints(long[] stored) => [.. stored.Select(f => unchecked((ulong)f))];
}
