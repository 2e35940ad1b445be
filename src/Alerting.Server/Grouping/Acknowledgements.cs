using Alerting.Core.Routing;
using Npgsql;

namespace Alerting.Grouping;

/// <summary>
/// Acknowledging a group: someone is on it, so its repeats and its escalation stop until a new alert joins it. The one
/// way to acknowledge, for the UI, the signed links and the API.
/// </summary>
internal sealed class Acknowledgements(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>
    /// Acknowledges the group and records it in each member's history. The group is the key's for that receiver (its
    /// repeats are what an acknowledgement stops); with no receiver (a link signed before links named one), every
    /// group of the key. False when there is no such group.
    /// </summary>
    public async Task<bool> AcknowledgeAsync(string groupKey, string? receiver, string by, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var ack = GroupRows.Acknowledge(groupKey, receiver, by, now))
        {
            ack.Connection = conn;
            ack.Transaction = tx;
            if (await ack.ExecuteNonQueryAsync(ct) == 0)
            {
                return false;
            }
        }
        await using (var record = GroupRows.RecordAcknowledged(groupKey, receiver, by, now))
        {
            record.Connection = conn;
            record.Transaction = tx;
            await record.ExecuteNonQueryAsync(ct);
        }
        // The escalation chain stops in the same commit: no step can be sent on a group acknowledged a moment before.
        await using (var stop = EscalationRows.Acknowledged(groupKey, by, now))
        {
            stop.Connection = conn;
            stop.Transaction = tx;
            await stop.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Every acknowledged group, by its id: who (null when nobody said) and when.</summary>
    public async Task<Dictionary<AggregationGroupId, (string? By, DateTimeOffset At)>> AllAsync(CancellationToken ct)
    {
        var acks = new Dictionary<AggregationGroupId, (string?, DateTimeOffset)>();
        await using var cmd = db.CreateCommand("SELECT route_id, group_key, acknowledged_by, acknowledged_at FROM aggregation_groups WHERE acknowledged_at IS NOT NULL");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            acks[new(reader.GetString(0), reader.GetString(1))] = (reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3));
        }
        return acks;
    }
}
