using Npgsql;
using NpgsqlTypes;

namespace Alerting.Escalation;

/// <summary>One step of a group's escalation chain as the UI shows it: who, when it was (or is) due, and what became of it.</summary>
internal sealed record EscalationStepView(
    string RouteId,
    string GroupKey,
    DateTimeOffset ChainStartedAt,
    int Step,
    string Receiver,
    TimeSpan After,
    string State,
    DateTimeOffset? DueAt,
    DateTimeOffset? SentAt,
    DateTimeOffset? StoppedAt,
    string? StoppedReason,
    string? StoppedBy);

/// <summary>Reads escalation chains for display: who was told, when, and who acknowledged. Read-only.</summary>
internal sealed class EscalationChains(NpgsqlDataSource db)
{
    /// <summary>The latest chain of each group of the key (all routes), steps in order; empty when it never escalated.</summary>
    public async Task<List<EscalationStepView>> LatestAsync(string groupKey, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT route_id, group_key, chain_started_at, step, receiver, after, state, due_at, sent_at, stopped_at, stopped_reason, stopped_by
            FROM escalations e
            WHERE group_key = $1 AND chain_started_at = (
                SELECT max(chain_started_at) FROM escalations x WHERE x.group_key = e.group_key AND x.route_id = e.route_id)
            ORDER BY route_id, step
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = groupKey, NpgsqlDbType = NpgsqlDbType.Text });
        var steps = new List<EscalationStepView>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var state = reader.GetString(6);
            steps.Add(new EscalationStepView(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetInt32(3),
                reader.GetString(4), reader.GetFieldValue<TimeSpan>(5), state,
                state == "pending" ? reader.GetFieldValue<DateTimeOffset>(7) : null,
                Optional(reader, 8), Optional(reader, 9), reader.IsDBNull(10) ? null : reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11)));
        }
        return steps;
    }

    private static DateTimeOffset? Optional(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
}
