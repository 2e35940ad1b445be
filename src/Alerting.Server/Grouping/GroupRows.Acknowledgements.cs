using Npgsql;
using NpgsqlTypes;

namespace Alerting.Grouping;

internal static partial class GroupRows
{
    /// <summary>
    /// The groups an acknowledgement of key $1 for receiver $4 is about, on alias <c>g</c>: every group of the key without
    /// a receiver; else the group of that receiver, or the group whose live escalation reached it (its message's link).
    /// </summary>
    private const string AckTarget = """
        g.group_key = $1 AND ($4::text IS NULL OR g.receiver = $4 OR EXISTS (
            SELECT 1 FROM escalations e WHERE e.group_key = g.group_key AND e.route_id = g.route_id AND e.receiver = $4 AND e.state <> 'stopped'))
        """;

    public static NpgsqlCommand Acknowledge(string groupKey, string? receiver, string by, DateTimeOffset now)
    {
        var cmd = new NpgsqlCommand($"""
            UPDATE aggregation_groups g SET acknowledged_at = $2, acknowledged_by = $3 WHERE {AckTarget}
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = groupKey });
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = by });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)receiver ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return cmd;
    }

    /// <summary>The acknowledgement in the history of every member of the acknowledged groups.</summary>
    public static NpgsqlCommand RecordAcknowledged(string groupKey, string? receiver, string by, DateTimeOffset now)
    {
        var cmd = new NpgsqlCommand($"""
            {Persistence.AlertEvents.InsertInto}
            SELECT f, $2, 'acknowledged', $1, $3 FROM (
                SELECT DISTINCT m.fingerprint FROM {Persistence.Memberships.All} m JOIN aggregation_groups g USING (group_key, route_id)
                WHERE {AckTarget}) AS t(f)
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = groupKey });
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = $"by {by}" });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)receiver ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return cmd;
    }
}
