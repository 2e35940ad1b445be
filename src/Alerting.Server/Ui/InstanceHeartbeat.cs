using Alerting.Configuration;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Ui;

/// <summary>
/// Each instance keeps a row in <c>instances</c> fresh, so the status page can list the instances sharing
/// this database. Rows not refreshed for a day are removed.
/// </summary>
internal sealed class InstanceHeartbeat(NpgsqlDataSource db, InstanceInfo instance, TimeProvider time, ILogger<InstanceHeartbeat> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    /// <summary>An instance whose row is fresher than this is running: the status page lists it, alertmanager_cluster_members counts it.</summary>
    public static readonly TimeSpan LiveFor = 4 * Interval;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await BeatAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                log.LogDebug("Instance heartbeat failed: {Error}", e.Message);
            }
            try
            {
                await Task.Delay(Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task BeatAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var batch = db.CreateBatch();
        var upsert = new NpgsqlBatchCommand("""
            INSERT INTO instances (name, address, version, started_at, last_seen) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (name) DO UPDATE SET last_seen = EXCLUDED.last_seen
            """);
        upsert.Parameters.Add(new NpgsqlParameter { Value = instance.Name });
        upsert.Parameters.Add(new NpgsqlParameter { Value = instance.Address });
        upsert.Parameters.Add(new NpgsqlParameter { Value = instance.Build });
        upsert.Parameters.Add(new NpgsqlParameter { Value = instance.StartedAt.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        upsert.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        var prune = new NpgsqlBatchCommand("DELETE FROM instances WHERE last_seen < $1");
        prune.Parameters.Add(new NpgsqlParameter { Value = now.AddDays(-1), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        batch.BatchCommands.Add(upsert);
        batch.BatchCommands.Add(prune);
        await batch.ExecuteNonQueryAsync(ct);
    }
}
