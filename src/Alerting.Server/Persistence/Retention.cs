using Alerting.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Persistence;

/// <summary>
/// Garbage collection, as Alertmanager's --data.retention: resolved alerts that no group still holds,
/// and history (events, send attempts) older than the retention, are deleted.
/// </summary>
internal sealed class Retention(NpgsqlDataSource db, ServerOptions options, TimeProvider time, ILogger<Retention> log) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await CollectAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning("Retention pass failed: {Error}", e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One pass. Returns the number of rows deleted.</summary>
    public async Task<int> CollectAsync(CancellationToken ct)
    {
        var cutoff = (time.GetUtcNow() - options.Retention).UtcDateTime;
        string[] statements =
        [
            "DELETE FROM alerts a WHERE a.ends_at < $1 AND NOT EXISTS (SELECT 1 FROM group_members m WHERE m.fingerprint = a.fingerprint)",
            "DELETE FROM alert_events WHERE at < $1",
            "DELETE FROM notification_attempts WHERE at < $1",
        ];
        await using var batch = db.CreateBatch();
        foreach (var sql in statements)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(new NpgsqlParameter { Value = cutoff, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            batch.BatchCommands.Add(command);
        }
        return await batch.ExecuteNonQueryAsync(ct);
    }
}
