using Npgsql;
using NpgsqlTypes;

namespace Alerting.Insights;

/// <summary>
/// Daily rollups of the insights' facts (tables insights_*), so that a 7- or 30-day report reads a few thousand rows per
/// day instead of the day's history. Made when a report first needs them, one closed UTC day at a time, by the
/// statements that read the history (<see cref="InsightsSql"/>): the engine's writes pay nothing for them. A day is
/// closed <see cref="Settle"/> after it ends; history written into it later (a clock far behind) is not counted.
/// </summary>
internal sealed class InsightsRollups(NpgsqlDataSource db, TimeProvider time)
{
    public static readonly TimeSpan Settle = TimeSpan.FromMinutes(10);

    /// <summary>The period [from, to), with the whole closed days in it that the rollups serve (none: both are <paramref name="to"/>).</summary>
    public static InsightsWindow Window(DateTimeOffset from, DateTimeOffset to)
    {
        var fromDay = from.UtcDateTime.Date;
        var wholeFrom = new DateTimeOffset(fromDay == from.UtcDateTime ? fromDay : fromDay.AddDays(1), TimeSpan.Zero);
        var wholeTo = new DateTimeOffset((to - Settle).UtcDateTime.Date, TimeSpan.Zero);
        return wholeFrom < wholeTo ? new InsightsWindow(from, to, wholeFrom, wholeTo) : new InsightsWindow(from, to, to, to);
    }

    /// <summary>Rolls up the window's whole days that are not yet.</summary>
    public async Task EnsureAsync(InsightsWindow window, CancellationToken ct)
    {
        if (window.WholeFrom >= window.WholeTo)
        {
            return;
        }
        var done = new HashSet<DateOnly>();
        await using (var cmd = db.CreateCommand("SELECT day FROM insights_days WHERE day >= $1 AND day < $2"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = Day(window.WholeFrom), NpgsqlDbType = NpgsqlDbType.Date });
            cmd.Parameters.Add(new NpgsqlParameter { Value = Day(window.WholeTo), NpgsqlDbType = NpgsqlDbType.Date });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                done.Add(reader.GetFieldValue<DateOnly>(0));
            }
        }
        for (var day = window.WholeFrom; day < window.WholeTo; day = day.AddDays(1))
        {
            if (!done.Contains(Day(day)))
            {
                await RollUpAsync(day, ct);
            }
        }
    }

    public static DateOnly Day(DateTimeOffset midnight) => DateOnly.FromDateTime(midnight.UtcDateTime);

    /// <summary>One day, in one transaction; the day's row is taken first, so instances rolling up together do it once.</summary>
    private async Task RollUpAsync(DateTimeOffset start, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var set = new NpgsqlCommand("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off", conn, tx))
        {
            await set.ExecuteNonQueryAsync(ct);
        }
        await using (var claim = new NpgsqlCommand("INSERT INTO insights_days (day, rolled_at) VALUES ($1, $2) ON CONFLICT DO NOTHING", conn, tx))
        {
            claim.Parameters.Add(new NpgsqlParameter { Value = Day(start), NpgsqlDbType = NpgsqlDbType.Date });
            claim.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow().UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            if (await claim.ExecuteNonQueryAsync(ct) == 0)
            {
                return; // another report rolled it up meanwhile
            }
        }
        await using var batch = new NpgsqlBatch(conn, tx);
        foreach (var sql in new[]
        {
            $"INSERT INTO insights_sends (day, fingerprint, receiver, sends) SELECT $3, fingerprint, receiver, sends FROM ({InsightsSql.Sends("$1", "$2")}) x",
            $"INSERT INTO insights_groups (day, group_key, receiver, sends) SELECT $3, group_key, receiver, sends FROM ({InsightsSql.Groups("$1", "$2")}) x",
            $"INSERT INTO insights_channels (day, channel, sent, failed, rate_limited) SELECT day, channel, sent, failed, rate_limited FROM ({InsightsSql.Channels("$1", "$2")}) x",
            $"INSERT INTO insights_resolutions (day, fingerprint, started, resolved, receiver, alertname) SELECT $3, fingerprint, started, resolved, receiver, alertname FROM ({InsightsSql.Resolutions("$1", "$2")}) x",
            $"INSERT INTO insights_acks (day, fingerprint, notified, acked, receiver, alertname) SELECT $3, fingerprint, notified, acked, receiver, alertname FROM ({InsightsSql.Acknowledgements("$1", "$2")}) x",
        })
        {
            var cmd = new NpgsqlBatchCommand(sql);
            cmd.Parameters.Add(new NpgsqlParameter { Value = start.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            cmd.Parameters.Add(new NpgsqlParameter { Value = start.AddDays(1).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            cmd.Parameters.Add(new NpgsqlParameter { Value = Day(start), NpgsqlDbType = NpgsqlDbType.Date });
            batch.BatchCommands.Add(cmd);
        }
        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }
}
