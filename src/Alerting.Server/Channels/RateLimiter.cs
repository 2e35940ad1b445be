using Npgsql;
using NpgsqlTypes;

namespace Alerting.Channels;

/// <summary>
/// A sliding-window limit per destination, shared by every instance through PostgreSQL: DingTalk
/// robots take 20 messages a minute, Slack webhooks one a second. A send over the limit is not dropped:
/// the caller is told how long to wait, and the engine's retry waits that long.
/// </summary>
internal sealed class RateLimiter(NpgsqlDataSource db)
{
    /// <summary>Takes a slot at <paramref name="now"/> (the caller's clock). Returns null when taken, or how long until one frees up.</summary>
    public async Task<TimeSpan?> TryAcquireAsync(string key, int limit, TimeSpan window, DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Serialises takers of one key across instances, for this transaction only.
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext($1))", conn, tx))
        {
            lockCmd.Parameters.Add(new NpgsqlParameter { Value = key });
            await lockCmd.ExecuteNonQueryAsync(ct);
        }
        await using (var prune = new NpgsqlCommand("DELETE FROM rate_limit_events WHERE key = $1 AND at <= $2", conn, tx))
        {
            prune.Parameters.Add(new NpgsqlParameter { Value = key });
            prune.Parameters.Add(new NpgsqlParameter { Value = (now - window).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await prune.ExecuteNonQueryAsync(ct);
        }
        long count;
        DateTimeOffset? oldest;
        await using (var read = new NpgsqlCommand("SELECT count(*), min(at) FROM rate_limit_events WHERE key = $1", conn, tx))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = key });
            await using var reader = await read.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            count = reader.GetInt64(0);
            oldest = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1);
        }
        if (count >= limit && oldest is { } first)
        {
            await tx.CommitAsync(ct);
            var wait = first + window - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1);
        }
        await using (var take = new NpgsqlCommand("INSERT INTO rate_limit_events (key, at) VALUES ($1, $2)", conn, tx))
        {
            take.Parameters.Add(new NpgsqlParameter { Value = key });
            take.Parameters.Add(new NpgsqlParameter { Value = now.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await take.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return null;
    }

    /// <summary>A key that names the destination without carrying its secret (the URL's token).</summary>
    public static string KeyFor(string channel, string url) =>
        channel + ":" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(url)))[..16];
}
