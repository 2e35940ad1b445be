using System.Data.Common;
using Alerting.Core.Notifications.Pipeline;
using Alerting.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Outbox;

/// <summary>One send a flush decided, for one integration of a receiver.</summary>
internal sealed record OutboxSend(string Group, string Receiver, SendDecision Send, OutboxSnapshot Snapshot, DateTimeOffset Deadline,
    string? TraceParent = null);

/// <summary>
/// The statements a flush adds to its own batch (new outbox rows, log entries written without a send), and those that
/// record finished sends (<see cref="OutcomeWriter"/>) over arrays, one element per row.
/// </summary>
internal sealed partial class OutboxStore
{
    /// <summary>
    /// One pending row per target: a later flush replaces the snapshot of a send still in flight (and does not take
    /// it from whoever is sending it). With <paramref name="handOffTo"/>, a new row is claimed at once for that
    /// instance (attempts 1). Returns the rows' ids and whether each was claimed; <see cref="ReadInserted"/> reads them.
    /// Not the payload: whoever inserts holds the snapshot it stored, and a flush's snapshots came back as text.
    /// </summary>
    public static NpgsqlBatchCommand Insert(IReadOnlyList<OutboxSend> sends, DateTimeOffset now, DateTimeOffset publishBy, string? handOffTo)
    {
        var cmd = new NpgsqlBatchCommand("""
            INSERT INTO outbox AS o (group_key, receiver, integration, payload, firing_alerts, resolved_alerts, reason, version, created_at, deadline, attempts, lease_until, lease_owner, trace_parent)
            SELECT g, r, i, p::jsonb,
                   coalesce((SELECT array_agg(x::bigint) FROM jsonb_array_elements_text(f::jsonb) x), '{}'),
                   coalesce((SELECT array_agg(x::bigint) FROM jsonb_array_elements_text(rs::jsonb) x), '{}'),
                   rsn, 0, $9, d, CASE WHEN $11::text IS NULL THEN 0 ELSE 1 END, $10, $11, tp
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $12::text[])
                AS t(g, r, i, p, f, rs, rsn, d, tp)
            ON CONFLICT (group_key, receiver, integration) DO UPDATE SET
                payload = EXCLUDED.payload, firing_alerts = EXCLUDED.firing_alerts, resolved_alerts = EXCLUDED.resolved_alerts,
                reason = EXCLUDED.reason, version = o.version + 1, deadline = EXCLUDED.deadline, attempts = 0,
                trace_parent = EXCLUDED.trace_parent
            RETURNING id, coalesce(attempts = 1 AND lease_owner = $11, false), group_key, receiver, integration, NULL::text, firing_alerts,
                resolved_alerts, reason, version, deadline, attempts,
                (SELECT l.sent_at FROM notification_log l
                 WHERE l.group_key = o.group_key AND l.receiver = o.receiver AND l.integration = o.integration),
                trace_parent
            """);
        cmd.Parameters.Add(SqlArray.Of(sends.Select(s => s.Group).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(sends.Select(s => s.Receiver).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(sends.Select(s => s.Send.Integration).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.OfJson([.. sends.Select(s => s.Snapshot.ToJson())]));
        cmd.Parameters.Add(SqlArray.OfJson([.. sends.Select(s => Json(s.Send.Firing))]));
        cmd.Parameters.Add(SqlArray.OfJson([.. sends.Select(s => Json(s.Send.Resolved))]));
        cmd.Parameters.Add(SqlArray.Of(sends.Select(s => s.Send.Reason).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(sends.Select(s => s.Deadline.UtcDateTime).ToArray(), NpgsqlDbType.TimestampTz));
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = publishBy.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)handOffTo ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(SqlArray.Of(sends.Select(s => s.TraceParent).ToArray(), NpgsqlDbType.Text));
        return cmd;
    }

    /// <summary>Reads <see cref="Insert"/>'s rows: the ids to publish, and the rows claimed for this instance, their payload empty.</summary>
    public static async Task<(List<PublishRow> Publish, List<OutboxEntry> Claimed)> ReadInserted(DbDataReader reader, CancellationToken ct)
    {
        var publish = new List<PublishRow>();
        var claimed = new List<OutboxEntry>();
        while (await reader.ReadAsync(ct))
        {
            if (!reader.GetBoolean(1))
            {
                publish.Add(new PublishRow(reader.GetInt64(0), reader.IsDBNull(13) ? null : reader.GetString(13)));
                continue;
            }
            claimed.Add(new OutboxEntry(reader.GetInt64(0), reader.GetString(2), reader.GetString(3), reader.GetString(4), Payload: "",
                reader.GetFieldValue<long[]>(6), reader.GetFieldValue<long[]>(7), reader.GetString(8), reader.GetInt32(9),
                reader.GetFieldValue<DateTimeOffset>(10), reader.GetInt32(11), reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
                reader.IsDBNull(13) ? null : reader.GetString(13)));
        }
        return (publish, claimed);
    }

    /// <summary>What the delivery claim reads (<see cref="OutboxStore.ClaimAsync"/>), for rows claimed in a flush: Grafana's links of the alerts.</summary>
    public static NpgsqlBatchCommand GrafanaLinks(IEnumerable<long> fingerprints)
    {
        var cmd = new NpgsqlBatchCommand("SELECT fingerprint, extra FROM alerts WHERE fingerprint = ANY($1) AND extra IS NOT NULL");
        cmd.Parameters.Add(SqlArray.Of(fingerprints.Distinct().ToArray(), NpgsqlDbType.Bigint));
        return cmd;
    }

    /// <summary>...and the groups' acknowledgements, as (group key, receiver, by, at).</summary>
    public static NpgsqlBatchCommand GroupAcknowledgements(IEnumerable<string> groupKeys)
    {
        var cmd = new NpgsqlBatchCommand("""
            SELECT group_key, receiver, acknowledged_by, acknowledged_at FROM aggregation_groups
            WHERE group_key = ANY($1) AND acknowledged_at IS NOT NULL
            """);
        cmd.Parameters.Add(SqlArray.Of(groupKeys.Distinct().ToArray(), NpgsqlDbType.Text));
        return cmd;
    }

    /// <summary>Reads (fingerprint, extra) rows into Grafana's links by formatted fingerprint.</summary>
    public static async Task<Dictionary<string, Templating.GrafanaLinks>> ReadGrafanaLinksAsync(DbDataReader reader, CancellationToken ct)
    {
        var links = new Dictionary<string, Templating.GrafanaLinks>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            if (Templating.GrafanaLinks.FromExtra(reader.GetString(1)) is { } found)
            {
                links[Core.Labels.Fingerprint.Format(unchecked((ulong)reader.GetInt64(0)))] = found;
            }
        }
        return links;
    }

    /// <summary>The log entries of sends decided with nothing to send (send_resolved off and nothing fires), in one statement.</summary>
    public static NpgsqlBatchCommand LogAll(IReadOnlyList<(string Group, string Receiver, SendDecision Send)> logged, DateTimeOffset at)
    {
        var cmd = new NpgsqlBatchCommand("""
            INSERT INTO notification_log (group_key, receiver, integration, firing_alerts, resolved_alerts, sent_at)
            SELECT g, r, i,
                   coalesce((SELECT array_agg(x::bigint) FROM jsonb_array_elements_text(f::jsonb) x), '{}'),
                   coalesce((SELECT array_agg(x::bigint) FROM jsonb_array_elements_text(rs::jsonb) x), '{}'), $6
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(g, r, i, f, rs)
            ON CONFLICT (group_key, receiver, integration) DO UPDATE SET
                firing_alerts = EXCLUDED.firing_alerts, resolved_alerts = EXCLUDED.resolved_alerts, sent_at = EXCLUDED.sent_at
            """);
        cmd.Parameters.Add(SqlArray.Of(logged.Select(s => s.Group).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(logged.Select(s => s.Receiver).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(logged.Select(s => s.Send.Integration).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.OfJson([.. logged.Select(s => Json(s.Send.Firing))]));
        cmd.Parameters.Add(SqlArray.OfJson([.. logged.Select(s => Json(s.Send.Resolved))]));
        cmd.Parameters.Add(new NpgsqlParameter { Value = at.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return cmd;
    }

    /// <summary>What each integration was told (only after a success, as Alertmanager). The targets must be distinct.</summary>
    public static NpgsqlBatchCommand LogSent(IReadOnlyList<OutboxEntry> sent, DateTimeOffset at)
    {
        var cmd = new NpgsqlBatchCommand("""
            INSERT INTO notification_log (group_key, receiver, integration, firing_alerts, resolved_alerts, sent_at)
            SELECT g, r, i, f::bigint[], rs::bigint[], $6
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(g, r, i, f, rs)
            ON CONFLICT (group_key, receiver, integration) DO UPDATE SET
                firing_alerts = EXCLUDED.firing_alerts, resolved_alerts = EXCLUDED.resolved_alerts, sent_at = EXCLUDED.sent_at
            """);
        cmd.Parameters.Add(SqlArray.Of(sent.Select(r => r.GroupKey).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(sent.Select(r => r.Receiver).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(sent.Select(r => r.Integration).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(sent.Select(r => Literal(r.Firing)).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(sent.Select(r => Literal(r.Resolved)).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(new NpgsqlParameter { Value = at.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return cmd;
    }

    /// <summary>Finished rows go, each unless a later flush replaced its snapshot meanwhile; returns the ids it deleted.</summary>
    public static NpgsqlBatchCommand DeleteFinished(IReadOnlyList<OutboxEntry> rows)
    {
        var cmd = new NpgsqlBatchCommand("""
            DELETE FROM outbox o USING unnest($1::bigint[], $2::integer[]) AS t(id, v)
            WHERE o.id = t.id AND o.version = t.v
            RETURNING o.id
            """);
        cmd.Parameters.Add(SqlArray.Of(rows.Select(r => r.Id).ToArray(), NpgsqlDbType.Bigint));
        cmd.Parameters.Add(SqlArray.Of(rows.Select(r => r.Version).ToArray(), NpgsqlDbType.Integer));
        return cmd;
    }

    /// <summary>
    /// A finished row that a later flush replaced goes back to whoever claims it next, only from our own lease: after a
    /// long outage another instance may have claimed the new version meanwhile.
    /// </summary>
    public static NpgsqlBatchCommand HandBackReplaced(IReadOnlyList<OutboxEntry> rows, string owner, DateTimeOffset now)
    {
        var cmd = new NpgsqlBatchCommand("""
            UPDATE outbox o SET lease_owner = NULL, lease_until = $3
            FROM unnest($1::bigint[], $2::integer[]) AS t(id, v)
            WHERE o.id = t.id AND o.lease_owner = $4 AND o.version <> t.v
            """);
        cmd.Parameters.Add(SqlArray.Of(rows.Select(r => r.Id).ToArray(), NpgsqlDbType.Bigint));
        cmd.Parameters.Add(SqlArray.Of(rows.Select(r => r.Version).ToArray(), NpgsqlDbType.Integer));
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = owner });
        return cmd;
    }

    /// <summary>A bigint array in PostgreSQL's text form, as an element of a text[] parameter (an array of arrays must be even).</summary>
    internal static string Literal(long[] values) =>
        "{" + string.Join(",", values.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "}";

    private static string Json(IReadOnlySet<ulong> set) => "[" + string.Join(",", set.Select(f => unchecked((long)f))) + "]";
}
