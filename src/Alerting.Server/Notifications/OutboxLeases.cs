using Alerting.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace Alerting.Notifications;

/// <summary>
/// Keeps the leases of the outbox rows this instance is sending alive, in one statement every few seconds.
/// The lease can then be short (a crashed sender's rows come back within <see cref="Delivery.Lease"/>) and still
/// outlast the longest attempt and the retries that follow it.
/// </summary>
internal sealed class OutboxLeases(NpgsqlDataSource db, Delivery delivery, InstanceInfo instance, TimeProvider time, ILogger<OutboxLeases> log) : BackgroundService
{
    internal static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>After a failure, sooner: once the database is back, our leases must be renewed before others sweep them.</summary>
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = Interval;
            try
            {
                await RenewAsync(stoppingToken);
            }
            catch (Exception e) when (Delivery.StoreFailure(e) && !stoppingToken.IsCancellationRequested)
            {
                log.LogWarning("Renewing outbox leases failed: {Error}", e.Message);
                wait = RetryInterval;
            }
            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task RenewAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var ids = delivery.InFlight;
        if (ids.Length > 0)
        {
            await using var cmd = db.CreateCommand("UPDATE outbox SET lease_until = $2 WHERE id = ANY($1) AND lease_owner = $3");
            cmd.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (now + Delivery.Lease).UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            cmd.Parameters.Add(new NpgsqlParameter { Value = instance.Name });
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}
