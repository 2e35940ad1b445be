using Alerting.Configuration;
using Alerting.Insights;
using Alerting.Outbox;
using Alerting.Persistence;
using Npgsql;

namespace Alerting.Retention;

/// <summary>
/// Garbage collection, as Alertmanager's --data.retention: resolved alerts that no group still holds,
/// and history (events, send attempts, stopped escalation steps) older than the retention, are deleted, after the
/// insights' rollups took in the closed days and hours of that history.
/// </summary>
internal sealed class RetentionCollector(NpgsqlDataSource db, InsightsRollups rollups, ServerOptions options, TimeProvider time,
    ILogger<RetentionCollector> log) : BackgroundService
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
        var cutoff = time.GetUtcNow() - options.Retention;
        try
        {
            // The insights' days and hours are kept from the history about to go (each once, when it has closed).
            await rollups.RollUpRetainedAsync(cutoff, ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // The retention bounds the disk: it goes on, and the insights miss what could not be rolled up.
            log.LogWarning("Rolling up the insights before the retention's delete failed: {Error}", e.Message);
        }
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(AlertRows.DeleteResolvedBefore(cutoff));
        batch.BatchCommands.Add(AlertEvents.DeleteBefore(cutoff));
        batch.BatchCommands.Add(AlertRows.ForgetArrivalsBefore(cutoff));
        batch.BatchCommands.Add(AttemptLog.DeleteBefore(cutoff));
        batch.BatchCommands.Add(Grouping.EscalationRows.DeleteStoppedBefore(cutoff));
        return await batch.ExecuteNonQueryAsync(ct);
    }
}
