using Alerting.Channels;
using Alerting.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Outbox;

/// <summary>Every send attempt and its outcome, for the UI and the history API (notification_attempts).</summary>
internal sealed class AttemptLog(RelaxedDb relaxed, TimeProvider time, ILogger<AttemptLog> log)
{
    /// <summary>Records an attempt; a database that is away costs the record, never the send.</summary>
    public async Task RecordAsync(OutboxEntry row, SendResult result, OutboxSnapshot snapshot, CancellationToken ct)
    {
        try
        {
            await using var cmd = relaxed.GenericPlans.CreateCommand("""
                INSERT INTO notification_attempts (at, group_key, receiver, integration, outcome, status_code, error, latency_ms, alerts, reason)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """);
            cmd.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow().UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            cmd.Parameters.Add(new NpgsqlParameter { Value = row.GroupKey });
            cmd.Parameters.Add(new NpgsqlParameter { Value = row.Receiver });
            cmd.Parameters.Add(new NpgsqlParameter { Value = row.Integration });
            cmd.Parameters.Add(new NpgsqlParameter { Value = result.Outcome switch { SendOutcome.Success => "success", SendOutcome.Retryable => "retry", _ => "failed" } });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)result.StatusCode ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)result.Error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter { Value = result.Latency.TotalMilliseconds });
            cmd.Parameters.Add(SqlArray.Of(snapshot.Alerts.Select(a => unchecked((long)Core.Labels.LabelSet.From(a.Labels).Fingerprint)).ToArray(), NpgsqlDbType.Bigint));
            cmd.Parameters.Add(new NpgsqlParameter { Value = row.Reason });
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            log.LogWarning("Recording a send attempt failed: {Error}", e.Message);
        }
    }

    /// <summary>Attempts recorded before the cutoff.</summary>
    public static NpgsqlBatchCommand DeleteBefore(DateTimeOffset cutoff)
    {
        var cmd = new NpgsqlBatchCommand("DELETE FROM notification_attempts WHERE at < $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = cutoff.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return cmd;
    }
}
