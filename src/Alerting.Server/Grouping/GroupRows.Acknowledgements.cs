using Npgsql;
using NpgsqlTypes;

namespace Alerting.Grouping;

internal static partial class GroupRows
{
    public static NpgsqlCommand Acknowledge(string groupKey, string? receiver, string by, DateTimeOffset now)
    {
        var cmd = new NpgsqlCommand("""
            UPDATE aggregation_groups SET acknowledged_at = $2, acknowledged_by = $3 WHERE group_key = $1 AND ($4::text IS NULL OR receiver = $4)
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
                SELECT DISTINCT m.fingerprint FROM group_members m JOIN aggregation_groups g USING (group_key, route_id)
                WHERE g.group_key = $1 AND ($4::text IS NULL OR g.receiver = $4)) AS t(f)
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = groupKey });
        cmd.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = $"by {by}" });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)receiver ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return cmd;
    }
}
