using Alerting.Channels;
using Alerting.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Outbox;

/// <summary>One send attempt and its outcome, as notification_attempts keeps it.</summary>
internal sealed record AttemptRecord(DateTimeOffset At, string Outcome, int? StatusCode, string? Error, double LatencyMs, long[] Alerts)
{
    public static AttemptRecord Of(SendResult result, OutboxSnapshot snapshot, DateTimeOffset at) => new(
        at,
        result.Outcome switch { SendOutcome.Success => "success", SendOutcome.Retryable => "retry", _ => "failed" },
        result.StatusCode,
        result.Error,
        result.Latency.TotalMilliseconds,
        snapshot.Alerts.Select(a => unchecked((long)Core.Labels.LabelSet.From(a.Labels).Fingerprint)).ToArray());
}

/// <summary>
/// Every send attempt and its outcome, for the UI and the history API (notification_attempts). The attempt that
/// ends a send is recorded with its outcome (<see cref="OutcomeWriter"/>); a retry's is recorded here.
/// </summary>
internal sealed class AttemptLog(RelaxedDb relaxed, ILogger<AttemptLog> log)
{
    /// <summary>Records an attempt; a database that is away costs the record, never the send.</summary>
    public async Task RecordAsync(OutboxEntry row, AttemptRecord attempt, CancellationToken ct)
    {
        try
        {
            await using var conn = await relaxed.GenericPlans.OpenConnectionAsync(ct);
            await using var batch = new NpgsqlBatch(conn) { BatchCommands = { Insert([(row, attempt)]) } };
            await batch.ExecuteNonQueryAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            log.LogWarning("Recording a send attempt failed: {Error}", e.Message);
        }
    }

    /// <summary>Attempts, one statement for any number of them.</summary>
    public static NpgsqlBatchCommand Insert(IReadOnlyList<(OutboxEntry Row, AttemptRecord Attempt)> attempts)
    {
        var cmd = new NpgsqlBatchCommand("""
            INSERT INTO notification_attempts (at, group_key, receiver, integration, outcome, status_code, error, latency_ms, alerts, reason)
            SELECT at, g, r, i, o, s, e, l, a::bigint[], rsn
            FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::text[], $8::double precision[], $9::text[], $10::text[])
                AS t(at, g, r, i, o, s, e, l, a, rsn)
            """);
        cmd.Parameters.Add(SqlArray.Of(attempts.Select(a => a.Attempt.At.UtcDateTime).ToArray(), NpgsqlDbType.TimestampTz));
        cmd.Parameters.Add(SqlArray.Of(attempts.Select(a => a.Row.GroupKey).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(attempts.Select(a => a.Row.Receiver).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(attempts.Select(a => a.Row.Integration).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(attempts.Select(a => a.Attempt.Outcome).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(attempts.Select(a => a.Attempt.StatusCode).ToArray(), NpgsqlDbType.Integer));
        cmd.Parameters.Add(SqlArray.Of(attempts.Select(a => a.Attempt.Error).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(attempts.Select(a => a.Attempt.LatencyMs).ToArray(), NpgsqlDbType.Double));
        cmd.Parameters.Add(SqlArray.Of(attempts.Select(a => OutboxStore.Literal(a.Attempt.Alerts)).ToArray(), NpgsqlDbType.Text));
        cmd.Parameters.Add(SqlArray.Of(attempts.Select(a => a.Row.Reason).ToArray(), NpgsqlDbType.Text));
        return cmd;
    }

    /// <summary>Attempts recorded before the cutoff.</summary>
    public static NpgsqlBatchCommand DeleteBefore(DateTimeOffset cutoff)
    {
        var cmd = new NpgsqlBatchCommand("DELETE FROM notification_attempts WHERE at < $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = cutoff.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return cmd;
    }
}
