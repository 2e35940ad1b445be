using Npgsql;
using NpgsqlTypes;

namespace Alerting.Insights;

/// <summary>
/// Daily and hourly rollups of the insights' facts (tables insights_* and insights_*_hourly), so that a report reads a
/// few thousand rows per day and at most an hour of history at each edge. Made when a report first needs them, one
/// closed UTC day or hour at a time, by the statements that read the history (<see cref="InsightsSql"/>), and by the
/// retention collector before it deletes history (<see cref="RollUpRetainedAsync"/>): the engine's writes pay nothing
/// for them. A day or hour is closed <see cref="Settle"/> after it ends; history written into it
/// later (a clock far behind) is not counted.
/// </summary>
internal sealed class InsightsRollups(NpgsqlDataSource db, TimeProvider time)
{
    public static readonly TimeSpan Settle = TimeSpan.FromMinutes(10);

    /// <summary>Hourly rollups older than this are deleted: no period reaches back so far.</summary>
    private static readonly TimeSpan KeepHours = TimeSpan.FromDays(32);

    /// <summary>
    /// The period [from, to), with the closed hours and whole closed days in it that the rollups serve (no hour: all four
    /// bounds are <paramref name="to"/>; hours but no day: both day bounds are the first hour).
    /// </summary>
    public static InsightsWindow Window(DateTimeOffset from, DateTimeOffset to)
    {
        var hourFrom = Ceiling(from, TimeSpan.FromHours(1));
        var hourTo = Floor(to - Settle, TimeSpan.FromHours(1));
        if (hourFrom >= hourTo)
        {
            return new InsightsWindow(from, to, to, to, to, to);
        }
        var wholeFrom = Ceiling(from, TimeSpan.FromDays(1));
        var wholeTo = Floor(to - Settle, TimeSpan.FromDays(1));
        return wholeFrom < wholeTo
            ? new InsightsWindow(from, to, hourFrom, hourTo, wholeFrom, wholeTo)
            : new InsightsWindow(from, to, hourFrom, hourTo, hourFrom, hourFrom);
    }

    private static DateTimeOffset Floor(DateTimeOffset t, TimeSpan unit) =>
        new(t.UtcTicks - t.UtcTicks % unit.Ticks, TimeSpan.Zero);

    /// <summary>Rolls up the window's whole days and its closed hours outside them that are not yet.</summary>
    public async Task EnsureAsync(InsightsWindow window, CancellationToken ct)
    {
        if (window.HourFrom >= window.HourTo)
        {
            return;
        }
        var hours = Slices(window.HourFrom, window.WholeFrom, TimeSpan.FromHours(1)).Concat(Slices(window.WholeTo, window.HourTo, TimeSpan.FromHours(1))).ToList();
        await RollUpMissingAsync(Slices(window.WholeFrom, window.WholeTo, TimeSpan.FromDays(1)), hours, ct);
    }

    /// <summary>
    /// Rolls up every closed day and hour that the history still holds whole (from <paramref name="cutoff"/>, the
    /// retention's, on; hours only as far back as they are kept). The retention collector calls it before it deletes,
    /// so a 7d or 30d report keeps the days that a shorter retention (120h by default) has deleted.
    /// </summary>
    public async Task RollUpRetainedAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        var closed = time.GetUtcNow() - Settle;
        var hoursFrom = Ceiling(cutoff > closed - KeepHours ? cutoff : closed - KeepHours, TimeSpan.FromHours(1));
        await RollUpMissingAsync(
            Slices(Ceiling(cutoff, TimeSpan.FromDays(1)), Floor(closed, TimeSpan.FromDays(1)), TimeSpan.FromDays(1)),
            Slices(hoursFrom, Floor(closed, TimeSpan.FromHours(1)), TimeSpan.FromHours(1)), ct);
    }

    private static DateTimeOffset Ceiling(DateTimeOffset t, TimeSpan unit) => Floor(t, unit) is var f && f == t ? f : f + unit;

    private static List<DateTimeOffset> Slices(DateTimeOffset from, DateTimeOffset to, TimeSpan length)
    {
        var starts = new List<DateTimeOffset>();
        for (var start = from; start < to; start += length)
        {
            starts.Add(start);
        }
        return starts;
    }

    private async Task RollUpMissingAsync(List<DateTimeOffset> days, List<DateTimeOffset> hours, CancellationToken ct)
    {
        foreach (var day in await MissingAsync("SELECT day::timestamp AT TIME ZONE 'UTC' FROM insights_days WHERE day >= ($1 AT TIME ZONE 'UTC')::date AND day < ($2 AT TIME ZONE 'UTC')::date",
            days, TimeSpan.FromDays(1), ct))
        {
            await RollUpAsync(day, TimeSpan.FromDays(1), ct);
        }
        foreach (var hour in await MissingAsync("SELECT hour FROM insights_hours WHERE hour >= $1 AND hour < $2", hours, TimeSpan.FromHours(1), ct))
        {
            await RollUpAsync(hour, TimeSpan.FromHours(1), ct);
        }
    }

    /// <summary>Those of <paramref name="starts"/> (each a slice of <paramref name="length"/>) that the claim table does not list.</summary>
    private async Task<IEnumerable<DateTimeOffset>> MissingAsync(string sql, List<DateTimeOffset> starts, TimeSpan length, CancellationToken ct)
    {
        if (starts.Count == 0)
        {
            return starts;
        }
        var done = new HashSet<DateTimeOffset>();
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter { Value = starts.Min().UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = starts.Max().Add(length).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            done.Add(new DateTimeOffset(reader.GetDateTime(0), TimeSpan.Zero));
        }
        return starts.Where(s => !done.Contains(s));
    }

    public static DateOnly Day(DateTimeOffset midnight) => DateOnly.FromDateTime(midnight.UtcDateTime);

    /// <summary>
    /// One day or hour, in one transaction; its claim row is taken first, so instances rolling up together do it once.
    /// An hour also deletes the hourly rows no period reaches any more.
    /// </summary>
    private async Task RollUpAsync(DateTimeOffset start, TimeSpan length, CancellationToken ct)
    {
        var hourly = length < TimeSpan.FromDays(1);
        var (suffix, hourColumn, hourValue) = hourly ? ("_hourly", "hour, ", "$1, ") : ("", "", "");
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var set = new NpgsqlCommand("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off", conn, tx))
        {
            await set.ExecuteNonQueryAsync(ct);
        }
        var claimSql = hourly
            ? "INSERT INTO insights_hours (hour, rolled_at) VALUES ($1, $3) ON CONFLICT DO NOTHING"
            : "INSERT INTO insights_days (day, rolled_at) VALUES ($2, $3) ON CONFLICT DO NOTHING";
        await using (var claim = new NpgsqlCommand(claimSql, conn, tx))
        {
            claim.Parameters.Add(new NpgsqlParameter { Value = start.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
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
            $"INSERT INTO insights_sends{suffix} ({hourColumn}day, fingerprint, receiver, sends) SELECT {hourValue}$3, fingerprint, receiver, sends FROM ({InsightsSql.Sends("$1", "$2")}) x",
            $"INSERT INTO insights_groups{suffix} ({hourColumn}day, group_key, receiver, sends) SELECT {hourValue}$3, group_key, receiver, sends FROM ({InsightsSql.Groups("$1", "$2")}) x",
            $"INSERT INTO insights_channels{suffix} ({hourColumn}day, channel, sent, failed, rate_limited) SELECT {hourValue}day, channel, sent, failed, rate_limited FROM ({InsightsSql.Channels("$1", "$2")}) x",
            $"INSERT INTO insights_resolutions{suffix} ({hourColumn}day, fingerprint, started, resolved, receiver, alertname) SELECT {hourValue}$3, fingerprint, started, resolved, receiver, alertname FROM ({InsightsSql.Resolutions("$1", "$2")}) x",
            $"INSERT INTO insights_acks{suffix} ({hourColumn}day, fingerprint, notified, acked, receiver, alertname) SELECT {hourValue}$3, fingerprint, notified, acked, receiver, alertname FROM ({InsightsSql.Acknowledgements("$1", "$2")}) x",
        })
        {
            batch.BatchCommands.Add(Slice(sql, start, length));
        }
        if (hourly)
        {
            foreach (var table in new[] { "insights_sends_hourly", "insights_groups_hourly", "insights_channels_hourly", "insights_resolutions_hourly", "insights_acks_hourly", "insights_hours" })
            {
                var prune = new NpgsqlBatchCommand($"DELETE FROM {table} WHERE hour < $1");
                prune.Parameters.Add(new NpgsqlParameter { Value = (start - KeepHours).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                batch.BatchCommands.Add(prune);
            }
        }
        await batch.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>A statement over the slice [$1, $2) of the day $3.</summary>
    private static NpgsqlBatchCommand Slice(string sql, DateTimeOffset start, TimeSpan length)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter { Value = start.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = start.Add(length).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = Day(start), NpgsqlDbType = NpgsqlDbType.Date });
        return cmd;
    }
}
